import Foundation

/// Marks on the server: checked and stored with their answer set, read back (a reader
/// only their own, by row-level security) and exported unblinded.
extension PostgresStudyStore {
    public func marks(submissionId: Int64) throws -> [StoredMark] {
        try call { db in try marks(db, submissionId: submissionId) }
    }

    func marks(_ db: PostgresConnection, submissionId: Int64) throws -> [StoredMark] {
        try db.execute("""
            SELECT id, ordinal, question_key, panel_label, category, shape, x, y, width, height, confidence
            FROM usreview.mark WHERE submission_id = $1 ORDER BY ordinal
            """, [String(submissionId)]).rows.compactMap { row in
            guard let shape = MarkShape(kind: row[5] ?? "", x: PostgresValues.int(row[6]), y: PostgresValues.int(row[7]),
                                        width: row[8].flatMap { Int($0) }, height: row[9].flatMap { Int($0) }) else { return nil }
            return StoredMark(id: PostgresValues.int64(row[0]), submissionId: submissionId, ordinal: PostgresValues.int(row[1]),
                              mark: PendingMark(questionKey: row[2] ?? "", panelLabel: row[3] ?? "", category: row[4] ?? "",
                                                shape: shape, confidence: PostgresValues.int(row[10])))
        }
    }

    /// `MarkChecks` against the study's questions and the showing's panels and image
    /// sizes, read in the caller's transaction under its role (a reader reads their own).
    func firstMarkProblem(_ db: PostgresConnection, _ marks: [PendingMark], answers: [PendingAnswer],
                          presentationId: String) throws -> (mark: Int?, error: AnswerError)? {
        let questions = try db.execute("""
            SELECT q.definition::text FROM usreview.question q
            JOIN usreview.study_case c ON c.study_id = q.study_id
            JOIN usreview.presentation p ON p.study_case_id = c.id
            WHERE p.id = $1 ORDER BY q.position
            """, [presentationId]).rows.map { row in
            try JSONDecoder().decode(QuestionDefinition.self, from: Data((row[0] ?? "").utf8))
        }
        guard !marks.isEmpty || questions.contains(where: { $0.markCategories != nil }) else { return nil }
        let panels = try db.execute("""
            SELECT pa.label, pa.is_reference, i.width, i.height FROM usreview.panel pa
            LEFT JOIN usreview.panel_image i ON i.id = pa.image_id
            WHERE pa.presentation_id = $1 ORDER BY pa.position
            """, [presentationId]).rows.map { row in
            MarkChecks.PanelSize(label: row[0] ?? "", isReference: PostgresValues.bool(row[1]),
                                 width: PostgresValues.int(row[2]), height: PostgresValues.int(row[3]))
        }
        return MarkChecks.firstProblem(marks, answers: answers, questions: questions, panels: panels)
    }

    /// One statement: placeholders are generated, values stay parameters. The role is the
    /// submission's (the reader's, also when the coordinator imports).
    func insertMarks(_ db: PostgresConnection, _ marks: [PendingMark], submissionId: String) throws {
        guard !marks.isEmpty else { return }
        var placeholders: [String] = []
        var parameters: [String?] = [submissionId]
        for (ordinal, mark) in marks.enumerated() {
            let b = parameters.count
            placeholders.append("($1::bigint, $\(b + 1)::int, $\(b + 2)::text, $\(b + 3)::text, $\(b + 4)::text, "
                                + "$\(b + 5)::text, $\(b + 6)::int, $\(b + 7)::int, $\(b + 8)::int, $\(b + 9)::int, $\(b + 10)::int)")
            parameters += [String(ordinal), mark.questionKey, mark.panelLabel, mark.category, mark.shape.kindName,
                           String(mark.shape.x), String(mark.shape.y), mark.shape.size.map { String($0.width) },
                           mark.shape.size.map { String($0.height) }, String(mark.confidence)]
        }
        try db.execute("""
            INSERT INTO usreview.mark (submission_id, reader_role, ordinal, question_key, panel_label, category, shape,
                                       x, y, width, height, confidence)
            SELECT v.s, (SELECT reader_role FROM usreview.submission WHERE id = v.s), v.o, v.k, v.l, v.c, v.sh,
                   v.x, v.y, v.w, v.h, v.cf
            FROM (VALUES \(placeholders.joined(separator: ", "))) AS v(s, o, k, l, c, sh, x, y, w, h, cf)
            """, parameters)
    }

    public func exportMarks(study name: String, allRevisions: Bool) throws -> [MarkExportRow] {
        try call("export a study's marks") { db in
            let studyId = String(try keyedStudyId(db, named: name))
            let rows = try db.execute("""
                SELECT r.name, c.case_id, c.organ, m.panel_label, k.source, m.question_key, m.category, m.shape,
                       m.x, m.y, m.width, m.height, m.confidence, p.is_repeat, p.is_calibration, s.revision,
                       (SELECT max(s2.revision) FROM usreview.submission s2 WHERE s2.presentation_id = s.presentation_id),
                       extract(epoch FROM s.started_at)::float8, extract(epoch FROM s.submitted_at)::float8
                FROM usreview.mark m
                JOIN usreview.submission s ON s.id = m.submission_id
                JOIN usreview.presentation p ON p.id = s.presentation_id
                JOIN usreview.reader r ON r.id = p.reader_id
                JOIN usreview.study_case c ON c.id = p.study_case_id
                LEFT JOIN usreview.panel_key k ON k.presentation_id = p.id AND k.label = m.panel_label
                WHERE r.study_id = $1
                ORDER BY r.name, p.position, s.revision, m.ordinal
                """, [studyId]).rows
            return rows.compactMap { row -> MarkExportRow? in
                let revision = PostgresValues.int(row[15]), latest = PostgresValues.int(row[16])
                if !allRevisions, revision != latest { return nil }
                let x = PostgresValues.int(row[8]), y = PostgresValues.int(row[9])
                let shape = MarkShape(kind: row[7] ?? "", x: x, y: y, width: row[10].flatMap { Int($0) },
                                      height: row[11].flatMap { Int($0) }) ?? .point(x: x, y: y)
                return MarkExportRow(
                    study: name, reader: row[0] ?? "", caseId: row[1] ?? "", organ: row[2] ?? "", panelLabel: row[3] ?? "",
                    model: PostgresValues.source(row[4] ?? "")?.resultName ?? "", question: row[5] ?? "",
                    category: row[6] ?? "", shape: shape, confidence: PostgresValues.int(row[12]),
                    isRepeat: PostgresValues.bool(row[13]), isCalibration: PostgresValues.bool(row[14]), revision: revision,
                    isLatest: revision == latest, startedAt: PostgresValues.date(row[17]) ?? Date(timeIntervalSince1970: 0),
                    submittedAt: PostgresValues.date(row[18]) ?? Date(timeIntervalSince1970: 0))
            }
        }
    }
}
