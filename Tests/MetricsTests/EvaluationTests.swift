import Dataset
import Enhancer
import Foundation
@testable import Metrics
import Statistics
import UntrustedText
import XCTest

final class EvaluationTests: XCTestCase {
    private func scores(_ v: Double) -> PairScores { PairScores(ssim: v, psnr: 20 + v, lncc: v / 2, lpips: 1 - v) }

    private func result(_ id: String, _ organ: Organ, low: Double, models: [Double]) -> Evaluation.CaseResult {
        Evaluation.CaseResult(id: id, organ: organ, split: .test, low: scores(low), models: models.map(scores))
    }

    private func models(_ names: [String]) -> [Evaluation.Model] { names.map { .init(name: $0, path: "/m/\($0).st") } }

    func testTableInPaperOrderWithOneSidedDirections() throws {
        // Both models beat low in every case (similarities up, LPIPS down); b beats a on 6 of 8.
        var results: [Evaluation.CaseResult] = []
        for i in 0..<8 {
            let x = Double(i)
            let a: Double = 0.5 + 0.02 * x
            let b: Double = a + (i < 6 ? 0.01 * (x + 1) : -0.001)
            results.append(result("\(i)", .liver, low: 0.3 + 0.01 * x, models: [a, b]))
        }
        let evaluation = Evaluation(models: models(["a", "b"]), split: "test", lnccWindow: 9, cases: results)
        XCTAssertEqual(evaluation.metrics, [.lncc, .ssim, .psnr, .lpips])
        XCTAssertEqual(evaluation.summaries.map(\.group), ["liver", "all"])
        let all = try XCTUnwrap(evaluation.summaries.last)
        XCTAssertEqual(all.rows.map(\.name), ["low", "a", "b"])
        let lowSSIM = try XCTUnwrap(all.rows[0].cells.first { $0.metric == .ssim })
        XCTAssertEqual(lowSSIM.mean, 0.335, accuracy: 1e-12)
        XCTAssertEqual(lowSSIM.sd, try XCTUnwrap(Descriptive(results.map(\.low.ssim))).standardDeviation, accuracy: 1e-12)
        XCTAssertEqual(try XCTUnwrap(all.rows[1].cells.first { $0.metric == .ssim }).mean, 0.57, accuracy: 1e-12)

        // a vs low, b vs low, b vs a per group and metric: 2 groups × 4 metrics × 3.
        XCTAssertEqual(evaluation.tests.count, 24)
        let overall = evaluation.tests.filter { $0.group == "all" }
        XCTAssertEqual(overall.prefix(3).map { "\($0.first) vs \($0.second)" }, ["a vs low", "b vs low", "b vs a"])
        let ssim = try XCTUnwrap(overall.first { $0.metric == .ssim && $0.first == "a" })
        XCTAssertEqual(ssim.alternative, .greater)
        XCTAssertEqual(try XCTUnwrap(ssim.p), 1.0 / 256, accuracy: 1e-12, "exact: all 8 differences positive")
        XCTAssertEqual(ssim.worse, 0)
        let lpips = try XCTUnwrap(overall.first { $0.metric == .lpips && $0.first == "a" })
        XCTAssertEqual(lpips.alternative, .less, "LPIPS is a distance: lower is better")
        XCTAssertEqual(try XCTUnwrap(lpips.p), 1.0 / 256, accuracy: 1e-12)
        let bVsA = try XCTUnwrap(overall.first { $0.metric == .lpips && $0.first == "b" && $0.second == "a" })
        XCTAssertEqual(bVsA.worse, 2, "cases 6 and 7: b's LPIPS is higher")
        let direct = try XCTUnwrap(WilcoxonSignedRank.test(results.map { 1 - $0.models[1].ssim - (1 - $0.models[0].ssim) },
                                                           alternative: .less))
        XCTAssertEqual(try XCTUnwrap(bVsA.p), direct.pValue, accuracy: 1e-12)
        // Holm across all 24 tests of the table.
        let holm = HolmCorrection.adjust(evaluation.tests.map { $0.p! })
        XCTAssertEqual(evaluation.tests.map { $0.holmP! }, holm)

        let text = evaluation.text()
        XCTAssertTrue(text.contains("reference low"), text)
        XCTAssertTrue(text.contains("LPIPS ↓"), text)
        let markdown = evaluation.markdown()
        XCTAssertTrue(markdown.contains("| organ | method | cases | LNCC ↑ | SSIM ↑ | PSNR (dB) ↑ | LPIPS ↓ |"), markdown)
        XCTAssertTrue(markdown.contains("| all | reference low | 8 | 0.1675 ± "), markdown)
    }

    func testBaselineOnlyHasNoTests() {
        let evaluation = Evaluation(models: [], split: "test", lnccWindow: 9, cases: [
            result("1", .breast, low: 0.4, models: []), result("2", .breast, low: 0.6, models: []),
        ])
        XCTAssertEqual(evaluation.summaries.last?.rows.map(\.name), ["low"])
        XCTAssertEqual(evaluation.summaries.last?.rows.first?.cells.first { $0.metric == .ssim }?.mean ?? 0, 0.5,
                       accuracy: 1e-12)
        XCTAssertTrue(evaluation.tests.isEmpty)
    }

    func testCSVAndJSONReadBackExactly() throws {
        var results: [Evaluation.CaseResult] = []
        for i in 0..<5 {
            let x = Double(i)
            let models: [Double] = [0.7 - 0.03 * x, 2.0 / 7 + x]
            results.append(result(String(format: "%04d", i + 1), .thyroid, low: 0.1 * x + 1.0 / 3, models: models))
        }
        results[0].models[0].psnr = .infinity  // identical images
        results[1].low.lpips = nil
        let evaluation = Evaluation(models: models(["a", "b-2"]), split: "test", lnccWindow: 11, cases: results)
        XCTAssertEqual(try Evaluation.decode(json: Data(try evaluation.json().utf8)), evaluation)

        // The per-case CSV, read back by the project's CSV reader: one row per case and
        // method, every number read back to the same Double.
        let lines = try CSVTable.parse(evaluation.caseCSV()).map(\.fields)
        XCTAssertEqual(lines[0], ["id", "organ", "split", "method", "lncc", "ssim", "psnr", "lpips"])
        XCTAssertEqual(lines.count, 1 + 5 * 3)
        for (row, fields) in lines.dropFirst().enumerated() {
            let result = results[row / 3]
            let scores = [result.low, result.models[0], result.models[1]][row % 3]
            XCTAssertEqual(CSVTable.restored(fields[0]), result.id)
            XCTAssertEqual(CSVTable.restored(fields[3]), ["low", "a", "b-2"][row % 3])
            let read = fields[4...].map { $0.isEmpty ? nil : Double($0) }
            XCTAssertEqual(read, MetricName.paperOrder.map { $0.value(of: scores) }, "row \(row + 1)")
        }
        XCTAssertTrue(evaluation.caseCSV().contains(",inf,"))
    }

    /// Model outputs are cached per model file and image: a second run reads them back
    /// (the generator is not run again) and gives the same numbers.
    func testSecondRunReadsTheSharedDiskCache() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("eval-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        try PhantomDataset.write(to: folder.appendingPathComponent("data"), perOrgan: 1, seed: 4)
        let (index, _) = try DatasetIndex.load(folder.appendingPathComponent("data"))
        let modelURL = Self.fixtureModel
        let cache = try DiskCache(root: folder.appendingPathComponent("cache"), model: modelURL)
        let model = EvaluatedModel(name: "tiny", path: modelURL.path, generator: try Generator.load(modelURL), cache: cache)
        let first = try Evaluation.run(index.cases, splitName: "all", models: [model], scorer: PairScorer())
        XCTAssertEqual(first.cases.count, 5)
        let files = try FileManager.default.contentsOfDirectory(atPath: cache.folder.path)
        XCTAssertEqual(files.count, 5)
        // Overwrite the cached outputs with the low images themselves: a run that reads the
        // cache must now score the model exactly as low.
        for item in index.cases {
            let low = try PNGCodec.read(item.lowPath)
            try cache.store(low, for: low)
        }
        let second = try Evaluation.run(index.cases, splitName: "all", models: [model], scorer: PairScorer())
        for result in second.cases { XCTAssertEqual(result.models[0], result.low) }
        let uncached = EvaluatedModel(name: "tiny", path: modelURL.path, generator: model.generator, cache: nil)
        XCTAssertEqual(try Evaluation.run(index.cases, splitName: "all", models: [uncached], scorer: PairScorer()).cases,
                       first.cases)
    }

    /// A random-weight UNet (ngf 4, 7 down-samplings) from the Enhancer's fixtures: small and fast.
    static let fixtureModel = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("EnhancerTests/Fixtures/unet_ngf4_128_bf16.safetensors")

    func testRunReportsFailuresAndKeepsTheOthers() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("eval-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        try PhantomDataset.write(to: folder, perOrgan: 2, seed: 4)
        // Break one image: the case is reported, the others are scored.
        let broken = folder.appendingPathComponent("train_datasets/kidney/high_quality/1039.png")
        try Data("not a png".utf8).write(to: broken)
        let (index, _) = try DatasetIndex.load(folder)
        let evaluation = try Evaluation.run(index.cases, splitName: "all", models: [], scorer: PairScorer())
        XCTAssertEqual(evaluation.cases.count, 9)
        XCTAssertEqual(evaluation.failures.count, 1)
        XCTAssertTrue(evaluation.failures[0].contains(broken.path), evaluation.failures[0])
        XCTAssertEqual(evaluation.summaries.map(\.group), ["thyroid", "carotid", "liver", "kidney", "breast", "all"])
        // Each case's numbers are the metrics of its files.
        let first = try XCTUnwrap(evaluation.cases.first)
        let item = try XCTUnwrap(index.cases.first { $0.id == first.id })
        XCTAssertEqual(first.low.ssim, try ImageMetrics.ssim(PNGCodec.read(item.lowPath), PNGCodec.read(item.highPath!)))
    }

    func testCancellationStopsARun() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("eval-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        try PhantomDataset.write(to: folder, perOrgan: 1, seed: 4)
        let (index, _) = try DatasetIndex.load(folder)
        let flag = CancellationFlag()
        flag.cancel()
        XCTAssertThrowsError(try Evaluation.run(index.cases, splitName: "all", models: [], scorer: PairScorer(),
                                                cancellation: flag)) { error in
            XCTAssertEqual(error as? EnhancerError, .cancelled)
        }
    }
}
