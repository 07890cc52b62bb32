import Foundation
import GRDB

/// One reader study: what is read (its cases and models), how (open or blinded), and
/// with which questions. The full definition is kept as JSON so that a study can be
/// compared with another database's copy of it (merging) and replayed exactly.
public struct Study: Codable, Identifiable, Equatable, Sendable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "study"

    public var id: Int64?
    public var name: String
    public var datasetPath: String
    public var mode: StudyMode
    /// Stored as the bit pattern of the 64-bit seed (SQLite integers are signed).
    public var seed: Int64
    public var repeatFraction: Double
    /// The `StudyDefinition` as JSON.
    public var definition: String
    public var createdAt: Date

    public enum Columns {
        public static let id = Column(CodingKeys.id)
        public static let name = Column(CodingKeys.name)
    }

    public var seedValue: UInt64 { UInt64(bitPattern: seed) }

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

/// `open`: panels labelled LOW / ENHANCED / HIGH, model names and metrics visible.
/// `blinded`: the source shown as the reference and the candidates labelled A, B, …
/// in an order drawn per case and per reader; model identity hidden everywhere.
public enum StudyMode: String, Codable, Sendable, CaseIterable, DatabaseValueConvertible {
    case open, blinded
}

/// A generator under study: its name in the results and its weights file.
public struct StudyModel: Codable, Identifiable, Equatable, Sendable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "studyModel"

    public var id: Int64?
    public var studyId: Int64
    public var name: String
    public var weightsPath: String
    public var position: Int
    /// SHA-256 of the weights file the panels were rendered with (nil: made before v3).
    public var weightsSha256: String?

    public enum Columns {
        public static let studyId = Column(CodingKeys.studyId)
        public static let position = Column(CodingKeys.position)
    }

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}
