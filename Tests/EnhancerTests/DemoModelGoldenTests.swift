import Dataset
import Enhancer
import Foundation
import XCTest

/// The shipped demo model (models/) as the training recipe exported it, run by the
/// engine and by PyTorch (scripts/make-demo-model-reference, float64): the file the
/// recipe writes is the file the app runs, to PyTorch's numbers.
final class DemoModelGoldenTests: XCTestCase {
    static let modelURL = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("models/phantom_unet256_ngf16_f16.safetensors")

    func testShippedModelIsTheRecipesSmallF16UNet() throws {
        let attributes = try FileManager.default.attributesOfItem(atPath: Self.modelURL.path)
        XCTAssertLessThanOrEqual((attributes[.size] as? Int) ?? .max, 15_000_000, "the demo model must stay under 15 MB")
        let generator = try Generator.load(Self.modelURL, threads: 2)
        XCTAssertEqual(generator.summary, "UNet, 8 down-samplings, ngf 16, 1→1 channels, F16 weights")
        XCTAssertEqual(generator.metadata["architecture"], "unet_256")
        XCTAssertEqual(generator.metadata["loss_variant"], "full", "trained with the paper's losses")
        XCTAssertNotNil(generator.metadata["git_commit"])
        XCTAssertTrue(generator.metadata["data"]?.contains("not clinical") ?? false)
    }

    func testShippedModelMatchesPyTorch() throws {
        let generator = try Generator.load(Self.modelURL, threads: 2)
        let reference = try SafeTensors.read(fixtureURL("demo_model_io.safetensors"))
        let input = try PNGCodec.read(fixtureURL("demo_model_input.png"))
        let inputError = zip(input.pixels.map { Float($0) / 127.5 - 1 }, try reference.floats("input")).map { abs($0 - $1) }.max()
        XCTAssertLessThanOrEqual(inputError ?? 1, 1e-6, "the PNG is the io file's input")
        let result = try generator.enhance(input)
        let expected = try reference.floats("output")
        XCTAssertEqual(result.raw.count, expected.count)
        let maxError = zip(result.raw, expected).map { abs($0 - $1) }.max() ?? .infinity
        print("demo model: max |Swift − PyTorch| = \(maxError)")
        XCTAssertLessThanOrEqual(maxError, 2e-4)
        let levels = zip(result.image.pixels, expected).map { pixel, value in
            abs(Int(pixel) - Int(min(255, max(0, ((value + 1) * 127.5).rounded()))))
        }
        XCTAssertLessThanOrEqual(levels.max() ?? 99, 1, "8-bit output within ±1 of PyTorch's")
    }
}
