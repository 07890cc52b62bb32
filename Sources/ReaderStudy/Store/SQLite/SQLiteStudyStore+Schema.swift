import Foundation
import GRDB

extension SQLiteStudyStore {
    /// The schema, one named migration at a time. A released migration is never edited:
    /// changes come as new migrations ("v2-…").
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-studies") { db in
            // Marks the file as ours in the SQLite header itself, where it can be read
            // without opening the database (see `inspect`).
            try db.execute(sql: "PRAGMA application_id = " + String(SQLiteStudyStore.applicationID))
            try db.execute(sql: "PRAGMA user_version = 1")
            try db.create(table: "meta") { t in
                t.primaryKey("key", .text)
                t.column("value", .text).notNull()
            }
            try db.execute(literal: "INSERT INTO meta (key, value) VALUES ('format', \(SQLiteStudyStore.formatName))")
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
        // Studies are frozen at creation: panel images are stored, and what a reader may
        // read is split from the key (which image or model stands behind a label).
        migrator.registerMigration("v3-frozen") { db in
            try db.create(table: "panelImage") { t in
                t.primaryKey("id", .text)
                t.column("width", .integer).notNull()
                t.column("height", .integer).notNull()
                t.column("png", .blob).notNull()
            }
            try db.create(table: "panelImageKey") { t in
                t.primaryKey("imageId", .text).references("panelImage", onDelete: .cascade)
                t.belongsTo("studyCase", onDelete: .cascade).notNull()
                t.column("source", .text).notNull()
                t.column("pngSha256", .text).notNull()
                t.column("sourceSha256", .text).notNull()
                t.uniqueKey(["studyCaseId", "source"])
            }
            try db.create(table: "panel") { t in
                t.column("presentationId", .integer).notNull().indexed()
                    .references("presentation", onDelete: .cascade)
                t.column("label", .text).notNull()
                t.column("position", .integer).notNull()
                t.column("isReference", .boolean).notNull()
                t.column("imageId", .text).indexed().references("panelImage")
                t.primaryKey(["presentationId", "label"])
            }
            try db.create(table: "panelKey") { t in
                t.column("presentationId", .integer).notNull()
                t.column("label", .text).notNull()
                t.column("source", .text).notNull()
                t.primaryKey(["presentationId", "label"])
                t.foreignKey(["presentationId", "label"], references: "panel", onDelete: .cascade)
            }
            try db.create(table: "readerLease") { t in
                t.primaryKey("readerId", .integer).references("reader", onDelete: .cascade)
                t.column("holder", .text).notNull()
                t.column("acquiredAt", .datetime).notNull()
                t.column("expiresAt", .datetime).notNull()
            }
            try db.alter(table: "submission") { t in t.add(column: "clientToken", .text) }
            try db.execute(sql: "CREATE UNIQUE INDEX submission_clientToken ON submission(clientToken) WHERE clientToken IS NOT NULL")
            try db.alter(table: "studyModel") { t in t.add(column: "weightsSha256", .text) }
            try db.alter(table: "studyCase") { t in
                t.add(column: "lowSha256", .text)
                t.add(column: "highSha256", .text)
            }
            // Older studies keep their placements (their answers stay exportable) but have
            // no images: reading them throws `notFrozen`.
            let rows = try Row.fetchAll(db, sql: "SELECT id, panels FROM presentation")
            for row in rows {
                let presentationId: Int64 = row["id"]
                let json: String = row["panels"]
                for panel in try JSONDecoder().decode([Panel].self, from: Data(json.utf8)) {
                    try PanelRecord(presentationId: presentationId, label: panel.label, position: panel.position,
                                    isReference: panel.isReference, imageId: nil).insert(db)
                    try PanelKeyRecord(presentationId: presentationId, label: panel.label,
                                       source: panel.source.resultName).insert(db)
                }
            }
            try db.alter(table: "presentation") { t in t.drop(column: "panels") }
        }
        // Marks: where on a candidate image a reader saw something wrong, part of the
        // answer set as its answers are (PostgresSchema's `mark` is the same table).
        migrator.registerMigration("v4-marks") { db in
            try db.create(table: "mark") { t in
                t.autoIncrementedPrimaryKey("id")
                t.belongsTo("submission", onDelete: .cascade).notNull()
                t.column("ordinal", .integer).notNull().check { $0 >= 0 && $0 < 100 }  // PendingMark.limitPerAnswerSet
                t.column("questionKey", .text).notNull()
                t.column("panelLabel", .text).notNull()
                t.column("category", .text).notNull()
                t.column("shape", .text).notNull().check(sql: "shape IN ('point', 'box')")
                t.column("x", .integer).notNull().check { $0 >= 0 }
                t.column("y", .integer).notNull().check { $0 >= 0 }
                t.column("width", .integer)
                t.column("height", .integer)
                t.column("confidence", .integer).notNull().check(sql: "confidence BETWEEN 1 AND 5")
                t.check(sql: """
                    (shape = 'point' AND width IS NULL AND height IS NULL)
                    OR (shape = 'box' AND width >= 1 AND height >= 1)
                    """)
                t.uniqueKey(["submissionId", "ordinal"])
            }
            try db.execute(sql: """
                CREATE TRIGGER mark_no_update BEFORE UPDATE ON mark
                BEGIN SELECT RAISE(ABORT, 'marks are never changed in place; submit a revision'); END;
                """)
        }
        return migrator
    }
}
