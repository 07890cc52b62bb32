/// The five organs of USEnhance 2023, in the order of the dataset's numbering.
public enum Organ: String, CaseIterable, Codable, Sendable, Comparable {
    case thyroid, carotid, liver, kidney, breast

    /// The case IDs of this organ: one 4-digit numbering runs over all organs, so the
    /// flat test archive (no organ folders) can be sorted by ID alone.
    public var idRange: ClosedRange<Int> {
        switch self {
        case .thyroid: return 1...416
        case .carotid: return 417...824
        case .liver: return 825...1037
        case .kidney: return 1038...1212
        case .breast: return 1213...1500
        }
    }

    /// The organ whose ID range holds `caseID`, or nil outside 1…1500.
    public init?(caseID: Int) {
        guard let organ = Organ.allCases.first(where: { $0.idRange.contains(caseID) }) else { return nil }
        self = organ
    }

    public static func < (lhs: Organ, rhs: Organ) -> Bool {
        lhs.idRange.lowerBound < rhs.idRange.lowerBound
    }
}
