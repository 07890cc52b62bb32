import Foundation

/// Marks on the server: checked and stored with their answer set, read back (a reader
/// only their own, by row-level security) and exported unblinded. A submit pays no round
/// trip for them: what the checks need comes with the reader check, and the marks go in
/// the answers' statement.
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

    /// Two columns for a SELECT: the study's questions (JSON array, form order) and the
    /// showing's panels with their image sizes (JSON array, left to right), for
    /// `firstMarkProblem(_:answers:context:)`. Read under the caller's role.
    /// Without `panels` (a set without marks needs no image sizes) the second is NULL.
    static func markContextColumns(studyId: String, presentationId: String, panels: Bool = true) -> String {
        guard panels else {
            return "(SELECT json_agg(q.definition ORDER BY q.position) FROM usreview.question q WHERE q.study_id = \(studyId))::text, NULL::text"
        }
        return """
        (SELECT json_agg(q.definition ORDER BY q.position) FROM usreview.question q WHERE q.study_id = \(studyId))::text,
        (SELECT json_agg(json_build_object('label', pa.label, 'isReference', pa.is_reference,
                                           'width', i.width, 'height', i.height) ORDER BY pa.position)
         FROM usreview.panel pa LEFT JOIN usreview.panel_image i ON i.id = pa.image_id
         WHERE pa.presentation_id = \(presentationId))::text
        """
    }

    /// `MarkChecks` on the two columns of `markContextColumns` (a showing the role may not
    /// see has no panels, so no mark passes).
    func firstMarkProblem(_ marks: [PendingMark], answers: [PendingAnswer],
                          context: (questions: String?, panels: String?)) throws -> (mark: Int?, error: AnswerError)? {
        struct PanelRow: Decodable {
            var label: String
            var isReference: Bool
            var width: Int?
            var height: Int?
        }
        let decoder = JSONDecoder()
        let questions = try QuestionsCache.shared.questions(jsonArray: context.questions ?? "[]")
        guard !marks.isEmpty || questions.contains(where: { $0.markCategories != nil }) else { return nil }
        let panels = try decoder.decode([PanelRow].self, from: Data((context.panels ?? "[]").utf8)).map {
            MarkChecks.PanelSize(label: $0.label, isReference: $0.isReference, width: $0.width ?? 0, height: $0.height ?? 0)
        }
        return MarkChecks.firstProblem(marks, answers: answers, questions: questions, panels: panels)
    }

    /// The check in its own round trip (an import, as the coordinator).
    func firstMarkProblem(_ db: PostgresConnection, _ marks: [PendingMark], answers: [PendingAnswer],
                          presentationId: String) throws -> (mark: Int?, error: AnswerError)? {
        let row = try db.execute("""
            SELECT \(Self.markContextColumns(studyId: "c.study_id", presentationId: "p.id"))
            FROM usreview.presentation p JOIN usreview.study_case c ON c.id = p.study_case_id WHERE p.id = $1
            """, [presentationId]).rows.first
        return try firstMarkProblem(marks, answers: answers, context: (row?[0], row?[1]))
    }

    /// Stores a set's answers (form order) and marks (the order placed) in one statement:
    /// placeholders are generated, values stay parameters. The role is the submission's
    /// (the reader's, also when the coordinator imports).
    func insertAnswersAndMarks(_ db: PostgresConnection, _ answers: [PendingAnswer], _ marks: [PendingMark],
                               submissionId: String) throws {
        var parameters: [String?] = [submissionId]
        var statements: [String] = []
        if !answers.isEmpty {
            var rows: [String] = []
            for (ordinal, answer) in answers.enumerated() {
                let b = parameters.count
                rows.append("($1::bigint, $\(b + 1)::text, $\(b + 2)::text, $\(b + 3)::text, $\(b + 4)::int)")
                parameters += [answer.questionKey, answer.panelLabel, answer.value, String(ordinal)]
            }
            statements.append("""
                a AS (INSERT INTO usreview.answer (submission_id, reader_role, question_key, panel_label, value, ordinal)
                      SELECT v.s, (SELECT reader_role FROM usreview.submission WHERE id = v.s), v.k, v.l, v.v, v.o
                      FROM (VALUES \(rows.joined(separator: ", "))) AS v(s, k, l, v, o))
                """)
        }
        if !marks.isEmpty {
            var rows: [String] = []
            for (ordinal, mark) in marks.enumerated() {
                let b = parameters.count
                rows.append("($1::bigint, $\(b + 1)::int, $\(b + 2)::text, $\(b + 3)::text, $\(b + 4)::text, "
                            + "$\(b + 5)::text, $\(b + 6)::int, $\(b + 7)::int, $\(b + 8)::int, $\(b + 9)::int, $\(b + 10)::int)")
                parameters += [String(ordinal), mark.questionKey, mark.panelLabel, mark.category, mark.shape.kindName,
                               String(mark.shape.x), String(mark.shape.y), mark.shape.size.map { String($0.width) },
                               mark.shape.size.map { String($0.height) }, String(mark.confidence)]
            }
            statements.append("""
                m AS (INSERT INTO usreview.mark (submission_id, reader_role, ordinal, question_key, panel_label, category,
                                                 shape, x, y, width, height, confidence)
                      SELECT v.s, (SELECT reader_role FROM usreview.submission WHERE id = v.s), v.o, v.k, v.l, v.c, v.sh,
                             v.x, v.y, v.w, v.h, v.cf
                      FROM (VALUES \(rows.joined(separator: ", "))) AS v(s, o, k, l, c, sh, x, y, w, h, cf))
                """)
        }
        guard !statements.isEmpty else { return }
        try db.execute("WITH " + statements.joined(separator: ", ") + " SELECT 1", parameters)
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
