import Dataset
import Foundation
import GRDB
@testable import ReaderStudy
import XCTest

/// Study files under unlucky conditions: a creation, backup or merge cut short, a full
/// disk, a read-only medium, a --db folder that does not exist.
final class InterruptionTests: XCTestCase {
    private func temporaries(in folder: URL) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasPrefix(".") && $0.contains(".tmp") }
    }

    /// What an older usreview left when killed between GRDB's migrations table and the
    /// first migration: a WAL-mode file whose only table is an empty grdb_migrations.
    /// With `withWAL`, the files are copied while the connection is open, as a SIGKILL
    /// leaves them: the table only in the -wal file, the header still empty.
    private func makeInterruptedCreation(at url: URL, withWAL: Bool = false) throws {
        let source = withWAL ? url.deletingLastPathComponent().appendingPathComponent("live.sqlite") : url
        let pool = try DatabasePool(path: source.path)
        try pool.writeWithoutTransaction { db in
            try db.execute(sql: "CREATE TABLE grdb_migrations (identifier TEXT NOT NULL PRIMARY KEY)")
        }
        if withWAL {
            try FileManager.default.copyItem(at: source, to: url)
            try FileManager.default.copyItem(atPath: source.path + "-wal", toPath: url.path + "-wal")
        }
        try pool.close()
    }

    func testCreationInterruptedByAnOlderVersionIsFinished() throws {
        for withWAL in [false, true] {
            let url = try temporaryFolder(self).appendingPathComponent("usreview.sqlite")
            try makeInterruptedCreation(at: url, withWAL: withWAL)
            let store = try SQLiteStudyStore(url: url)
            XCTAssertEqual(try store.studyNames(), [], "withWAL \(withWAL)")
            try store.createStudy(definition(), cases: syntheticCases(2))
            try store.close()
            XCTAssertEqual(try SQLiteStudyStore(url: url, options: .init(readOnly: true)).studyNames(), ["pilot"], "withWAL \(withWAL)")
        }
    }

    /// Recognising an interrupted creation must not open the door to other files.
    func testForeignFilesThatLookAlmostInterruptedAreStillRefused() throws {
        let folder = try temporaryFolder(self)
        let variants = [
            "CREATE TABLE grdb_migrations (identifier TEXT NOT NULL PRIMARY KEY); CREATE TABLE notes (body TEXT)",
            "CREATE TABLE grdb_migrations (identifier TEXT NOT NULL PRIMARY KEY); INSERT INTO grdb_migrations VALUES ('v1-app')",
            "CREATE TABLE patients (id INTEGER PRIMARY KEY)",
        ]
        for (number, sql) in variants.enumerated() {
            let url = folder.appendingPathComponent("foreign\(number).sqlite")
            let queue = try DatabaseQueue(path: url.path)
            try queue.writeWithoutTransaction { db in try db.execute(sql: sql) }
            try queue.close()
            let before = try fileBytes(url)
            XCTAssertThrowsError(try SQLiteStudyStore(url: url), sql) { error in
                guard case .foreignDatabase? = error as? StudyStoreError else { return XCTFail("\(sql): \(error)") }
            }
            XCTAssertEqual(try fileBytes(url), before, sql)
        }
    }

    /// SIGKILL at each named point of a creation (the real binary; `study readers add`, a
    /// coordinator's command, creates the database before it looks for the study): the next open succeeds and
    /// removes what the killed process left.
    func testCreationKilledAtEachPointLeavesAFileTheNextRunOpens() throws {
        let binary = try usreviewBinary(for: self)
        for point in ["create-temporary-opened", "create-migrated", "create-before-link"] {
            let folder = try temporaryFolder(self)
            let url = folder.appendingPathComponent("s.sqlite")
            let process = Process()
            process.executableURL = binary
            process.arguments = ["study", "readers", "add", "--db", url.path, "--study", "pilot", "ann"]
            process.environment = ProcessInfo.processInfo.environment.merging(["USREVIEW_TEST_KILL_AT": point]) { $1 }
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            process.waitUntilExit()
            XCTAssertEqual(process.terminationReason, .uncaughtSignal, point)
            XCTAssertEqual(process.terminationStatus, SIGKILL, point)
            XCTAssertFalse(FileManager.default.fileExists(atPath: url.path), "\(point): a half-made database was left")
            XCTAssertFalse(try temporaries(in: folder).isEmpty, "\(point): the killed run should have left a temporary file")
            let store = try SQLiteStudyStore(url: url)
            XCTAssertEqual(try store.studyNames(), [], point)
            try store.close()
            XCTAssertEqual(try temporaries(in: folder), [], point)
        }
    }

    func testTemporariesOfLiveProcessesAreKept() throws {
        let folder = try temporaryFolder(self)
        let url = folder.appendingPathComponent("s.sqlite")
        let finished = Process()
        finished.executableURL = URL(fileURLWithPath: "/bin/true")
        try finished.run()
        finished.waitUntilExit()
        let dead = folder.appendingPathComponent(".s.sqlite.\(finished.processIdentifier).17.tmp")
        let live = folder.appendingPathComponent(".s.sqlite.1.18.tmp")          // pid 1 always runs
        let other = folder.appendingPathComponent(".s.sqlite.notes.tmp")         // not ours: not a PID
        let nested = folder.appendingPathComponent("..s.sqlite.\(finished.processIdentifier).5.tmp.\(finished.processIdentifier).6.tmp")
        for file in [dead, live, other, nested] { try Data("x".utf8).write(to: file) }
        try Data("x".utf8).write(to: URL(fileURLWithPath: nested.path + "-wal"))
        try Data("x".utf8).write(to: URL(fileURLWithPath: dead.path + "-journal"))
        try SQLiteStudyStore(url: url).close()
        XCTAssertEqual(try temporaries(in: folder).sorted(), [live.lastPathComponent, other.lastPathComponent].sorted())
    }

    func testMissingFolderIsAnErrorUnlessAsked() throws {
        let folder = try temporaryFolder(self)
        let url = folder.appendingPathComponent("typo/s.sqlite")
        XCTAssertThrowsError(try SQLiteStudyStore(url: url)) { error in
            XCTAssertEqual(error as? StudyStoreError, .noFolder(path: url.path, folder: folder.appendingPathComponent("typo").path))
            XCTAssertTrue("\(error)".contains("--create-folders"))
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: folder.appendingPathComponent("typo").path))
        XCTAssertNoThrow(try SQLiteStudyStore(url: url, options: .init(createFolder: true)).close())
        XCTAssertTrue(FileManager.default.fileExists(atPath: url.path))
    }

    /// Only a reader's answer set is "kept for retry"; a full disk anywhere else says
    /// nothing was changed, not that answers are kept.
    func testFullDiskMessagesSayWhatHappened() throws {
        let url = try temporaryFolder(self).appendingPathComponent("s.sqlite")
        try SQLiteStudyStore(url: url).close()
        let pages = try DatabaseQueue(path: url.path).read { db in try Int.fetchOne(db, sql: "PRAGMA page_count")! }
        let store = try SQLiteStudyStore(url: url, options: .init(maxPageCount: pages))
        XCTAssertThrowsError(try store.createStudy(definition(), cases: syntheticCases(200, step: 7))) { error in
            XCTAssertEqual(error as? StudyStoreError, .diskFull(path: url.path))
            XCTAssertFalse("\(error)".contains("answers are kept"), "\(error)")
            XCTAssertTrue("\(error)".contains("Nothing was changed"), "\(error)")
        }
        XCTAssertTrue(StudyStoreError.answersNotSaved(.diskFull(path: url.path)).description.contains("Your answers are kept"))
        // sqlite3_backup_step reports a full disk with the message "not an error".
        let backup = SQLiteStudyStore.backupError(DatabaseError(resultCode: .SQLITE_FULL, message: "not an error"), destination: "/b.sqlite")
        XCTAssertEqual(backup as? StudyStoreError, .diskFull(path: "/b.sqlite"))
        XCTAssertFalse("\(backup)".contains("not an error"))
    }

    func testBackupOntoTheLiveDatabaseIsRefused() throws {
        let url = try temporaryFolder(self).appendingPathComponent("s.sqlite")
        try makeStudyFile(at: url)
        let store = try SQLiteStudyStore(url: url, options: .init(readOnly: true))
        let before = try fileBytes(url)
        XCTAssertThrowsError(try store.backup(to: url)) { error in
            XCTAssertEqual(error as? OutputGuardError, .outputIsInput(output: url.path, input: url.path))
        }
        try store.close()
        XCTAssertEqual(try fileBytes(url), before)
    }

    func testFailedMergeLeavesNoTargetAndMergeIntoASourceIsRefused() throws {
        let folder = try temporaryFolder(self)
        let source = folder.appendingPathComponent("a.sqlite")
        try makeStudyFile(at: source)
        let text = folder.appendingPathComponent("notes.txt")
        try Data("not a database".utf8).write(to: text)
        let target = folder.appendingPathComponent("all.sqlite")
        XCTAssertThrowsError(try SQLiteStudyStore.merge(from: [source, text], into: target)) { error in
            XCTAssertEqual(error as? StudyStoreError, .notSQLite(path: text.path))
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: target.path))
        XCTAssertEqual(try temporaries(in: folder), [])
        XCTAssertThrowsError(try SQLiteStudyStore.merge(from: [source], into: source)) { error in
            XCTAssertEqual(error as? OutputGuardError, .outputIsInput(output: source.path, input: source.path))
        }
        // A merge that fails while writing (the same study name, another definition).
        let other = folder.appendingPathComponent("b.sqlite")
        let store = try SQLiteStudyStore(url: other)
        try store.createStudy(definition(seed: 99), cases: syntheticCases(3))
        try store.close()
        XCTAssertThrowsError(try SQLiteStudyStore.merge(from: [source, other], into: target)) { error in
            XCTAssertEqual(error as? StudyMergeError, .conflictingDefinition(study: "pilot", file: other.path))
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: target.path))
        XCTAssertEqual(try temporaries(in: folder), [])
        XCTAssertEqual(try SQLiteStudyStore.merge(from: [source], into: target).studiesAdded, 1)
        XCTAssertEqual(try SQLiteStudyStore(url: target, options: .init(readOnly: true)).studyNames(), ["pilot"])
    }

    /// The read-only fallback for a WAL database whose -shm cannot be made: SQLite's
    /// `immutable` URI, with the characters URIs reserve escaped.
    func testImmutableURIOpensPathsWithReservedCharacters() throws {
        let folder = try temporaryFolder(self).appendingPathComponent("a?b#c%d e")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let url = folder.appendingPathComponent("s.sqlite")
        try makeStudyFile(at: url)
        var configuration = Configuration()
        configuration.readonly = true
        let queue = try DatabaseQueue(path: SQLiteStudyStore.immutableURI(url.path), configuration: configuration)
        XCTAssertEqual(try queue.read { db in try String.fetchAll(db, sql: "SELECT name FROM study") }, ["pilot"])
    }
}
