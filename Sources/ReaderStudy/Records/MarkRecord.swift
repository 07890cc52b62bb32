import Foundation
import GRDB

/// One stored mark (`StoredMark` as a row of the `mark` table).
struct MarkRecord: Codable, Equatable, FetchableRecord, MutablePersistableRecord {
    static let databaseTableName = "mark"

    var id: Int64?
    var submissionId: Int64
    var ordinal: Int
    var questionKey: String
    var panelLabel: String
    var category: String
    var shape: String
    var x: Int
    var y: Int
    var width: Int?
    var height: Int?
    var confidence: Int

    enum Columns {
        static let submissionId = Column(CodingKeys.submissionId)
        static let ordinal = Column(CodingKeys.ordinal)
    }

    init(submissionId: Int64, ordinal: Int, mark: PendingMark) {
        self.submissionId = submissionId
        self.ordinal = ordinal
        questionKey = mark.questionKey
        panelLabel = mark.panelLabel
        category = mark.category
        shape = mark.shape.kindName
        x = mark.shape.x
        y = mark.shape.y
        width = mark.shape.size?.width
        height = mark.shape.size?.height
        confidence = mark.confidence
    }

    /// nil for a row whose shape the table's CHECK would not have let in.
    var stored: StoredMark? {
        guard let shape = MarkShape(kind: shape, x: x, y: y, width: width, height: height) else { return nil }
        return StoredMark(id: id, submissionId: submissionId, ordinal: ordinal,
                          mark: PendingMark(questionKey: questionKey, panelLabel: panelLabel, category: category,
                                            shape: shape, confidence: confidence))
    }

    mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}
