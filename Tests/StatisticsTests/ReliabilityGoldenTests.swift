import Foundation
@testable import Statistics
import XCTest

/// Agreement and reliability statistics against Fixtures/stats_reference.json (the
/// golden set from ../shared/golden: scipy 1.17, sklearn 1.9, statsmodels 0.15,
/// pingouin 0.7, krippendorff 0.9; see its `conventions` block).
final class ReliabilityGoldenTests: XCTestCase {
    private func likert() throws -> [String: Any] {
        let sets = try StatsFixtures.json("stats_reference.json")["sets"] as! [[String: Any]]
        return try XCTUnwrap(sets.first { $0["name"] as? String == "likert10x3" })
    }

    func testCohenKappaFullLabelSet() throws {
        let set = try likert()
        let enhanced = StatsFixtures.matrix(set["enhanced"])
        let labels = (set["labels"] as! [NSNumber]).map(\.doubleValue)
        let expected = set["cohen_kappa_reader1_vs_reader2_enhanced_full_label_set"] as! [String: Double]
        let r1 = enhanced.map { $0[0] }, r2 = enhanced.map { $0[1] }
        for weighting in CohenKappa.Weighting.allCases {
            let kappa = try XCTUnwrap(CohenKappa.kappa(r1, r2, labels: labels, weighting: weighting))
            XCTAssertEqual(kappa, expected[weighting.rawValue]!, accuracy: 1e-12, weighting.rawValue)
        }
        // An unused category in the middle of the scale widens the weighted distances:
        // the full label set matters (sklearn 1.9.1 values).
        let a: [Double] = [1, 2, 4, 4, 1, 2], b: [Double] = [1, 4, 4, 2, 2, 2]
        XCTAssertEqual(CohenKappa.kappa(a, b, labels: [1, 2, 3, 4], weighting: .linear)!, 0.34782608695652173, accuracy: 1e-12)
        XCTAssertEqual(CohenKappa.kappa(a, b, labels: [1, 2, 4], weighting: .linear)!, 0.4, accuracy: 1e-12)
    }

    func testFleissKappa() throws {
        let set = try likert()
        let enhanced = StatsFixtures.matrix(set["enhanced"])
        let labels = (set["labels"] as! [NSNumber]).map(\.doubleValue)
        let kappa = try XCTUnwrap(FleissKappa.kappa(ratings: enhanced, categories: labels))
        XCTAssertEqual(kappa, set["fleiss_kappa_enhanced"] as! Double, accuracy: 1e-12)
    }

    func testKrippendorffLikert() throws {
        let set = try likert()
        let enhanced = StatsFixtures.matrix(set["enhanced"]).map { $0.map { Optional($0) } }
        let expected = set["krippendorff_alpha_enhanced"] as! [String: Double]
        for (name, value) in expected {
            let level = try XCTUnwrap(KrippendorffAlpha.Level(rawValue: name))
            let alpha = try XCTUnwrap(KrippendorffAlpha.alpha(casesByReaders: enhanced, level: level))
            XCTAssertEqual(alpha, value, accuracy: 1e-12, name)
        }
    }

    func testKrippendorffCanonicalExampleWithMissing() throws {
        let example = try StatsFixtures.json("stats_reference.json")["krippendorff_canonical_example"] as! [String: Any]
        let data = StatsFixtures.optionalMatrix(example["data_coders_by_units_null_missing"])
        let expected = example["alpha"] as! [String: Double]
        XCTAssertEqual(expected.count, 4)
        for (name, value) in expected {
            let level = try XCTUnwrap(KrippendorffAlpha.Level(rawValue: name))
            let alpha = try XCTUnwrap(KrippendorffAlpha.alpha(readersByUnits: data, level: level))
            XCTAssertEqual(alpha, value, accuracy: 1e-12, name)
            // An explicit domain with an unused value gives the same alpha (as the package does).
            let widened = try XCTUnwrap(KrippendorffAlpha.alpha(readersByUnits: data, level: level,
                                                                 valueDomain: [1, 2, 3, 4, 5, 6]))
            XCTAssertEqual(widened, value, accuracy: 1e-12, "\(name) with an unused domain value")
        }
    }

    func testICCLikertAllSixFormsWithIntervals() throws {
        let set = try likert()
        let enhanced = StatsFixtures.matrix(set["enhanced"])
        let expected = set["icc_enhanced"] as! [String: [String: Any]]
        let result = try XCTUnwrap(IntraclassCorrelation.compute(enhanced))
        XCTAssertEqual(expected.count, 6)
        for form in IntraclassCorrelation.Form.allCases {
            let reference = try XCTUnwrap(expected[form.rawValue])
            let estimate = result[form]
            XCTAssertEqual(estimate.icc, reference["icc"] as! Double, accuracy: 1e-12, form.rawValue)
            let ci = reference["ci95"] as! [Double]
            // pingouin rounds its interval to two decimals.
            XCTAssertEqual(estimate.lower, ci[0], accuracy: 0.005 + 1e-9, "\(form.rawValue) lower")
            XCTAssertEqual(estimate.upper, ci[1], accuracy: 0.005 + 1e-9, "\(form.rawValue) upper")
        }
    }

    func testICCShroutFleiss1979() throws {
        let example = try StatsFixtures.json("stats_reference.json")["icc_shrout_fleiss_1979"] as! [String: Any]
        let result = try XCTUnwrap(IntraclassCorrelation.compute(StatsFixtures.matrix(example["data"])))
        let expected = example["icc"] as! [String: Double]
        for form in IntraclassCorrelation.Form.allCases {
            XCTAssertEqual(result[form].icc, expected[form.rawValue]!, accuracy: 1e-12, form.rawValue)
        }
        // Shrout & Fleiss's Table 4 values, to the printed precision.
        XCTAssertEqual(result[.single1].icc, 0.17, accuracy: 0.005)
        XCTAssertEqual(result[.singleAbsolute].icc, 0.29, accuracy: 0.005)
        XCTAssertEqual(result[.singleConsistency].icc, 0.71, accuracy: 0.005)
    }

    func testSignTestPooled() throws {
        let set = try likert()
        let enhanced = StatsFixtures.matrix(set["enhanced"]).flatMap { $0 }
        let reference = StatsFixtures.matrix(set["reference"]).flatMap { $0 }
        let expected = set["sign_test_pooled_greater"] as! [String: Double]
        let result = try XCTUnwrap(SignTest.test(zip(enhanced, reference).map { $0 - $1 }, alternative: .greater))
        XCTAssertEqual(Double(result.positives), expected["n_plus"]!)
        XCTAssertEqual(Double(result.negatives), expected["n_minus"]!)
        XCTAssertEqual(result.zeros, 10)
        XCTAssertEqual(result.pValue, expected["p"]!, accuracy: 1e-15)
        XCTAssertEqual(result.pValue, 21.0 / 1_048_576, accuracy: 1e-19, "P(X ≥ 19 | n = 20, p = ½)")
    }

    func testVisualGradingAUCPerReader() throws {
        let set = try likert()
        let expected = set["auc_vgc_per_reader"] as! [Double]
        let auc = VisualGradingAUC.perReader(enhanced: StatsFixtures.matrix(set["enhanced"]),
                                             reference: StatsFixtures.matrix(set["reference"]))
        XCTAssertEqual(auc.count, 3)
        for (a, e) in zip(auc, expected) { XCTAssertEqual(try XCTUnwrap(a), e, accuracy: 1e-12) }
    }

    func testHolmHandExample() {
        // m = 4: sorted 0.01, 0.02, 0.03, 0.04 → ×4, ×3, ×2, ×1 = 0.04, 0.06, 0.06, 0.04 → running max.
        let adjusted = HolmCorrection.adjust([0.03, 0.01, 0.04, 0.02])
        let expected = [0.06, 0.04, 0.06, 0.06]
        for (a, e) in zip(adjusted, expected) { XCTAssertEqual(a, e, accuracy: 1e-15) }
        XCTAssertEqual(HolmCorrection.rejected([0.03, 0.01, 0.04, 0.02], alpha: 0.05), [false, true, false, false])
        // Capped at 1, NaN passed through and not counted in m.
        let capped = HolmCorrection.adjust([0.5, .nan, 0.6])
        XCTAssertEqual(capped[0], 1)
        XCTAssertTrue(capped[1].isNaN)
        XCTAssertEqual(capped[2], 1)
        XCTAssertEqual(HolmCorrection.adjust([]), [])
    }

    func testDegenerateCasesAreNil() {
        XCTAssertNil(CohenKappa.kappa([3, 3, 3], [3, 3, 3], labels: [1, 2, 3, 4, 5]), "Σ w·E = 0: sklearn gives NaN")
        XCTAssertNil(FleissKappa.kappa(ratings: [[2, 2], [2, 2]], categories: [1, 2, 3]), "P̄ₑ = 1: statsmodels NaN")
        XCTAssertNil(IntraclassCorrelation.compute([[4, 4], [4, 4], [4, 4]]), "zero variance: pingouin NaN")
        XCTAssertNil(KrippendorffAlpha.alpha(casesByReaders: [[1, 1], [1, 1]], level: .nominal), "one value: package raises")
        XCTAssertNil(SignTest.test([0, 0], alternative: .greater))
        XCTAssertNil(VisualGradingAUC.auc(enhanced: [], reference: [1]))
    }
}
