import Foundation
@testable import ReaderStudy
import XCTest

/// Opening the server's store: who migrates, who refuses, and what a failure says.
final class PostgresStoreOpeningTests: XCTestCase {
    func testAnUnreachableServerIsCannotOpenNamingItWithoutThePassword() {
        XCTAssertThrowsError(try PostgresStudyStore(url: "postgresql://coord:hunter2@127.0.0.1:1/study?connect_timeout=2",
                                                    as: .reader)) { error in
            guard case let .cannotOpen(path, reason)? = error as? StudyStoreError else { return XCTFail("\(error)") }
            XCTAssertEqual(path, "coord@127.0.0.1:1/study")
            XCTAssertTrue(reason.contains("refused") || reason.contains("connect"), reason)
            XCTAssertTrue(reason.contains("check the address"), reason)
            XCTAssertFalse("\(error)".contains("hunter2"))
        }
        XCTAssertThrowsError(try PostgresStudyStore(url: "postgresql://[broken", as: .coordinator)) { error in
            guard case .cannotOpen? = error as? StudyStoreError else { return XCTFail("\(error)") }
        }
    }

    func testSQLStatesMapOntoStudyStoreErrors() {
        let server = "coord@db:5432/study"
        func failed(_ state: String) -> PostgresError { .statementFailed(server: server, sqlState: state, message: "m") }
        XCTAssertEqual(PostgresStoreErrors.map(failed("42501"), server: server, action: "export a study's answers") as? StudyStoreError,
                       .coordinatorOnly(action: "export a study's answers", location: server))
        XCTAssertEqual(PostgresStoreErrors.map(failed("53100"), server: server) as? StudyStoreError, .diskFull(path: server))
        guard case .readOnly? = PostgresStoreErrors.map(failed("42501"), server: server) as? StudyStoreError else {
            return XCTFail("a reader's own call refused is not a coordinator's command")
        }
        guard case .writeFailed? = PostgresStoreErrors.map(failed("23505"), server: server) as? StudyStoreError else {
            return XCTFail("other failures are failed writes")
        }
        XCTAssertEqual(PostgresStoreErrors.map(PostgresSchemaError.olderSchema(server: server, missing: ["v2-frozen"]),
                                               server: server) as? StudyStoreError, .readerNeedsUpgrade(path: server))
    }

    func testADatabaseNameTooLongForItsReaderGroupIsRefusedBeforeAnythingIsMade() throws {
        guard let database = try PostgresTestDatabase.make() else { throw XCTSkip("no test cluster") }
        defer { database.drop() }
        // 57 bytes: "_reader" would make 64, one more than PostgreSQL keeps.
        let long = "usreview_long_" + String(repeating: "x", count: 43)
        XCTAssertEqual(long.utf8.count, 57)
        try database.superuser.execute("CREATE DATABASE \(long) OWNER \(database.coordinatorRole)")
        defer { _ = try? database.superuser.execute("DROP DATABASE IF EXISTS \(long) WITH (FORCE)") }
        let url = database.url.replacingOccurrences(of: "/\(database.database)", with: "/\(long)")
        XCTAssertThrowsError(try PostgresStudyStore(url: url, as: .coordinator)) { error in
            XCTAssertTrue("\(error)".contains("at most 56 bytes"), "\(error)")
        }
        let made = try database.superuser.execute("SELECT rolname FROM pg_roles WHERE rolname LIKE 'usreview_long_%'").rows
        XCTAssertEqual(made.count, 0, "no truncated group role was made")
    }

    func testOnlyTheCoordinatorMigratesAndAReaderRefusesAnOlderSchema() throws {
        guard let database = try PostgresTestDatabase.make() else { throw XCTSkip("no test cluster") }
        defer { database.drop() }
        _ = try database.store.createStudy(definition("pilot"), cases: syntheticCases(2), calibration: [],
                                           renderer: SyntheticPanelRenderer(models: ["unet"]), now: Date(), progress: { _, _ in })
        let enrolment = try database.store.enrol(readers: ["alice"], inStudy: "pilot", now: Date())[0]
        XCTAssertNoThrow(try PostgresStudyStore(url: enrolment.connection!, as: .reader).close())
        // A server one migration behind this client: the reader refuses, the coordinator upgrades.
        try database.store.connection.execute("DELETE FROM usreview.schema_migration WHERE name = 'v2-frozen'")
        XCTAssertThrowsError(try PostgresStudyStore(url: enrolment.connection!, as: .reader)) { error in
            XCTAssertEqual(error as? StudyStoreError, .readerNeedsUpgrade(path: try! PostgresConnection.describe(uri: enrolment.connection!)))
        }
        try database.store.connection.execute("INSERT INTO usreview.schema_migration (name) VALUES ('v2-frozen')")
        let again = try PostgresStudyStore(url: database.url, as: .coordinator)
        XCTAssertEqual(try again.studyNames(), ["pilot"], "migrating an up-to-date server changes nothing")
        try again.close()
        XCTAssertNoThrow(try PostgresStudyStore(url: enrolment.connection!, as: .reader).close())
    }
}
