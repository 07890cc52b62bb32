import Foundation
import GRDB

/// A reader's list and what of it is answered, loaded in one read when a session opens.
public struct ReaderState: Equatable, Sendable {
    public var reader: Reader
    public var presentations: [Presentation]
    /// The latest revision submitted per presentation ID.
    public var latestRevision: [Int64: Int]
    /// Each presentation's panels, left to right, by presentation ID.
    public var panels: [Int64: [ShownPanel]] = [:]
}

/// An answer set ready to be stored.
public struct AnswerSet: Equatable, Sendable {
    public var readerId: Int64
    public var presentationId: Int64
    public var answers: [PendingAnswer]
    public var startedAt: Date
    public var submittedAt: Date
    public var durationMs: Int64
    /// Moves the reader's resume point to this presentation (false when revisiting).
    public var movesCursorTo: Int?
    /// Made once per answer set by the client: a retry after a lost reply stores nothing new.
    public var clientToken = UUID()
}

/// One answer not yet stored.
public struct PendingAnswer: Equatable, Hashable, Sendable {
    public var questionKey: String
    /// The candidate panel's label, or "" for a question about the whole case.
    public var panelLabel: String
    public var value: String
    public init(questionKey: String, panelLabel: String, value: String) {
        self.questionKey = questionKey
        self.panelLabel = panelLabel
        self.value = value
    }
}

extension StudyStore {
    /// The reader's state, or nil when they have not started the study.
    public func readerState(reader name: String, studyId: Int64) throws -> ReaderState? {
        try read { db -> ReaderState? in
            guard let reader = try Reader.filter(Reader.Columns.studyId == studyId && Reader.Columns.name == name)
                .fetchOne(db) else { return nil }
            let presentations = try Presentation.filter(Presentation.Columns.readerId == reader.id!)
                .order(Presentation.Columns.position).fetchAll(db)
            var latest: [Int64: Int] = [:]
            let rows = try Row.fetchCursor(db, SQLRequest<Row>(literal: """
                SELECT s.presentationId, MAX(s.revision) FROM submission s
                JOIN presentation p ON p.id = s.presentationId
                WHERE p.readerId = \(reader.id!) GROUP BY s.presentationId
                """))
            while let row = try rows.next() { latest[row[0]] = row[1] }
            return ReaderState(reader: reader, presentations: presentations, latestRevision: latest)
        }
    }

    /// Stores one answer set as the next revision of its presentation: one transaction
    /// (the revision number, the answer set, its answers and the resume point), so a
    /// crash keeps all of it or none.
    ///
    /// - Throws: `StudyStoreError` (`readOnly`, `diskFull`, `readerFinalised`, …); the
    ///   caller still holds the answers and can submit again.
    @discardableResult
    public func submit(_ set: AnswerSet) throws -> Submission {
        do {
            return try storeAnswerSet(set)
        } catch let error as StudyStoreError {
            switch error {
            case .readOnly, .diskFull, .writeFailed: throw StudyStoreError.answersNotSaved(error)
            default: throw error
            }
        }
    }

    private func storeAnswerSet(_ set: AnswerSet) throws -> Submission {
        try write { db in
            guard let reader = try Reader.fetchOne(db, key: set.readerId) else {
                throw StudyStoreError.readerNotFound(reader: "#\(set.readerId)", study: "")
            }
            if reader.isDisabled {
                let study = try String.fetchOne(db, SQLRequest(literal: "SELECT name FROM study WHERE id = \(reader.studyId)")) ?? ""
                throw StudyStoreError.readerDisabled(reader: reader.name, study: study)
            }
            if reader.isFinalised {
                let study = try String.fetchOne(db, SQLRequest(literal: "SELECT name FROM study WHERE id = \(reader.studyId)")) ?? ""
                throw StudyStoreError.readerFinalised(reader: reader.name, study: study)
            }
            let previous = try Int.fetchOne(db, SQLRequest(literal: """
                SELECT MAX(revision) FROM submission WHERE presentationId = \(set.presentationId)
                """)) ?? 0
            var submission = Submission(id: nil, presentationId: set.presentationId, revision: previous + 1,
                                        startedAt: set.startedAt, submittedAt: set.submittedAt, durationMs: set.durationMs)
            try submission.insert(db)
            for pending in set.answers {
                var answer = Answer(id: nil, submissionId: submission.id!, questionKey: pending.questionKey,
                                    panelLabel: pending.panelLabel, value: pending.value)
                try answer.insert(db)
            }
            if let cursor = set.movesCursorTo {
                try db.execute(literal: "UPDATE reader SET cursor = \(cursor) WHERE id = \(set.readerId)")
            }
            return submission
        }
    }

    /// Records that the reader skipped the case at `position` (the resume point moves on).
    public func recordSkip(readerId: Int64, position: Int) throws {
        try write { db in
            try db.execute(literal: "UPDATE reader SET cursor = \(position) WHERE id = \(readerId) AND finalisedAt IS NULL")
        }
    }

    /// Closes the reader's answers to revision.
    public func finalise(readerId: Int64, now: Date = Date()) throws {
        try write { db in
            try db.execute(literal: "UPDATE reader SET finalisedAt = \(now) WHERE id = \(readerId) AND finalisedAt IS NULL")
        }
    }

    /// The latest answer set of a presentation and its answers (nil when unanswered).
    public func latestAnswers(presentationId: Int64) throws -> (Submission, [Answer])? {
        try read { db -> (Submission, [Answer])? in
            guard let submission = try Submission.filter(Submission.Columns.presentationId == presentationId)
                .order(Submission.Columns.revision.desc).fetchOne(db) else { return nil }
            let answers = try Answer.filter(Answer.Columns.submissionId == submission.id!).fetchAll(db)
            return (submission, answers)
        }
    }

    /// Every answer set of a presentation, oldest first: the audit trail.
    public func history(presentationId: Int64) throws -> [(Submission, [Answer])] {
        try read { db in
            let submissions = try Submission.filter(Submission.Columns.presentationId == presentationId)
                .order(Submission.Columns.revision).fetchAll(db)
            return try submissions.map { submission in
                (submission, try Answer.filter(Answer.Columns.submissionId == submission.id!).fetchAll(db))
            }
        }
    }
}
