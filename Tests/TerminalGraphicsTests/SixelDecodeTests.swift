import Dataset
import Foundation
@testable import TerminalGraphics
import XCTest

/// Test images made in code.
enum SixelTestImages {
    /// Columns 0…255, the gray equal to the column, `height` rows.
    static func gradient(height: Int) -> GrayImage {
        GrayImage(width: 256, height: height, pixels: (0..<(256 * height)).map { UInt8($0 % 256) })
    }

    /// Seeded noise shaped like fully developed speckle: Rayleigh amplitudes, log
    /// compressed to 8 bits, so grays spread over the whole range and neighbours are
    /// unrelated (the worst case for run lengths).
    static func speckle(width: Int, height: Int, seed: UInt64) -> GrayImage {
        var state = seed
        func next() -> Double {  // SplitMix64, spelled out so the image replays everywhere
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return Double((z ^ (z >> 31)) >> 11) / Double(1 << 53)
        }
        let plane = (0..<(width * height)).map { _ -> Float in
            let amplitude = (-2 * log(max(1e-12, 1 - next()))).squareRoot()  // Rayleigh, σ = 1
            return Float(255 * (1 + log10(amplitude / 3) / 1.5))  // 30 dB shown, below clipped
        }
        return GrayImage(width: width, height: height, floatPlane: plane)
    }

    /// The review screen's 768 × 256 triptych: LOW | LOW | HIGH of one phantom case
    /// (the input standing in for the enhanced image).
    static func triptych() -> GrayImage {
        let pair = PhantomGenerator(seed: 2023).pair(organ: .thyroid, caseID: 1)
        let side = PhantomGenerator.imageSize
        var pixels: [UInt8] = []
        pixels.reserveCapacity(3 * side * side)
        for y in 0..<side {
            let row = y * side ..< (y + 1) * side
            pixels += pair.low.pixels[row]
            pixels += pair.low.pixels[row]
            pixels += pair.high.pixels[row]
        }
        return GrayImage(width: 3 * side, height: side, pixels: pixels)
    }
}

/// Round trips through libsixel's decoder: what a terminal would show, compared with
/// the source.
final class SixelDecodeTests: XCTestCase {
    private struct Comparison {
        var psnr: Double
        var maxError: Int
        var levels: Int
    }

    /// Decodes `sixel` with `sixel2png` and reads the PNG back as gray.
    private func decode(_ sixel: [UInt8], file: StaticString = #filePath, line: UInt = #line) throws -> GrayImage {
        let candidates = ["/usr/bin/sixel2png", "/usr/local/bin/sixel2png"]
            + (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":").map { "\($0)/sixel2png" }
        guard let tool = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
            throw XCTSkip("sixel2png not found: the decoded-image checks need libsixel's decoder "
                + "(apt-get install libsixel-bin; make test installs it)")
        }
        let folder = FileManager.default.temporaryDirectory
            .appendingPathComponent("usreview-sixel-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let input = folder.appendingPathComponent("image.six"), output = folder.appendingPathComponent("image.png")
        try Data(sixel).write(to: input)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tool)
        process.arguments = ["-i", input.path, "-o", output.path]
        let errors = Pipe()
        process.standardError = errors
        try process.run()
        let message = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 0, "sixel2png: \(String(decoding: message, as: UTF8.self))",
                       file: file, line: line)
        return try PNGCodec.read(output)
    }

    private func compare(_ source: GrayImage, _ decoded: GrayImage, file: StaticString = #filePath, line: UInt = #line) -> Comparison {
        XCTAssertEqual(decoded.width, source.width, "decoded width", file: file, line: line)
        XCTAssertEqual(decoded.height, source.height, "decoded height", file: file, line: line)
        guard decoded.width == source.width && decoded.height == source.height else {
            return Comparison(psnr: 0, maxError: 255, levels: 0)
        }
        var squared = 0, worst = 0
        for (a, b) in zip(source.pixels, decoded.pixels) {
            let d = Int(a) - Int(b)
            squared += d * d
            worst = max(worst, abs(d))
        }
        let mse = Double(squared) / Double(source.pixels.count)
        return Comparison(psnr: mse == 0 ? .infinity : 10 * log10(255 * 255 / mse), maxError: worst,
                          levels: Set(decoded.pixels).count)
    }

    /// Encodes at 101 levels, decodes, and checks the bar: PSNR ≥ 48 dB and no
    /// pixel off by more than 2.
    private func assertFaithful(_ image: GrayImage, file: StaticString = #filePath, line: UInt = #line) throws -> Comparison {
        let result = compare(image, try decode(SixelEncoder().encode(image), file: file, line: line), file: file, line: line)
        XCTAssertGreaterThanOrEqual(result.psnr, 48, file: file, line: line)
        XCTAssertLessThanOrEqual(result.maxError, 2, file: file, line: line)
        return result
    }

    func testGradientDecodesWithinOneGray() throws {
        // 13 rows: two whole bands and one partial.
        let result = try assertFaithful(SixelTestImages.gradient(height: 13))
        XCTAssertEqual(result.maxError, 1)
        XCTAssertEqual(result.levels, 101, "every level is used once")
    }

    func testSpeckleDecodesFaithfully() throws {
        // 301 × 100: odd width, and 100 = 16 bands + 4 rows.
        let result = try assertFaithful(SixelTestImages.speckle(width: 301, height: 100, seed: 11))
        XCTAssertLessThanOrEqual(result.maxError, 1)
    }

    func testPhantomTriptychDecodesFaithfully() throws {
        let result = try assertFaithful(SixelTestImages.triptych())
        XCTAssertLessThanOrEqual(result.maxError, 1)
        XCTAssertGreaterThan(result.levels, 60, "a gray sixel keeps the phantom's gray levels")
    }

    func testPartialBandDecodesToExactlyTheImageHeight() throws {
        for height in [1, 5, 7, 11] {
            let image = SixelTestImages.speckle(width: 17, height: height, seed: UInt64(height))
            let result = compare(image, try decode(SixelEncoder().encode(image)))
            XCTAssertLessThanOrEqual(result.maxError, 1, "height \(height)")
        }
    }

    func testSixteenRegistersLoseDetailButOptimalBeatsUniform() throws {
        let image = SixelTestImages.triptych()
        let full = compare(image, try decode(SixelEncoder().encode(image)))
        let optimal = compare(image, try decode(SixelEncoder(registers: 16).encode(image)))
        let uniform = compare(image, try decode(SixelEncoder.encode(image, palette: .uniform(levels: 16))))
        XCTAssertLessThanOrEqual(optimal.levels, 16)
        XCTAssertLessThan(optimal.psnr, full.psnr)
        XCTAssertGreaterThan(optimal.psnr, uniform.psnr)
        // 64 registers sit in between.
        let sixtyFour = compare(image, try decode(SixelEncoder(registers: 64).encode(image)))
        XCTAssertGreaterThan(sixtyFour.psnr, optimal.psnr)
        XCTAssertLessThan(sixtyFour.psnr, full.psnr)
    }

    func testDitheredOutputDecodesCloseToTheSource() throws {
        // Dithering trades per-pixel error for a faithful local mean: every pixel stays
        // within one level step (≤ 3 grays) and a flat area's mean is kept.
        let image = SixelTestImages.gradient(height: 16)
        let decoded = try decode(SixelEncoder(dither: true).encode(image))
        let result = compare(image, decoded)
        XCTAssertLessThanOrEqual(result.maxError, 3)
        XCTAssertGreaterThan(result.psnr, 40)
        let flat = GrayImage(width: 16, height: 16, value: 100)
        let flatDecoded = try decode(SixelEncoder(dither: true).encode(flat))
        let mean = Double(flatDecoded.pixels.reduce(0) { $0 + Int($1) }) / Double(flatDecoded.pixels.count)
        XCTAssertEqual(mean, 100, accuracy: 0.1)
    }
}
