import Foundation
@testable import ReaderStudy
import XCTest

/// A fresh database on the test cluster, owned by a fresh coordinator role (LOGIN,
/// CREATEROLE, no superuser), with a blinded study whose key holds sentinel strings;
/// everything is dropped afterwards. Roles are cluster-wide, so every name is unique.
final class ServerStudyFixture {
    static let secrets = ["secretnet", "/secret/", "918273645", "bob-private-comment"]

    let superuser: PostgresConnection
    let database: String
    let coordinatorRole: String
    let coordinator: PostgresConnection
    let host: String, port: Int
    var readers: [String: ReaderCredentials] = [:]
    var readerIds: [String: Int64] = [:]
    var presentationIds: [String: [Int64]] = [:]
    let studyId: Int64

    init() throws {
        let url = try testServerURL()
        guard let components = URLComponents(string: url), let host = components.host, let port = components.port else {
            throw XCTSkip("unexpected test URL \(url)")
        }
        self.host = host
        self.port = port
        superuser = try PostgresConnection(uri: url)
        let suffix = String(UInt32.random(in: 0...UInt32.max), radix: 36)
        database = "usr_\(suffix)"
        coordinatorRole = "coord_\(suffix)"
        let password = PostgresReaderRoles.generatedPassword()
        try superuser.execute("CREATE ROLE \(coordinatorRole) LOGIN CREATEROLE PASSWORD '\(password)'")
        try superuser.execute("CREATE DATABASE \(database) OWNER \(coordinatorRole)")
        coordinator = try PostgresConnection(uri: "postgresql://\(coordinatorRole):\(password)@\(host):\(port)/\(database)")
        try PostgresSchema.migrate(coordinator)
        studyId = try Self.int(coordinator.execute("INSERT INTO usreview.study (name, mode) VALUES ('pilot', 'blinded') RETURNING id"))
        try coordinator.execute("""
            INSERT INTO usreview.study_key (study_id, seed, dataset_path, definition)
            VALUES ($1, 918273645, '/secret/dataset', '{"models": [{"name": "secretnet", "weights": "/secret/models/secretnet.safetensors"}]}')
            """, [String(studyId)])
        try coordinator.execute("""
            INSERT INTO usreview.study_model (study_id, name, weights_path, weights_sha256, position)
            VALUES ($1, 'secretnet', '/secret/models/secretnet.safetensors', 'ab12', 0)
            """, [String(studyId)])
        try coordinator.execute("""
            INSERT INTO usreview.question (study_id, key, position, definition)
            VALUES ($1, 'fidelity', 0, '{"kind": "likert"}'), ($1, 'comment', 1, '{"kind": "text"}')
            """, [String(studyId)])
        var caseIds: [Int64] = []
        for (position, caseId) in ["0001", "0417"].enumerated() {
            let id = try Self.int(coordinator.execute("""
                INSERT INTO usreview.study_case (study_id, case_id, organ, low_device, high_device, is_calibration, position)
                VALUES ($1, $2, 'thyroid', 'mSonics MU1', 'Toshiba Aplio 500', false, $3) RETURNING id
                """, [String(studyId), caseId, String(position)]))
            try coordinator.execute("""
                INSERT INTO usreview.case_source (study_case_id, split, low_path, low_sha256, high_path, high_sha256)
                VALUES ($1, 'test', '/secret/dataset/low.png', 'cd34', '/secret/dataset/high.png', 'ef56')
                """, [String(id)])
            caseIds.append(id)
        }
        for reader in ["alice", "bob"] {
            let credentials = try PostgresReaderRoles.enrol(reader: reader, studyId: studyId, studyName: "pilot_\(suffix)",
                                                            on: coordinator)
            readers[reader] = credentials
            let readerId = try Self.int(coordinator.execute("SELECT id FROM usreview.reader WHERE role = $1", [credentials.role]))
            readerIds[reader] = readerId
            for (position, caseId) in caseIds.enumerated() {
                let presentation = try Self.int(coordinator.execute("""
                    INSERT INTO usreview.presentation (reader_id, reader_role, study_case_id, position, is_repeat, is_calibration)
                    VALUES ($1, $2, $3, $4, false, false) RETURNING id
                    """, [String(readerId), credentials.role, String(caseId), String(position)]))
                presentationIds[reader, default: []].append(presentation)
                for (label, source) in [("REFERENCE", "low"), ("A", "model:secretnet"), ("B", "high")] {
                    let image = try coordinator.execute("""
                        INSERT INTO usreview.panel_image (width, height, png) VALUES (1, 1, '\\x89504e47') RETURNING id
                        """).rows[0][0]
                    try coordinator.execute("""
                        INSERT INTO usreview.panel (presentation_id, reader_role, label, position, is_reference, image_id)
                        VALUES ($1, $2, $3, $4, $5, $6)
                        """, [String(presentation), credentials.role, label, label == "REFERENCE" ? "1" : label == "A" ? "2" : "3",
                              label == "REFERENCE" ? "true" : "false", image])
                    try coordinator.execute("INSERT INTO usreview.panel_key (presentation_id, label, source) VALUES ($1, $2, $3)",
                                            [String(presentation), label, source])
                }
            }
        }
        // Bob has answered; his comment is one of the things Alice must never see.
        let bob = try connect("bob")
        try submit(as: bob, role: readers["bob"]!.role, presentation: presentationIds["bob"]![0], comment: "bob-private-comment")
        // Statistics exist, so pg_stats is part of what is checked.
        try coordinator.execute("ANALYZE")
    }

    func connect(_ reader: String) throws -> PostgresConnection {
        let credentials = readers[reader]!
        return try PostgresConnection(uri: "postgresql://\(credentials.role):\(credentials.password)@\(host):\(port)/\(database)")
    }

    /// `psql` as the reader: its exit status and what it printed on stderr.
    func psql(_ reader: String, _ sql: String) throws -> (status: Int32, stderr: String) {
        let credentials = readers[reader]!
        var environment = ProcessInfo.processInfo.environment
        environment["PGPASSWORD"] = credentials.password
        return try runPSQL(connection: "postgresql://\(credentials.role)@\(host):\(port)/\(database)", sql,
                           environment: environment)
    }

    @discardableResult
    func submit(as connection: PostgresConnection, role: String, presentation: Int64, comment: String) throws -> Int64 {
        try connection.transaction { db in
            let id = try Self.int(db.execute("""
                INSERT INTO usreview.submission (presentation_id, revision, client_token, started_at, submitted_at, duration_ms)
                VALUES ($1, 1 + (SELECT count(*) FROM usreview.submission WHERE presentation_id = $1), gen_random_uuid(),
                        now(), now(), 1000) RETURNING id
                """, [String(presentation)]))
            try db.execute("INSERT INTO usreview.answer (submission_id, question_key, panel_label, value) VALUES ($1, 'comment', '', $2)",
                           [String(id), comment])
            return id
        }
    }

    func tearDown() {
        coordinator.close()
        _ = try? superuser.execute("DROP DATABASE IF EXISTS \(database) WITH (FORCE)")
        for credentials in readers.values { _ = try? superuser.execute("DROP ROLE IF EXISTS \"\(credentials.role)\"") }
        _ = try? superuser.execute("DROP ROLE IF EXISTS \"\(PostgresSchema.readerGroup(database: database))\"")
        _ = try? superuser.execute("DROP ROLE IF EXISTS \(coordinatorRole)")
        superuser.close()
    }

    static func int(_ rows: PostgresRows) throws -> Int64 {
        guard let text = rows.rows.first?.first ?? nil, let value = Int64(text) else { throw XCTSkip("no id returned") }
        return value
    }
}

/// What the database itself refuses a reader, whatever client they use: the project's own
/// and psql.
final class PostgresSecurityTests: XCTestCase {
    var server: ServerStudyFixture!

    override func setUpWithError() throws {
        server = try ServerStudyFixture()
    }

    override func tearDown() {
        server?.tearDown()
    }

    private func assertRefused(_ connection: PostgresConnection, _ sql: String, _ parameters: [String?] = [],
                               file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try connection.execute(sql, parameters), sql, file: file, line: line) { error in
            XCTAssertEqual((error as? PostgresError)?.sqlState, "42501", "\(sql): \(error)", file: file, line: line)
        }
    }

    func testAReaderSeesTheirOwnPresentationsAndImagesOnly() throws {
        let alice = try server.connect("alice")
        try PostgresSchema.checkVersion(alice)
        XCTAssertEqual(try alice.execute("SELECT id FROM usreview.presentation ORDER BY position").rows.map { $0[0] },
                       server.presentationIds["alice"]!.map { String($0) })
        XCTAssertEqual(try alice.execute("SELECT count(*) FROM usreview.panel").rows, [["6"]])
        XCTAssertEqual(try alice.execute("SELECT count(*) FROM usreview.panel_image").rows, [["6"]])
        XCTAssertEqual(try alice.execute("SELECT name FROM usreview.reader").rows, [["alice"]])
        XCTAssertEqual(try alice.execute("SELECT count(*) FROM usreview.submission").rows, [["0"]], "Bob's answer set is not hers")
        XCTAssertEqual(try alice.execute("SELECT count(*) FROM usreview.answer").rows, [["0"]])
        XCTAssertEqual(try alice.execute("SELECT count(*) FROM usreview.study_case").rows, [["2"]])
    }

    func testAReaderCannotReadTheKey() throws {
        let alice = try server.connect("alice")
        for table in ["study_key", "study_model", "case_source", "panel_key", "panel_image_key"] {
            assertRefused(alice, "SELECT * FROM usreview.\(table)")
            let result = try server.psql("alice", "SELECT * FROM usreview.\(table)")
            XCTAssertNotEqual(result.status, 0, table)
            XCTAssertTrue(result.stderr.contains("permission denied"), result.stderr)
        }
    }

    /// Every relation Alice may read — the schema's and pg_catalog's, views included
    /// (function sources, column defaults, comments, policies, statistics) — holds no
    /// model name, path, seed, label→model mapping, and nothing of Bob's answers.
    func testNothingAReaderCanSelectAnywhereHoldsTheKeyOrAnotherReadersData() throws {
        let alice = try server.connect("alice")
        let (scanned, found) = try catalogScan(alice, for: ServerStudyFixture.secrets)
        for finding in found { XCTFail(finding) }
        XCTAssertGreaterThan(scanned, 50)
        // The scan can see what it should: the coordinator reads the same secrets.
        XCTAssertEqual(try server.coordinator.execute("SELECT count(*) FROM usreview.answer WHERE value = 'bob-private-comment'").rows,
                       [["1"]])
    }

    func testAReaderCannotWriteAsAnotherReaderOrForAnotherReadersCase() throws {
        let alice = try server.connect("alice")
        let bobRole = server.readers["bob"]!.role
        let bobsPresentation = String(server.presentationIds["bob"]![1])
        assertRefused(alice, """
            INSERT INTO usreview.submission (presentation_id, reader_role, revision, client_token, started_at, submitted_at, duration_ms)
            VALUES ($1, $2, 1, gen_random_uuid(), now(), now(), 1)
            """, [String(server.presentationIds["alice"]![0]), bobRole])
        assertRefused(alice, """
            INSERT INTO usreview.submission (presentation_id, revision, client_token, started_at, submitted_at, duration_ms)
            VALUES ($1, 1, gen_random_uuid(), now(), now(), 1)
            """, [bobsPresentation])
        // An answer attached to Bob's answer set.
        let bobsSubmission = try server.coordinator.execute("SELECT min(id) FROM usreview.submission").rows[0][0]
        assertRefused(alice, "INSERT INTO usreview.answer (submission_id, question_key, panel_label, value) VALUES ($1, 'x', '', 'y')",
                      [bobsSubmission])
        // Her own case is accepted: the refusals above are about whose, not about inserting.
        XCTAssertNoThrow(try server.submit(as: alice, role: server.readers["alice"]!.role,
                                           presentation: server.presentationIds["alice"]![0], comment: "fine"))
        let psql = try server.psql("alice", """
            INSERT INTO usreview.submission (presentation_id, revision, client_token, started_at, submitted_at, duration_ms)
            VALUES (\(bobsPresentation), 1, gen_random_uuid(), now(), now(), 1)
            """)
        XCTAssertNotEqual(psql.status, 0)
        XCTAssertTrue(psql.stderr.contains("row-level security"), psql.stderr)
    }

    func testAnswersAreAppendOnlyEvenForTheirAuthor() throws {
        let alice = try server.connect("alice")
        try server.submit(as: alice, role: server.readers["alice"]!.role, presentation: server.presentationIds["alice"]![0],
                          comment: "first")
        assertRefused(alice, "UPDATE usreview.answer SET value = 'changed'")
        assertRefused(alice, "DELETE FROM usreview.answer")
        assertRefused(alice, "UPDATE usreview.submission SET duration_ms = 0")
        assertRefused(alice, "DELETE FROM usreview.submission")
        assertRefused(alice, "TRUNCATE usreview.answer")
        // The owner too: the trigger, not only the missing grant.
        assertRefused(server.coordinator, "UPDATE usreview.answer SET value = 'changed'")
        assertRefused(server.coordinator, "DELETE FROM usreview.submission")
        XCTAssertEqual(try alice.execute("SELECT value FROM usreview.answer").rows, [["first"]])
        let psql = try server.psql("alice", "DELETE FROM usreview.answer")
        XCTAssertNotEqual(psql.status, 0)
        XCTAssertTrue(psql.stderr.contains("permission denied"), psql.stderr)
    }

    func testAStoredAnswerSetCannotBeAddedToLaterEvenByItsAuthor() throws {
        let alice = try server.connect("alice")
        let id = try server.submit(as: alice, role: server.readers["alice"]!.role,
                                   presentation: server.presentationIds["alice"]![0], comment: "first")
        let addition = "INSERT INTO usreview.answer (submission_id, question_key, panel_label, value) VALUES ($1, 'quality', 'A', '5')"
        XCTAssertThrowsError(try alice.execute(addition, [String(id)])) { error in
            XCTAssertEqual((error as? PostgresError)?.sqlState, "42501", "\(error)")
        }
        try alice.execute("UPDATE usreview.reader SET finalised_at = now()")
        XCTAssertThrowsError(try alice.execute(addition, [String(id)]), "nor after finalising")
        XCTAssertEqual(try alice.execute("SELECT question_key, value FROM usreview.answer").rows, [["comment", "first"]])
    }

    func testAReaderCannotRunTheCoordinatorsCommands() throws {
        let alice = try server.connect("alice")
        XCTAssertThrowsError(try PostgresSchema.migrate(alice)) { error in
            XCTAssertEqual((error as? PostgresError)?.sqlState, "42501", "\(error)")
        }
        assertRefused(alice, "INSERT INTO usreview.study (name, mode) VALUES ('mine', 'open')")
        assertRefused(alice, "INSERT INTO usreview.presentation (reader_id, reader_role, study_case_id, position, is_repeat, is_calibration) SELECT reader_id, reader_role, study_case_id, 99, false, false FROM usreview.presentation LIMIT 1")
        assertRefused(alice, "UPDATE usreview.reader SET disabled_at = now()")
        assertRefused(alice, "CREATE TABLE usreview.mine (x int)")
        assertRefused(alice, "CREATE ROLE someone")
        XCTAssertThrowsError(try PostgresReaderRoles.enrol(reader: "carol", studyId: server.studyId, studyName: "pilot", on: alice))
    }

    func testAFinalisedReadingCannotBeReopenedOrAddedTo() throws {
        let alice = try server.connect("alice")
        try alice.execute("UPDATE usreview.reader SET finalised_at = now()")
        assertRefused(alice, "UPDATE usreview.reader SET finalised_at = NULL")
        XCTAssertThrowsError(try server.submit(as: alice, role: server.readers["alice"]!.role,
                                               presentation: server.presentationIds["alice"]![0], comment: "late")) { error in
            XCTAssertEqual((error as? PostgresError)?.sqlState, "42501", "\(error)")
        }
    }

    func testADisabledReaderCannotLogIn() throws {
        try PostgresReaderRoles.disable(reader: "bob", studyId: server.studyId, on: server.coordinator)
        XCTAssertThrowsError(try server.connect("bob")) { error in
            guard case let PostgresError.connectionFailed(_, reason) = error else { return XCTFail("\(error)") }
            XCTAssertTrue(reason.contains("not permitted to log in"), reason)
        }
        XCTAssertNoThrow(try server.connect("alice"))
    }

    func testOneReaderOneSessionThroughTheLease() throws {
        let first = try server.connect("alice"), second = try server.connect("alice")
        let readerId = server.readerIds["alice"]!
        XCTAssertEqual(try PostgresReaderLease.acquire(readerId: readerId, holder: "ws-1 pid 10", seconds: 60, on: first), .acquired)
        guard case let .heldElsewhere(holder, until) = try PostgresReaderLease.acquire(readerId: readerId, holder: "laptop pid 20",
                                                                                       seconds: 60, on: second) else {
            return XCTFail("a second session must be refused")
        }
        XCTAssertEqual(holder, "ws-1 pid 10")
        XCTAssertTrue(until.hasSuffix("Z"), until)
        XCTAssertEqual(try PostgresReaderLease.acquire(readerId: readerId, holder: "ws-1 pid 10", seconds: 60, on: first), .acquired,
                       "the holder renews")
        // Another reader can neither take nor see Alice's lease.
        let bob = try server.connect("bob")
        XCTAssertThrowsError(try PostgresReaderLease.acquire(readerId: readerId, holder: "bob", seconds: 60, on: bob))
        // Released, the second session gets it; an expired lease is taken over too.
        try PostgresReaderLease.release(readerId: readerId, holder: "ws-1 pid 10", on: first)
        XCTAssertEqual(try PostgresReaderLease.acquire(readerId: readerId, holder: "laptop pid 20", seconds: 1, on: second), .acquired)
        Thread.sleep(forTimeInterval: 1.2)
        XCTAssertEqual(try PostgresReaderLease.acquire(readerId: readerId, holder: "ws-1 pid 11", seconds: 60, on: first), .acquired)
    }

    func testMigratingTwiceChangesNothingAndANewerSchemaIsRefused() throws {
        try PostgresSchema.migrate(server.coordinator)
        XCTAssertEqual(try server.coordinator.execute("SELECT name FROM usreview.schema_migration ORDER BY name").rows,
                       [["v1-studies"], ["v2-frozen"], ["v3-closed-submissions"], ["v4-marks"]])
        try server.coordinator.execute("INSERT INTO usreview.schema_migration (name) VALUES ('v9-future')")
        XCTAssertThrowsError(try PostgresSchema.migrate(server.coordinator)) { error in
            XCTAssertEqual(error as? PostgresSchemaError,
                           .newerSchema(server: server.coordinator.server, unknown: ["v9-future"]))
        }
        let alice = try server.connect("alice")
        XCTAssertThrowsError(try PostgresSchema.checkVersion(alice)) { error in
            guard case PostgresSchemaError.newerSchema = error else { return XCTFail("\(error)") }
        }
    }
}

/// Reads every relation `connection` may select — the schema's, pg_catalog's and
/// information_schema's, views included (function sources, column defaults, comments,
/// policies, statistics) — as text: how many it read, and where a secret showed.
func catalogScan(_ connection: PostgresConnection, for secrets: [String]) throws -> (scanned: Int, found: [String]) {
    let relations = try connection.execute("""
        SELECT c.oid::regclass::text, c.oid FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE c.relkind IN ('r', 'v', 'm', 'p', 'f') AND n.nspname IN ('usreview', 'pg_catalog', 'information_schema')
        """).rows
    var scanned = 0
    var found: [String] = []
    for relation in relations {
        let name = relation[0]!, oid = relation[1]!
        let columns = try connection.execute("""
            SELECT quote_ident(attname) FROM pg_attribute
            WHERE attrelid = $1::oid AND attnum > 0 AND NOT attisdropped AND has_column_privilege($1::oid, attnum, 'SELECT')
            """, [oid]).rows.compactMap { $0[0] }
        guard !columns.isEmpty else { continue }
        let rows: PostgresRows
        do {
            rows = try connection.execute("SELECT \(columns.map { "\($0)::text" }.joined(separator: ", ")) FROM \(name)")
        } catch let error as PostgresError where error.sqlState == "42501" || error.sqlState == "0A000" {
            continue  // refused outright, or not scannable as text: nothing read
        }
        scanned += 1
        for row in rows.rows {
            for value in row.compactMap({ $0 }) {
                for secret in secrets where value.contains(secret) {
                    found.append("\(name) shows '\(secret)' to a reader: \(value.prefix(200))")
                }
            }
        }
    }
    return (scanned, found)
}

/// `psql` on one statement, stopping at the first error: its exit status and its stderr.
func runPSQL(connection: String, _ sql: String,
             environment: [String: String] = ProcessInfo.processInfo.environment) throws -> (status: Int32, stderr: String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", connection, "-c", sql]
    process.environment = environment
    let errors = Pipe()
    process.standardError = errors
    process.standardOutput = FileHandle.nullDevice
    try process.run()
    let text = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    return (process.terminationStatus, text)
}
