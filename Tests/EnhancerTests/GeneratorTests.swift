import Dataset
@testable import Enhancer
import Foundation
import XCTest

final class GeneratorTests: XCTestCase {
    /// Every tensor of a fixture as F32 writer input, in file order.
    private func tensors(of name: String) throws -> [(name: String, shape: [Int], values: [Float])] {
        let file = try SafeTensors.read(fixtureURL(name))
        return try file.names.map { ($0, try file.entry($0).shape, try file.floats($0)) }
    }

    private func write(_ tensors: [(name: String, shape: [Int], values: [Float])], _ name: String) throws -> URL {
        let url = try makeTemporaryFolder(self).appendingPathComponent(name)
        try SafeTensors.write(tensors, metadata: [:], to: url)
        return url
    }

    private func maxDifference(_ a: [Float], _ b: [Float]) -> Float {
        XCTAssertEqual(a.count, b.count)
        return zip(a, b).map { abs($0 - $1) }.max() ?? 0
    }

    private func testImage(width: Int, height: Int) -> GrayImage {
        GrayImage(width: width, height: height, pixels: (0..<(width * height)).map { UInt8(truncatingIfNeeded: ($0 * 37) ^ ($0 >> 5)) })
    }

    func testPropertiesOfTheGoldenUNet() throws {
        let generator = try Generator.load(fixtureURL("unet_ngf8_256_f16.safetensors"), threads: 1)
        XCTAssertEqual(generator.sizeMultiple, 256)
        XCTAssertEqual(generator.metadata["ngf"], "8")
        let file = try SafeTensors.read(fixtureURL("unet_ngf8_256_f16.safetensors"))
        let count = file.entries.values.reduce(0) { $0 + $1.elementCount }
        XCTAssertEqual(generator.parameterCount, count)
        XCTAssertEqual(generator.weightBytesF32, 4 * count)
        XCTAssertEqual(generator.threads, 1)
        let resnet = try Generator.load(fixtureURL("resnet9_ngf8_256_f32.safetensors"))
        XCTAssertEqual(resnet.sizeMultiple, 4)
    }

    func testDataParallelPrefixAndRunningStatisticsAreAccepted() throws {
        let original = try Generator.load(fixtureURL("unet_ngf4_128_bf16.safetensors"))
        var renamed = try tensors(of: "unet_ngf4_128_bf16.safetensors").map { (name: "module." + $0.name, shape: $0.shape, values: $0.values) }
        // Buffers of an InstanceNorm2d(track_running_stats=True) in the second block.
        renamed.append((name: "module.model.model.1.model.2.running_mean", shape: [8], values: [Float](repeating: 5, count: 8)))
        renamed.append((name: "module.model.model.1.model.2.running_var", shape: [8], values: [Float](repeating: 9, count: 8)))
        var encoded = renamed.map { SafeTensors.EncodedTensor(name: $0.name, dtype: .f32, shape: $0.shape,
                                                               bytes: $0.values.withUnsafeBytes { Data($0) }) }
        encoded.append(.init(name: "module.model.model.1.model.2.num_batches_tracked", dtype: .i64, shape: [],
                             bytes: withUnsafeBytes(of: Int64(1234).littleEndian) { Data($0) }))
        let url = try makeTemporaryFolder(self).appendingPathComponent("dataparallel.safetensors")
        try SafeTensors.encode(encoded, metadata: [:], path: url.path).write(to: url)

        let generator = try Generator.load(url)
        XCTAssertEqual(generator.summary, "UNet, 7 down-samplings, ngf 4, 1→1 channels, F32 weights")
        let input = try PNGCodec.read(fixtureURL("unet_ngf4_128_bf16_input.png"))
        XCTAssertEqual(try generator.enhance(input).raw, try original.enhance(input).raw)
    }

    func testRandomKeysAreNotAGenerator() throws {
        let url = try write([("encoder.weight", [4, 4], [Float](repeating: 1, count: 16)), ("head.bias", [4], [1, 2, 3, 4])],
                            "random.safetensors")
        XCTAssertThrowsError(try Generator.load(url)) { error in
            guard case let .notAGenerator(path, _, keys)? = error as? EnhancerError else { return XCTFail("\(error)") }
            XCTAssertEqual(path, url.path)
            XCTAssertEqual(keys, ["encoder.weight", "head.bias"])
            XCTAssertTrue("\(error)".contains("encoder.weight"), "\(error)")
        }
    }

    func testExtraAndMisshapenTensorsAreReported() throws {
        // An affine norm layer (BatchNorm-style weight) the engine does not run.
        var extra = try tensors(of: "unet_ngf4_128_bf16.safetensors")
        extra.append((name: "model.model.1.model.2.weight", shape: [8], values: [Float](repeating: 1, count: 8)))
        XCTAssertThrowsError(try Generator.load(try write(extra, "extra.safetensors"))) { error in
            guard case let .notAGenerator(_, _, keys)? = error as? EnhancerError else { return XCTFail("\(error)") }
            XCTAssertEqual(keys, ["model.model.1.model.2.weight"])
        }
        // The innermost up-convolution with the wrong output channels.
        var misshapen = try tensors(of: "unet_ngf4_128_bf16.safetensors")
        let index = misshapen.firstIndex { $0.name.hasSuffix("3.model.3.model.3.model.3.weight") }!
        misshapen[index].shape = [32, 16, 4, 4]
        misshapen[index].values = [Float](repeating: 0, count: 32 * 16 * 16)
        XCTAssertThrowsError(try Generator.load(try write(misshapen, "misshapen.safetensors"))) { error in
            XCTAssertTrue("\(error)".contains("has shape [32, 16, 4, 4], expected [32, 32, 4, 4]"), "\(error)")
        }
    }

    func testOddSizeIsReflectPaddedAndCroppedBack() throws {
        let generator = try Generator.load(fixtureURL("unet_ngf8_256_f32.safetensors"))
        let image = testImage(width: 250, height: 190)
        let result = try generator.enhance(image)
        XCTAssertEqual([result.image.width, result.image.height], [250, 190])
        XCTAssertEqual(result.raw.count, 250 * 190)

        // The same as padding by hand (3 + 3 columns, 33 + 33 rows, PyTorch's reflection) and cropping.
        var padded = GrayImage(width: 256, height: 256)
        for y in 0..<256 {
            for x in 0..<256 { padded[x, y] = image[mirror(x - 3, 250), mirror(y - 33, 190)] }
        }
        let full = try generator.enhance(padded)
        var cropped: [Float] = []
        for y in 33..<(33 + 190) { cropped += full.raw[(y * 256 + 3)..<(y * 256 + 253)] }
        XCTAssertEqual(result.raw, cropped)
        XCTAssertEqual(result.image.pixels, cropped.map { GrayImage.quantize(($0 + 1) * 127.5) })
    }

    func testTooSmallImagesAreRejected() throws {
        let unet = try Generator.load(fixtureURL("unet_ngf8_256_f32.safetensors"))
        // 256 − s split in two must stay below s: s ≥ 86.
        XCTAssertEqual(unet.minimumSide, 86)
        XCTAssertNoThrow(try unet.enhance(testImage(width: 86, height: 300)))
        XCTAssertThrowsError(try unet.enhance(testImage(width: 85, height: 300))) { error in
            XCTAssertEqual(error as? EnhancerError, .imageTooSmall(width: 85, height: 300, minimumSide: 86,
                                                                  network: "UNet, 8 down-samplings, ngf 8"))
            XCTAssertTrue("\(error)".contains("at least 86 pixels"))
        }
        XCTAssertThrowsError(try unet.enhance(GrayImage(width: 0, height: 0)))
        let resnet = try Generator.load(fixtureURL("resnet9_ngf8_256_f32.safetensors"))
        // The ResNet's blocks need 2 pixels at 1/4 size, so 8 at least: a 4-pixel side pads by 2 + 2.
        XCTAssertEqual(resnet.minimumSide, 4)
        XCTAssertEqual(try resnet.enhance(testImage(width: 4, height: 7)).raw.count, 28)
        XCTAssertThrowsError(try resnet.enhance(testImage(width: 3, height: 7)))
    }

    func testProgressIsMonotonicAndEndsAtOne() throws {
        final class Log: @unchecked Sendable {
            let lock = NSLock()
            var values: [Double] = []
            func add(_ value: Double) { lock.lock(); values.append(value); lock.unlock() }
        }
        for fixture in ["unet_ngf4_128_bf16.safetensors", "resnet9_ngf8_256_f32.safetensors"] {
            let generator = try Generator.load(fixtureURL(fixture))
            let log = Log()
            _ = try generator.enhance(testImage(width: 128, height: 96), progress: { log.add($0) })
            XCTAssertGreaterThan(log.values.count, 10)
            XCTAssertEqual(log.values, log.values.sorted(), "monotonic")
            XCTAssertEqual(log.values.last, 1)
            XCTAssertTrue(log.values.allSatisfy { $0 >= 0 && $0 <= 1 })
        }
    }

    func testCancellingHalfwayThrowsCancelled() throws {
        let generator = try Generator.load(fixtureURL("unet_ngf8_256_f32.safetensors"))
        let flag = CancellationFlag()
        final class Last: @unchecked Sendable { var value = 0.0 }
        let last = Last()
        XCTAssertThrowsError(try generator.enhance(testImage(width: 256, height: 256), progress: { fraction in
            last.value = fraction
            if fraction >= 0.5 { flag.cancel() }
        }, cancellation: flag)) { error in
            XCTAssertEqual(error as? EnhancerError, .cancelled)
        }
        XCTAssertTrue(flag.isCancelled)
        XCTAssertLessThan(last.value, 1, "stopped before the end")
        // A flag set before the run stops it at once; the generator stays usable afterwards.
        XCTAssertThrowsError(try generator.enhance(testImage(width: 256, height: 256), cancellation: flag))
        XCTAssertNoThrow(try generator.enhance(testImage(width: 256, height: 256), cancellation: CancellationFlag()))
    }

    func testWorkBuffersAreReusedAcrossRuns() throws {
        let generator = try Generator.load(fixtureURL("unet_ngf8_256_f32.safetensors"))
        let image = testImage(width: 256, height: 256)
        let first = try generator.enhance(image)
        let floats = generator.workspaceFloatCount
        XCTAssertEqual(try generator.enhance(image).raw, first.raw)
        XCTAssertEqual(generator.workspaceFloatCount, floats, "no new buffers on a second run")
        // Skip buffers, one im2col matrix and the input and output: well under 4 M floats for ngf 8.
        XCTAssertLessThan(floats, 4 << 20)
    }

    func testThreadCountsAgree() throws {
        let image = try PNGCodec.read(fixtureURL("unet_ngf8_256_f32_input.png"))
        let one = try Generator.load(fixtureURL("unet_ngf8_256_f32.safetensors"), threads: 1).enhance(image)
        let two = try Generator.load(fixtureURL("unet_ngf8_256_f32.safetensors"), threads: 2).enhance(image)
        XCTAssertLessThan(maxDifference(one.raw, two.raw), 1e-5)
    }

    func testThreeChannelModelsReplicateGrayAndAverageTheOutput() throws {
        let rgb = randomUNetTensors(downs: 3, ngf: 4, inChannels: 3, outChannels: 3, seed: 5)
        let image = testImage(width: 16, height: 24)
        let generator = try Generator.load(try write(rgb, "rgb.safetensors"))
        XCTAssertEqual(generator.summary, "UNet, 3 down-samplings, ngf 4, 3→3 channels, F32 weights")
        let result = try generator.enhance(image)

        // Output: the mean of the three single-channel heads (the final transposed
        // convolution's weight [2·ngf, 3, 4, 4] and bias [3] cut to one output channel each).
        var heads: [[Float]] = []
        for channel in 0..<3 {
            let single = rgb.map { tensor -> (name: String, shape: [Int], values: [Float]) in
                if tensor.name == "model.model.3.weight" {
                    var values: [Float] = []
                    for i in 0..<8 {
                        let start = (i * 3 + channel) * 16
                        values += tensor.values[start..<(start + 16)]
                    }
                    return (tensor.name, [8, 1, 4, 4], values)
                }
                if tensor.name == "model.model.3.bias" { return (tensor.name, [1], [tensor.values[channel]]) }
                return tensor
            }
            heads.append(try Generator.load(try write(single, "head\(channel).safetensors")).enhance(image).raw)
        }
        let mean = (0..<heads[0].count).map { (heads[0][$0] + heads[1][$0] + heads[2][$0]) / 3 }
        XCTAssertLessThan(maxDifference(result.raw, mean), 1e-6)

        // Input: three copies of the gray image, the same as one channel through the summed weights.
        let gray = rgb.map { tensor -> (name: String, shape: [Int], values: [Float]) in
            guard tensor.name == "model.model.0.weight" else { return tensor }
            var summed = [Float](repeating: 0, count: 4 * 16)
            for o in 0..<4 {
                for c in 0..<3 {
                    for tap in 0..<16 { summed[o * 16 + tap] += tensor.values[(o * 3 + c) * 16 + tap] }
                }
            }
            return (tensor.name, [4, 1, 4, 4], summed)
        }
        let grayResult = try Generator.load(try write(gray, "gray.safetensors")).enhance(image)
        XCTAssertLessThan(maxDifference(result.raw, grayResult.raw), 1e-5)
    }

    /// Each variant against PyTorch (float64) on the golden input: Fixtures/resnet_<variant>_io.safetensors
    /// from scripts/make-resnet-variant-references, which renames the golden weights as done here.
    private func checkAgainstPyTorch(_ generator: Generator, _ variant: String, file: StaticString = #filePath,
                                     line: UInt = #line) throws {
        let reference = try SafeTensors.read(fixtureURL("resnet_\(variant)_io.safetensors"))
        let input = try PNGCodec.read(fixtureURL("resnet9_ngf8_256_f32_input.png"))
        XCTAssertLessThanOrEqual(maxDifference(input.pixels.map { Float($0) / 127.5 - 1 }, try reference.floats("input")),
                                 1e-6, "the PNG is the io file's input", file: file, line: line)
        let error = maxDifference(try generator.enhance(input).raw, try reference.floats("output"))
        XCTAssertLessThanOrEqual(error, 2e-4, "\(variant): max |Swift − PyTorch|", file: file, line: line)
    }

    func testResNetWithDropoutOrZeroPaddingLoads() throws {
        let plain = try tensors(of: "resnet9_ngf8_256_f32.safetensors")

        // use_dropout=True: the second convolution of each block moves from conv_block.5 to .6.
        let dropout = plain.map { tensor in
            (name: tensor.name.replacingOccurrences(of: ".conv_block.5.", with: ".conv_block.6."), shape: tensor.shape,
             values: tensor.values)
        }
        let withDropout = try Generator.load(try write(dropout, "dropout.safetensors"))
        XCTAssertEqual(withDropout.summary, "ResNet, 9 blocks, 2 down-samplings, ngf 8, dropout, 1→1 channels, F32 weights")
        try checkAgainstPyTorch(withDropout, "dropout")

        // Fewer blocks: blocks 13…18 dropped, the up-sampling layers renumbered.
        let fewer = plain.compactMap { tensor -> (name: String, shape: [Int], values: [Float])? in
            let index = Int(tensor.name.split(separator: ".")[1])!
            if (13...18).contains(index) { return nil }
            let shifted = index > 18 ? index - 6 : index
            return ("model.\(shifted)." + tensor.name.split(separator: ".").dropFirst(2).joined(separator: "."),
                    tensor.shape, tensor.values)
        }
        let short = try Generator.load(try write(fewer, "short.safetensors"))
        XCTAssertEqual(short.summary, "ResNet, 3 blocks, 2 down-samplings, ngf 8, 1→1 channels, F32 weights")
        try checkAgainstPyTorch(short, "blocks3")

        // padding_type='zero': the convolutions sit at conv_block.0 and .3.
        let zero = plain.map { tensor in
            (name: tensor.name.replacingOccurrences(of: ".conv_block.1.", with: ".conv_block.0.")
                .replacingOccurrences(of: ".conv_block.5.", with: ".conv_block.3."), shape: tensor.shape, values: tensor.values)
        }
        let zeroPadded = try Generator.load(try write(zero, "zero.safetensors"))
        XCTAssertTrue(zeroPadded.summary.contains("zero-padded blocks"), zeroPadded.summary)
        try checkAgainstPyTorch(zeroPadded, "zero")
    }
}
