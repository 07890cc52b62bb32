import Dataset
import Enhancer
import Foundation
@testable import Metrics
import Statistics
import XCTest

final class EvaluationTests: XCTestCase {
    private func result(_ id: String, _ organ: Organ, low: Double, enhanced: Double?) -> Evaluation.CaseResult {
        func scores(_ v: Double) -> PairScores { PairScores(ssim: v, psnr: 20 + v, lncc: v / 2, lpips: 1 - v) }
        return Evaluation.CaseResult(id: id, organ: organ, split: .test, low: scores(low), enhanced: enhanced.map(scores))
    }

    func testSummaryMeansAndOneSidedDirections() throws {
        // Enhanced beats low in every case: similarities up, LPIPS down.
        let results = (0..<8).map { result("\($0)", .liver, low: 0.3 + 0.01 * Double($0), enhanced: 0.5 + 0.02 * Double($0)) }
        let summary = Evaluation.summarize(results)
        XCTAssertEqual(summary.map(\.metric), [.ssim, .psnr, .lncc, .lpips])
        let ssim = summary[0]
        XCTAssertEqual(ssim.lowMean, 0.335, accuracy: 1e-12)
        XCTAssertEqual(ssim.enhancedMean!, 0.57, accuracy: 1e-12)
        XCTAssertEqual(ssim.lowSD, try XCTUnwrap(Descriptive(results.map(\.low.ssim))).standardDeviation, accuracy: 1e-12)
        XCTAssertEqual(ssim.alternative, .greater)
        XCTAssertEqual(ssim.wilcoxonP!, 1.0 / 256, accuracy: 1e-12, "exact: all 8 differences positive")
        let lpips = summary[3]
        XCTAssertEqual(lpips.alternative, .less, "LPIPS is a distance: lower is better")
        XCTAssertEqual(lpips.wilcoxonP!, 1.0 / 256, accuracy: 1e-12)
    }

    func testBaselineOnlyHasNoEnhancedColumns() {
        let summary = Evaluation.summarize([result("1", .breast, low: 0.4, enhanced: nil), result("2", .breast, low: 0.6, enhanced: nil)])
        XCTAssertEqual(summary[0].lowMean, 0.5, accuracy: 1e-12)
        XCTAssertNil(summary[0].enhancedMean)
        XCTAssertNil(summary[0].wilcoxonP)
    }

    func testRunScoresPairsReportsFailuresAndWritesCSV() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("eval-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        try PhantomDataset.write(to: folder, perOrgan: 2, seed: 4)
        // Break one image: the case is reported, the others are scored.
        let broken = folder.appendingPathComponent("train_datasets/kidney/high_quality/1039.png")
        try Data("not a png".utf8).write(to: broken)
        let (index, _) = try DatasetIndex.load(folder)
        let evaluation = try Evaluation.run(index.cases, splitName: "all", generator: nil, modelName: nil,
                                            scorer: PairScorer())
        XCTAssertEqual(evaluation.cases.count, 9)
        XCTAssertEqual(evaluation.failures.count, 1)
        XCTAssertTrue(evaluation.failures[0].contains(broken.path), evaluation.failures[0])
        XCTAssertEqual(evaluation.summaries.map(\.group), ["thyroid", "carotid", "liver", "kidney", "breast", "all"])
        // Each case's numbers are the metrics of its files.
        let first = try XCTUnwrap(evaluation.cases.first)
        let item = try XCTUnwrap(index.cases.first { $0.id == first.id })
        XCTAssertEqual(first.low.ssim, try ImageMetrics.ssim(PNGCodec.read(item.lowPath), PNGCodec.read(item.highPath!)))
        let csv = evaluation.csv().split(separator: "\n")
        XCTAssertEqual(csv.count, 10)
        XCTAssertTrue(csv[0].hasPrefix("id,organ,split,low_ssim,low_psnr,low_lncc,low_lpips,enhanced_ssim"))
    }

    func testCancellationStopsARun() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("eval-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        try PhantomDataset.write(to: folder, perOrgan: 1, seed: 4)
        let (index, _) = try DatasetIndex.load(folder)
        let flag = CancellationFlag()
        flag.cancel()
        XCTAssertThrowsError(try Evaluation.run(index.cases, splitName: "all", generator: nil, modelName: nil,
                                                scorer: PairScorer(), cancellation: flag)) { error in
            XCTAssertEqual(error as? EnhancerError, .cancelled)
        }
    }
}
