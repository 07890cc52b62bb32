import Foundation

extension PostgresStudyStore {
    /// `CoordinatorStudyStore.importAnswerSets`: one transaction, as the coordinator. Each
    /// answer set is stored under its reader's role, so the reader sees it as their own.
    public func importAnswerSets(_ sets: [ImportedAnswerSet], study name: String) throws -> ImportSummary {
        try transaction("import answers") { db in
            let studyId = String(try keyedStudyId(db, named: name))
            var summary = ImportSummary(submissions: 0, answers: 0, alreadyPresent: 0)
            for (index, set) in sets.enumerated() {
                guard let showing = try db.execute("""
                    SELECT p.id, p.reader_role FROM usreview.presentation p JOIN usreview.reader r ON r.id = p.reader_id
                    WHERE r.study_id = $1 AND r.name = $2 AND p.position = $3
                    """, [studyId, set.reader, String(set.listPosition)]).rows.first, let presentationId = showing[0] else {
                    throw ImportConflict(index: index, reason: "reader '\(set.reader)' has no case at place \(set.listPosition + 1) of their list")
                }
                let stored = try db.execute("""
                    SELECT extract(epoch FROM submitted_at)::float8, id FROM usreview.submission
                    WHERE presentation_id = $1 AND revision = $2
                    """, [presentationId, String(set.revision)]).rows
                if let existing = stored.first {
                    // The export writes milliseconds; the server holds microseconds.
                    guard let time = PostgresValues.date(existing[0]), abs(time.timeIntervalSince(set.submittedAt)) < 0.001 else {
                        throw ImportConflict(index: index, reason: "revision \(set.revision) of this showing is already stored with another submit time")
                    }
                    let storedId = PostgresValues.int64(existing[1])
                    guard try !set.comparesMarks || marks(db, submissionId: storedId).map(\.mark) == set.marks else {
                        throw ImportConflict(index: index, reason: "revision \(set.revision) of this showing is already stored with other marks")
                    }
                    summary.alreadyPresent += 1
                    continue
                }
                if let problem = try firstMarkProblem(db, set.marks, answers: set.answers, presentationId: presentationId) {
                    throw ImportConflict(index: index, reason: problem.error.description, mark: problem.mark)
                }
                let submissionId = try db.execute("""
                    INSERT INTO usreview.submission (presentation_id, reader_role, revision, client_token, started_at,
                                                     submitted_at, duration_ms)
                    VALUES ($1, $2, $3, gen_random_uuid(), $4::timestamptz, $5::timestamptz, $6::bigint) RETURNING id
                    """, [presentationId, showing[1], String(set.revision), PostgresValues.timestamp(set.startedAt),
                          PostgresValues.timestamp(set.submittedAt), String(set.durationMs)]).rows[0][0]
                try insertAnswersAndMarks(db, set.answers, set.marks, submissionId: submissionId ?? "")
                summary.marks += set.marks.count
                summary.submissions += 1
                summary.answers += set.answers.count
            }
            return summary
        }
    }
}
