import Foundation
import GRDB

extension StudyStore {
    /// The schema, one named migration at a time. A released migration is never edited:
    /// changes come as new migrations ("v2-…").
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-studies") { db in
            // Marks the file as ours in the SQLite header itself, where it can be read
            // without opening the database (see `inspect`).
            try db.execute(sql: "PRAGMA application_id = " + String(StudyStore.applicationID))
            try db.execute(sql: "PRAGMA user_version = 1")
            try db.create(table: "meta") { t in
                t.primaryKey("key", .text)
                t.column("value", .text).notNull()
            }
            try db.execute(literal: "INSERT INTO meta (key, value) VALUES ('format', \(StudyStore.formatName))")
            try db.create(table: "study") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("name", .text).notNull().unique()
                t.column("datasetPath", .text).notNull()
                t.column("mode", .text).notNull()
                t.column("seed", .integer).notNull()
                t.column("repeatFraction", .double).notNull()
                t.column("definition", .text).notNull()
                t.column("createdAt", .datetime).notNull()
            }
            try db.create(table: "studyModel") { t in
                t.autoIncrementedPrimaryKey("id")
                t.belongsTo("study", onDelete: .cascade).notNull()
                t.column("name", .text).notNull()
                t.column("weightsPath", .text).notNull()
                t.column("position", .integer).notNull()
                t.uniqueKey(["studyId", "name"])
            }
            try db.create(table: "question") { t in
                t.autoIncrementedPrimaryKey("id")
                t.belongsTo("study", onDelete: .cascade).notNull()
                t.column("key", .text).notNull()
                t.column("position", .integer).notNull()
                t.column("definition", .text).notNull()
                t.uniqueKey(["studyId", "key"])
            }
            try db.create(table: "studyCase") { t in
                t.autoIncrementedPrimaryKey("id")
                t.belongsTo("study", onDelete: .cascade).notNull()
                t.column("caseId", .text).notNull()
                t.column("organ", .text).notNull()
                t.column("lowDevice", .text).notNull()
                t.column("highDevice", .text).notNull()
                t.column("split", .text)
                t.column("lowPath", .text).notNull()
                t.column("highPath", .text)
                t.column("isCalibration", .boolean).notNull()
                t.column("position", .integer).notNull()
                t.uniqueKey(["studyId", "caseId"])
            }
            try db.create(table: "reader") { t in
                t.autoIncrementedPrimaryKey("id")
                t.belongsTo("study", onDelete: .cascade).notNull()
                t.column("name", .text).notNull()
                t.column("enrolledAt", .datetime).notNull()
                t.column("finalisedAt", .datetime)
                t.column("cursor", .integer).notNull()
                t.uniqueKey(["studyId", "name"])
            }
            try db.create(table: "presentation") { t in
                t.autoIncrementedPrimaryKey("id")
                t.belongsTo("reader", onDelete: .cascade).notNull()
                t.belongsTo("studyCase", onDelete: .cascade).notNull()
                t.column("position", .integer).notNull()
                t.column("isRepeat", .boolean).notNull()
                t.column("isCalibration", .boolean).notNull()
                t.column("panels", .text).notNull()
                t.uniqueKey(["readerId", "position"])
            }
            try db.create(table: "submission") { t in
                t.autoIncrementedPrimaryKey("id")
                t.belongsTo("presentation", onDelete: .cascade).notNull()
                t.column("revision", .integer).notNull()
                t.column("startedAt", .datetime).notNull()
                t.column("submittedAt", .datetime).notNull()
                t.column("durationMs", .integer).notNull()
                t.uniqueKey(["presentationId", "revision"])
            }
            try db.create(table: "answer") { t in
                t.autoIncrementedPrimaryKey("id")
                t.belongsTo("submission", onDelete: .cascade).notNull()
                t.column("questionKey", .text).notNull()
                t.column("panelLabel", .text).notNull()
                t.column("value", .text).notNull()
                t.uniqueKey(["submissionId", "questionKey", "panelLabel"])
            }
            // The audit trail is append-only: answers and answer sets are never changed.
            try db.execute(sql: """
                CREATE TRIGGER answer_no_update BEFORE UPDATE ON answer
                BEGIN SELECT RAISE(ABORT, 'answers are never changed in place; submit a revision'); END;
                CREATE TRIGGER submission_no_update BEFORE UPDATE ON submission
                BEGIN SELECT RAISE(ABORT, 'answer sets are never changed in place; submit a revision'); END;
                """)
        }
        // Readers are enrolled by the coordinator, who can also disable one.
        migrator.registerMigration("v2-enrolment") { db in
            try db.alter(table: "reader") { t in t.add(column: "disabledAt", .datetime) }
        }
        return migrator
    }
}
