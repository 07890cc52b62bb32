import Dataset
import Foundation
import XCTest

/// Fixtures: Fixtures/png, written by scripts/make-png-fixtures.py with pypng (an
/// independent encoder); expected.json holds the gray values each must decode to.
final class PNGCodecTests: XCTestCase {
    struct Expected: Decodable {
        let width: Int, height: Int
        let gray: [String: [UInt8]]
    }

    private func expected() throws -> Expected {
        try JSONDecoder().decode(Expected.self, from: Data(contentsOf: fixtureURL("png/expected.json")))
    }

    func testEveryColourTypeDecodesToTheExpectedGray() throws {
        let expected = try expected()
        XCTAssertEqual(expected.gray.count, 13, "one fixture per colour type / depth / interlace case")
        for (name, pixels) in expected.gray.sorted(by: { $0.key < $1.key }) {
            let image = try PNGCodec.read(fixtureURL("png/\(name)"))
            XCTAssertEqual(image.width, expected.width, name)
            XCTAssertEqual(image.height, expected.height, name)
            let mismatches = zip(image.pixels, pixels).filter { $0 != $1 }.count
            XCTAssertEqual(mismatches, 0, "\(name): \(mismatches) pixels differ from pypng's values")
        }
    }

    func testStoredFormatIsReported() throws {
        let interlaced = try PNGCodec.readWithFormat(fixtureURL("png/rgb8_interlaced.png")).format
        XCTAssertTrue(interlaced.interlaced)
        XCTAssertEqual(interlaced.colorType, 2)
        let gray16 = try PNGCodec.readWithFormat(fixtureURL("png/gray16.png")).format
        XCTAssertEqual(gray16.bitDepth, 16)
        XCTAssertFalse(gray16.interlaced)
    }

    func testWriteThenReadRoundTrips() throws {
        let folder = try makeTemporaryFolder(self)
        let pixels = (0..<(61 * 17)).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        let image = GrayImage(width: 61, height: 17, pixels: pixels)
        let url = folder.appendingPathComponent("round.png")
        try PNGCodec.write(image, to: url)
        XCTAssertEqual(try PNGCodec.read(url), image)
        let format = try PNGCodec.readWithFormat(url).format
        XCTAssertEqual(format.bitDepth, 8)
        XCTAssertEqual(format.colorType, 0, "written as 8-bit gray")
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".tmp") }
        XCTAssertEqual(leftovers, [], "no temporary file is left behind")
    }

    func testRGBKeepsColourAndRoundTrips() throws {
        // pypng's RGB fixtures read in colour: their luma is the gray the gray reader gives.
        let expected = try expected()
        for name in expected.gray.keys.sorted() where name.hasPrefix("rgb8") {
            let data = try Data(contentsOf: fixtureURL("png/\(name)"))
            let rgb = try PNGCodec.decodeRGB(data, what: name)
            let luma = (0..<(rgb.width * rgb.height)).map { i -> UInt8 in
                let (r, g, b) = (UInt32(rgb.pixels[3 * i]), UInt32(rgb.pixels[3 * i + 1]), UInt32(rgb.pixels[3 * i + 2]))
                return UInt8((299 * r + 587 * g + 114 * b + 500) / 1000)
            }
            XCTAssertEqual(luma, expected.gray[name], name)
            XCTAssertTrue((0..<(rgb.width * rgb.height)).contains { !rgb.isGray(x: $0 % rgb.width, y: $0 / rgb.width) },
                          "\(name) has colour")
        }
        // A gray PNG comes back with three equal channels.
        let gray = GrayImage(width: 5, height: 3, pixels: (0..<15).map { UInt8($0 * 17) })
        XCTAssertEqual(try PNGCodec.decodeRGB(Data(PNGCodec.encode(gray)), what: "gray"), RGBImage(gray))
        // RGB written in memory reads back exactly.
        let image = RGBImage(width: 4, height: 2, pixels: (0..<24).map { UInt8(($0 * 37) % 256) })
        XCTAssertEqual(try PNGCodec.decodeRGB(Data(PNGCodec.encode(image)), what: "rgb"), image)
    }

    func testWriteReplacesAnExistingFile() throws {
        let folder = try makeTemporaryFolder(self)
        let url = folder.appendingPathComponent("a.png")
        try PNGCodec.write(GrayImage(width: 4, height: 4, value: 10), to: url)
        try PNGCodec.write(GrayImage(width: 3, height: 2, value: 200), to: url)
        XCTAssertEqual(try PNGCodec.read(url), GrayImage(width: 3, height: 2, value: 200))
    }

    func testEmptyFileIsAClearError() throws {
        let url = try makeTemporaryFolder(self).appendingPathComponent("empty.png")
        FileManager.default.createFile(atPath: url.path, contents: Data())
        assertError(try PNGCodec.read(url), file: url, contains: "empty")
    }

    func testNonPNGIsAClearError() throws {
        let url = try makeTemporaryFolder(self).appendingPathComponent("notes.png")
        try Data("these are notes, not an image\n".utf8).write(to: url)
        XCTAssertThrowsError(try PNGCodec.read(url)) { error in
            guard case .notPNG(let path, _) = error as? PNGError else { return XCTFail("\(error)") }
            XCTAssertEqual(path, url.path)
        }
    }

    func testTruncatedFilesAreErrorsAtEveryLength() throws {
        let folder = try makeTemporaryFolder(self)
        let whole = try Data(contentsOf: fixtureURL("png/rgb8_interlaced.png"))
        // Cut inside the signature, the header, the data and just before IEND.
        for length in [4, 8, 20, 40, whole.count / 3, whole.count / 2, whole.count - 13] {
            let url = folder.appendingPathComponent("cut-\(length).png")
            try whole.prefix(length).write(to: url)
            XCTAssertThrowsError(try PNGCodec.read(url), "length \(length)") { error in
                XCTAssertTrue("\(error)".hasPrefix(url.path), "error names the file: \(error)")
            }
        }
    }

    func testCorruptDataIsAnErrorNotACrash() throws {
        let folder = try makeTemporaryFolder(self)
        var bytes = [UInt8](try Data(contentsOf: fixtureURL("png/gray8.png")))
        // Flip bytes inside the first IDAT chunk: its CRC no longer matches.
        let idat = try XCTUnwrap(findChunk("IDAT", in: bytes))
        for i in (idat + 8)..<(idat + 14) { bytes[i] ^= 0x5A }
        let url = folder.appendingPathComponent("flipped.png")
        try Data(bytes).write(to: url)
        assertError(try PNGCodec.read(url), file: url, contains: "corrupt")

        // A header that declares a zero width.
        var header = [UInt8](try Data(contentsOf: fixtureURL("png/gray8.png")))
        for i in 16..<20 { header[i] = 0 }
        let zero = folder.appendingPathComponent("zero-width.png")
        try Data(header).write(to: zero)
        assertError(try PNGCodec.read(zero), file: zero, contains: "corrupt")
    }

    func testMissingFileIsAClearError() {
        let url = URL(fileURLWithPath: "/nonexistent/usreview/none.png")
        XCTAssertThrowsError(try PNGCodec.read(url)) { error in
            XCTAssertEqual(error as? PNGError, .cannotOpen(path: url.path, reason: "No such file or directory"))
        }
    }

    func testWriteIntoAMissingFolderIsAClearError() {
        let url = URL(fileURLWithPath: "/nonexistent/usreview/out.png")
        XCTAssertThrowsError(try PNGCodec.write(GrayImage(width: 2, height: 2), to: url)) { error in
            guard case .cannotWrite(let path, _) = error as? PNGError else { return XCTFail("\(error)") }
            XCTAssertEqual(path, url.path)
        }
    }

    func testFullDiskIsAClearErrorAndLeavesNothingHalfWritten() throws {
        // A file-size limit (RLIMIT_FSIZE) makes writes fail the way a full disk does
        // (EFBIG instead of ENOSPC), through the same libpng and stdio error paths.
        let folder = try makeTemporaryFolder(self)
        let url = folder.appendingPathComponent("big.png")
        try PNGCodec.write(GrayImage(width: 2, height: 2, value: 1), to: url)
        let before = try Data(contentsOf: url)
        var old = rlimit()
        getrlimit(Int32(RLIMIT_FSIZE.rawValue), &old)
        var tiny = old
        tiny.rlim_cur = 64
        let previous = signal(SIGXFSZ, SIG_IGN)
        setrlimit(Int32(RLIMIT_FSIZE.rawValue), &tiny)
        let noisy = GrayImage(width: 128, height: 128, pixels: (0..<(128 * 128)).map { UInt8(truncatingIfNeeded: $0 &* 7919 >> 3) })
        XCTAssertThrowsError(try PNGCodec.write(noisy, to: url)) { error in
            guard case .cannotWrite(let path, _) = error as? PNGError else { return XCTFail("\(error)") }
            XCTAssertEqual(path, url.path)
        }
        setrlimit(Int32(RLIMIT_FSIZE.rawValue), &old)
        signal(SIGXFSZ, previous)
        XCTAssertEqual(try Data(contentsOf: url), before, "the old file survives a failed write")
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".tmp") }
        XCTAssertEqual(leftovers, [])
    }

    private func assertError(_ body: @autoclosure () throws -> GrayImage, file url: URL, contains word: String,
                             line: UInt = #line) {
        XCTAssertThrowsError(try body(), line: line) { error in
            let text = "\(error)"
            XCTAssertTrue(text.hasPrefix(url.path), "names the file: \(text)", line: line)
            XCTAssertTrue(text.contains(word), "says '\(word)': \(text)", line: line)
        }
    }

    private func findChunk(_ type: String, in bytes: [UInt8]) -> Int? {
        let tag = Array(type.utf8)
        var offset = 8
        while offset + 8 <= bytes.count {
            let length = bytes[offset..<(offset + 4)].reduce(0) { $0 << 8 | Int($1) }
            if Array(bytes[(offset + 4)..<(offset + 8)]) == tag { return offset }
            offset += 12 + length
        }
        return nil
    }
}
