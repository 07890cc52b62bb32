import Foundation
import GRDB
@testable import ReaderStudy
import UntrustedText
import XCTest

/// Readers are enrolled by the coordinator; `read` opens only what was drawn for them.
final class EnrolmentTests: XCTestCase {
    func testReaderNamesArePlain() {
        for good in ["R01", "alice", "a.b_c-d", String(repeating: "x", count: 64)] {
            XCTAssertNoThrow(try ReaderName.validate(good), good)
        }
        for bad in ["", " ann", "ann ", "O'Brien", "Dr. O'Brien, MD", "a/b", "a\u{1B}[2J", "é", "ann\n",
                    String(repeating: "x", count: 65), "a\u{202E}b"] {
            XCTAssertThrowsError(try ReaderName.validate(bad), bad) { error in
                XCTAssertEqual(error as? StudyStoreError, .badReaderName(bad))
            }
        }
    }

    func testEnrolmentDrawsTheListsAndReadingOpensThem() throws {
        let url = try temporaryFolder(self).appendingPathComponent("s.sqlite")
        try makeStudyFile(at: url, cases: 6, models: ["unet", "resnet"])
        let store = try SQLiteStudyStore(url: url)
        let enrolments = try store.enrol(readers: ["R01", "R02"], inStudy: "pilot")
        XCTAssertEqual(enrolments.map(\.reader.name), ["R01", "R02"])
        XCTAssertEqual(enrolments.map(\.reader.cases), [6, 6])
        XCTAssertEqual(enrolments.map(\.connection), [nil, nil])
        let studyId = try store.study(named: "pilot").studyId
        let states = try ["R01", "R02"].map { try XCTUnwrap(store.readerState(reader: $0, studyId: studyId)) }
        // The lists are the seeded draw, stored: a session shows exactly them.
        let session = try ReadingSession(store: store, study: "pilot", reader: "R02")
        XCTAssertEqual(session.state.presentations, states[1].presentations)
        XCTAssertNotEqual(states[0].presentations.map(\.studyCaseId), states[1].presentations.map(\.studyCaseId),
                          "two readers get their own orders")
        XCTAssertEqual(try store.readers(ofStudy: "pilot").map(\.name), ["R01", "R02"])
    }

    func testATypoEnrolsNoOneAndNamesTheEnrolledReaders() throws {
        let url = try temporaryFolder(self).appendingPathComponent("s.sqlite")
        try makeStudyFile(at: url)
        let store = try SQLiteStudyStore(url: url)
        try store.enrol(readers: ["alice", "bob"], inStudy: "pilot")
        XCTAssertThrowsError(try ReadingSession(store: store, study: "pilot", reader: "alcie")) { error in
            XCTAssertEqual(error as? StudyStoreError,
                           .readerNotEnrolled(reader: "alcie", study: "pilot", enrolled: ["alice", "bob"]))
            XCTAssertTrue("\(error)".contains("enrolled: alice, bob"), "\(error)")
        }
        XCTAssertEqual(try store.readers(ofStudy: "pilot").count, 2)
    }

    func testEnrolmentIsAllOrNothing() throws {
        let url = try temporaryFolder(self).appendingPathComponent("s.sqlite")
        try makeStudyFile(at: url)
        let store = try SQLiteStudyStore(url: url)
        try store.enrol(readers: ["alice"], inStudy: "pilot")
        XCTAssertThrowsError(try store.enrol(readers: ["carol", "alice"], inStudy: "pilot")) { error in
            XCTAssertEqual(error as? StudyStoreError, .readerAlreadyEnrolled(reader: "alice", study: "pilot"))
        }
        XCTAssertThrowsError(try store.enrol(readers: ["dave", "bad name"], inStudy: "pilot"))
        XCTAssertEqual(try store.readers(ofStudy: "pilot").map(\.name), ["alice"], "carol and dave were not enrolled")
    }

    func testADisabledReaderCannotOpenOrSubmitAndKeepsTheirAnswers() throws {
        let url = try temporaryFolder(self).appendingPathComponent("s.sqlite")
        try makeStudyFile(at: url)
        let store = try SQLiteStudyStore(url: url)
        try store.enrol(readers: ["alice", "bob"], inStudy: "pilot")
        let session = try ReadingSession(store: store, study: "pilot", reader: "alice")
        try fillForm(session)
        try session.submit()
        try fillForm(session)
        try store.disable(reader: "alice", inStudy: "pilot")
        XCTAssertThrowsError(try session.submit()) { error in
            XCTAssertEqual(error as? StudyStoreError, .readerDisabled(reader: "alice", study: "pilot"))
        }
        XCTAssertThrowsError(try ReadingSession(store: store, study: "pilot", reader: "alice")) { error in
            XCTAssertEqual(error as? StudyStoreError, .readerDisabled(reader: "alice", study: "pilot"))
        }
        XCTAssertEqual(try store.status(ofStudy: "pilot").readers.first { $0.reader == "alice" }?.answered, 1)
        XCTAssertNotNil(try store.readers(ofStudy: "pilot").first { $0.name == "alice" }?.disabledAt)
        XCTAssertThrowsError(try ReadingSession(store: store, study: "pilot", reader: "carol")) { error in
            XCTAssertEqual(error as? StudyStoreError, .readerNotEnrolled(reader: "carol", study: "pilot", enrolled: ["bob"]),
                           "a disabled reader is not offered as a spelling")
        }
    }

    func testAReadersClientNeverMigratesAndRefusesAnOldFile() throws {
        let url = try temporaryFolder(self).appendingPathComponent("s.sqlite")
        try makeStudyFile(at: url)
        // Make the file look like one from before enrolment: v1 only.
        do {
            let queue = try DatabaseQueue(path: url.path)
            try queue.write { db in
                try db.execute(sql: "DELETE FROM grdb_migrations WHERE identifier = 'v2-enrolment'")
                try db.execute(sql: "ALTER TABLE reader DROP COLUMN disabledAt")
            }
            try queue.close()
        }
        XCTAssertThrowsError(try SQLiteStudyStore(url: url, options: .init(migrates: false))) { error in
            XCTAssertEqual(error as? StudyStoreError, .readerNeedsUpgrade(path: url.path))
        }
        let applied = try DatabaseQueue(path: url.path, configuration: { var c = Configuration(); c.readonly = true; return c }())
            .read { db in try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations") }
        XCTAssertEqual(applied, ["v1-studies", "v3-frozen", "v4-marks"], "the reader's client did not migrate")
        // The coordinator's command upgrades it; then the reader's client opens it.
        try SQLiteStudyStore(url: url).close()
        XCTAssertNoThrow(try SQLiteStudyStore(url: url, options: .init(migrates: false)).close())
        // And a reader's client does not create a study file where there is none.
        let absent = url.deletingLastPathComponent().appendingPathComponent("none.sqlite")
        XCTAssertThrowsError(try SQLiteStudyStore(url: absent, options: .init(migrates: false)))
        XCTAssertFalse(FileManager.default.fileExists(atPath: absent.path))
    }

    func testPresentationsShowEachReadersListWithTheKey() throws {
        let url = try temporaryFolder(self).appendingPathComponent("s.sqlite")
        try makeStudyFile(at: url, cases: 3, models: ["unet", "resnet"])
        let store = try SQLiteStudyStore(url: url)
        try store.enrol(readers: ["alice", "bob"], inStudy: "pilot")
        let states = try ["alice", "bob"].map { try XCTUnwrap(store.readerState(reader: $0, studyId: store.study(named: "pilot").studyId)) }
        let rows = try store.presentations(ofStudy: "pilot", reader: "bob")
        let snapshot = try store.study(named: "pilot")
        // 3 cases × (REFERENCE + unet + resnet + high).
        XCTAssertEqual(rows.count, 3 * 4)
        for (index, presentation) in states[1].presentations.enumerated() {
            let panels = try store.keyedPanels(of: presentation.id!)
            let mine = rows.filter { $0.listPosition == index + 1 }
            XCTAssertEqual(mine.map(\.panelLabel), panels.map(\.label))
            XCTAssertEqual(mine.map(\.shows), panels.map(\.source.resultName))
            XCTAssertEqual(mine.first?.caseId, snapshot.cases.first { $0.id == presentation.studyCaseId }?.caseId)
        }
        XCTAssertEqual(Set(rows.map(\.shows)), ["low", "unet", "resnet", "high"])
        XCTAssertEqual(try store.presentations(ofStudy: "pilot").count, 2 * 3 * 4)
        XCTAssertThrowsError(try store.presentations(ofStudy: "pilot", reader: "zed"))
        // CSV and JSON carry the same rows.
        let records = try CSVTable.parse(PresentationRow.csv(rows))
        XCTAssertEqual(records.first?.fields, ["study", "reader", "list_position", "case_id", "organ", "is_repeat",
                                               "is_calibration", "panel_position", "panel_label", "is_reference", "shows"])
        XCTAssertEqual(records.dropFirst().map { $0.fields[8] + "=" + $0.fields[10] }, rows.map { $0.panelLabel + "=" + $0.shows })
        XCTAssertEqual(try JSONDecoder().decode([PresentationRow].self, from: PresentationRow.json(rows)), rows)
    }
}
