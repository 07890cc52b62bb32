import Foundation
import GRDB

/// A person reading one study. Readers are per study: the same person in two studies
/// is two rows, each with its own case order.
public struct Reader: Codable, Identifiable, Equatable, Sendable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "reader"

    public var id: Int64?
    public var studyId: Int64
    public var name: String
    public var enrolledAt: Date
    /// Set when the reader finalises: no revision is accepted afterwards.
    public var finalisedAt: Date?
    /// Set when the coordinator disables the reader: they can no longer open the study.
    public var disabledAt: Date?
    /// The list position of the reader's last submit or skip: reading resumes at the
    /// first unanswered case after it, so a quit or a crash returns to the same place.
    public var cursor: Int

    public enum Columns {
        public static let id = Column(CodingKeys.id)
        public static let studyId = Column(CodingKeys.studyId)
        public static let name = Column(CodingKeys.name)
        public static let finalisedAt = Column(CodingKeys.finalisedAt)
        public static let disabledAt = Column(CodingKeys.disabledAt)
        public static let cursor = Column(CodingKeys.cursor)
    }

    public var isFinalised: Bool { finalisedAt != nil }
    public var isDisabled: Bool { disabledAt != nil }

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}
