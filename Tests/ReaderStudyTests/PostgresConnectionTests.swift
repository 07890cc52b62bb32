import Foundation
@testable import ReaderStudy
import XCTest

/// The private cluster that `scripts/with-postgres` starts for `make test`. Outside it the
/// PostgreSQL tests skip with the reason; with CI=true they fail instead, so CI never
/// passes without having talked to a real server.
func testServerURL(socket: Bool = false) throws -> String {
    let environment = ProcessInfo.processInfo.environment
    let key = socket ? "USREVIEW_TEST_POSTGRES_SOCKET_URL" : "USREVIEW_TEST_POSTGRES_URL"
    if let url = environment[key], !url.isEmpty { return url }
    let reason = "\(key) is not set: run the tests through scripts/with-postgres (make test does)"
    if environment["CI"] == "true" { XCTFail(reason); throw XCTSkip(reason) }
    throw XCTSkip(reason)
}

final class PostgresConnectionTests: XCTestCase {
    func testParametersRoundTripAsTextOverTCPWithSCRAM() throws {
        let connection = try PostgresConnection(uri: try testServerURL())
        let awkward = "O'Brien; DROP TABLE x; -- \"quoted\" ünïcödé 中文\n\ttab"
        let rows = try connection.execute("SELECT $1::text AS a, $2::int + 1 AS b, $3::text IS NULL AS c",
                                          [awkward, "41", nil])
        XCTAssertEqual(rows.columns, ["a", "b", "c"])
        XCTAssertEqual(rows.rows, [[awkward, "42", "t"]])
    }

    func testAFailedStatementCarriesItsSQLStateAndAPlainMessage() throws {
        let connection = try PostgresConnection(uri: try testServerURL())
        XCTAssertThrowsError(try connection.execute("SELECT 1/0")) { error in
            guard case let PostgresError.statementFailed(_, state, message) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(state, "22012")
            XCTAssertEqual(message, "division by zero")
        }
    }

    func testUnixSocketHostInTheURI() throws {
        let connection = try PostgresConnection(uri: try testServerURL(socket: true))
        let rows = try connection.execute("SELECT inet_server_addr() IS NULL")
        XCTAssertEqual(rows.rows, [["t"]], "a unix-socket connection has no server address")
    }

    func testTimeoutsAndApplicationNameReachTheServer() throws {
        let timeouts = PostgresTimeouts(connectSeconds: 7, keepaliveIdleSeconds: 11, keepaliveIntervalSeconds: 4,
                                        keepaliveCount: 2, tcpUserTimeoutMilliseconds: 12_345)
        let connection = try PostgresConnection(uri: try testServerURL(), timeouts: timeouts, environment: [:])
        XCTAssertEqual(try connection.execute("SELECT current_setting('application_name')").rows, [["usreview"]])
        // What libpq is using for this connection, read back from libpq itself.
        let settings = connection.settings()
        XCTAssertEqual(settings["connect_timeout"], "7")
        XCTAssertEqual(settings["tcp_user_timeout"], "12345")
        XCTAssertEqual(settings["keepalives"], "1")
        XCTAssertEqual(settings["keepalives_idle"], "11")
        XCTAssertEqual(settings["keepalives_interval"], "4")
        XCTAssertEqual(settings["keepalives_count"], "2")
        XCTAssertNil(settings["password"])
        XCTAssertNil(Dictionary(uniqueKeysWithValues: timeouts.keywords(environment: ["PGCONNECT_TIMEOUT": "3"]))["connect_timeout"],
                     "PGCONNECT_TIMEOUT in the environment must win over the default")
    }

    func testWhatTheURISaysWinsOverTheDefaults() throws {
        let url = try testServerURL()
        let connection = try PostgresConnection(uri: url + "?application_name=site-b")
        XCTAssertEqual(try connection.execute("SELECT current_setting('application_name')").rows, [["site-b"]])
    }

    func testAWrongPasswordIsAConnectionErrorThatNeverShowsThePassword() throws {
        let url = try testServerURL()
        guard let at = url.firstIndex(of: "@"), let colon = url[..<at].lastIndex(of: ":") else {
            return XCTFail("unexpected test URL shape")
        }
        let wrong = String(url[...colon]) + "not-the-password-42" + String(url[at...])
        XCTAssertThrowsError(try PostgresConnection(uri: wrong)) { error in
            guard case let PostgresError.connectionFailed(server, reason) = error else { return XCTFail("\(error)") }
            XCTAssertTrue(reason.contains("password authentication failed"), reason)
            XCTAssertTrue(server.hasPrefix("postgres@127.0.0.1:"), server)
            XCTAssertFalse("\(error)".contains("not-the-password-42"), "\(error)")
        }
    }

    func testAPasswordFileIsUsedAsLibpqDoes() throws {
        let url = try testServerURL()
        guard let at = url.firstIndex(of: "@"), let colon = url[..<at].lastIndex(of: ":") else {
            return XCTFail("unexpected test URL shape")
        }
        let password = String(url[url.index(after: colon)..<at])
        let bare = "postgresql://postgres" + String(url[at...])
        let passfile = FileManager.default.temporaryDirectory.appendingPathComponent("pgpass-\(getpid())-\(UUID())")
        defer { try? FileManager.default.removeItem(at: passfile) }
        try "*:*:*:postgres:\(password)\n".write(to: passfile, atomically: true, encoding: .utf8)
        chmod(passfile.path, 0o600)
        setenv("PGPASSFILE", passfile.path, 1)
        defer { unsetenv("PGPASSFILE") }
        let connection = try PostgresConnection(uri: bare)
        XCTAssertEqual(try connection.execute("SELECT 1").rows, [["1"]])
    }

    func testAFailedStatementCarriesTheServersSQLState() throws {
        let connection = try PostgresConnection(uri: try testServerURL())
        XCTAssertThrowsError(try connection.execute("SELEC 1")) { error in
            XCTAssertEqual((error as? PostgresError)?.sqlState, "42601", "\(error)")
        }
        XCTAssertThrowsError(try connection.execute("SELECT * FROM no_such_table")) { error in
            XCTAssertEqual((error as? PostgresError)?.sqlState, "42P01", "\(error)")
        }
        // The connection stays usable after a failed statement.
        XCTAssertEqual(try connection.execute("SELECT 2").rows, [["2"]])
    }

    func testATransactionRollsBackWhenItsBodyThrows() throws {
        let connection = try PostgresConnection(uri: try testServerURL())
        let table = "t_\(getpid())_\(UInt32.random(in: 0...UInt32.max))"
        try connection.execute("CREATE TABLE \(table) (v int)")
        defer { _ = try? connection.execute("DROP TABLE \(table)") }
        struct Stop: Error {}
        XCTAssertThrowsError(try connection.transaction { db in
            try db.execute("INSERT INTO \(table) VALUES (1)")
            throw Stop()
        })
        try connection.transaction { db in _ = try db.execute("INSERT INTO \(table) VALUES (2)") }
        XCTAssertEqual(try connection.execute("SELECT v FROM \(table)").rows, [["2"]])
        XCTAssertEqual(try connection.execute("INSERT INTO \(table) VALUES (3), (4)").affected, 2)
    }

    /// A server that accepts TCP but never answers (a dead route looks the same to libpq):
    /// the connect timeout turns it into an error instead of a hang.
    func testASilentServerIsAnErrorWithinTheConnectTimeout() throws {
        _ = try testServerURL()  // only where the suite talks to servers at all
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        XCTAssertGreaterThanOrEqual(listener, 0)
        defer { Foundation.close(listener) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer -> Int32 in
                guard bind(listener, pointer, length) == 0, listen(listener, 4) == 0 else { return -1 }
                return getsockname(listener, pointer, &length)
            }
        }
        XCTAssertEqual(bound, 0)
        let port = Int(UInt16(bigEndian: address.sin_port))
        let started = Date()
        XCTAssertThrowsError(try PostgresConnection(uri: "postgresql://nobody@127.0.0.1:\(port)/x",
                                                    timeouts: PostgresTimeouts(connectSeconds: 2), environment: [:])) { error in
            guard case PostgresError.connectionFailed = error else { return XCTFail("\(error)") }
        }
        // libpq's connect_timeout has a one-second granularity and a two-second minimum.
        XCTAssertLessThan(Date().timeIntervalSince(started), 10)
    }

    func testAMalformedURIIsNamedAsSuch() {
        XCTAssertThrowsError(try PostgresConnection(uri: "postgresql://host:notaport:/x?what")) { error in
            guard case PostgresError.badURI = error else { return XCTFail("\(error)") }
        }
    }

    /// libpq's "Connection refused\n\tIs the server running…" comes out on one line.
    func testARefusedConnectionIsOneLine() throws {
        XCTAssertThrowsError(try PostgresConnection(uri: "postgresql://nobody@127.0.0.1:1/x", environment: [:])) { error in
            guard case let PostgresError.connectionFailed(_, reason) = error else { return XCTFail("\(error)") }
            XCTAssertTrue(reason.contains("Is the server running"), reason)
            XCTAssertFalse(reason.contains("\n") || reason.contains("\t") || reason.contains("  "), reason)
        }
    }

    func testAMalformedURIIsQuotedWithoutItsPassword() {
        for uri in ["postgresql://alice:s3cretPW@[::1/db", "postgresql://alice:s3cretPW@host:1:2/db?x",
                    "host=db password=s3cretPW port"] {
            XCTAssertThrowsError(try PostgresConnection(uri: uri)) { error in
                guard case let PostgresError.badURI(reason) = error else { return XCTFail("\(error)") }
                XCTAssertFalse("\(error)".contains("s3cretPW"), "\(error)")
                XCTAssertFalse(reason.isEmpty)
            }
            XCTAssertThrowsError(try PostgresStudyStore(url: uri, as: .reader)) { error in
                XCTAssertFalse("\(error)".contains("s3cretPW"), "\(error)")
            }
        }
    }

    func testTheServerIsDescribedWithoutThePassword() throws {
        XCTAssertEqual(try PostgresConnection.describe(uri: "postgresql://alice:s3cret@db.example.org:5433/usreview?sslmode=require"),
                       "alice@db.example.org:5433/usreview")
        XCTAssertEqual(try PostgresConnection.describe(uri: "postgresql:///usreview?host=/run/postgresql"),
                       "/run/postgresql/usreview")
        XCTAssertEqual(try PostgresConnection.describe(uri: "service=study"), "service study")
    }
}
