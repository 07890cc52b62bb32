import Dataset
import Foundation

/// The coordinator's views: the whole study with its key, presentations, answers
/// unblinded, progress. Each reads a key table, which a reader's login may not, so the
/// server refuses them to readers (mapped to `coordinatorOnly`).
extension PostgresStudyStore {
    public func studyNames() throws -> [String] {
        try call("list the studies") { db in
            try db.execute("""
                SELECT s.name FROM usreview.study s JOIN usreview.study_key k ON k.study_id = s.id ORDER BY s.name
                """).rows.compactMap { $0[0] }
        }
    }

    public func study(named name: String) throws -> StudySnapshot {
        try call("read a study's key") { db in
            let studyId = try keyedStudyId(db, named: name)
            let id = String(studyId)
            let row = try db.execute("""
                SELECT s.mode, extract(epoch FROM s.created_at)::float8, k.seed, k.dataset_path, k.definition::text
                FROM usreview.study s JOIN usreview.study_key k ON k.study_id = s.id WHERE s.id = $1
                """, [id]).rows[0]
            let definition = try JSONDecoder().decode(StudyDefinition.self, from: Data((row[4] ?? "").utf8))
            let study = Study(id: studyId, name: name, datasetPath: row[3] ?? "", mode: StudyMode(rawValue: row[0] ?? "") ?? .blinded,
                              seed: PostgresValues.int64(row[2]), repeatFraction: definition.repeatFraction,
                              definition: try definition.json(),
                              createdAt: PostgresValues.date(row[1]) ?? Date(timeIntervalSince1970: 0))
            let models = try db.execute("""
                SELECT name, weights_path, position FROM usreview.study_model WHERE study_id = $1 ORDER BY position
                """, [id]).rows.map { row in
                StudyModel(id: nil, studyId: studyId, name: row[0] ?? "", weightsPath: row[1] ?? "", position: PostgresValues.int(row[2]))
            }
            let questions = try db.execute("SELECT definition::text FROM usreview.question WHERE study_id = $1 ORDER BY position",
                                           [id]).rows.map { row in
                try JSONDecoder().decode(QuestionDefinition.self, from: Data((row[0] ?? "").utf8))
            }
            let cases = try db.execute("""
                SELECT c.id, c.case_id, c.organ, c.low_device, c.high_device, s.split, s.low_path, s.high_path,
                       c.is_calibration, c.position
                FROM usreview.study_case c JOIN usreview.case_source s ON s.study_case_id = c.id
                WHERE c.study_id = $1 ORDER BY c.position
                """, [id]).rows.map { row in
                let organ = Organ(rawValue: row[2] ?? "") ?? .thyroid
                let source = Case(id: row[1] ?? "", organ: organ, devices: DevicePair(low: row[3] ?? "", high: row[4] ?? ""),
                                  lowPath: URL(fileURLWithPath: row[6] ?? ""), highPath: row[7].map { URL(fileURLWithPath: $0) },
                                  split: row[5].flatMap(Split.init(rawValue:)))
                var studyCase = StudyCase(id: PostgresValues.int64(row[0]), studyId: studyId, from: source,
                                          isCalibration: PostgresValues.bool(row[8]), position: PostgresValues.int(row[9]))
                // Stored as given: URL(fileURLWithPath:) may add a trailing slash or resolve.
                studyCase.lowPath = row[6] ?? ""
                studyCase.highPath = row[7]
                return studyCase
            }
            return StudySnapshot(study: study, definition: definition, models: models, questions: questions, cases: cases)
        }
    }

    public func presentations(ofStudy study: String, reader: String?) throws -> [PresentationRow] {
        try call("list the readers' presentations") { db in
            let studyId = try keyedStudyId(db, named: study)
            if let reader, try db.execute("SELECT 1 FROM usreview.reader WHERE study_id = $1 AND name = $2",
                                          [String(studyId), reader]).rows.isEmpty {
                throw StudyStoreError.readerNotEnrolled(reader: reader, study: study,
                                                        enrolled: try activeReaderNames(db, studyId: studyId))
            }
            return try db.execute("""
                SELECT r.name, p.position, c.case_id, c.organ, p.is_repeat, p.is_calibration, pa.position, pa.label,
                       pa.is_reference, k.source
                FROM usreview.reader r
                JOIN usreview.presentation p ON p.reader_id = r.id
                JOIN usreview.study_case c ON c.id = p.study_case_id
                JOIN usreview.panel pa ON pa.presentation_id = p.id
                JOIN usreview.panel_key k ON k.presentation_id = pa.presentation_id AND k.label = pa.label
                WHERE r.study_id = $1 AND ($2::text IS NULL OR r.name = $2)
                ORDER BY r.name, p.position, pa.position
                """, [String(studyId), reader]).rows.map { row in
                PresentationRow(study: study, reader: row[0] ?? "", listPosition: PostgresValues.int(row[1]) + 1,
                                caseId: row[2] ?? "", organ: row[3] ?? "", isRepeat: PostgresValues.bool(row[4]),
                                isCalibration: PostgresValues.bool(row[5]), panelPosition: PostgresValues.int(row[6]),
                                panelLabel: row[7] ?? "", isReference: PostgresValues.bool(row[8]),
                                shows: PostgresValues.source(row[9] ?? "")?.resultName ?? "")
            }
        }
    }

    public func exportRows(study name: String, allRevisions: Bool) throws -> [ExportRow] {
        try call("export a study's answers") { db in
            let snapshot = try study(named: name)
            let kinds = Dictionary(snapshot.questions.map { ($0.key, $0.kind) }, uniquingKeysWith: { first, _ in first })
            var panelsByPresentation: [Int64: [String: Panel]] = [:]
            for row in try db.execute("""
                SELECT pa.presentation_id, pa.label, pa.position, pa.is_reference, k.source
                FROM usreview.panel pa
                JOIN usreview.panel_key k ON k.presentation_id = pa.presentation_id AND k.label = pa.label
                JOIN usreview.presentation p ON p.id = pa.presentation_id JOIN usreview.reader r ON r.id = p.reader_id
                WHERE r.study_id = $1
                """, [String(snapshot.studyId)]).rows {
                guard let source = PostgresValues.source(row[4] ?? "") else { continue }
                panelsByPresentation[PostgresValues.int64(row[0]), default: [:]][row[1] ?? ""] =
                    Panel(label: row[1] ?? "", source: source, position: PostgresValues.int(row[2]), isReference: PostgresValues.bool(row[3]))
            }
            let rows = try db.execute("""
                SELECT r.name, c.case_id, c.organ, c.low_device, c.high_device, cs.split, p.id, p.is_repeat, p.is_calibration,
                       a.question_key, a.panel_label, a.value,
                       extract(epoch FROM s.started_at)::float8, extract(epoch FROM s.submitted_at)::float8, s.duration_ms,
                       s.revision, (SELECT max(s2.revision) FROM usreview.submission s2 WHERE s2.presentation_id = s.presentation_id)
                FROM usreview.answer a
                JOIN usreview.submission s ON s.id = a.submission_id
                JOIN usreview.presentation p ON p.id = s.presentation_id
                JOIN usreview.reader r ON r.id = p.reader_id
                JOIN usreview.study_case c ON c.id = p.study_case_id
                LEFT JOIN usreview.case_source cs ON cs.study_case_id = c.id
                WHERE r.study_id = $1
                ORDER BY r.name, p.position, s.revision, a.ordinal
                """, [String(snapshot.studyId)]).rows
            return rows.compactMap { row -> ExportRow? in
                let revision = PostgresValues.int(row[15]), latest = PostgresValues.int(row[16])
                if !allRevisions, revision != latest { return nil }
                let panels = panelsByPresentation[PostgresValues.int64(row[6])] ?? [:]
                let label = row[10] ?? "", question = row[9] ?? "", value = row[11] ?? ""
                return ExportRow(
                    study: name, reader: row[0] ?? "", caseId: row[1] ?? "", organ: row[2] ?? "", lowDevice: row[3] ?? "",
                    highDevice: row[4] ?? "", split: row[5] ?? "", panelLabel: label,
                    model: panels[label]?.source.resultName ?? "", panelPosition: panels[label]?.position ?? 0,
                    question: question, value: value,
                    valueUnblinded: StudyExport.unblindedValue(value, kind: kinds[question], panels: panels),
                    startedAt: PostgresValues.date(row[12]) ?? Date(timeIntervalSince1970: 0),
                    submittedAt: PostgresValues.date(row[13]) ?? Date(timeIntervalSince1970: 0),
                    durationMs: PostgresValues.int64(row[14]), isRepeat: PostgresValues.bool(row[7]),
                    isCalibration: PostgresValues.bool(row[8]), revision: revision, isLatest: revision == latest)
            }
        }
    }

    public func status(ofStudy name: String) throws -> StudyStatus {
        try call("read a study's status") { db in
            let snapshot = try study(named: name)
            let readers = try db.execute("""
                SELECT r.name, extract(epoch FROM r.finalised_at)::float8,
                       (SELECT count(*) FROM usreview.presentation p WHERE p.reader_id = r.id),
                       (SELECT count(DISTINCT s.presentation_id) FROM usreview.submission s
                          JOIN usreview.presentation p ON p.id = s.presentation_id WHERE p.reader_id = r.id),
                       (SELECT count(*) FROM usreview.submission s
                          JOIN usreview.presentation p ON p.id = s.presentation_id WHERE p.reader_id = r.id AND s.revision > 1),
                       (SELECT extract(epoch FROM max(s.submitted_at))::float8 FROM usreview.submission s
                          JOIN usreview.presentation p ON p.id = s.presentation_id WHERE p.reader_id = r.id)
                FROM usreview.reader r WHERE r.study_id = $1 ORDER BY r.name
                """, [String(snapshot.studyId)]).rows.map { row in
                ReaderProgress(reader: row[0] ?? "", answered: PostgresValues.int(row[3]), total: PostgresValues.int(row[2]),
                               revisions: PostgresValues.int(row[4]), lastSubmittedAt: PostgresValues.date(row[5]),
                               finalisedAt: PostgresValues.date(row[1]))
            }
            return StudyStatus(study: snapshot.study, caseCount: snapshot.cases.count,
                               calibrationCount: snapshot.cases.filter(\.isCalibration).count,
                               models: snapshot.modelNames, readers: readers)
        }
    }

    /// Refuses a reader's login at the server: reading no row of a key table still needs
    /// the privilege, which only the coordinator has.
    func requireCoordinator(_ db: PostgresConnection) throws {
        try db.execute("SELECT FROM usreview.study_key LIMIT 0")
    }
}
