import Foundation
import GRDB

/// A question of a study, as stored: the definition (`QuestionDefinition`) as JSON
/// plus its place in the form.
public struct Question: Codable, Identifiable, Equatable, Sendable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "question"

    public var id: Int64?
    public var studyId: Int64
    /// The short name used in answers and exports ("fidelity").
    public var key: String
    public var position: Int
    /// `QuestionDefinition` as JSON.
    public var definition: String

    public enum Columns {
        public static let studyId = Column(CodingKeys.studyId)
        public static let key = Column(CodingKeys.key)
        public static let position = Column(CodingKeys.position)
    }

    public func decoded() throws -> QuestionDefinition {
        try JSONDecoder().decode(QuestionDefinition.self, from: Data(definition.utf8))
    }

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}
