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
    /// The marks of the set, stored with it in the same transaction.
    public var marks: [PendingMark] = []
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

// The reader's side of the store. These methods read only what a reader may know
// (study id, name and mode; questions; cases without paths; the reader's own rows;
// panels and their images) and never the key: study.seed/definition, studyModel,
// panelKey, panelImageKey (ReaderStoreTests checks the statements they run).
extension SQLiteStudyStore {
    public var location: String { path }

    public func readingStudy(named name: String) throws -> ReadingStudy {
        try read { db in
            guard let row = try Row.fetchOne(db, SQLRequest<Row>(literal: "SELECT id, name, mode FROM study WHERE name = \(name)"))
            else {
                throw StudyStoreError.studyNotFound(name: name, path: path,
                                                    known: try String.fetchAll(db, sql: "SELECT name FROM study ORDER BY name"))
            }
            let studyId: Int64 = row["id"]
            let questions = try Question.filter(Question.Columns.studyId == studyId).order(Question.Columns.position)
                .fetchAll(db).map { try $0.decoded() }
            let cases = try Row.fetchAll(db, SQLRequest<Row>(literal: """
                SELECT id, caseId, organ, lowDevice, highDevice, isCalibration FROM studyCase
                WHERE studyId = \(studyId) ORDER BY position
                """)).map { row in
                ReadingCase(id: row["id"], caseId: row["caseId"], organ: row["organ"], lowDevice: row["lowDevice"],
                            highDevice: row["highDevice"], isCalibration: row["isCalibration"])
            }
            return ReadingStudy(id: studyId, name: row["name"], mode: row["mode"], questions: questions, cases: cases)
        }
    }

    public func openReading(reader name: String, in study: ReadingStudy) throws -> ReaderState {
        try read { db in
            guard let state = try Self.readerState(db, reader: name, studyId: study.id) else {
                throw StudyStoreError.readerNotEnrolled(reader: name, study: study.name,
                                                        enrolled: try Self.activeReaderNames(db, studyId: study.id))
            }
            if state.reader.isDisabled { throw StudyStoreError.readerDisabled(reader: name, study: study.name) }
            var panels: [Int64: [ShownPanel]] = [:]
            let rows = try Row.fetchCursor(db, SQLRequest<Row>(literal: """
                SELECT pa.presentationId, pa.label, pa.position, pa.isReference, pa.imageId FROM panel pa
                JOIN presentation p ON p.id = pa.presentationId
                WHERE p.readerId = \(state.reader.id!) ORDER BY pa.presentationId, pa.position
                """))
            while let row = try rows.next() {
                guard let imageId: String = row["imageId"] else { throw StudyStoreError.notFrozen(study: study.name, location: path) }
                panels[row["presentationId"], default: []].append(
                    ShownPanel(label: row["label"], position: row["position"], isReference: row["isReference"], imageId: imageId))
            }
            var opened = state
            opened.panels = panels
            return opened
        }
    }

    public func panelImage(id: String) throws -> PanelImage {
        try read { db in
            guard let row = try Row.fetchOne(db, SQLRequest<Row>(literal: "SELECT width, height, png FROM panelImage WHERE id = \(id)"))
            else { throw StudyStoreError.imageNotFound(id: id, location: path) }
            return PanelImage(width: row["width"], height: row["height"], png: row["png"])
        }
    }

    /// The reader's row, list and latest revisions (no panels), or nil when not enrolled.
    static func readerState(_ db: Database, reader name: String, studyId: Int64) throws -> ReaderState? {
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

    /// A reader's state for the coordinator's views (no panels), or nil when not enrolled.
    public func readerState(reader name: String, studyId: Int64) throws -> ReaderState? {
        try read { db in try Self.readerState(db, reader: name, studyId: studyId) }
    }

    /// Takes or renews the lease in one IMMEDIATE transaction, so two sessions starting
    /// at once cannot both take it.
    public func acquireLease(readerId: Int64, holder: String, duration: TimeInterval, now: Date) throws -> ReadingLease {
        try writeImmediate { db in
            if let current = try ReaderLeaseRecord.fetchOne(db, key: readerId), current.holder != holder, current.expiresAt > now {
                let names = try Row.fetchOne(db, SQLRequest<Row>(literal: """
                    SELECT r.name AS reader, s.name AS study FROM reader r JOIN study s ON s.id = r.studyId WHERE r.id = \(readerId)
                    """))
                throw StudyStoreError.readerBusy(reader: names?["reader"] ?? "#\(readerId)", study: names?["study"] ?? "",
                                                 holder: current.holder, until: current.expiresAt)
            }
            guard try Reader.exists(db, key: readerId) else {
                throw StudyStoreError.readerNotFound(reader: "#\(readerId)", study: "")
            }
            let previous = try ReaderLeaseRecord.fetchOne(db, key: readerId)
            let acquiredAt = previous?.holder == holder ? previous!.acquiredAt : now
            let lease = ReaderLeaseRecord(readerId: readerId, holder: holder, acquiredAt: acquiredAt,
                                          expiresAt: now.addingTimeInterval(duration))
            try lease.upsert(db)
            return ReadingLease(holder: holder, expiresAt: lease.expiresAt)
        }
    }

    public func releaseLease(readerId: Int64, holder: String) throws {
        try write { db in
            try db.execute(literal: "DELETE FROM readerLease WHERE readerId = \(readerId) AND holder = \(holder)")
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
        try writeImmediate { db in
            if let stored = try Submission.filter(Submission.Columns.clientToken == set.clientToken.uuidString).fetchOne(db) {
                return stored  // a retry of a set already stored
            }
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
            try Self.checkMarks(db, set.marks, answers: set.answers, studyId: reader.studyId, presentationId: set.presentationId)
            let previous = try Int.fetchOne(db, SQLRequest(literal: """
                SELECT MAX(revision) FROM submission WHERE presentationId = \(set.presentationId)
                """)) ?? 0
            let submission = try Self.insert(Submission(id: nil, presentationId: set.presentationId, revision: previous + 1,
                                                        startedAt: set.startedAt, submittedAt: set.submittedAt,
                                                        durationMs: set.durationMs, clientToken: set.clientToken.uuidString),
                                             answers: set.answers, marks: set.marks, db)
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

    /// The marks of one answer set, in the order placed.
    public func marks(submissionId: Int64) throws -> [StoredMark] {
        try read { db in try Self.marks(db, submissionId: submissionId) }
    }

    static func marks(_ db: Database, submissionId: Int64) throws -> [StoredMark] {
        try MarkRecord.filter(MarkRecord.Columns.submissionId == submissionId).order(MarkRecord.Columns.ordinal)
            .fetchAll(db).compactMap(\.stored)
    }

    /// Stores an answer set: the submission, its answers and its marks (in the caller's
    /// transaction, after its checks). A submit and an import store sets the same way.
    static func insert(_ submission: Submission, answers: [PendingAnswer], marks: [PendingMark],
                       _ db: Database) throws -> Submission {
        var submission = submission
        try submission.insert(db)
        for pending in answers {
            var answer = Answer(id: nil, submissionId: submission.id!, questionKey: pending.questionKey,
                                panelLabel: pending.panelLabel, value: pending.value)
            try answer.insert(db)
        }
        for (ordinal, mark) in marks.enumerated() {
            var record = MarkRecord(submissionId: submission.id!, ordinal: ordinal, mark: mark)
            try record.insert(db)
        }
        return submission
    }

    /// `MarkChecks` against the study's questions and the showing's panels and image sizes.
    static func checkMarks(_ db: Database, _ marks: [PendingMark], answers: [PendingAnswer], studyId: Int64,
                           presentationId: Int64) throws {
        if let problem = try firstMarkProblem(db, marks, answers: answers, studyId: studyId, presentationId: presentationId) {
            throw problem.error
        }
    }

    static func firstMarkProblem(_ db: Database, _ marks: [PendingMark], answers: [PendingAnswer], studyId: Int64,
                                 presentationId: Int64) throws -> (mark: Int?, error: AnswerError)? {
        let questions = try QuestionsCache.shared.questions(definitions: String.fetchAll(db, SQLRequest(literal: """
            SELECT definition FROM question WHERE studyId = \(studyId) ORDER BY position
            """)))
        guard !marks.isEmpty || questions.contains(where: { $0.markCategories != nil }) else { return nil }
        // A set without marks needs no image sizes (MarkChecks.firstProblem).
        let panels = marks.isEmpty ? [] : try Row.fetchAll(db, SQLRequest<Row>(literal: """
            SELECT pa.label, pa.isReference, i.width, i.height FROM panel pa LEFT JOIN panelImage i ON i.id = pa.imageId
            WHERE pa.presentationId = \(presentationId) ORDER BY pa.position
            """)).map { row in
            MarkChecks.PanelSize(label: row["label"], isReference: row["isReference"], width: row["width"] ?? 0,
                                 height: row["height"] ?? 0)
        }
        return MarkChecks.firstProblem(marks, answers: answers, questions: questions, panels: panels)
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
