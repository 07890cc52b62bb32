import Foundation
import GRDB

/// One showing of one case to one reader: where it falls in the reader's list and
/// which image goes in which panel under which label. Drawn once, when the reader
/// enrols, and stored, so the placement a reader saw is a fact of the record rather
/// than something recomputed.
public struct Presentation: Codable, Identifiable, Equatable, Sendable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "presentation"

    public var id: Int64?
    public var readerId: Int64
    public var studyCaseId: Int64
    /// 0-based place in the reader's list.
    public var position: Int
    /// A second showing of a case, for intra-reader agreement.
    public var isRepeat: Bool
    public var isCalibration: Bool

    public enum Columns {
        public static let id = Column(CodingKeys.id)
        public static let readerId = Column(CodingKeys.readerId)
        public static let position = Column(CodingKeys.position)
    }

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

/// What an image panel shows.
public enum ImageSource: Codable, Hashable, Sendable {
    /// The portable scanner's image: the source whose anatomy must be preserved.
    case low
    /// The high-end scanner's image of the same anatomy.
    case high
    /// A generator's enhancement of the low image.
    case model(String)

    /// The source as stored (`panelKey.source`): "low", "high" or the model's name
    /// (a study's model names are never "low" or "high").
    public init(storedName: String) {
        switch storedName {
        case "low": self = .low
        case "high": self = .high
        default: self = .model(storedName)
        }
    }

    /// The name the results use: the model name, or "low" / "high".
    public var resultName: String {
        switch self {
        case .low: return "low"
        case .high: return "high"
        case let .model(name): return name
        }
    }
}

/// One image panel: its label on screen, its place (1 = leftmost), and whether it is
/// the reference (shown, not rated) or a candidate (rated).
public struct Panel: Codable, Hashable, Sendable {
    public var label: String
    public var source: ImageSource
    public var position: Int
    public var isReference: Bool

    public init(label: String, source: ImageSource, position: Int, isReference: Bool) {
        self.label = label
        self.source = source
        self.position = position
        self.isReference = isReference
    }
}
