import Dataset
import Foundation
@testable import ReaderStudy
import Statistics
import XCTest

/// A simulated blinded study: 3 readers × 12 cases (+ 1 calibration case), one model
/// ("unet") and the high image as candidates, 3 repeats per reader, with ratings given by
/// a formula, so every number of the report can be rebuilt by hand.
final class ReportTests: XCTestCase {
    private let questions = [
        QuestionDefinition(key: "fidelity", prompt: "Fidelity", kind: .likert(points: 5, anchors: [])),
        QuestionDefinition(key: "hallucinated", prompt: "Hallucinated?", kind: .yesNo),
    ]
    private let readerNames = ["R0", "R1", "R2"]

    /// high: 3 + (c + r) mod 3; unet: one point lower on cases c ≡ 0 (mod 3), and reader 2
    /// one more point lower on cases c ≡ 0 (mod 4). Repeats repeat the first rating.
    private func fidelity(source: String, caseIndex c: Int, reader r: Int) -> Int {
        let high = 3 + (c + r) % 3
        if source == "high" { return high }
        return high - (c % 3 == 0 ? 1 : 0) - (r == 2 && c % 4 == 0 ? 1 : 0)
    }

    private func makeStudy(readers: [String]) throws -> (SQLiteStudyStore, StudySnapshot) {
        let url = try temporaryFolder(self).appendingPathComponent("report.sqlite")
        let store = try SQLiteStudyStore(url: url)
        let all = syntheticCases(13)
        let snapshot = try store.createStudy(definition(models: ["unet"], questions: questions, repeatFraction: 0.25),
                                             cases: Array(all.dropFirst()), calibration: [all[0]])
        let index = Dictionary(uniqueKeysWithValues: snapshot.cases.filter { !$0.isCalibration }.enumerated()
            .map { ($1.caseId, $0) })
        for name in readers {
            let r = readerNames.firstIndex(of: name)!
            let session = try enrolledSession(store: store, study: "pilot", reader: name)
            while let current = session.current {
                let key = try store.key(of: current.presentation.id!)
                for panel in current.candidates {
                    let source = key[panel.label]!.source
                    let c = index[current.studyCase.caseId]
                    let value = c.map { fidelity(source: source.resultName, caseIndex: $0, reader: r) } ?? 1
                    try session.answer("fidelity", panel: panel.label, value: String(value))
                    let yes = source.resultName == "unet" && (c ?? 1) % 4 == 0
                    try session.answer("hallucinated", panel: panel.label, value: yes ? "yes" : "no")
                }
                try session.submit()
            }
        }
        return (store, snapshot)
    }

    func testReportMatchesStatisticsCalledDirectly() throws {
        let (store, snapshot) = try makeStudy(readers: readerNames)
        let report = try StudyReport.make(from: store, study: "pilot")
        XCTAssertEqual(report.readers, readerNames)
        XCTAssertEqual(report.sources, ["unet", "high"])
        XCTAssertEqual(report.comparator, "high")
        XCTAssertEqual(report.cases, 12)
        XCTAssertEqual(report.excludedCalibrationAnswers, 3 * 2 * 2)
        XCTAssertEqual(report.repeatAnswers, 3 * 3 * 2 * 2)

        let caseIDs = snapshot.cases.filter { !$0.isCalibration }.map(\.caseId)
        func rating(_ source: String, _ c: Int, _ r: Int) -> Double { Double(fidelity(source: source, caseIndex: c, reader: r)) }

        // Descriptives over the 36 first-showing ratings (calibration and repeats left out).
        let fidelityReport = try XCTUnwrap(report.questions.first { $0.key == "fidelity" })
        let unetAll = try XCTUnwrap(fidelityReport.summaries.first { $0.source == "unet" && $0.organ == "all" })
        let unetValues = (0..<12).flatMap { c in (0..<3).map { rating("unet", c, $0) } }
        let expected = try XCTUnwrap(Descriptive(unetValues))
        XCTAssertEqual(unetAll.n, 36)
        XCTAssertEqual(try XCTUnwrap(unetAll.mean), expected.mean, accuracy: 1e-12)
        XCTAssertEqual(try XCTUnwrap(unetAll.sd), expected.standardDeviation, accuracy: 1e-12)
        XCTAssertEqual(unetAll.median, expected.median)

        // Paired comparison unet vs high: per-case means of the differences.
        let differences = (0..<12).map { c in (0..<3).map { rating("unet", c, $0) - rating("high", c, $0) }.reduce(0, +) / 3 }
        let comparison = try XCTUnwrap(report.comparisons.first { $0.question == "fidelity" && $0.first == "unet" })
        XCTAssertEqual(comparison.second, "high")
        XCTAssertEqual(comparison.cases, 12)
        let wilcoxon = try XCTUnwrap(WilcoxonSignedRank.test(differences, alternative: .greater, method: .automatic))
        XCTAssertEqual(comparison.wilcoxonStatistic, wilcoxon.statistic)
        XCTAssertEqual(try XCTUnwrap(comparison.wilcoxonP), wilcoxon.pValue, accuracy: 1e-12)
        // By hand: differences −4/3 (case 0), −1 (3, 6, 9), −1/3 (4, 8), 0 (six cases): T+ = 0, n = 6,
        // ties {3, 2} → normal approximation, var = 6·7·13/24 − (24 + 6)/48 = 22.125,
        // z = (0 − 10.5)/√22.125, p = P(Z > z) = 0.98720.
        XCTAssertEqual(comparison.wilcoxonStatistic, 0)
        XCTAssertEqual(comparison.wilcoxonNonZero, 6)
        XCTAssertEqual(comparison.wilcoxonMethod, "normal approximation, tie-corrected variance, no continuity correction")
        XCTAssertEqual(try XCTUnwrap(comparison.wilcoxonP), 0.5 * erfc(-10.5 / 22.125.squareRoot() / 2.0.squareRoot()),
                       accuracy: 1e-12)
        XCTAssertEqual(try XCTUnwrap(comparison.wilcoxonP), 0.98720, accuracy: 5e-5)
        XCTAssertEqual([comparison.signPositives, comparison.signNegatives, comparison.signZeros], [0, 6, 6])
        XCTAssertEqual(comparison.signP, SignTest.test(differences, alternative: .greater)?.pValue)
        // One comparison in the family: Holm leaves it as is.
        XCTAssertEqual(comparison.wilcoxonHolmP, comparison.wilcoxonP)

        // Inter-reader agreement over the 24 (case, image) units.
        let units = caseIDs.indices.flatMap { c in ["unet", "high"].map { s in (0..<3).map { rating(s, c, $0) } } }
        let agreement = try XCTUnwrap(fidelityReport.interReader)
        XCTAssertEqual(agreement.completeUnits, 24)
        let icc = try XCTUnwrap(IntraclassCorrelation.compute(units))
        XCTAssertEqual(try XCTUnwrap(agreement.icc21.value), icc[.singleAbsolute].icc, accuracy: 1e-12)
        XCTAssertEqual(try XCTUnwrap(agreement.icc21.lower), icc[.singleAbsolute].lower, accuracy: 1e-9)
        XCTAssertEqual(try XCTUnwrap(agreement.icc2k.value), icc[.averageAbsolute].icc, accuracy: 1e-12)
        XCTAssertEqual(try XCTUnwrap(agreement.icc2k.upper), icc[.averageAbsolute].upper, accuracy: 1e-9)
        let scale = [1, 2, 3, 4, 5]
        let fleiss = try XCTUnwrap(FleissKappa.kappa(ratings: units.map { $0.map { Int($0) } }, categories: scale))
        XCTAssertEqual(try XCTUnwrap(agreement.fleiss.value), fleiss, accuracy: 1e-12)
        let alpha = try XCTUnwrap(KrippendorffAlpha.alpha(casesByReaders: units.map { $0.map { Optional($0) } },
                                                          level: .ordinal, valueDomain: [1, 2, 3, 4, 5]))
        XCTAssertEqual(try XCTUnwrap(agreement.krippendorffOrdinal.value), alpha, accuracy: 1e-12)
        let pair = try XCTUnwrap(agreement.cohenQuadratic.first { $0.first == "R0" && $0.second == "R2" })
        let kappa = try XCTUnwrap(CohenKappa.kappa(units.map { Int($0[0]) }, units.map { Int($0[2]) }, labels: scale,
                                                   weighting: .quadratic))
        XCTAssertEqual(try XCTUnwrap(pair.kappa.value), kappa, accuracy: 1e-12)
        XCTAssertEqual(agreement.cohenQuadratic.count, 3)

        // Repeats repeat the first rating: κ = 1 for every reader.
        let intra = try XCTUnwrap(fidelityReport.intraReader)
        XCTAssertEqual(intra.pooled.pairs, 3 * 3 * 2)
        XCTAssertEqual(try XCTUnwrap(intra.pooled.kappa.value), 1, accuracy: 1e-12)

        // AUC_VGC per reader.
        let vgc = try XCTUnwrap(fidelityReport.visualGrading.first)
        for r in 0..<3 {
            let direct = VisualGradingAUC.auc(enhanced: (0..<12).map { rating("unet", $0, r) },
                                              reference: (0..<12).map { rating("high", $0, r) })
            XCTAssertEqual(try XCTUnwrap(vgc.perReader[r].value.value), try XCTUnwrap(direct), accuracy: 1e-12)
        }

        // MRMC of the mean rating, treatments unet and high. Case order does not change
        // the result, so the report's (by case ID) and ours (by study position) agree.
        let mrmc = try XCTUnwrap(fidelityReport.mrmc.first { $0.figureOfMerit == "mean rating" })
        let sourcesOrder = ["unet", "high"]
        let direct = try XCTUnwrap(ObuchowskiRockette.analyze(treatments: 2, readers: 3, cases: 12) { i, j, omitted in
            let kept = (0..<12).filter { $0 != omitted }
            return kept.map { rating(sourcesOrder[i], $0, j) }.reduce(0, +) / Double(kept.count)
        })
        XCTAssertEqual(mrmc.cases, 12)
        XCTAssertEqual(try XCTUnwrap(mrmc.f), direct.f, accuracy: 1e-9)
        XCTAssertEqual(try XCTUnwrap(mrmc.p), direct.pValue, accuracy: 1e-9)
        XCTAssertEqual(try XCTUnwrap(mrmc.denominatorDF), direct.denominatorDF, accuracy: 1e-9)
        // One model only: AUC_VGC as a figure of merit needs two.
        XCTAssertNotNil(fidelityReport.mrmc.first { $0.figureOfMerit.hasPrefix("AUC_VGC") }?.reason)

        // Proportions: unet "yes" on cases 0, 4, 8 for every reader.
        let hallucinated = try XCTUnwrap(report.questions.first { $0.key == "hallucinated" })
        let yes = try XCTUnwrap(hallucinated.summaries.first { $0.source == "unet" && $0.organ == "all" }?
            .proportions?.first { $0.category == "yes" })
        XCTAssertEqual(yes.count, 9)
        XCTAssertEqual(yes.proportion, 0.25, accuracy: 1e-12)

        // Both renderings carry the numbers.
        let markdown = report.markdown()
        XCTAssertTrue(markdown.contains("normal approximation, tie-corrected variance"), markdown)
        XCTAssertTrue(markdown.contains("| unet | all | 36 |"), markdown)
        let json = try JSONSerialization.jsonObject(with: try report.json()) as? [String: Any]
        XCTAssertEqual(json?["study"] as? String, "pilot")
        XCTAssertEqual((json?["comparisons"] as? [[String: Any]])?.first?["wilcoxonNonZero"] as? Int, 6)
    }

    func testUndefinedStatisticsSayWhy() throws {
        let (store, _) = try makeStudy(readers: ["R1"])
        let report = try StudyReport.make(from: store, study: "pilot")
        let fidelity = try XCTUnwrap(report.questions.first { $0.key == "fidelity" })
        let agreement = try XCTUnwrap(fidelity.interReader)
        XCTAssertNil(agreement.fleiss.value)
        XCTAssertEqual(agreement.fleiss.reason, "needs at least two readers")
        XCTAssertNil(agreement.icc21.value)
        XCTAssertTrue(agreement.cohenQuadratic.isEmpty)
        XCTAssertNotNil(fidelity.mrmc.first?.reason)
        XCTAssertTrue(report.markdown().contains("Fleiss' κ: n/a (needs at least two readers)"))
    }
}
