import Foundation
@testable import Statistics
import XCTest

/// Every statistic against Fixtures/stats_more.json, written by scripts/make-stats-reference
/// (scipy 1.17.1, scikit-learn 1.9.1, statsmodels 0.15.0, pingouin 0.7.0, krippendorff 0.9.0;
/// its `conventions` block says how each number was computed; null = NaN or an error there,
/// which the Swift API returns as nil).
final class StatsMoreTests: XCTestCase {
    private func document() throws -> [String: Any] { try StatsFixtures.json("stats_more.json") }
    private func sets() throws -> [[String: Any]] { try document()["sets"] as! [[String: Any]] }

    func testCohenKappaAllSets() throws {
        let tally = ErrorTally()
        var checked = 0
        for set in try sets() {
            guard let expected = set["cohen_kappa"] as? [String: Any] else { continue }
            let name = set["name"] as! String
            let ratings = StatsFixtures.matrix(set["ratings"])
            let labels = (set["labels"] as! [NSNumber]).map(\.doubleValue)
            let readers = expected["readers"] as! [Int]
            for weighting in CohenKappa.Weighting.allCases {
                let kappa = CohenKappa.kappa(ratings.map { $0[readers[0]] }, ratings.map { $0[readers[1]] },
                                             labels: labels, weighting: weighting)
                tally.assertClose(kappa, StatsFixtures.number(expected[weighting.rawValue]), 1e-12,
                                  "\(name) \(weighting.rawValue)")
                checked += 1
            }
        }
        XCTAssertGreaterThanOrEqual(checked, 21)
    }

    func testFleissKappaAllSets() throws {
        let tally = ErrorTally()
        for set in try sets() where set["fleiss_kappa"] != nil {
            let name = set["name"] as! String
            let labels = (set["labels"] as! [NSNumber]).map(\.doubleValue)
            let table = FleissKappa.table(ratings: StatsFixtures.matrix(set["ratings"]), categories: labels)
            tally.assertClose(FleissKappa.kappa(table: table), StatsFixtures.number(set["fleiss_kappa"]), 1e-12, name)
            tally.assertClose(FleissKappa.kappa(table: table, method: .randolph),
                              StatsFixtures.number(set["fleiss_kappa_randolph"]), 1e-12, "\(name) randolph")
        }
    }

    func testKrippendorffAllSetsAndLevels() throws {
        let tally = ErrorTally()
        var checked = 0
        for set in try sets() {
            let name = set["name"] as! String
            let ratings = StatsFixtures.optionalMatrix(set["ratings"])
            let expected = set["krippendorff_alpha"] as! [String: Any]
            for level in KrippendorffAlpha.Level.allCases {
                tally.assertClose(KrippendorffAlpha.alpha(casesByReaders: ratings, level: level),
                                  StatsFixtures.number(expected[level.rawValue]), 1e-12, "\(name) \(level.rawValue)")
                checked += 1
            }
        }
        XCTAssertEqual(checked, 32)
    }

    func testICCAllSetsUnroundedIntervals() throws {
        let tally = ErrorTally(), ciTally = ErrorTally("ICC confidence intervals")
        for set in try sets() where set.keys.contains("icc") {
            let name = set["name"] as! String
            let result = IntraclassCorrelation.compute(StatsFixtures.matrix(set["ratings"]))
            guard let expected = set["icc"] as? [String: [String: Any]] else {
                XCTAssertNil(result, "\(name): pingouin gives NaN everywhere")
                continue
            }
            let icc = try XCTUnwrap(result, name)
            for form in IntraclassCorrelation.Form.allCases {
                let reference = try XCTUnwrap(expected[form.rawValue])
                let estimate = icc[form]
                let label = "\(name) \(form.rawValue)"
                tally.assertClose(estimate.icc, StatsFixtures.number(reference["icc"]), 1e-12, label)
                tally.assertClose(estimate.f, StatsFixtures.number(reference["F"]), 1e-9, "\(label) F")
                tally.assertClose(estimate.df2, StatsFixtures.number(reference["df2"]), 1e-12, "\(label) df2")
                tally.assertClose(estimate.pValue, StatsFixtures.number(reference["pval"]), 1e-12, "\(label) p")
                let ci = reference["ci95"] as! [Any]
                ciTally.assertClose(estimate.lower, StatsFixtures.number(ci[0]), 1e-9, "\(label) lower")
                ciTally.assertClose(estimate.upper, StatsFixtures.number(ci[1]), 1e-9, "\(label) upper")
            }
        }
    }

    func testVisualGradingAndSignTest() throws {
        let tally = ErrorTally()
        for set in try sets() where set["reference"] != nil {
            let name = set["name"] as! String
            let enhanced = StatsFixtures.matrix(set["ratings"]), reference = StatsFixtures.matrix(set["reference"])
            let auc = VisualGradingAUC.perReader(enhanced: enhanced, reference: reference)
            let expected = (set["auc_vgc_per_reader"] as! [Any]).map(StatsFixtures.number)
            XCTAssertEqual(auc.count, expected.count)
            for (a, e) in zip(auc, expected) { tally.assertClose(a, e, 1e-12, "\(name) AUC_VGC") }

            let sign = set["sign_test_pooled"] as! [String: Any]
            let differences = zip(enhanced.joined(), reference.joined()).map { $0 - $1 }
            for alternative in [Alternative.greater, .less, .twoSided] {
                let result = try XCTUnwrap(SignTest.test(differences, alternative: alternative))
                XCTAssertEqual(result.positives, sign["n_plus"] as? Int, name)
                XCTAssertEqual(result.negatives, sign["n_minus"] as? Int, name)
                XCTAssertEqual(result.zeros, sign["n_zero"] as? Int, name)
                tally.assertClose(result.pValue, StatsFixtures.number(sign[alternative.rawValue]), 1e-14,
                                  "\(name) sign \(alternative.rawValue)")
            }
        }
    }

    func testHolmAgainstStatsmodels() throws {
        for example in try document()["holm"] as! [[String: Any]] {
            let p = example["p"] as! [Double], expected = example["adjusted"] as! [Double]
            let adjusted = HolmCorrection.adjust(p)
            for (a, e) in zip(adjusted, expected) { XCTAssertEqual(a, e, accuracy: 1e-15, "\(p)") }
        }
    }

    func testDistributionsAgainstScipy() throws {
        let d = try document()["distributions"] as! [String: [[String: Any]]]
        let tally = ErrorTally()
        func v(_ row: [String: Any], _ key: String) -> Double { StatsFixtures.number(row[key])! }
        for row in d["betainc"]! {
            let value = Distributions.regularizedIncompleteBeta(a: v(row, "a"), b: v(row, "b"), x: v(row, "x"))
            tally.assertClose(value, v(row, "value"), 1e-13, "betainc \(row)")
        }
        for row in d["f_cdf"]! {
            let f = FDistribution(numerator: v(row, "d1"), denominator: v(row, "d2"))
            tally.assertClose(f.cdf(v(row, "x")), v(row, "cdf"), 1e-13, "f.cdf \(row)")
            tally.assertClose(f.survival(v(row, "x")), v(row, "sf"), 1e-13, "f.sf \(row)")
        }
        for row in d["f_ppf"]! {
            let f = FDistribution(numerator: v(row, "d1"), denominator: v(row, "d2"))
            let expected = v(row, "value")
            tally.assertClose(f.quantile(v(row, "p")), expected, 1e-10 * max(1, expected), "f.ppf \(row)")
        }
        for row in d["t_cdf"]! {
            let t = StudentT(degreesOfFreedom: v(row, "df"))
            tally.assertClose(t.cdf(v(row, "x")), v(row, "cdf"), 1e-13, "t.cdf \(row)")
            tally.assertClose(t.survival(v(row, "x")), v(row, "sf"), 1e-13, "t.sf \(row)")
        }
        for row in d["t_ppf"]! {
            let t = StudentT(degreesOfFreedom: v(row, "df"))
            let expected = v(row, "value")
            tally.assertClose(t.quantile(v(row, "p")), expected, 1e-10 * max(1, abs(expected)), "t.ppf \(row)")
        }
        for row in d["binom"]! {
            let k = row["k"] as! Int
            let b = Binomial(trials: row["n"] as! Int, probability: v(row, "p"))
            tally.assertClose(b.pmf(k), v(row, "pmf"), 1e-14, "binom.pmf \(row)")
            tally.assertClose(b.atLeast(k), v(row, "sf_k_minus_1"), 1e-14, "binom.sf \(row)")
            tally.assertClose(b.atMost(k), v(row, "cdf"), 1e-14, "binom.cdf \(row)")
            let tests = row["binomtest"] as! [String: Double]
            for alternative in [Alternative.greater, .less, .twoSided] {
                tally.assertClose(b.testPValue(successes: k, alternative: alternative), tests[alternative.rawValue]!,
                                  1e-14, "binomtest \(alternative.rawValue) \(row)")
            }
        }
    }

    func testVanDykeAUCsAgainstSklearn() throws {
        let (ratings, truth) = try MRMCTests.vanDyke()
        let result = try XCTUnwrap(ObuchowskiRockette.analyzeROC(ratings: ratings, truth: truth))
        let expected = try document()["vandyke_auc"] as! [[String: Any]]
        XCTAssertEqual(expected.count, 10)
        for row in expected {
            let t = row["treatment"] as! Int, r = row["reader"] as! Int
            XCTAssertEqual(result.figuresOfMerit[t][r], row["auc"] as! Double, accuracy: 1e-14, "treatment \(t) reader \(r)")
            XCTAssertEqual(TrapezoidalAUC.auc(scores: ratings[t][r], truth: truth)!, row["auc"] as! Double, accuracy: 1e-14)
        }
    }
}
