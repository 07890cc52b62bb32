import Foundation
@testable import Statistics
import XCTest

/// Reference values: Fixtures/stats_reference.json, computed with scipy 1.17
/// (copied from ../shared/golden; its `conventions` block says how scipy was called).
final class WilcoxonTests: XCTestCase {
    private func reference() throws -> [String: Any] {
        let url = Bundle.module.url(forResource: "Fixtures", withExtension: nil)!
            .appendingPathComponent("stats_reference.json")
        return try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as! [String: Any]
    }

    func testScipyDocsExampleExactAndApprox() throws {
        let example = try reference()["wilcoxon_scipy_docs_example"] as! [String: Any]
        let d = (example["differences"] as! [Double])
        let exactGreater = example["exact_greater"] as! [String: Double]
        let exact = try XCTUnwrap(WilcoxonSignedRank.test(d, alternative: .greater, method: .exact))
        XCTAssertEqual(exact.statistic, exactGreater["statistic"]!)
        XCTAssertEqual(exact.pValue, exactGreater["p"]!, accuracy: 1e-12)
        XCTAssertTrue(exact.exact)

        let twoSided = example["exact_two_sided"] as! [String: Double]
        let exactTwo = try XCTUnwrap(WilcoxonSignedRank.test(d, alternative: .twoSided, method: .exact))
        XCTAssertEqual(exactTwo.statistic, twoSided["statistic"]!)
        XCTAssertEqual(exactTwo.pValue, twoSided["p"]!, accuracy: 1e-12)

        let approx = example["approx_greater_no_correction"] as! [String: Double]
        let normal = try XCTUnwrap(WilcoxonSignedRank.test(d, alternative: .greater, method: .approx(continuityCorrection: false)))
        XCTAssertEqual(normal.statistic, approx["statistic"]!)
        XCTAssertEqual(normal.pValue, approx["p"]!, accuracy: 1e-12)
        XCTAssertEqual(WilcoxonSignedRank.test(d, alternative: .greater)?.exact, true, "auto: exact for n ≤ 50 without ties")
    }

    func testTiesAndZerosWithAndWithoutCorrection() throws {
        let sets = try reference()["sets"] as! [[String: Any]]
        let set = try XCTUnwrap(sets.first { $0["name"] as? String == "likert10x3" })
        let wilcoxon = set["wilcoxon_case_sums_enhanced_gt_reference"] as! [String: Any]
        let d = wilcoxon["differences"] as! [Double]
        for (key, corrected) in [("approx_no_correction", false), ("approx_with_correction", true)] {
            let expected = wilcoxon[key] as! [String: Double]
            let result = try XCTUnwrap(WilcoxonSignedRank.test(d, alternative: .greater,
                                                              method: .approx(continuityCorrection: corrected)))
            XCTAssertEqual(result.statistic, expected["statistic"]!, key)
            XCTAssertEqual(result.pValue, expected["p"]!, accuracy: 1e-12, key)
            XCTAssertEqual(result.count, 9, "the zero difference is dropped")
        }
        XCTAssertEqual(WilcoxonSignedRank.test(d, alternative: .greater)?.exact, false, "ties force the approximation")
    }

    func testLessIsTheMirrorOfGreater() throws {
        let d: [Double] = [1.5, -0.5, 2, 3, -1, 4, 2.5, 0.25]
        let greater = try XCTUnwrap(WilcoxonSignedRank.test(d, alternative: .greater, method: .exact))
        let less = try XCTUnwrap(WilcoxonSignedRank.test(d.map { -$0 }, alternative: .less, method: .exact))
        XCTAssertEqual(greater.pValue, less.pValue, accuracy: 1e-12)
    }

    func testAllZeroIsNil() {
        XCTAssertNil(WilcoxonSignedRank.test([0, 0, 0], alternative: .greater))
    }

    func testMidranks() {
        let (ranks, ties) = midranks([10, 20, 20, 5, 20])
        XCTAssertEqual(ranks, [2, 4, 4, 1, 4])
        XCTAssertEqual(ties, [3])
    }

    func testDescriptive() throws {
        let d = try XCTUnwrap(Descriptive([2, 4, 4, 4, 5, 5, 7, 9, .infinity]))
        XCTAssertEqual(d.count, 8, "infinity left out")
        XCTAssertEqual(d.mean, 5)
        XCTAssertEqual(d.standardDeviation, (32.0 / 7).squareRoot(), accuracy: 1e-12)  // numpy std(ddof=1)
        XCTAssertEqual(d.median, 4.5)
        XCTAssertNil(Descriptive([]))
    }
}
