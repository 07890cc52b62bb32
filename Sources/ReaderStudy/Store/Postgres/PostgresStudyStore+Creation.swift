import Dataset
import Foundation

extension PostgresStudyStore {
    /// Creates and freezes a study in one transaction: the definition and its key, the
    /// cases, and each (case, source) image rendered once by `renderer` — LOW, HIGH when
    /// the case has one, and each model's enhancement — whatever readers later show it.
    @discardableResult
    public func createStudy(_ definition: StudyDefinition, cases: [Case], calibration: [Case], renderer: any PanelRenderer,
                            now: Date, progress: (Int, Int) -> Void) throws -> StudySnapshot {
        try definition.validate()
        guard !cases.isEmpty else { throw StudyDefinitionError.noCases(reason: "the case list is empty") }
        let calibrationIDs = Set(calibration.map(\.id))
        let ordered = calibration + cases.filter { !calibrationIDs.contains($0.id) }
        let sources: [ImageSource] = [.low, .high] + definition.models.map { .model($0.name) }
        let total = ordered.count * sources.count
        let json = try definition.json()
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        try transaction("create a study") { db in
            let digests = try renderer.modelDigests()
            if try !db.execute("SELECT 1 FROM usreview.study WHERE name = $1", [definition.name]).rows.isEmpty {
                throw StudyStoreError.studyExists(name: definition.name, path: location)
            }
            let studyId = String(PostgresValues.int64(try db.execute("""
                INSERT INTO usreview.study (name, mode, created_at) VALUES ($1, $2, $3) RETURNING id
                """, [definition.name, definition.mode.rawValue, PostgresValues.timestamp(now)]).rows[0][0]))
            try db.execute("""
                INSERT INTO usreview.study_key (study_id, seed, dataset_path, definition) VALUES ($1, $2, $3, $4::jsonb)
                """, [studyId, String(Int64(bitPattern: definition.seed)), definition.datasetPath, json])
            for (position, model) in definition.models.enumerated() {
                guard let digest = digests[model.name] else {
                    throw StudyStoreError.writeFailed(path: location, reason: "no SHA-256 for model \(model.name)'s weights")
                }
                try db.execute("""
                    INSERT INTO usreview.study_model (study_id, name, weights_path, weights_sha256, position)
                    VALUES ($1, $2, $3, $4, $5)
                    """, [studyId, model.name, model.weights, digest, String(position)])
            }
            for (position, question) in definition.questions.enumerated() {
                try db.execute("INSERT INTO usreview.question (study_id, key, position, definition) VALUES ($1, $2, $3, $4::jsonb)",
                               [studyId, question.key, String(position),
                                String(decoding: try encoder.encode(question), as: UTF8.self)])
            }
            var done = 0
            for (position, item) in ordered.enumerated() {
                let caseRow = try db.execute("""
                    INSERT INTO usreview.study_case (study_id, case_id, organ, low_device, high_device, is_calibration, position)
                    VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id
                    """, [studyId, item.id, item.organ.rawValue, item.devices.low, item.devices.high,
                          calibrationIDs.contains(item.id) ? "true" : "false", String(position)]).rows[0][0]
                var sourceDigests: [ImageSource: String] = [:]
                for source in sources {
                    if let (image, sourceDigest) = try renderer.render(item, source: source) {
                        sourceDigests[source] = sourceDigest
                        try db.execute("""
                            WITH image AS (
                              INSERT INTO usreview.panel_image (width, height, png) VALUES ($1::int, $2::int, $3::bytea) RETURNING id)
                            INSERT INTO usreview.panel_image_key (image_id, study_case_id, source, png_sha256, source_sha256)
                            SELECT id, $4::bigint, $5::text, $6::text, $7::text FROM image
                            """, [String(image.width), String(image.height), PostgresValues.bytea(image.png), caseRow,
                                  PostgresValues.source(source), SHA256.hex(image.png), sourceDigest])
                    }
                    done += 1
                    progress(done, total)
                }
                guard let lowDigest = sourceDigests[.low] else {
                    throw StudyStoreError.writeFailed(path: location, reason: "case \(item.id) has no LOW image to show")
                }
                try db.execute("""
                    INSERT INTO usreview.case_source (study_case_id, split, low_path, low_sha256, high_path, high_sha256)
                    VALUES ($1, $2, $3, $4, $5, $6)
                    """, [caseRow, item.split?.rawValue, item.lowPath.path, lowDigest, item.highPath?.path,
                          sourceDigests[.high]])
            }
        }
        return try study(named: definition.name)
    }
}
