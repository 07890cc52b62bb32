import Dataset
import Foundation
@testable import ReaderStudy
import XCTest

/// A reader's server connection lost between two calls (the server restarted, an
/// administrator ended the session): the call that finds it lost fails with a clear
/// error, and the next one, "Enter tries again", reconnects and stores the answers once.
final class PostgresReconnectTests: XCTestCase {
    var server: PostgresTestDatabase!
    let start = Date(timeIntervalSince1970: 1_800_000_000)

    override func setUpWithError() throws {
        server = try PostgresTestDatabase.required()
    }

    override func tearDown() {
        server?.drop()
    }

    /// Ends every server session of `role`, as a server restart would.
    func terminateSessions(of role: String) throws {
        let ended = try server.superuser.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = $1", [role]).rows
        XCTAssertFalse(ended.isEmpty, "no session of \(role) to end")
    }

    func testASubmitAfterTheConnectionWasLostFailsOnceThenSucceedsOnRetry() throws {
        try server.createOneCaseStudy("pilot", now: start)
        let enrolment = try XCTUnwrap(server.store.enrol(readers: ["alice"], inStudy: "pilot", now: start).first)
        let alice = try PostgresStudyStore(url: XCTUnwrap(enrolment.connection), as: .reader)
        defer { try? alice.close() }
        let state = try alice.openReading(reader: "alice", in: alice.readingStudy(named: "pilot"))
        let readerId = try XCTUnwrap(state.reader.id)
        _ = try alice.acquireLease(readerId: readerId, holder: "alice@ws1 pid 1", duration: 120, now: start)

        try terminateSessions(of: try PostgresReaderRoles.roleName(study: "pilot", reader: "alice"))
        let set = AnswerSet(readerId: readerId, presentationId: try XCTUnwrap(state.presentations[0].id),
                            answers: [PendingAnswer(questionKey: "comment", panelLabel: "", value: "first")],
                            startedAt: start, submittedAt: start, durationMs: 1, movesCursorTo: 0)
        XCTAssertThrowsError(try alice.submit(set), "the call that finds the connection lost says so") { error in
            XCTAssertTrue("\(error)".contains(alice.location), "\(error)")
        }
        let stored = try alice.submit(set)
        XCTAssertEqual(stored.revision, 1)
        XCTAssertEqual(try alice.submit(set).id, stored.id, "the retry's client token stores nothing twice")
        // The lease, a row, survived the lost connection: it is renewed, not refused.
        XCTAssertEqual(try alice.acquireLease(readerId: readerId, holder: "alice@ws1 pid 1", duration: 120, now: start).holder,
                       "alice@ws1 pid 1")
        XCTAssertEqual(try server.store.history(presentationId: stored.presentationId).count, 1)
    }
}

/// A reader's statement stuck behind someone else's lock fails after the reader's
/// statement timeout with "try again", and the retry stores it once the lock is gone.
final class PostgresReaderStatementTimeoutTests: XCTestCase {
    func testASubmitBehindALockFailsWithinTheStatementTimeoutThenSucceeds() throws {
        let server = try PostgresTestDatabase.required()
        defer { server.drop() }
        let start = Date(timeIntervalSince1970: 1_800_000_000)
        try server.createOneCaseStudy("pilot", now: start)
        let url = try XCTUnwrap(server.store.enrol(readers: ["alice"], inStudy: "pilot", now: start).first?.connection)
        let byDefault = try PostgresStudyStore(url: url, as: .reader)
        XCTAssertEqual(try byDefault.connection.execute("SHOW statement_timeout").rows, [["30s"]], "a reader's default")
        try byDefault.close()
        let coordinator = try PostgresStudyStore(url: server.url, as: .coordinator)
        XCTAssertEqual(try coordinator.connection.execute("SHOW statement_timeout").rows, [["0"]], "the coordinator has none")
        try coordinator.close()

        let alice = try PostgresStudyStore(url: url, as: .reader, timeouts: PostgresTimeouts(statementMilliseconds: 1_000))
        defer { try? alice.close() }
        let state = try alice.openReading(reader: "alice", in: alice.readingStudy(named: "pilot"))
        let set = AnswerSet(readerId: try XCTUnwrap(state.reader.id), presentationId: try XCTUnwrap(state.presentations[0].id),
                            answers: [PendingAnswer(questionKey: "comment", panelLabel: "", value: "x")],
                            startedAt: start, submittedAt: start, durationMs: 1, movesCursorTo: 0)
        let locker = try PostgresConnection(uri: server.url)
        defer { locker.close() }
        try locker.execute("BEGIN")
        try locker.execute("LOCK TABLE usreview.submission IN ACCESS EXCLUSIVE MODE")
        let started = Date()
        XCTAssertThrowsError(try alice.submit(set)) { error in
            XCTAssertTrue("\(error)".contains("57014") && "\(error)".contains("try again"), "\(error)")
        }
        XCTAssertLessThan(Date().timeIntervalSince(started), 5)
        try locker.execute("ROLLBACK")
        XCTAssertEqual(try alice.submit(set).revision, 1)
    }
}
