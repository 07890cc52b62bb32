import Foundation
import GRDB

/// One submitted answer set: everything a reader answered about one presentation at
/// one time. A revision is a new submission with the next revision number; nothing is
/// updated in place, so the rows are the audit trail.
public struct Submission: Codable, Identifiable, Equatable, Sendable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "submission"

    public var id: Int64?
    public var presentationId: Int64
    /// 1 for the first answer set, 2 for the first revision, …
    public var revision: Int
    /// When the case was displayed.
    public var startedAt: Date
    public var submittedAt: Date
    /// Display to submit, in milliseconds (measured on the monotonic clock).
    public var durationMs: Int64
    /// The client's token for this answer set (`AnswerSet.clientToken`): a retry finds it.
    public var clientToken: String?

    public enum Columns {
        public static let id = Column(CodingKeys.id)
        public static let clientToken = Column(CodingKeys.clientToken)
        public static let presentationId = Column(CodingKeys.presentationId)
        public static let revision = Column(CodingKeys.revision)
    }

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

/// One answer to one question, about one candidate panel (by its label) or, for
/// questions about the whole case (preference, ranking, comment), about none (`""`).
public struct Answer: Codable, Identifiable, Equatable, Sendable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "answer"

    public var id: Int64?
    public var submissionId: Int64
    public var questionKey: String
    /// The panel label the answer is about ("A", "ENHANCED"), or "" for the case.
    public var panelLabel: String
    /// The answer as text: a Likert point "4", "yes"/"no", a choice, free text, a
    /// panel label (preference) or labels best first joined by ">" (ranking).
    public var value: String

    public enum Columns {
        public static let submissionId = Column(CodingKeys.submissionId)
        public static let questionKey = Column(CodingKeys.questionKey)
    }

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}
