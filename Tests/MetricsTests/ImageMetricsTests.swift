import Dataset
import Foundation
import Metrics
import XCTest

/// Reference values: Fixtures/metrics_ref.json, computed with scikit-image 0.26
/// (SSIM) and numpy (PSNR, LNCC) — copied from ../shared/golden; its `convention`
/// block says how each was called.
final class ImageMetricsTests: XCTestCase {
    struct Reference: Decodable {
        struct Pair: Decodable {
            let a: String, b: String
            let ssim: Double, psnr: Double, lncc9: Double, lncc11: Double
        }
        let pairs: [Pair]
    }

    private func fixture(_ name: String) -> URL {
        Bundle.module.url(forResource: "Fixtures", withExtension: nil)!.appendingPathComponent(name)
    }

    private func reference() throws -> Reference {
        try JSONDecoder().decode(Reference.self, from: Data(contentsOf: fixture("metrics_ref.json")))
    }

    func testMatchesScikitImageAndNumpyReference() throws {
        let reference = try reference()
        XCTAssertEqual(reference.pairs.count, 5)
        for pair in reference.pairs {
            let a = try PNGCodec.read(fixture(pair.a)), b = try PNGCodec.read(fixture(pair.b))
            XCTAssertEqual(try ImageMetrics.ssim(a, b), pair.ssim, accuracy: 1e-6, "SSIM \(pair.a) vs \(pair.b)")
            XCTAssertEqual(try ImageMetrics.psnr(a, b), pair.psnr, accuracy: 1e-6, "PSNR \(pair.a) vs \(pair.b)")
            XCTAssertEqual(try ImageMetrics.lncc(a, b, window: 9), pair.lncc9, accuracy: 1e-6, "LNCC9 \(pair.a) vs \(pair.b)")
            XCTAssertEqual(try ImageMetrics.lncc(a, b, window: 11), pair.lncc11, accuracy: 1e-6, "LNCC11 \(pair.a) vs \(pair.b)")
        }
    }

    func testIdenticalImages() throws {
        let a = try PNGCodec.read(fixture("lpips/base.png"))
        XCTAssertEqual(try ImageMetrics.ssim(a, a), 1, accuracy: 1e-12)
        XCTAssertEqual(try ImageMetrics.psnr(a, a), .infinity)
        XCTAssertEqual(try ImageMetrics.lncc(a, a), 1, accuracy: 1e-9)
    }

    func testSymmetric() throws {
        let a = try PNGCodec.read(fixture("lpips/base.png")), b = try PNGCodec.read(fixture("lpips/noisy.png"))
        XCTAssertEqual(try ImageMetrics.ssim(a, b), try ImageMetrics.ssim(b, a), accuracy: 1e-12)
        XCTAssertEqual(try ImageMetrics.lncc(a, b), try ImageMetrics.lncc(b, a), accuracy: 1e-12)
    }

    func testSizeMismatchIsAClearError() throws {
        let a = GrayImage(width: 32, height: 32), b = GrayImage(width: 32, height: 16)
        XCTAssertThrowsError(try ImageMetrics.ssim(a, b)) { error in
            XCTAssertEqual(error as? MetricsError, .sizeMismatch(first: "32x32", second: "32x16"))
            XCTAssertTrue("\(error)".contains("32x16"))
        }
        XCTAssertThrowsError(try ImageMetrics.psnr(a, b))
        XCTAssertThrowsError(try ImageMetrics.lncc(a, b))
    }

    func testTooSmallForTheWindow() {
        let tiny = GrayImage(width: 8, height: 8, value: 3)
        XCTAssertThrowsError(try ImageMetrics.ssim(tiny, tiny)) { error in
            XCTAssertEqual(error as? MetricsError, .tooSmall(size: "8x8", needed: 11, metric: "SSIM"))
        }
    }

    func testFlatImagesHaveNoCorrelation() throws {
        let flat = GrayImage(width: 16, height: 16, value: 100)
        XCTAssertEqual(try ImageMetrics.lncc(flat, flat), 0)
    }
}
