import Foundation

/// Which part of a study or a training run a case belongs to.
public enum Split: String, Codable, CaseIterable, Sendable, Comparable {
    case train, validation, test

    public static func < (lhs: Split, rhs: Split) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}

/// One USEnhance case: a low-quality image and, in the training archive, the
/// high-quality reference of the same anatomy. Images are not decoded here.
public struct Case: Codable, Equatable, Identifiable, Sendable {
    /// The 4-digit file name without extension ("0838"): the challenge's case ID.
    public let id: String
    public let organ: Organ
    public let devices: DevicePair
    public let lowPath: URL
    /// Absent for the test archive, which ships no references.
    public let highPath: URL?
    /// Nil when the case is in no split (a user-supplied split file that omits it).
    public var split: Split?

    public var number: Int { Int(id) ?? 0 }
    public var isPaired: Bool { highPath != nil }

    public init(id: String, organ: Organ, devices: DevicePair, lowPath: URL, highPath: URL?, split: Split?) {
        self.id = id
        self.organ = organ
        self.devices = devices
        self.lowPath = lowPath
        self.highPath = highPath
        self.split = split
    }
}

/// Something odd in a dataset folder that does not stop indexing.
public enum IndexWarning: Equatable, Sendable, CustomStringConvertible {
    /// Only one image of a pair exists.
    case unpaired(path: String, missing: String)
    /// A file or folder that is not part of the USEnhance layout.
    case unknownEntry(path: String)
    /// An expected folder is absent.
    case missingFolder(path: String)
    /// Byte-identical image files (e.g. the known liver duplicate 0838/0841).
    case identicalImages(paths: [String])
    /// A case whose ID lies outside its organ folder's ID range.
    case idOutsideOrganRange(path: String, organ: Organ)
    /// The same case ID in two places.
    case duplicateID(id: String, paths: [String])
    /// The split file does not mention these cases; they are in no split.
    case notInSplitFile(path: String, ids: [String])
    /// The split file names cases the dataset does not have.
    case unknownInSplitFile(path: String, ids: [String])

    public var description: String {
        switch self {
        case let .unpaired(path, missing):
            return "\(path): unpaired, no \(missing) image with the same name; left out of the case list"
        case let .unknownEntry(path):
            return "\(path): not part of the USEnhance layout; ignored"
        case let .missingFolder(path):
            return "\(path): folder missing"
        case let .identicalImages(paths):
            return "identical image files (data-quality issue): \(paths.joined(separator: ", "))"
        case let .idOutsideOrganRange(path, organ):
            return "\(path): ID outside the \(organ.rawValue) range \(organ.idRange.lowerBound)–\(organ.idRange.upperBound); kept as \(organ.rawValue)"
        case let .duplicateID(id, paths):
            return "case \(id) appears more than once: \(paths.joined(separator: ", ")); the first is used"
        case let .notInSplitFile(path, ids):
            return "\(path): \(ids.count) case(s) not in the split file (\(Self.abbreviate(ids))); they are in no split. Remove the file to re-split"
        case let .unknownInSplitFile(path, ids):
            return "\(path): names \(ids.count) case(s) the dataset does not have (\(Self.abbreviate(ids)))"
        }
    }

    private static func abbreviate(_ ids: [String]) -> String {
        ids.count <= 5 ? ids.joined(separator: ", ") : ids.prefix(5).joined(separator: ", ") + ", …"
    }
}
