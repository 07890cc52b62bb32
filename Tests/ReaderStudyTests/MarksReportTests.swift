import Dataset
import Foundation
@testable import ReaderStudy
import XCTest

/// The report's marks section on a small blinded study worked by hand: readers R0, R1, R2;
/// models unet and gan (HIGH not a candidate); cases T1 = 0201 and T2 = 0401 (thyroid) and
/// C = 0601 (carotid), plus calibration case 0001. R2 does not read C. The readers' answers
/// come from real sessions (so the readings are the export's); the marks are written here
/// as the marks export would give them.
///
/// Marks (H = hallucinated, L = lost; points (x,y), boxes (x,y,w,h)):
///
/// | image | case | R0 | R1 | R2 |
/// | --- | --- | --- | --- | --- |
/// | unet | T1 | H (100,100), H (109,100) | H (105,100), H (93,100) | H box (95,95,10,10) |
/// | unet | T2 | L box (10,10,100,10), L (50,50) | L box (63,10,100,10), H (50,50) | L box (64,10,100,10) |
/// | unet | C | – | H (200,200) | not read |
/// | gan | T1, T2, C | H (10,10) each | – | – |
///
/// Left out, each would change a number below: R0's repeat showing of T1 on unet (H (300,300)),
/// a calibration mark, and R1's earlier revision of T1 (L (1,1)).
final class MarksReportTests: XCTestCase {
    private let questions = [
        QuestionDefinition(key: "hallucinated", prompt: "Hallucinated?", kind: .yesNo),
        QuestionDefinition(key: "where", prompt: "Where?", kind: .marks(categories: ["hallucinated", "lost"]),
                           required: false),
    ]
    private let readers = ["R0", "R1", "R2"]
    private let (t1, t2, c) = ("0201", "0401", "0601")

    private func makeStudy(questions: [QuestionDefinition]) throws -> (StudySnapshot, [ExportRow]) {
        let store = try SQLiteStudyStore(url: try temporaryFolder(self).appendingPathComponent("marks.sqlite"))
        var studyDefinition = definition(models: ["unet", "gan"], questions: questions)
        studyDefinition.includeHighAsCandidate = false
        let all = syntheticCases(4, step: 200)  // 0001, 0201, 0401 (thyroid), 0601 (carotid)
        let snapshot = try store.createStudy(studyDefinition, cases: Array(all.dropFirst()), calibration: [all[0]])
        for reader in readers {
            let session = try enrolledSession(store: store, study: "pilot", reader: reader)
            var skipped = false
            while let current = session.current {
                if reader == "R2", current.studyCase.caseId == c {
                    if skipped { break }
                    skipped = true
                    try session.skip()
                    continue
                }
                for panel in current.candidates { try session.answer("hallucinated", panel: panel.label, value: "no") }
                try session.submit()
            }
        }
        return (snapshot, try StudyExport.rows(from: store, study: "pilot"))
    }

    private func marks(_ rows: [ExportRow]) -> [MarkExportRow] {
        func mark(_ reader: String, _ caseId: String, _ model: String, _ category: String, _ shape: MarkShape,
                  isRepeat: Bool = false, isCalibration: Bool = false, isLatest: Bool = true) -> MarkExportRow {
            // The label this reader saw the image under: labels are drawn per reader and case.
            let label = rows.first { $0.reader == reader && $0.caseId == caseId && $0.model == model }?.panelLabel ?? "A"
            return MarkExportRow(study: "pilot", reader: reader, caseId: caseId, organ: Organ(caseID: Int(caseId)!)!.rawValue,
                                 panelLabel: label, model: model, question: "where", category: category, shape: shape,
                                 confidence: 3, isRepeat: isRepeat, isCalibration: isCalibration, revision: isLatest ? 1 : 0,
                                 isLatest: isLatest, startedAt: Date(timeIntervalSince1970: 0),
                                 submittedAt: Date(timeIntervalSince1970: 1))
        }
        let h = "hallucinated", l = "lost"
        return [
            mark("R0", t1, "unet", h, .point(x: 100, y: 100)), mark("R0", t1, "unet", h, .point(x: 109, y: 100)),
            mark("R1", t1, "unet", h, .point(x: 105, y: 100)), mark("R1", t1, "unet", h, .point(x: 93, y: 100)),
            mark("R2", t1, "unet", h, .box(x: 95, y: 95, width: 10, height: 10)),
            mark("R0", t2, "unet", l, .box(x: 10, y: 10, width: 100, height: 10)), mark("R0", t2, "unet", l, .point(x: 50, y: 50)),
            mark("R1", t2, "unet", l, .box(x: 63, y: 10, width: 100, height: 10)), mark("R1", t2, "unet", h, .point(x: 50, y: 50)),
            mark("R2", t2, "unet", l, .box(x: 64, y: 10, width: 100, height: 10)),
            mark("R1", c, "unet", h, .point(x: 200, y: 200)),
            mark("R0", t1, "gan", h, .point(x: 10, y: 10)), mark("R0", t2, "gan", h, .point(x: 10, y: 10)),
            mark("R0", c, "gan", h, .point(x: 10, y: 10)),
            // Left out of the analysis:
            mark("R0", t1, "unet", h, .point(x: 300, y: 300), isRepeat: true),
            mark("R0", "0001", "unet", h, .point(x: 5, y: 5), isCalibration: true),
            mark("R1", t1, "unet", l, .point(x: 1, y: 1), isLatest: false),
        ]
    }

    private func share(_ report: MarksReport, _ model: String, _ organ: String, _ category: String,
                       _ reader: String) throws -> MarkShare {
        try XCTUnwrap(report.shares.first {
            $0.model == model && $0.organ == organ && $0.category == category && $0.reader == reader
        }, "\(model) \(organ) \(category) \(reader)")
    }

    func testSharesAndLocalisationAgreementByHand() throws {
        let (snapshot, rows) = try makeStudy(questions: questions)
        let report = StudyReport.make(snapshot: snapshot, rows: rows, marks: marks(rows))
        let marks = try XCTUnwrap(report.marks)
        XCTAssertEqual(marks.categories, ["hallucinated", "lost"])
        XCTAssertEqual(marks.matchRadius, 10)
        XCTAssertEqual(marks.readings, 3 * 2 + 3 * 2 + 2 * 2)  // R2 read two cases

        // unet, all organs, hallucinated. R0: 1 of 3 readings (T1), 2 marks; Wilson 1/3 per
        // scipy's binomtest(1, 3).proportion_ci(method="wilson") = (0.061492, 0.792340).
        let r0 = try share(marks, "unet", "all", "hallucinated", "R0")
        XCTAssertEqual([r0.readings, r0.marked, r0.marks], [3, 1, 2])
        XCTAssertEqual(try XCTUnwrap(r0.share.value), 1.0 / 3, accuracy: 1e-12)
        XCTAssertEqual(try XCTUnwrap(r0.share.lower), 0.06149194472039626, accuracy: 1e-12)
        XCTAssertEqual(try XCTUnwrap(r0.share.upper), 0.7923403991979523, accuracy: 1e-12)
        XCTAssertEqual(try XCTUnwrap(r0.marksPerReading), 2.0 / 3, accuracy: 1e-12)
        // R1: T1, T2 (the H point) and C: 3 of 3, 2 + 1 + 1 = 4 marks; Wilson (0.438503, 1).
        let r1 = try share(marks, "unet", "all", "hallucinated", "R1")
        XCTAssertEqual([r1.readings, r1.marked, r1.marks], [3, 3, 4])
        XCTAssertEqual(try XCTUnwrap(r1.share.lower), 0.4385029682449546, accuracy: 1e-12)
        XCTAssertEqual(r1.share.upper, 1)
        XCTAssertEqual(try XCTUnwrap(r1.marksPerReading), 4.0 / 3, accuracy: 1e-12)
        // R2: the box on T1: 1 of 2, 1 mark; Wilson (0.094531, 0.905469).
        let r2 = try share(marks, "unet", "all", "hallucinated", "R2")
        XCTAssertEqual([r2.readings, r2.marked, r2.marks], [2, 1, 1])
        XCTAssertEqual(try XCTUnwrap(r2.share.lower), 0.09453120573423074, accuracy: 1e-12)
        XCTAssertEqual(try XCTUnwrap(r2.share.upper), 0.9054687942657693, accuracy: 1e-12)
        // Pooled: 1 + 3 + 1 = 5 of 8 readings, 7 marks. Per case (marked/read): T1 3/3, T2 1/3,
        // C 1/2, so every resample's share lies in [1/3, 1].
        let pooled = try share(marks, "unet", "all", "hallucinated", "all readers")
        XCTAssertEqual([pooled.readings, pooled.marked, pooled.marks], [8, 5, 7])
        XCTAssertEqual(try XCTUnwrap(pooled.share.value), 0.625, accuracy: 1e-12)
        let lower = try XCTUnwrap(pooled.share.lower), upper = try XCTUnwrap(pooled.share.upper)
        XCTAssertGreaterThanOrEqual(lower, 1.0 / 3 - 1e-12)
        XCTAssertLessThan(lower, 0.625)
        XCTAssertGreaterThan(upper, 0.625)
        XCTAssertLessThanOrEqual(upper, 1)
        // lost: R0's box and point on T2 (1 of 3, 2 marks); R1's box (1 of 3; its earlier revision's
        // mark is not counted); R2's box (1 of 2).
        let lost = try share(marks, "unet", "all", "lost", "R1")
        XCTAssertEqual([lost.readings, lost.marked, lost.marks], [3, 1, 1])
        XCTAssertEqual(try share(marks, "unet", "all", "lost", "R0").marks, 2)
        XCTAssertEqual(try share(marks, "unet", "all", "lost", "all readers").marked, 3)

        // By organ: thyroid holds T1 and T2; R2 read no carotid case, so no share there.
        XCTAssertEqual(try share(marks, "unet", "thyroid", "hallucinated", "all readers").marked, 4)  // 1 + 2 + 1 of 6
        XCTAssertEqual(try share(marks, "unet", "thyroid", "hallucinated", "all readers").readings, 6)
        let carotidR2 = try share(marks, "unet", "carotid", "hallucinated", "R2")
        XCTAssertEqual(carotidR2.readings, 0)
        XCTAssertNil(carotidR2.share.value)
        XCTAssertEqual(carotidR2.share.reason, "no readings")

        // gan, thyroid: R0 marked both cases, the others none: every case is 1 of 3, so the
        // bootstrap interval collapses to the share 2/6.
        let gan = try share(marks, "gan", "thyroid", "hallucinated", "all readers")
        XCTAssertEqual([gan.readings, gan.marked], [6, 2])
        XCTAssertEqual(try XCTUnwrap(gan.share.lower), 1.0 / 3, accuracy: 1e-12)
        XCTAssertEqual(try XCTUnwrap(gan.share.upper), 1.0 / 3, accuracy: 1e-12)

        // Localisation agreement on unet, readings paired by case (never by label).
        // R0–R1 on T1, T2, C: T1 greedy: (109,100)–(105,100) at 4 px, then (100,100)–(93,100)
        // at 7 px (the 5 px pair (100,100)–(105,100) comes second and is skipped): m = 2.
        // T2: the L boxes at IoU 47/153 = 0.307 match; the L and H points at (50,50) differ in
        // category: m = 1. C: m = 0. m = 3, nA = 2 + 2 + 0 = 4, nB = 2 + 2 + 1 = 5: 6/9.
        // R0–R2 on T1, T2: (100,100) lies in the box: m = 1; the L boxes at IoU 46/154 = 0.299
        // do not match: m = 1, nA = 4, nB = 2: 2/6.
        // R1–R2 on T1, T2: neither point lies in the box (x 95…104); the L boxes overlap at
        // IoU 99/101: m = 1, nA = 4, nB = 2: 2/6. Mean (6/9 + 2/6 + 2/6)/3 = 4/9.
        // The readers saw unet under different labels on some case, so pairing by label would differ.
        XCTAssertTrue([t1, t2, c].contains { caseId in
            Set(rows.filter { $0.caseId == caseId && $0.model == "unet" && !$0.isRepeat }.map(\.panelLabel)).count > 1
        })
        let unet = try XCTUnwrap(marks.agreement.first { $0.model == "unet" })
        XCTAssertEqual(unet.pairs.map { [$0.readings, $0.matched, $0.firstMarks, $0.secondMarks] },
                       [[3, 3, 4, 5], [2, 1, 4, 2], [2, 1, 4, 2]])
        XCTAssertEqual(unet.pairs.map { "\($0.first)-\($0.second)" }, ["R0-R1", "R0-R2", "R1-R2"])
        XCTAssertEqual(try XCTUnwrap(unet.pairs[0].agreement.value), 6.0 / 9, accuracy: 1e-12)
        XCTAssertEqual(try XCTUnwrap(unet.pairs[1].agreement.value), 2.0 / 6, accuracy: 1e-12)
        XCTAssertEqual(try XCTUnwrap(unet.meanOfPairs.value), 4.0 / 9, accuracy: 1e-12)
        // gan: R0's marks match nothing (0 and 0); R1 and R2 placed none, so their pair is
        // undefined and left out of the mean.
        let gan2 = try XCTUnwrap(marks.agreement.first { $0.model == "gan" })
        XCTAssertEqual(gan2.pairs.map(\.agreement.value), [0, 0, nil])
        XCTAssertEqual(gan2.pairs[2].agreement.reason, "neither placed a mark")
        XCTAssertEqual(gan2.meanOfPairs.value, 0)

        // Markdown and JSON carry the numbers.
        let markdown = report.markdown()
        XCTAssertTrue(markdown.contains("## Marks\n"))
        XCTAssertTrue(markdown.contains("Match radius R = 10 px"))
        XCTAssertTrue(markdown.contains("| all | hallucinated | R0 | 3 | 1 | 0.333 (Wilson 0.061 to 0.792) | 2 | 0.667 |"),
                      markdown)
        XCTAssertTrue(markdown.contains("| all | hallucinated | all readers | 8 | 5 | 0.625 (bootstrap "), markdown)
        XCTAssertTrue(markdown.contains("- R0 vs R1, 3 cases: m = 3, nA = 4, nB = 5: 0.667\n"), markdown)
        XCTAssertTrue(markdown.contains("- Mean over reader pairs: 0.444\n"), markdown)
        XCTAssertTrue(markdown.contains("| carotid | hallucinated | R2 | 0 | 0 | n/a (no readings) |"), markdown)
        XCTAssertTrue(report.methods.contains { $0.contains("within 10 px") })
        let json = try report.json()
        let object = try XCTUnwrap(JSONSerialization.jsonObject(with: json) as? [String: Any])
        let section = try XCTUnwrap(object["marks"] as? [String: Any])
        XCTAssertEqual(section["matchRadius"] as? Double, 10)
        XCTAssertEqual(section["readings"] as? Int, 16)
        XCTAssertEqual(try JSONDecoder().decode(StudyReport.self, from: json), report)
        XCTAssertTrue(report.html().contains("Localisation agreement on unet"))

        // The same inputs give the same bootstrap intervals (seeded from the study seed).
        XCTAssertEqual(StudyReport.make(snapshot: snapshot, rows: rows, marks: self.marks(rows)), report)
    }

    func testTheRadiusIsAnOption() throws {
        let (snapshot, rows) = try makeStudy(questions: questions)
        // R = 3: T1's points are 4, 5 and 7 px apart, none matches; R0–R1 keeps T2's boxes:
        // m = 1 of 4 + 5: 2/9.
        let report = StudyReport.make(snapshot: snapshot, rows: rows, marks: marks(rows), matcher: MarkMatcher(radius: 3))
        let unet = try XCTUnwrap(report.marks?.agreement.first { $0.model == "unet" })
        XCTAssertEqual(unet.pairs[0].matched, 1)
        XCTAssertEqual(try XCTUnwrap(unet.pairs[0].agreement.value), 2.0 / 9, accuracy: 1e-12)
        XCTAssertTrue(report.markdown().contains("Match radius R = 3 px"))
        XCTAssertEqual(report.marks?.matchRadius, 3)
    }

    func testAStudyWithoutMarksQuestionsHasNoSection() throws {
        let (snapshot, rows) = try makeStudy(questions: [questions[0]])
        let report = StudyReport.make(snapshot: snapshot, rows: rows, marks: marks(rows))
        XCTAssertNil(report.marks)
        XCTAssertEqual(report.methods, ReportBuilder.methods)
        XCTAssertFalse(report.markdown().contains("Marks"))
        let object = try XCTUnwrap(JSONSerialization.jsonObject(with: try report.json()) as? [String: Any])
        XCTAssertNil(object["marks"])
    }
}
