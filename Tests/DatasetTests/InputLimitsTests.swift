import Dataset
import Foundation
import XCTest

/// The pixel limit (checked on the PNG header, before decoding) and the refusal of
/// anything but a regular file, through `PNGCodec.read`.
final class InputLimitsTests: XCTestCase {
    /// `gray8.png` (pypng's, 32×32) with its IHDR rewritten to declare `width × height`;
    /// the image data stays the small original, as in a hostile file.
    private func pngDeclaring(width: UInt32, height: UInt32) throws -> URL {
        var bytes = [UInt8](try Data(contentsOf: fixtureURL("png/gray8.png")))
        // Signature (8), IHDR length (4), "IHDR" (4), then width and height, big-endian.
        XCTAssertEqual(Array(bytes[12..<16]), Array("IHDR".utf8))
        for (offset, value) in [(16, width), (20, height)] {
            for i in 0..<4 { bytes[offset + i] = UInt8(truncatingIfNeeded: value >> (24 - 8 * UInt32(i))) }
        }
        // The chunk's CRC covers its type and data (13 bytes): libpng checks it.
        let crc = crc32(bytes[12..<29])
        for i in 0..<4 { bytes[29 + i] = UInt8(truncatingIfNeeded: crc >> (24 - 8 * UInt32(i))) }
        let url = try makeTemporaryFolder(self).appendingPathComponent("declares-\(width)x\(height).png")
        try Data(bytes).write(to: url)
        return url
    }

    /// CRC-32 (ISO-HDLC, the PNG chunk checksum), bit by bit.
    private func crc32(_ bytes: ArraySlice<UInt8>) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
        }
        return ~crc
    }

    func testHugeDeclaredSizeIsRefusedBeforeDecoding() throws {
        let url = try pngDeclaring(width: 30000, height: 30000)
        let start = Date()
        XCTAssertThrowsError(try PNGCodec.read(url, limits: ResourceLimits())) { error in
            XCTAssertEqual(error as? PNGError,
                           .tooLarge(path: url.path, width: 30000, height: 30000, limit: ResourceLimits.defaultMaxPixels))
            let message = "\(error)"
            XCTAssertTrue(message.contains(url.path) && message.contains("16777216") && message.contains("USREVIEW_MAX_PIXELS"),
                          message)
        }
        XCTAssertLessThan(Date().timeIntervalSince(start), 1, "refused from the header, not after decoding")
    }

    func testTheLimitIsInclusiveAndConfigurable() throws {
        let url = fixtureURL("png/gray8.png")
        let size = try PNGCodec.read(url)
        let pixels = size.width * size.height
        XCTAssertNoThrow(try PNGCodec.read(url, limits: ResourceLimits(maxPixels: pixels)))
        XCTAssertThrowsError(try PNGCodec.read(url, limits: ResourceLimits(maxPixels: pixels - 1))) { error in
            XCTAssertEqual(error as? PNGError,
                           .tooLarge(path: url.path, width: size.width, height: size.height, limit: pixels - 1))
        }
        // A size whose product overflows 32 bits is still caught.
        XCTAssertThrowsError(try PNGCodec.read(try pngDeclaring(width: 100_000, height: 100_000), limits: ResourceLimits()))
    }

    func testLimitsComeFromTheEnvironment() throws {
        let limits = try ResourceLimits { ["USREVIEW_MAX_PIXELS": "1000", "USREVIEW_MAX_PARAMETERS": ""][$0] }
        XCTAssertEqual(limits, ResourceLimits(maxPixels: 1000, maxParameters: ResourceLimits.defaultMaxParameters))
        XCTAssertEqual(try ResourceLimits { _ in nil }, ResourceLimits())
        for bad in ["0", "-5", "abc", "1e9", " 12", "99999999999999999999999"] {
            XCTAssertThrowsError(try ResourceLimits { $0 == "USREVIEW_MAX_PARAMETERS" ? bad : nil }) { error in
                XCTAssertEqual(error as? ResourceLimitError, ResourceLimitError(variable: "USREVIEW_MAX_PARAMETERS", value: bad))
            }
        }
    }

    func testFolderDeviceAndMissingFileAreRefused() throws {
        let folder = try makeTemporaryFolder(self)
        XCTAssertThrowsError(try PNGCodec.read(folder)) { error in
            XCTAssertEqual(error as? PNGError, .notAFile(path: folder.path, kind: "a folder"))
        }
        XCTAssertThrowsError(try PNGCodec.read(URL(fileURLWithPath: "/dev/zero"))) { error in
            XCTAssertEqual(error as? PNGError, .notAFile(path: "/dev/zero", kind: "a character device"))
        }
        let missing = folder.appendingPathComponent("missing.png")
        XCTAssertThrowsError(try PNGCodec.read(missing)) { error in
            XCTAssertEqual(error as? PNGError, .cannotOpen(path: missing.path, reason: "No such file or directory"))
        }
    }

    func testFIFOIsRefusedWithoutWaitingForAWriter() throws {
        let fifo = try makeTemporaryFolder(self).appendingPathComponent("pipe.png")
        XCTAssertEqual(mkfifo(fifo.path, 0o600), 0)
        let outcome = expectation(description: "read returned")
        let result = LockedBox<Error?>(nil)
        DispatchQueue.global().async {
            do { _ = try PNGCodec.read(fifo) } catch { result.value = error }
            outcome.fulfill()
        }
        let waited = XCTWaiter.wait(for: [outcome], timeout: 5)
        if waited != .completed {
            // The read is stuck in open(2): release it with a writer so the test process can end.
            let writer = open(fifo.path, O_WRONLY | O_NONBLOCK)
            if writer >= 0 { close(writer) }
            return XCTFail("reading a FIFO hung")
        }
        XCTAssertEqual(result.value as? PNGError, .notAFile(path: fifo.path, kind: "a FIFO (named pipe)"))
    }
}

/// A value shared with a background thread.
private final class LockedBox<T>: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: T
    init(_ value: T) { stored = value }
    var value: T {
        get { lock.withLock { stored } }
        set { lock.withLock { stored = newValue } }
    }
}
