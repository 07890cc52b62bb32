import Dataset
import Foundation
import GRDB
@testable import ReaderStudy
import XCTest

final class SessionTests: XCTestCase {
    private func openSession(_ url: URL, reader: String = "ann", clock: ManualClock? = nil,
                             options: SQLiteStudyStore.Options = .init()) throws -> ReadingSession {
        let store = try SQLiteStudyStore(url: url, options: options)
        return try enrolledSession(store: store, study: "pilot", reader: reader, now: clock?.function ?? Date.init)
    }

    func testSubmitStoresOneAnswerSetWithTimesAndMovesOn() throws {
        let url = try temporaryFolder(self).appendingPathComponent("s.sqlite")
        try makeStudyFile(at: url, cases: 5, models: ["unet", "resnet"])
        let clock = ManualClock()
        let session = try openSession(url, clock: clock)
        XCTAssertEqual(session.progress.answered, 0)
        XCTAssertEqual(session.progress.total, 5)
        let first = try XCTUnwrap(session.current)
        XCTAssertEqual(first.position, 0)
        XCTAssertEqual(first.candidates.map(\.label), ["A", "B", "C"])   // two models + the high image

        XCTAssertThrowsError(try session.submit()) { error in
            guard case let .missingRequired(items)? = error as? AnswerError else { return XCTFail("\(error)") }
            XCTAssertTrue(items.contains("fidelity (A)"))
            XCTAssertFalse(items.contains("comment"))
        }
        try fillForm(session)
        clock.advance(12.345)
        let submission = try session.submit()
        XCTAssertEqual(submission.revision, 1)
        XCTAssertEqual(submission.durationMs, 12_345)
        XCTAssertEqual(session.progress.answered, 1)
        XCTAssertEqual(session.current?.position, 1)
        let (stored, answers) = try XCTUnwrap(session.store.latestAnswers(presentationId: first.presentation.id!))
        XCTAssertEqual(stored.startedAt, Date(timeIntervalSince1970: 1_800_000_000))
        // 6 per-candidate questions × 3 candidates; the empty optional comment too.
        XCTAssertEqual(answers.count, 6 * 3 + 1)
    }

    func testAnswersAreValidated() throws {
        let url = try temporaryFolder(self).appendingPathComponent("s.sqlite")
        try makeStudyFile(at: url, cases: 3, mode: .open)
        let session = try openSession(url)
        XCTAssertEqual(session.current?.candidates.map(\.label), ["ENHANCED"])
        try session.answer("fidelity", value: "5")           // the only candidate may be left out
        XCTAssertEqual(session.pending[AnswerSlot(question: "fidelity", panel: "ENHANCED")], "5")
        try session.answer("hallucinated", value: "Y")
        XCTAssertEqual(session.pending[AnswerSlot(question: "hallucinated", panel: "ENHANCED")], "yes")
        XCTAssertThrowsError(try session.answer("fidelity", value: "6"))
        XCTAssertThrowsError(try session.answer("artifacts", value: "some"))
        XCTAssertThrowsError(try session.answer("nonsense", value: "1")) { error in
            guard case .unknownQuestion? = error as? AnswerError else { return XCTFail("\(error)") }
        }
        XCTAssertThrowsError(try session.answer("fidelity", panel: "HIGH", value: "3"))   // a reference is not rated
    }

    func testSkipComesBackAfterTheOthersAndResumeReturnsToTheSamePlace() throws {
        let url = try temporaryFolder(self).appendingPathComponent("s.sqlite")
        try makeStudyFile(at: url, cases: 5)
        do {
            let session = try openSession(url)
            try fillForm(session); try session.submit()          // 0
            try session.skip()                                   // 1 skipped
            XCTAssertEqual(session.current?.position, 2)
            try fillForm(session); try session.submit()          // 2
            XCTAssertEqual(session.current?.position, 3)
            try session.store.close()                            // quit while looking at 3
        }
        let resumed = try openSession(url)
        XCTAssertEqual(resumed.current?.position, 3)
        XCTAssertEqual(resumed.progress.answered, 2)
        try fillForm(resumed); try resumed.submit()             // 3
        try fillForm(resumed); try resumed.submit()             // 4
        XCTAssertEqual(resumed.current?.position, 1)            // the skipped case comes back
        try fillForm(resumed); try resumed.submit()
        XCTAssertNil(resumed.current)
        XCTAssertTrue(resumed.isComplete)
        XCTAssertThrowsError(try resumed.submit()) { XCTAssertEqual($0 as? AnswerError, .noCurrentCase) }
    }

    func testRevisionsKeepEveryAnswerSetUntilFinalised() throws {
        let url = try temporaryFolder(self).appendingPathComponent("s.sqlite")
        try makeStudyFile(at: url, cases: 3, mode: .open)
        let session = try openSession(url)
        try fillForm(session, variant: 1)
        try session.submit()
        try session.revisit(position: 0)
        XCTAssertEqual(session.current?.nextRevision, 2)
        XCTAssertEqual(session.pending[AnswerSlot(question: "fidelity", panel: "ENHANCED")], "2")  // prefilled
        try session.answer("fidelity", value: "4")
        let revision = try session.submit()
        XCTAssertEqual(revision.revision, 2)
        XCTAssertEqual(session.current?.position, 1)            // revising does not move the resume point
        let presentationId = session.state.presentations[0].id!
        let history = try session.sqlite.history(presentationId: presentationId)
        XCTAssertEqual(history.map(\.0.revision), [1, 2])
        XCTAssertEqual(history.map { $0.1.first { $0.questionKey == "fidelity" }!.value }, ["2", "4"])
        XCTAssertEqual(session.progress.answered, 1)

        try session.finalise()
        try session.revisit(position: 0)
        XCTAssertThrowsError(try session.submit()) { error in
            XCTAssertEqual(error as? StudyStoreError, .readerFinalised(reader: "ann", study: "pilot"))
        }
        XCTAssertEqual(try session.sqlite.history(presentationId: presentationId).count, 2)
    }

    func testRevisitPreviousWalksBackAndReturnsToTheResumePoint() throws {
        let url = try temporaryFolder(self).appendingPathComponent("s.sqlite")
        try makeStudyFile(at: url, cases: 4, mode: .open)
        let session = try openSession(url)
        XCTAssertNil(session.previousAnsweredPosition())
        XCTAssertFalse(try session.revisitPrevious())
        XCTAssertEqual(session.current?.position, 0)
        for variant in 1...2 { try fillForm(session, variant: variant); try session.submit() }
        XCTAssertEqual(session.current?.position, 2)
        XCTAssertFalse(session.isRevisiting)
        XCTAssertTrue(try session.revisitPrevious())
        XCTAssertEqual(session.current?.position, 1)
        XCTAssertTrue(session.isRevisiting)
        XCTAssertEqual(session.current?.nextRevision, 2)
        XCTAssertFalse(session.pending.isEmpty)                 // latest answers on the form
        XCTAssertTrue(try session.revisitPrevious())
        XCTAssertEqual(session.current?.position, 0)
        XCTAssertFalse(try session.revisitPrevious())           // nothing before the first
        XCTAssertEqual(session.current?.position, 0)
        try session.returnToResumePoint()
        XCTAssertEqual(session.current?.position, 2)
        XCTAssertEqual(session.progress.answered, 2)

        // Finalised: a submit is refused with the store's error even on an incomplete form.
        try session.finalise()
        XCTAssertThrowsError(try session.submit()) { error in
            XCTAssertEqual(error as? StudyStoreError, .readerFinalised(reader: "ann", study: "pilot"))
        }
    }

    /// Full disk, simulated with `PRAGMA max_page_count` (tests may run as root, where
    /// chmod does not stop writes): the submit throws `diskFull`, nothing is stored, the
    /// form stays filled, and the same submit succeeds once there is room.
    func testFullDiskKeepsTheAnswersForRetry() throws {
        let url = try temporaryFolder(self).appendingPathComponent("s.sqlite")
        try makeStudyFile(at: url, cases: 3)
        let session = try openSession(url)
        let pages = try session.sqlite.pool.read { db in try Int.fetchOne(db, sql: "PRAGMA page_count")! }
        try session.sqlite.pool.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA max_page_count = \(pages)") }
        let long = String(repeating: "a long comment that needs new pages. ", count: 2000)
        try fillForm(session, comment: long)
        let before = session.pending
        let current = session.current
        XCTAssertThrowsError(try session.submit()) { error in
            XCTAssertEqual(error as? StudyStoreError, .answersNotSaved(.diskFull(path: url.path)))
            XCTAssertTrue("\(error)".contains("Your answers are kept"))
        }
        XCTAssertEqual(session.pending, before)
        XCTAssertEqual(session.current, current)
        XCTAssertEqual(session.progress.answered, 0)
        XCTAssertNil(try session.store.latestAnswers(presentationId: current!.presentation.id!))

        try session.sqlite.pool.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA max_page_count = 1073741823") }
        XCTAssertEqual(try session.submit().revision, 1)
        XCTAssertEqual(session.progress.answered, 1)
    }

    /// Read-only file, simulated by opening SQLite with SQLITE_OPEN_READONLY
    /// (`Configuration.readonly`), since chmod does not bind root.
    func testReadOnlyDatabaseKeepsTheAnswersForRetry() throws {
        let url = try temporaryFolder(self).appendingPathComponent("s.sqlite")
        try makeStudyFile(at: url, cases: 3)
        try openSession(url).store.close()                      // enrol while writable
        let session = try openSession(url, options: .init(readOnly: true))
        try fillForm(session)
        let before = session.pending
        XCTAssertThrowsError(try session.submit()) { error in
            guard case let .answersNotSaved(.readOnly(path, _))? = error as? StudyStoreError else { return XCTFail("\(error)") }
            XCTAssertEqual(path, url.path)
            XCTAssertTrue("\(error)".contains("Your answers are kept"))
        }
        XCTAssertEqual(session.pending, before)
        XCTAssertEqual(session.current?.position, 0)
        XCTAssertThrowsError(try session.skip())
        XCTAssertEqual(session.current?.position, 0)
    }

    func testStatusCountsReadersAndRevisions() throws {
        let url = try temporaryFolder(self).appendingPathComponent("s.sqlite")
        try makeStudyFile(at: url, cases: 4)
        let ann = try openSession(url, reader: "ann")
        try fillForm(ann); try ann.submit()
        try ann.revisit(position: 0); try ann.submit()
        let bob = try openSession(url, reader: "bob")
        try fillForm(bob); try bob.submit()
        try fillForm(bob); try bob.submit()
        let status = try ann.sqlite.status(ofStudy: "pilot")
        XCTAssertEqual(status.readers.map(\.reader), ["ann", "bob"])
        XCTAssertEqual(status.readers.map(\.answered), [1, 2])
        XCTAssertEqual(status.readers.map(\.total), [4, 4])
        XCTAssertEqual(status.readers.map(\.revisions), [1, 0])
        XCTAssertEqual(status.caseCount, 4)
    }
}
