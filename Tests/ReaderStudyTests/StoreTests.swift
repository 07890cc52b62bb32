import Dataset
import Foundation
import GRDB
@testable import ReaderStudy
import XCTest

final class StoreTests: XCTestCase {
    func testNewDatabaseIsMarkedAsOursInWALWithForeignKeys() throws {
        let url = try temporaryFolder(self).appendingPathComponent("sub/folder/study.sqlite")
        let store = try SQLiteStudyStore(url: url, options: .init(createFolder: true))
        try store.pool.read { db in
            XCTAssertEqual(try Int32.fetchOne(db, sql: "PRAGMA application_id"), SQLiteStudyStore.applicationID)
            XCTAssertEqual(try Int.fetchOne(db, sql: "PRAGMA user_version"), 1)
            XCTAssertEqual(try String.fetchOne(db, sql: "PRAGMA journal_mode"), "wal")
            XCTAssertEqual(try Bool.fetchOne(db, sql: "PRAGMA foreign_keys"), true)
            XCTAssertEqual(try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'format'"), SQLiteStudyStore.formatName)
            XCTAssertEqual(try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations"), ["v1-studies", "v2-enrolment", "v3-frozen", "v4-marks"])
        }
        try store.close()
        // The header itself carries the application id once checkpointed.
        let header = [UInt8](try fileBytes(url).prefix(100))
        XCTAssertEqual(Array(header[68..<72]), [0x55, 0x53, 0x52, 0x56])
        XCTAssertNoThrow(try SQLiteStudyStore(url: url).close())
    }

    func testTextFileIsRefusedAndLeftUnchanged() throws {
        let url = try temporaryFolder(self).appendingPathComponent("notes.sqlite")
        try Data("shopping list: milk, eggs\n".utf8).write(to: url)
        let before = try fileBytes(url)
        XCTAssertThrowsError(try SQLiteStudyStore(url: url)) { error in
            XCTAssertEqual(error as? StudyStoreError, .notSQLite(path: url.path))
            XCTAssertTrue("\(error)".contains(url.path))
        }
        XCTAssertEqual(try fileBytes(url), before)
        XCTAssertFalse(FileManager.default.fileExists(atPath: url.path + "-wal"))
    }

    func testDatabaseOfAnotherApplicationIsRefusedAndLeftUnchanged() throws {
        let folder = try temporaryFolder(self)
        // Without an application id (tables only) and with another application's id.
        for (name, applicationID) in [("other.sqlite", 0), ("tagged.sqlite", 0x4750_4B47)] {
            let url = folder.appendingPathComponent(name)
            let queue = try DatabaseQueue(path: url.path)
            try queue.write { db in
                try db.execute(sql: "PRAGMA application_id = \(applicationID)")
                try db.execute(sql: "CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)")
                try db.execute(sql: "INSERT INTO notes (body) VALUES ('keep me')")
            }
            try queue.close()
            let before = try fileBytes(url)
            XCTAssertThrowsError(try SQLiteStudyStore(url: url)) { error in
                guard case let .foreignDatabase(path, _)? = error as? StudyStoreError else {
                    return XCTFail("expected foreignDatabase, got \(error)")
                }
                XCTAssertEqual(path, url.path)
                XCTAssertTrue("\(error)".contains("another application"))
            }
            XCTAssertThrowsError(try SQLiteStudyStore(url: url, options: .init(readOnly: true)))
            XCTAssertEqual(try fileBytes(url), before, name)
        }
    }

    func testCorruptDatabaseIsRefusedAndLeftUnchanged() throws {
        let folder = try temporaryFolder(self)
        // A real usreview database whose pages after the header are overwritten.
        let url = folder.appendingPathComponent("damaged.sqlite")
        try makeStudyFile(at: url)
        var bytes = try fileBytes(url)
        for offset in stride(from: 100, to: bytes.count, by: 1) { bytes[offset] = UInt8(truncatingIfNeeded: offset &* 31) }
        try bytes.write(to: url)
        XCTAssertThrowsError(try SQLiteStudyStore(url: url)) { error in
            guard case .corrupt? = error as? StudyStoreError else { return XCTFail("expected corrupt, got \(error)") }
            XCTAssertTrue("\(error)".contains(url.path))
        }
        XCTAssertEqual(try fileBytes(url), bytes)

        // A file that starts like SQLite but is cut short.
        let truncated = folder.appendingPathComponent("truncated.sqlite")
        try Data("SQLite format 3\0".utf8).write(to: truncated)
        XCTAssertThrowsError(try SQLiteStudyStore(url: truncated)) { error in
            XCTAssertEqual(error as? StudyStoreError, .notSQLite(path: truncated.path))
        }
        XCTAssertEqual(try fileBytes(truncated), Data("SQLite format 3\0".utf8))
    }

    func testEmptyFileBecomesAStudyDatabase() throws {
        let url = try temporaryFolder(self).appendingPathComponent("empty.sqlite")
        XCTAssertTrue(FileManager.default.createFile(atPath: url.path, contents: Data()))
        let store = try SQLiteStudyStore(url: url)
        XCTAssertEqual(try store.studyNames(), [])
    }

    /// A new database whose first commit is still only in the WAL (a crash before any
    /// checkpoint) has application id 0 in its header: the meta table vouches for it.
    /// usreview now creates files whole (`createFile`), but older versions migrated a new
    /// file in place, in WAL mode, and left such files.
    func testUncheckpointedNewDatabaseIsStillRecognised() throws {
        let folder = try temporaryFolder(self)
        let url = folder.appendingPathComponent("fresh.sqlite")
        let crashed = folder.appendingPathComponent("crashed.sqlite")
        let store = try DatabasePool(path: url.path)
        try SQLiteStudyStore.migrator.migrate(store)
        // The files as a crash would leave them: main file and WAL, never checkpointed.
        try FileManager.default.copyItem(at: url, to: crashed)
        try FileManager.default.copyItem(atPath: url.path + "-wal", toPath: crashed.path + "-wal")
        XCTAssertEqual(Array([UInt8](try fileBytes(crashed).prefix(100))[68..<72]), [0, 0, 0, 0])
        let recovered = try SQLiteStudyStore(url: crashed)
        XCTAssertEqual(try recovered.studyNames(), [])
        XCTAssertNoThrow(try recovered.createStudy(definition(), cases: syntheticCases(2)))
    }

    func testDatabaseOfANewerUsreviewIsRefused() throws {
        let url = try temporaryFolder(self).appendingPathComponent("newer.sqlite")
        let store = try SQLiteStudyStore(url: url)
        try store.pool.write { db in
            try db.execute(sql: "INSERT INTO grdb_migrations (identifier) VALUES ('v99-future')")
        }
        try store.close()
        XCTAssertThrowsError(try SQLiteStudyStore(url: url)) { error in
            XCTAssertEqual(error as? StudyStoreError, .newerSchema(path: url.path, unknown: ["v99-future"]))
        }
    }

    func testCreateStudyStoresDefinitionCasesAndQuestions() throws {
        let url = try temporaryFolder(self).appendingPathComponent("s.sqlite")
        let store = try SQLiteStudyStore(url: url)
        let cases = syntheticCases(6)
        let snapshot = try store.createStudy(definition(models: ["unet", "resnet"]), cases: Array(cases.dropFirst()),
                                             calibration: [cases[0]])
        XCTAssertEqual(snapshot.modelNames, ["unet", "resnet"])
        XCTAssertEqual(snapshot.questions, QuestionDefinition.defaults)
        XCTAssertEqual(snapshot.cases.map(\.caseId), cases.map(\.id))
        XCTAssertEqual(snapshot.cases.map(\.isCalibration), [true, false, false, false, false, false])
        XCTAssertEqual(snapshot.cases[1].lowDevice, cases[1].devices.low)
        XCTAssertEqual(snapshot.definition.seed, 7)
        XCTAssertThrowsError(try store.createStudy(definition(), cases: cases)) { error in
            XCTAssertEqual(error as? StudyStoreError, .studyExists(name: "pilot", path: url.path))
        }
        XCTAssertThrowsError(try store.study(named: "other")) { error in
            XCTAssertEqual(error as? StudyStoreError, .studyNotFound(name: "other", path: url.path, known: ["pilot"]))
        }
    }

    func testAnswersCannotBeChangedInPlace() throws {
        let url = try temporaryFolder(self).appendingPathComponent("s.sqlite")
        try makeStudyFile(at: url)
        let store = try SQLiteStudyStore(url: url)
        let session = try enrolledSession(store: store, study: "pilot", reader: "ann")
        try fillForm(session)
        try session.submit()
        XCTAssertThrowsError(try store.pool.write { db in try db.execute(sql: "UPDATE answer SET value = 'x'") })
        XCTAssertThrowsError(try store.pool.write { db in try db.execute(sql: "UPDATE submission SET revision = 9") })
    }
}
