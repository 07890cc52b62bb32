import Dataset
import Foundation
@testable import ReaderStudy
import Statistics
import XCTest

/// A blinded study of two models, "enhanced" rated higher than "plain" on every case by
/// every reader: whichever way a comparison points, its mean difference, Wilcoxon and
/// sign tests, AUC_VGC and MRMC difference must point the same way.
final class ComparisonDirectionTests: XCTestCase {
    private let fidelity = QuestionDefinition(key: "fidelity", prompt: "Fidelity", kind: .likert(points: 5, anchors: []))
    private let readers = ["R0", "R1", "R2"]

    private func rating(_ source: String, _ c: Int, _ r: Int) -> Int {
        let plain = 1 + (c + r) % 3
        return source == "plain" ? plain : plain + 1 + c % 2
    }

    private func report(models: [String], comparisons: [ComparisonSpec]? = nil) throws -> StudyReport {
        let url = try temporaryFolder(self).appendingPathComponent("direction.sqlite")
        let store = try SQLiteStudyStore(url: url)
        let definition = StudyDefinition(
            name: "pilot", datasetPath: "/data", models: models.map { ModelSpec(name: $0, weights: "/m/\($0).st") },
            mode: .blinded, seed: 7, questions: [fidelity], includeHighAsCandidate: false, comparisons: comparisons)
        let snapshot = try store.createStudy(definition, cases: syntheticCases(10))
        let index = Dictionary(uniqueKeysWithValues: snapshot.cases.enumerated().map { ($1.caseId, $0) })
        for (r, name) in readers.enumerated() {
            let session = try enrolledSession(store: store, study: "pilot", reader: name)
            while let current = session.current {
                let key = try store.key(of: current.presentation.id!)
                for panel in current.candidates {
                    let value = rating(key[panel.label]!.source.resultName, index[current.studyCase.caseId]!, r)
                    try session.answer("fidelity", panel: panel.label, value: String(value))
                }
                try session.submit()
            }
        }
        return try StudyReport.make(from: store, study: "pilot")
    }

    /// Every statistic of the one comparison points from `first` to `second`.
    private func assertDirection(_ report: StudyReport, first: String, second: String,
                                 file: StaticString = #filePath, line: UInt = #line) throws {
        let higher = first == "enhanced"
        XCTAssertEqual(report.comparisons.count, 1, file: file, line: line)
        let c = try XCTUnwrap(report.comparisons.first)
        XCTAssertEqual([c.first, c.second], [first, second], file: file, line: line)
        XCTAssertEqual(c.hypothesis, "H1 \(first) rated higher", file: file, line: line)
        let mean = try XCTUnwrap(c.meanDifference)
        XCTAssertEqual(mean > 0, higher, file: file, line: line)
        XCTAssertEqual(try XCTUnwrap(c.wilcoxonP) < 0.01, higher, file: file, line: line)
        XCTAssertEqual(try XCTUnwrap(c.wilcoxonP) > 0.99, !higher, file: file, line: line)
        // 10 cases, every difference one way: the exact one-sided sign test gives 1/1024, or 1.
        XCTAssertEqual(c.signPositives, higher ? 10 : 0, file: file, line: line)
        XCTAssertEqual(try XCTUnwrap(c.signP), higher ? 1 / 1024 : 1, accuracy: 1e-12, file: file, line: line)
        let question = try XCTUnwrap(report.questions.first)
        let vgc = try XCTUnwrap(question.visualGrading.first)
        XCTAssertEqual([vgc.source, vgc.comparator], [first, second], file: file, line: line)
        for value in vgc.perReader {
            XCTAssertEqual(try XCTUnwrap(value.value.value) > 0.5, higher, file: file, line: line)
        }
        let pooled = try XCTUnwrap(vgc.meanOfReaders.value)
        XCTAssertEqual(pooled, vgc.perReader.compactMap(\.value.value).reduce(0, +) / 3, accuracy: 1e-12,
                       file: file, line: line)
        let mrmc = try XCTUnwrap(question.mrmc.first { $0.figureOfMerit == "mean rating" })
        let difference = try XCTUnwrap(mrmc.differences?.first)
        XCTAssertEqual([difference.first, difference.second], [first, second], file: file, line: line)
        XCTAssertEqual(difference.estimate, mean, accuracy: 1e-12, file: file, line: line)
        XCTAssertEqual(difference.lower < difference.estimate && difference.estimate < difference.upper, true,
                       file: file, line: line)
        XCTAssertTrue(report.markdown().contains("### fidelity: \(first) vs \(second): H1 \(first) rated higher"),
                      file: file, line: line)
    }

    func testDefinitionOrderSetsTheDirection() throws {
        try assertDirection(try report(models: ["enhanced", "plain"]), first: "enhanced", second: "plain")
        try assertDirection(try report(models: ["plain", "enhanced"]), first: "plain", second: "enhanced")
    }

    func testExplicitListOverridesTheDefinitionOrder() throws {
        try assertDirection(try report(models: ["plain", "enhanced"], comparisons: [ComparisonSpec("enhanced", "plain")]),
                            first: "enhanced", second: "plain")
    }

    func testAgreementPerImageAndPooledLabelled() throws {
        let question = try XCTUnwrap(try report(models: ["enhanced", "plain"]).questions.first)
        XCTAssertEqual(question.interReaderByImage.map(\.images), ["enhanced", "plain"])
        XCTAssertEqual(question.interReader?.images, "pooled over all rated images")
        // Per image the units are the 10 cases; pooled, the 20 (case, image) pairs.
        XCTAssertEqual(question.interReaderByImage.map(\.completeUnits), [10, 10])
        XCTAssertEqual(question.interReader?.completeUnits, 20)
        let plain = (0..<10).map { c in readers.indices.map { Double(rating("plain", c, $0)) } }
        let icc = try XCTUnwrap(IntraclassCorrelation.compute(plain))
        XCTAssertEqual(try XCTUnwrap(question.interReaderByImage[1].icc21.value), icc[.singleAbsolute].icc, accuracy: 1e-12)
    }

    /// One figure of each kind for the one question: a VGC curve for the one comparison,
    /// the rating distributions, the forest plot, and κ heat maps per image and pooled.
    func testFiguresAndTheHTMLPage() throws {
        let report = try report(models: ["enhanced", "plain"])
        let figures = report.figures()
        XCTAssertEqual(figures.map(\.name), [
            "study-fidelity-vgc-enhanced-vs-plain.svg", "study-fidelity-distribution.svg", "study-fidelity-forest.svg",
            "study-fidelity-agreement-enhanced.svg", "study-fidelity-agreement-plain.svg",
            "study-fidelity-agreement-pooled_over_all_rated_images.svg",
        ])
        // The VGC curve of reader R0 by hand: enhanced is rated above plain in every case, so
        // at every threshold the share of enhanced ≥ t is at least plain's.
        let question = try XCTUnwrap(report.questions.first)
        let plain = try XCTUnwrap(report.distribution(question, "plain", reader: "R0"))
        let enhanced = try XCTUnwrap(report.distribution(question, "enhanced", reader: "R0"))
        let curve = StudyReport.vgcCurve(first: enhanced, second: plain)
        XCTAssertEqual(curve.count, 6)
        XCTAssertTrue(curve.allSatisfy { $0.y >= $0.x })
        XCTAssertEqual(curve.last?.x, 1)
        XCTAssertEqual(curve.last?.y, 1)
        // Plain by R0 (r = 0): 1 + c mod 3 over c = 0…9 → four 1s, three 2s, three 3s.
        XCTAssertEqual(plain, [4, 3, 3, 0, 0])
        XCTAssertEqual(curve[3].x, 0.3, accuracy: 1e-12, "P(plain ≥ 3) = 3/10")
        let html = report.html()
        XCTAssertEqual(html.components(separatedBy: "<svg ").count - 1, 6)
        XCTAssertTrue(html.contains("<h3>fidelity: enhanced vs plain: H1 enhanced rated higher</h3>"))
        XCTAssertFalse(html.contains("<script"))
    }

    func testStudyFileKeepsTheOrderModelsAreWrittenIn() throws {
        let base = URL(fileURLWithPath: "/studies")
        let table = try StudyDefinition.parse("""
            name = "s"
            dataset = "/data"
            [models]
            zeta = "z.st"
            "alpha" = "a.st"   # quoted key, comment
            mid = "m.st"
            """, path: "s.toml", baseFolder: base)
        XCTAssertEqual(table.models.map(\.name), ["zeta", "alpha", "mid"])
        let inline = try StudyDefinition.parse("""
            name = "s"
            dataset = "/data"
            comparisons = [["b", "a"]]
            models = { b = "b.st", a = "a,=.st" }
            """, path: "s.toml", baseFolder: base)
        XCTAssertEqual(inline.models.map(\.name), ["b", "a"])
        XCTAssertEqual(inline.comparisons, [ComparisonSpec("b", "a")])
        let dotted = try StudyDefinition.parse("""
            name = "s"
            dataset = "/data"
            models.y = "y.st"
            models.x = "x.st"
            """, path: "s.toml", baseFolder: base)
        XCTAssertEqual(dotted.models.map(\.name), ["y", "x"])
    }

    func testComparisonsNameRatedImagesOnly() throws {
        func parse(_ comparisons: String, mode: String = "blinded") -> String {
            do {
                _ = try StudyDefinition.parse("""
                    name = "s"
                    dataset = "/data"
                    mode = "\(mode)"
                    comparisons = \(comparisons)
                    [models]
                    enhanced = "e.st"
                    plain = "p.st"
                    """, path: "s.toml", baseFolder: URL(fileURLWithPath: "/"))
                return "accepted"
            } catch {
                return "\(error)"
            }
        }
        XCTAssertEqual(parse(#"[["enhanced", "high"]]"#), "accepted")
        XCTAssertTrue(parse(#"[["enhanced", "low"]]"#).contains("never rated"))
        XCTAssertTrue(parse(#"[["enhanced", "high"]]"#, mode: "open").contains("high is rated only"))
        XCTAssertTrue(parse(#"[["enhanced", "unet"]]"#).contains("'unet' is not a model"))
        XCTAssertTrue(parse(#"[["enhanced", "plain"], ["plain", "enhanced"]]"#).contains("listed twice"))
        XCTAssertTrue(parse(#"[["enhanced"]]"#).contains("pair"))
        XCTAssertTrue(parse("[]").contains("empty"))
    }
}
