import Dataset
import Foundation
import GRDB
@testable import ReaderStudy
import XCTest

final class ExportTests: XCTestCase {
    private let questions = [
        QuestionDefinition(key: "fidelity", prompt: "Fidelity", kind: .likert(points: 5, anchors: [])),
        QuestionDefinition(key: "best", prompt: "Which is best?", kind: .preference),
        QuestionDefinition(key: "order", prompt: "Rank them", kind: .ranking),
        QuestionDefinition(key: "comment", prompt: "Comment", kind: .text, required: false, perCase: true),
    ]

    /// A blinded study with two models and the high image as candidates; one reader,
    /// two cases answered, the first revised.
    private func makeAnsweredStudy() throws -> (URL, ReadingSession) {
        let url = try temporaryFolder(self).appendingPathComponent("s.sqlite")
        let store = try SQLiteStudyStore(url: url)
        try store.createStudy(definition(models: ["unet", "resnet"], questions: questions), cases: syntheticCases(3))
        let clock = ManualClock()
        let session = try enrolledSession(store: store, study: "pilot", reader: "Dr.OBrien-MD", now: clock.function)
        for label in ["A", "B", "C"] { try session.answer("fidelity", panel: label, value: "3") }
        try session.answer("best", value: "b")
        try session.answer("order", value: "B > A > C")
        try session.answer("comment", value: "calcification \"missing\", see\nlower pole")
        clock.advance(2.5)
        try session.submit()
        for label in ["A", "B", "C"] { try session.answer("fidelity", panel: label, value: "4") }
        try session.answer("best", value: "A")
        try session.answer("order", value: "A>B>C")
        try session.submit()
        try session.revisit(position: 0)
        try session.answer("fidelity", panel: "A", value: "1")
        try session.submit()
        return (url, session)
    }

    func testRowsUnblindLabelsAndKeepTheAuditTrail() throws {
        let (_, session) = try makeAnsweredStudy()
        let latest = try StudyExport.rows(from: session.sqlite, study: "pilot")
        let all = try StudyExport.rows(from: session.sqlite, study: "pilot", allRevisions: true)
        // Answer sets: case 1 rev 1 (6 answers), case 2 rev 1 (5: no comment), case 1 rev 2
        // (6: the form comes back filled with rev 1, one answer changed).
        XCTAssertEqual(latest.count, 5 + 6)
        XCTAssertEqual(all.count, 6 + 5 + 6)
        XCTAssertTrue(latest.allSatisfy(\.isLatest))
        XCTAssertEqual(all.filter { !$0.isLatest }.count, 6)

        let first = session.state.presentations[0]
        let panels = try session.sqlite.key(of: first.id!)
        let fidelityA = try XCTUnwrap(latest.first { $0.question == "fidelity" && $0.panelLabel == "A" && $0.revision == 2 })
        XCTAssertEqual(fidelityA.value, "1")
        XCTAssertEqual(fidelityA.model, panels["A"]!.source.resultName)
        XCTAssertEqual(fidelityA.panelPosition, 2)
        XCTAssertEqual(fidelityA.caseId, session.snapshot.cases[first.studyCaseId == 1 ? 0 : Int(first.studyCaseId - 1)].caseId)
        let best = try XCTUnwrap(all.first { $0.question == "best" && $0.revision == 1 })
        XCTAssertEqual(best.value, "B")
        XCTAssertEqual(best.valueUnblinded, panels["B"]!.source.resultName)
        XCTAssertEqual(best.panelLabel, "")
        XCTAssertEqual(best.panelPosition, 0)
        let order = try XCTUnwrap(all.first { $0.question == "order" && $0.revision == 1 })
        XCTAssertEqual(order.value, "B>A>C")
        XCTAssertEqual(order.valueUnblinded, ["B", "A", "C"].map { panels[$0]!.source.resultName }.joined(separator: ">"))
        XCTAssertEqual(best.durationMs, 2500)
        XCTAssertEqual(best.organ, Organ(caseID: Int(best.caseId)!)!.rawValue)
        XCTAssertEqual(best.lowDevice, DeviceTable.paperTable1[Organ(rawValue: best.organ)!].low)
        XCTAssertEqual(best.split, "test")
    }

    func testCSVIsRFC4180WithISOTimes() throws {
        let (_, session) = try makeAnsweredStudy()
        let csv = StudyExport.csv(try StudyExport.rows(from: session.sqlite, study: "pilot", allRevisions: true))
        let lines = csv.components(separatedBy: "\r\n")
        XCTAssertEqual(lines[0], "study,reader,case_id,organ,low_device,high_device,split,panel_label,model,panel_position,"
                       + "question,value,value_unblinded,started_at,submitted_at,duration_ms,is_repeat,is_calibration,revision,is_latest")
        XCTAssertEqual(lines.last, "")                                   // ends with CRLF
        XCTAssertTrue(csv.contains("pilot,Dr.OBrien-MD,"))
        XCTAssertTrue(csv.contains("\"calcification \"\"missing\"\", see\nlower pole\""))
        XCTAssertTrue(csv.contains(",2027-01-15T08:00:00.000Z,2027-01-15T08:00:02.500Z,2500,false,false,"), csv)
        let parsed = try parseCSV(csv)
        XCTAssertEqual(parsed.count, 1 + 17)
        XCTAssertTrue(parsed.allSatisfy { $0.count == 20 })
        XCTAssertEqual(parsed.first { $0[10] == "comment" && $0[18] == "1" }?[11], "calcification \"missing\", see\nlower pole")
    }

    func testJSONHasTheSameColumns() throws {
        let (_, session) = try makeAnsweredStudy()
        let data = try StudyExport.json(answers: try StudyExport.rows(from: session.sqlite, study: "pilot"),
                                        marks: try StudyExport.marks(from: session.sqlite, study: "pilot"))
        let document = try XCTUnwrap(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        XCTAssertEqual(Set(document.keys), ["answers", "marks"])
        XCTAssertEqual((document["marks"] as? [Any])?.count, 0)
        let objects = try XCTUnwrap(document["answers"] as? [[String: Any]])
        XCTAssertEqual(objects.count, 11)
        XCTAssertEqual(Set(objects[0].keys), Set(ExportRow.CodingKeys.allCases.map(\.rawValue)))
        XCTAssertEqual(objects[0]["started_at"] as? String, "2027-01-15T08:00:02.500Z")   // the revision's display time
        XCTAssertEqual(objects[0]["revision"] as? Int, 2)
        XCTAssertEqual(objects[0]["is_repeat"] as? Bool, false)
    }

    func testExportingNeverChangesTheDatabase() throws {
        let (url, session) = try makeAnsweredStudy()
        try session.store.close()
        let before = try fileBytes(url)
        let store = try SQLiteStudyStore(url: url, options: .init(readOnly: true))
        _ = StudyExport.csv(try StudyExport.rows(from: store, study: "pilot", allRevisions: true))
        _ = try store.status(ofStudy: "pilot")
        try store.close()
        XCTAssertEqual(try fileBytes(url), before)
        let wal = url.path + "-wal"
        if FileManager.default.fileExists(atPath: wal) {
            XCTAssertEqual(try FileManager.default.attributesOfItem(atPath: wal)[.size] as? Int, 0)
        }
    }

    /// A strict RFC 4180 reader, to check the writer against.
    private func parseCSV(_ text: String) throws -> [[String]] {
        var rows: [[String]] = []
        var row: [String] = []
        var field = ""
        var quoted = false
        var characters = Array(text)[...]
        while let character = characters.popFirst() {
            if quoted {
                if character == "\"" {
                    if characters.first == "\"" { field.append("\""); characters.removeFirst() } else { quoted = false }
                } else {
                    field.append(character)
                }
            } else if character == "\"" {
                guard field.isEmpty else { throw CSVError.strayQuote }
                quoted = true
            } else if character == "," {
                row.append(field); field = ""
            } else if character == "\r\n" {
                row.append(field); field = ""
                rows.append(row); row = []
            } else {
                guard character != "\n", character != "\r" else { throw CSVError.bareLineBreak }
                field.append(character)
            }
        }
        return rows
    }

    private enum CSVError: Error { case strayQuote, bareLineBreak }
}
