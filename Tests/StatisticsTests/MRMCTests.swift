import Foundation
@testable import Statistics
import XCTest

/// Obuchowski–Rockette–Hillis on the Van Dyke et al. ROC data (Fixtures/vandyke_roc.csv,
/// copied from ../shared/golden), against the published output: OR-DBM MRMC's (means,
/// mean squares, covariances, F, df, p) and, for the difference's standard error and
/// interval, MRMCaov's README (`summary(mrmc(empirical_auc(truth, rating), treatment,
/// reader, case, data = VanDyke))`), which RJafroc's `StSignificanceTesting(dataset02,
/// method = "OR")` reproduces (RJafrocBook, OR applications: −0.0879595, 0.0003589).
final class MRMCTests: XCTestCase {
    /// ratings[treatment][reader][case] and truth[case] from the CSV.
    static func vanDyke() throws -> (ratings: [[[Double]]], truth: [Bool]) {
        let text = try String(contentsOf: StatsFixtures.url("vandyke_roc.csv"), encoding: .utf8)
        var rows: [(reader: Int, treatment: Int, caseID: Int, truth: Int, rating: Double)] = []
        for line in text.split(whereSeparator: \.isNewline).dropFirst() {
            let f = line.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
            rows.append((Int(f[0])!, Int(f[1])!, Int(f[2])!, Int(f[3])!, Double(f[4])!))
        }
        let readers = Set(rows.map(\.reader)).sorted(), treatments = Set(rows.map(\.treatment)).sorted()
        let cases = Set(rows.map(\.caseID)).sorted()
        let caseIndex = Dictionary(uniqueKeysWithValues: cases.enumerated().map { ($1, $0) })
        var truth = [Bool](repeating: false, count: cases.count)
        var ratings = [[[Double]]](repeating: [[Double]](repeating: [Double](repeating: .nan, count: cases.count),
                                                         count: readers.count), count: treatments.count)
        for row in rows {
            let c = caseIndex[row.caseID]!
            truth[c] = row.truth == 1
            ratings[treatments.firstIndex(of: row.treatment)!][readers.firstIndex(of: row.reader)!][c] = row.rating
        }
        return (ratings, truth)
    }

    func testVanDykeORHillis() throws {
        let (ratings, truth) = try Self.vanDyke()
        XCTAssertEqual(ratings.count, 2)
        XCTAssertEqual(ratings[0].count, 5)
        XCTAssertEqual(truth.count, 114)
        XCTAssertFalse(ratings.joined().joined().contains { $0.isNaN }, "every reader rated every case")
        let result = try XCTUnwrap(ObuchowskiRockette.analyzeROC(ratings: ratings, truth: truth))
        if ProcessInfo.processInfo.environment["STATS_REPORT_ERRORS"] != nil { print("Van Dyke OR-Hillis:", result) }
        XCTAssertEqual(result.treatmentMeans[0], 0.89703704, accuracy: 5e-9)
        XCTAssertEqual(result.treatmentMeans[1], 0.94083736, accuracy: 5e-9)
        XCTAssertEqual(result.msTreatment, 0.00479617, accuracy: 5e-9)
        XCTAssertEqual(result.msTreatmentReader, 0.00055103, accuracy: 5e-9)
        XCTAssertEqual(result.cov2, 0.00034407, accuracy: 5e-9)
        XCTAssertEqual(result.cov3, 0.00023903, accuracy: 5e-9)
        XCTAssertEqual(result.f, 4.46, accuracy: 0.005)
        XCTAssertEqual(result.numeratorDF, 1)
        XCTAssertEqual(result.denominatorDF, 15.26, accuracy: 0.005)
        XCTAssertEqual(result.pValue, 0.0517, accuracy: 0.00005)
        let difference = try XCTUnwrap(result.differences.first)
        XCTAssertEqual(difference.estimate, 0.89703704 - 0.94083736, accuracy: 1e-8)
        // Published: StdErr 0.02074862, df 15.25967, CI −0.0879594986 … 0.0003588544, p 0.05166569.
        XCTAssertEqual(result.variance, 0.0008022883, accuracy: 5e-11)
        XCTAssertEqual(result.cov1, 0.0003466137, accuracy: 5e-11)
        XCTAssertEqual(difference.standardError, 0.02074862, accuracy: 5e-9)
        XCTAssertEqual(difference.degreesOfFreedom, 15.25967, accuracy: 5e-6)
        XCTAssertEqual(difference.lower, -0.0879594986, accuracy: 5e-11)
        XCTAssertEqual(difference.upper, 0.0003588544, accuracy: 5e-11)
        XCTAssertEqual(difference.pValue, 0.05166569, accuracy: 5e-9)
        XCTAssertEqual(difference.estimate / difference.standardError, -2.110999, accuracy: 5e-7, "t")
        // The interval is the t(ddf_H) one around the difference with SE² = 2/r·(MS(T×R) + r(Cov2 − Cov3)).
        let se = (2.0 / 5 * (result.msTreatmentReader + 5 * (result.cov2 - result.cov3))).squareRoot()
        XCTAssertEqual(difference.standardError, se, accuracy: 1e-15)
        let half = StudentT(degreesOfFreedom: result.denominatorDF).quantile(0.975) * se
        XCTAssertEqual(difference.lower, difference.estimate - half, accuracy: 1e-12)
        XCTAssertEqual(difference.upper, difference.estimate + half, accuracy: 1e-12)
        XCTAssertTrue(difference.lower < 0 && difference.upper > 0, "p = 0.0517 > 0.05: the CI contains 0")
        XCTAssertEqual(difference.pValue, result.pValue, accuracy: 1e-9, "t² = F for two treatments")
    }

    func testTrapezoidalAUC() {
        XCTAssertEqual(TrapezoidalAUC.auc(positives: [3, 4, 2], negatives: [1, 2]), (2 + 2 + 1.5) / 6)
        XCTAssertEqual(TrapezoidalAUC.auc(scores: [0.1, 0.9, 0.5, 0.5], truth: [false, true, true, false]), 0.875)
        XCTAssertNil(TrapezoidalAUC.auc(positives: [], negatives: [1]))
    }
}
