import Dataset
@testable import Enhancer
import Foundation
import XCTest

/// The engine against PyTorch 2.11 (float64) on random-weight generators.
final class GoldenTests: XCTestCase {
    private func check(_ tag: String, summary: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let generator = try Generator.load(fixtureURL("\(tag).safetensors"))
        XCTAssertEqual(generator.summary, summary, file: file, line: line)
        let reference = try SafeTensors.read(fixtureURL("\(tag)_io.safetensors"))
        let input = try PNGCodec.read(fixtureURL("\(tag)_input.png"))
        let expectedInput = try reference.floats("input")
        XCTAssertEqual(input.pixels.map { Float($0) / 127.5 - 1 }, expectedInput, "the PNG is the io file's input")

        let result = try generator.enhance(input)
        let expected = try reference.floats("output")
        XCTAssertEqual(result.raw.count, expected.count)
        let maxError = zip(result.raw, expected).map { abs($0 - $1) }.max() ?? .infinity
        print("\(tag): max |Swift − PyTorch| = \(maxError)")
        XCTAssertLessThanOrEqual(maxError, 2e-4, "\(tag) raw output", file: file, line: line)

        let expectedImage = try PNGCodec.read(fixtureURL("\(tag)_output.png"))
        XCTAssertEqual(result.image.width, expectedImage.width)
        XCTAssertEqual(result.image.height, expectedImage.height)
        let levels = zip(result.image.pixels, expectedImage.pixels).map { abs(Int($0) - Int($1)) }
        let mismatched = levels.filter { $0 > 0 }.count
        print("\(tag): 8-bit max difference \(levels.max() ?? -1), \(mismatched) pixels differ")
        XCTAssertLessThanOrEqual(levels.max() ?? 99, 1, "\(tag) 8-bit output", file: file, line: line)
    }

    /// The Winograd layers (only used by wider networks) against the same references, forced
    /// onto every 4×4 layer of the small golden UNets, down to the 1×1 innermost level.
    func testWinogradLayersMatchPyTorch() throws {
        for tag in ["unet_ngf8_256_f32", "unet_ngf4_128_bf16"] {
            let file = try SafeTensors.read(fixtureURL("\(tag).safetensors"))
            guard let unet = try GeneratorLoader.network(from: file, dict: StateDict(file), automaticWinograd: false)
                    as? UNetGenerator else {
                return XCTFail("not a UNet")
            }
            let input = try PNGCodec.read(fixtureURL("\(tag)_input.png"))
            let expected = try SafeTensors.read(fixtureURL("\(tag)_io.safetensors")).floats("output")
            for tile in [2, 4] {
                let generator = Generator(network: unet.withWinogradLayers(forcingTile: tile), threads: 2, metadata: [:],
                                          parameterCount: 0, weightFormat: "")
                let raw = try generator.enhance(input).raw
                let maxError = zip(raw, expected).map { abs($0 - $1) }.max() ?? .infinity
                print("\(tag), Winograd F(\(tile)×\(tile), 2×2) everywhere: max |Swift − PyTorch| = \(maxError)")
                XCTAssertLessThanOrEqual(maxError, 2e-4, "\(tag) tile \(tile)")
            }
        }
    }

    func testUNetNgf8F32() throws {
        try check("unet_ngf8_256_f32", summary: "UNet, 8 down-samplings, ngf 8, 1→1 channels, F32 weights")
    }

    func testUNetNgf8F16() throws {
        try check("unet_ngf8_256_f16", summary: "UNet, 8 down-samplings, ngf 8, 1→1 channels, F16 weights")
    }

    func testUNetNgf4BF16SevenDowns() throws {
        try check("unet_ngf4_128_bf16", summary: "UNet, 7 down-samplings, ngf 4, 1→1 channels, BF16 weights")
    }

    func testResNet9Blocks() throws {
        try check("resnet9_ngf8_256_f32",
                  summary: "ResNet, 9 blocks, 2 down-samplings, ngf 8, 1→1 channels, F32 weights")
    }
}
