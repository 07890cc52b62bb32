import Dataset
import Foundation
@testable import ReaderStudy
import UntrustedText
import XCTest

/// Export → import with hostile text, and import checking every column against the study.
final class ImportColumnsTests: XCTestCase {
    private let questions = [
        QuestionDefinition(key: "fidelity", prompt: "Fidelity", kind: .likert(points: 5, anchors: [])),
        QuestionDefinition(key: "best", prompt: "Which is best?", kind: .preference),
        QuestionDefinition(key: "order", prompt: "Rank them", kind: .ranking),
        QuestionDefinition(key: "comment", prompt: "Comment", kind: .text, required: false, perCase: true),
    ]
    /// Reader names (enrolment allows letters, digits, '.', '_' and '-'); those starting
    /// with '-' are formula-like to a spreadsheet.
    private let readers = ["R1", "-R2", "-1", "_R4"]
    /// Comments that break naive CSV writers and readers.
    private let comments = [
        "=HYPERLINK(\"http://evil\",\"click\")", "a, b", "say \"hi\"", "two\nlines", "cr\ronly", "crlf\r\nend",
        "  spaced  ", "甲状腺 超声, Zoë", "'already quoted", "-3", "\tTab", "\rCR first", "@SUM(1)", "''", "plain",
    ]

    private func makeStore(_ url: URL, answer: Bool) throws -> SQLiteStudyStore {
        let store = try SQLiteStudyStore(url: url)
        try store.createStudy(definition(models: ["unet", "resnet"], questions: questions, repeatFraction: 0.2),
                              cases: syntheticCases(4))
        let clock = ManualClock()
        var commentIndex = 0
        for name in readers {
            let session = try enrolledSession(store: store, study: "pilot", reader: name, now: clock.function)
            guard answer else { continue }
            while session.current != nil {
                let labels = session.current!.candidates.map(\.label)
                for label in labels { try session.answer("fidelity", panel: label, value: "\(1 + commentIndex % 5)") }
                try session.answer("best", value: labels[commentIndex % labels.count])
                try session.answer("order", value: (commentIndex % 2 == 0 ? labels : labels.reversed()).joined(separator: ">"))
                try session.answer("comment", value: comments[commentIndex % comments.count])
                commentIndex += 1
                clock.advance(1.5)
                try session.submit()
            }
        }
        return store
    }

    func testHostileTextSurvivesExportAndImportExactly() throws {
        let folder = try temporaryFolder(self)
        let original = try makeStore(folder.appendingPathComponent("a.sqlite"), answer: true)
        let rows = try StudyExport.rows(from: original, study: "pilot")
        XCTAssertEqual(Set(rows.filter { $0.question == "comment" }.map(\.value)), Set(comments))
        let csv = StudyExport.csv(rows)
        // What a spreadsheet opens: no text cell starts a formula.
        let header = StudyExportColumns.names
        for record in try CSVTable.parse(csv).dropFirst() {
            for (column, cell) in zip(header, record.fields) where StudyExport.textColumns.contains(column) {
                if let first = cell.unicodeScalars.first {
                    XCTAssertFalse(["=", "+", "-", "@", "\t", "\r"].contains(first), "\(column): \(cell.debugDescription)")
                }
            }
        }
        let fresh = try makeStore(folder.appendingPathComponent("b.sqlite"), answer: false)
        let summary = try StudyImport.importCSV(csv, into: fresh, study: "pilot", source: "answers.csv")
        XCTAssertEqual(summary.answers, rows.count)
        XCTAssertEqual(try StudyExport.rows(from: fresh, study: "pilot"), rows)
        XCTAssertEqual(StudyExport.csv(try StudyExport.rows(from: fresh, study: "pilot")), csv)
    }

    /// Replaces `column` of the first data record whose `where` holds; fields are written
    /// back as they were read (already neutralised), so only that one field changes.
    private func corrupt(_ csv: String, column: String, to value: String,
                         where match: ([String: String]) -> Bool) throws -> (String, line: Int, row: Int) {
        let header = StudyExportColumns.names
        var records = try CSVTable.parse(csv)
        let index = try XCTUnwrap(records.indices.dropFirst().first { i in
            match(Dictionary(uniqueKeysWithValues: zip(header, records[i].fields.map(CSVTable.restored))))
        })
        let position = header.firstIndex(of: column)!
        XCTAssertNotEqual(records[index].fields[position], value, "the corruption must change \(column)")
        records[index].fields[position] = value
        let text = CSVTable.render(header: header, rows: records.dropFirst().map { $0.fields.map(CSVCell.number) })
        return (text, records[index].line, index)
    }

    func testEveryColumnIsCheckedAgainstTheStudyNamingFileLineAndColumn() throws {
        let folder = try temporaryFolder(self)
        let original = try makeStore(folder.appendingPathComponent("a.sqlite"), answer: true)
        let csv = StudyExport.csv(try StudyExport.rows(from: original, study: "pilot"))
        let fresh = try makeStore(folder.appendingPathComponent("b.sqlite"), answer: false)
        let afterComments: ([String: String]) -> Bool = { $0["reader"] == "-R2" }
        let cases: [(column: String, value: String, match: ([String: String]) -> Bool, message: String)] = [
            ("organ", "kidney", { $0["reader"] == "-R2" && $0["organ"] != "kidney" }, "the organ of case"),
            ("low_device", "Other Scanner", afterComments, "the low-quality device of case"),
            ("high_device", "Other Scanner", afterComments, "the high-quality device of case"),
            ("split", "train", afterComments, "the split of case"),
            ("panel_position", "7", { $0["reader"] == "-R2" && $0["question"] == "fidelity" }, "the position of panel"),
            ("panel_position", "2", { $0["reader"] == "-R2" && $0["question"] == "comment" }, "the panel position of an answer about the whole case"),
            ("model", "unet", { $0["reader"] == "-R2" && $0["question"] == "comment" }, "the model of an answer about the whole case"),
            ("value_unblinded", "somebody", { $0["reader"] == "-R2" && $0["question"] == "best" }, "the unblinded form of"),
            ("value_unblinded", "high>unet>resnet", { $0["reader"] == "-R2" && $0["question"] == "order" && $0["value_unblinded"] != "high>unet>resnet" }, "the unblinded form of"),
            ("value_unblinded", "5", { $0["reader"] == "-R2" && $0["question"] == "fidelity" && $0["value"] != "5" }, "the unblinded form of"),
            ("is_calibration", "true", afterComments, "not a calibration case"),
        ]
        for (column, value, match, message) in cases {
            let (bad, line, row) = try corrupt(csv, column: column, to: value, where: match)
            XCTAssertThrowsError(try StudyImport.importCSV(bad, into: fresh, study: "pilot", source: "answers.csv")) { error in
                guard case let StudyImportError.badField(path, errorRow, errorLine, errorColumn, _) = error else {
                    return XCTFail("\(column): \(error)")
                }
                XCTAssertEqual(path, "answers.csv")
                XCTAssertEqual(errorColumn, column)
                XCTAssertEqual(errorRow, row)
                XCTAssertEqual(errorLine, line)
                let text = "\(error)"
                XCTAssertTrue(text.contains("answers.csv, row \(row) (line \(line)), column \(column): '\(value)'"), text)
                XCTAssertTrue(text.contains(message), text)
            }
        }
        XCTAssertTrue(try StudyExport.rows(from: fresh, study: "pilot").isEmpty, "nothing was imported")
    }
}
