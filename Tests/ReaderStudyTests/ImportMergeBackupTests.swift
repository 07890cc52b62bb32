import Dataset
import Foundation
import GRDB
@testable import ReaderStudy
import XCTest

final class ImportMergeBackupTests: XCTestCase {
    /// A study file with `readers` enrolled; each answers `answered` cases (none when 0).
    private func makeDatabase(_ url: URL, readers: [String], answered: Int, variant: Int = 1) throws -> SQLiteStudyStore {
        let store = try SQLiteStudyStore(url: url)
        try store.createStudy(definition(models: ["unet"], repeatFraction: 0.2), cases: syntheticCases(6))
        let clock = ManualClock()
        for name in readers {
            let session = try enrolledSession(store: store, study: "pilot", reader: name, now: clock.function)
            for _ in 0..<answered {
                clock.advance(1.25)
                try fillForm(session, variant: variant, comment: "note, \"quoted\"")
                try session.submit()
            }
        }
        return store
    }

    // MARK: - Import

    func testExportImportExportRoundTrip() throws {
        let folder = try temporaryFolder(self)
        let original = try makeDatabase(folder.appendingPathComponent("a.sqlite"), readers: ["R1", "R2"], answered: 4)
        let csv = StudyExport.csv(try StudyExport.rows(from: original, study: "pilot"))
        let fresh = try makeDatabase(folder.appendingPathComponent("b.sqlite"), readers: ["R1", "R2"], answered: 0)
        XCTAssertTrue(try StudyExport.rows(from: fresh, study: "pilot").isEmpty)
        let summary = try StudyImport.importCSV(csv, into: fresh, study: "pilot")
        XCTAssertEqual(summary.submissions, 8)
        XCTAssertEqual(StudyExport.csv(try StudyExport.rows(from: fresh, study: "pilot")), csv)
        // Importing again changes nothing.
        let again = try StudyImport.importCSV(csv, into: fresh, study: "pilot")
        XCTAssertEqual(again.submissions, 0)
        XCTAssertEqual(again.alreadyPresent, 8)
        XCTAssertEqual(StudyExport.csv(try StudyExport.rows(from: fresh, study: "pilot")), csv)
    }

    /// Replaces field `column` of data row `row` (1-based) of an export.
    private func corrupt(_ csv: String, row: Int, column: String, with value: String) -> String {
        var lines = csv.components(separatedBy: "\r\n")
        let index = ExportRow.CodingKeys.allCases.map(\.rawValue).firstIndex(of: column)!
        var fields = lines[row].components(separatedBy: ",")
        fields[index] = value
        lines[row] = fields.joined(separator: ",")
        return lines.joined(separator: "\r\n")
    }

    func testImportErrorsNameTheRowAndImportNothing() throws {
        let folder = try temporaryFolder(self)
        let original = try makeDatabase(folder.appendingPathComponent("a.sqlite"), readers: ["R1"], answered: 3)
        // Rows without the comment (its quoted comma would shift the naive corruption below).
        var rows = try StudyExport.rows(from: original, study: "pilot").filter { $0.question != "comment" }
        rows.sort { ($0.submittedAt, $0.question) < ($1.submittedAt, $1.question) }
        let csv = StudyExport.csv(rows)
        let fresh = try makeDatabase(folder.appendingPathComponent("b.sqlite"), readers: ["R1"], answered: 0)
        let cases: [(String, String, String)] = [
            ("reader", "Nobody", "unknown reader 'Nobody'"),
            ("case_id", "9999", "unknown case '9999'"),
            ("question", "sharpness", "unknown question 'sharpness'"),
            ("model", "resnet", "unknown model 'resnet'"),
            ("submitted_at", "yesterday", "submitted_at 'yesterday' is not an ISO 8601 time"),
        ]
        let likertRow = rows.lastIndex { $0.question == "fidelity" }! + 1
        for (column, value, message) in cases {
            let bad = corrupt(csv, row: likertRow, column: column, with: value)
            XCTAssertThrowsError(try StudyImport.importCSV(bad, into: fresh, study: "pilot", source: "x.csv")) { error in
                let text = "\(error)"
                XCTAssertTrue(text.contains("x.csv, row \(likertRow) "), text)
                XCTAssertTrue(text.contains(message), text)
            }
        }
        let outOfRange = corrupt(csv, row: likertRow, column: "value", with: "7")
        XCTAssertThrowsError(try StudyImport.importCSV(outOfRange, into: fresh, study: "pilot")) { error in
            XCTAssertTrue("\(error)".contains("row \(likertRow) "), "\(error)")
            XCTAssertTrue("\(error)".contains("a whole number from 1 to 5"), "\(error)")
        }
        // All or nothing: the valid rows before the bad one were not stored.
        XCTAssertGreaterThan(likertRow, 5)
        XCTAssertTrue(try StudyExport.rows(from: fresh, study: "pilot").isEmpty)
        XCTAssertThrowsError(try StudyImport.importCSV("a,b\r\n", into: fresh, study: "pilot")) { error in
            guard case StudyImportError.badHeader = error else { return XCTFail("\(error)") }
        }
    }

    // MARK: - Merge

    func testMergeTwoReaderDatabasesTwiceWithoutDuplicates() throws {
        let folder = try temporaryFolder(self)
        let first = try makeDatabase(folder.appendingPathComponent("r1.sqlite"), readers: ["R1"], answered: 3)
        let second = try makeDatabase(folder.appendingPathComponent("r2.sqlite"), readers: ["R2"], answered: 2)
        let expected = try StudyExport.rows(from: first, study: "pilot").count
            + StudyExport.rows(from: second, study: "pilot").count
        try first.close()
        try second.close()
        let target = try SQLiteStudyStore(url: folder.appendingPathComponent("all.sqlite"))
        let sources = [folder.appendingPathComponent("r1.sqlite"), folder.appendingPathComponent("r2.sqlite")]
        let summary = try target.merge(from: sources)
        XCTAssertEqual(summary.studiesAdded, 1)
        XCTAssertEqual(summary.readersAdded, 2)
        XCTAssertEqual(summary.submissionsAdded, 5)
        let merged = try StudyExport.rows(from: target, study: "pilot")
        XCTAssertEqual(merged.count, expected)
        XCTAssertEqual(Set(merged.map(\.reader)), ["R1", "R2"])

        let again = try target.merge(from: sources)
        XCTAssertEqual(again.submissionsAdded, 0)
        XCTAssertEqual(again.submissionsAlreadyPresent, 5)
        XCTAssertEqual(try StudyExport.rows(from: target, study: "pilot"), merged)
        XCTAssertEqual(try target.status(ofStudy: "pilot").readers.map(\.answered), [3, 2])

        // The frozen images came along: each reader sees in the merged file what they saw.
        let source = try SQLiteStudyStore(url: sources[1])
        for reader in ["R1", "R2"] {
            let mergedSession = try ReadingSession(store: target, study: "pilot", reader: reader)
            let shown = mergedSession.state.panels.values.flatMap { $0 }
            XCTAssertFalse(shown.isEmpty)
            for panel in shown { XCTAssertNoThrow(try target.panelImage(id: panel.imageId)) }
            try mergedSession.close()
        }
        let r2 = try ReadingSession(store: source, study: "pilot", reader: "R2")
        for panel in r2.state.panels.values.flatMap({ $0 }) {
            XCTAssertEqual(try target.panelImage(id: panel.imageId), try source.panelImage(id: panel.imageId))
        }
        try r2.close()
        try source.close()
    }

    func testMergeRefusesAConflictingDefinitionAndChangesNothing() throws {
        let folder = try temporaryFolder(self)
        let good = try makeDatabase(folder.appendingPathComponent("good.sqlite"), readers: ["R1"], answered: 2)
        try good.close()
        let otherURL = folder.appendingPathComponent("other.sqlite")
        let other = try SQLiteStudyStore(url: otherURL)
        try other.createStudy(definition(models: ["unet"], seed: 99), cases: syntheticCases(6))
        try other.close()
        let target = try SQLiteStudyStore(url: folder.appendingPathComponent("all.sqlite"))
        XCTAssertThrowsError(try target.merge(from: [folder.appendingPathComponent("good.sqlite"), otherURL])) { error in
            XCTAssertEqual(error as? StudyMergeError, .conflictingDefinition(study: "pilot", file: otherURL.path))
        }
        XCTAssertEqual(try target.studyNames(), [])   // one transaction: the first file was not kept either
    }

    // MARK: - Backup

    func testBackupIsAConsistentOpenableCopy() throws {
        let folder = try temporaryFolder(self)
        let store = try makeDatabase(folder.appendingPathComponent("live.sqlite"), readers: ["R1"], answered: 2)
        let destination = folder.appendingPathComponent("backup.sqlite")
        try store.backup(to: destination)
        // The live database keeps taking answers.
        let session = try enrolledSession(store: store, study: "pilot", reader: "R1")
        try fillForm(session)
        try session.submit()
        let copy = try SQLiteStudyStore(url: destination, options: .init(readOnly: true))
        XCTAssertEqual(try copy.status(ofStudy: "pilot").readers.first?.answered, 2)
        XCTAssertEqual(try store.status(ofStudy: "pilot").readers.first?.answered, 3)
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".tmp") }
        XCTAssertEqual(leftovers, [])
    }
}
