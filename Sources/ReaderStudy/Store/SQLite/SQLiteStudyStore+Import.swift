import Foundation
import GRDB

extension SQLiteStudyStore {
    /// `CoordinatorStudyStore.importAnswerSets`: one write transaction, marks with their sets.
    public func importAnswerSets(_ sets: [ImportedAnswerSet], study name: String) throws -> ImportSummary {
        try write { db in
            let snapshot = try loadStudy(db, named: name)
            var summary = ImportSummary(submissions: 0, answers: 0, alreadyPresent: 0)
            for (index, set) in sets.enumerated() {
                guard let presentationId = try Int64.fetchOne(db, SQLRequest(literal: """
                    SELECT p.id FROM presentation p JOIN reader r ON r.id = p.readerId
                    WHERE r.studyId = \(snapshot.studyId) AND r.name = \(set.reader) AND p.position = \(set.listPosition)
                    """)) else {
                    throw ImportConflict(index: index, reason: "reader '\(set.reader)' has no case at place \(set.listPosition + 1) of their list")
                }
                if let existing = try Submission.filter(Submission.Columns.presentationId == presentationId
                    && Submission.Columns.revision == set.revision).fetchOne(db) {
                    // The export writes milliseconds and the database holds finer times,
                    // so a re-imported export matches within a millisecond.
                    guard abs(existing.submittedAt.timeIntervalSince(set.submittedAt)) < 0.001 else {
                        throw ImportConflict(index: index, reason: "revision \(set.revision) of this showing is already stored with another submit time")
                    }
                    guard try !set.comparesMarks || Self.marks(db, submissionId: existing.id!).map(\.mark) == set.marks else {
                        throw ImportConflict(index: index, reason: "revision \(set.revision) of this showing is already stored with other marks")
                    }
                    summary.alreadyPresent += 1
                    continue
                }
                if let problem = try Self.firstMarkProblem(db, set.marks, answers: set.answers, studyId: snapshot.studyId,
                                                           presentationId: presentationId) {
                    throw ImportConflict(index: index, reason: problem.error.description, mark: problem.mark)
                }
                _ = try Self.insert(Submission(id: nil, presentationId: presentationId, revision: set.revision,
                                               startedAt: set.startedAt, submittedAt: set.submittedAt,
                                               durationMs: set.durationMs),
                                    answers: set.answers, marks: set.marks, db)
                summary.marks += set.marks.count
                summary.submissions += 1
                summary.answers += set.answers.count
            }
            return summary
        }
    }
}
