import Dataset
@testable import TerminalGraphics
import XCTest

/// The encoder's exact bytes on images small enough to work out by hand.
final class SixelEncoderTests: XCTestCase {
    /// An image from rows of grays.
    private func image(_ rows: [[UInt8]]) -> GrayImage {
        GrayImage(width: rows[0].count, height: rows.count, pixels: rows.flatMap { $0 })
    }

    private func text(_ bytes: [UInt8]) -> String { String(decoding: bytes, as: UTF8.self) }

    func testRunLengthsOnAHandMadeBand() {
        // 10 × 6, three grays: 0 (level 0), 128 (level 50), 255 (level 100).
        //   columns 0–3  black in all six rows
        //   columns 4–6  gray 128 in all six rows
        //   column  7    white in rows 0–2, black in rows 3–5
        //   columns 8–9  white in all six rows
        let b: UInt8 = 0, g: UInt8 = 128, w: UInt8 = 255
        let top: [UInt8] = [b, b, b, b, g, g, g, w, w, w]
        let bottom: [UInt8] = [b, b, b, b, g, g, g, b, w, w]
        let bytes = SixelEncoder().encode(image([top, top, top, bottom, bottom, bottom]))
        // Registers in gray order: #0 = 0 %, #1 = 50 %, #2 = 100 %. A sixel is 63 + the
        // six-bit mask of its column (bit 0 = top row); "?" (63) is empty, "~" (126) full.
        //   #0: columns 0–3 full → "!4~" (a run of 4 is shorter as a repeat);
        //       columns 4–6 empty → "???" (a run of 3 is never shorter as "!3?");
        //       column 7 rows 3–5 = 0b111000 = 56 → 63 + 56 = "w"; nothing after it.
        //   #1: 4 empty → "!4?", then 3 full → "~~~"; nothing after column 6.
        //   #2: 7 empty → "!7?"; column 7 rows 0–2 = 0b000111 = 7 → "F"; then "~~".
        // Lines of one band are joined by "$"; one band, so no "-".
        let expected = "\u{1B}P0;0;0q\"1;1;10;6#0;2;0;0;0#1;2;50;50;50#2;2;100;100;100"
            + "#0!4~???w$#1!4?~~~$#2!7?F~~\u{1B}\\"
        XCTAssertEqual(text(bytes), expected)
    }

    func testPartialLastBandSetsOnlyTheRowsThatExist() {
        // 2 × 8: rows 0–5 black; rows 6–7 white in column 0, black in column 1.
        let bytes = SixelEncoder().encode(image([[0, 0], [0, 0], [0, 0], [0, 0], [0, 0], [0, 0], [255, 0], [255, 0]]))
        // Band 1: "#0~~". Band 2 has two rows (bits 0 and 1, mask 3 → "B"):
        // black only in column 1 → "#0?B"; white only in column 0 → "#1B".
        let expected = "\u{1B}P0;0;0q\"1;1;2;8#0;2;0;0;0#1;2;100;100;100#0~~-#0?B$#1B\u{1B}\\"
        XCTAssertEqual(text(bytes), expected)
    }

    func testRasterAttributesGiveTheImageSize() {
        let bytes = SixelEncoder().encode(GrayImage(width: 37, height: 13, value: 77))
        XCTAssertTrue(text(bytes).hasPrefix("\u{1B}P0;0;0q\"1;1;37;13#0;2;30;30;30#0"), text(bytes))
        XCTAssertTrue(text(bytes).hasSuffix("\u{1B}\\"))
        // Three bands (13 rows), each one full run: "!37~", "!37~", then one row (mask 1, "@").
        XCTAssertTrue(text(bytes).hasSuffix("#0!37~-#0!37~-#0!37@\u{1B}\\"), text(bytes))
    }

    func testLongRunsUseRepeatCounts() {
        let bytes = SixelEncoder().encode(GrayImage(width: 1000, height: 6, value: 255))
        XCTAssertEqual(text(bytes), "\u{1B}P0;0;0q\"1;1;1000;6#0;2;100;100;100#0!1000~\u{1B}\\")
    }

    func testOnlyUsedGraysGetRegistersNumberedInGrayOrder() {
        let bytes = SixelEncoder().encode(image([[200, 10, 200, 90]]))
        let definitions = text(bytes).components(separatedBy: "#").filter { $0.contains(";2;") }
        XCTAssertEqual(definitions, ["0;2;4;4;4", "1;2;35;35;35", "2;2;78;78;78"])
    }

    func testFewRegistersQuantiseToThatMany() {
        var pixels = [UInt8](repeating: 0, count: 256 * 6)
        for i in pixels.indices { pixels[i] = UInt8(i % 256) }
        let bytes = SixelEncoder(registers: 16).encode(GrayImage(width: 256, height: 6, pixels: pixels))
        let definitions = text(bytes).components(separatedBy: "#").filter { $0.contains(";2;") }
        XCTAssertEqual(definitions.count, 16)
        XCTAssertTrue(definitions.last!.hasPrefix("15;2;"))
    }

    func testEmptyImageIsAValidEmptySixel() {
        XCTAssertEqual(text(SixelEncoder().encode(GrayImage(width: 0, height: 0))), "\u{1B}P0;0;0q\"1;1;0;0\u{1B}\\")
    }

    func testEncodingFromPlainBuffers() {
        let entries: [UInt8] = [1, 0, 0, 1, 1, 1]
        let bytes = entries.withUnsafeBufferPointer {
            SixelEncoder.encode(entries: $0, width: 3, height: 2, percents: [10, 90])
        }
        // Rows: 1 0 0 / 1 1 1.
        // #0 (10 %): column 0 none → "?"; columns 1 and 2 row 0 → mask 1 → "@@".
        // #1 (90 %): column 0 both rows → mask 3 → "B"; columns 1 and 2 row 1 → mask 2 → "AA".
        XCTAssertEqual(text(bytes), "\u{1B}P0;0;0q\"1;1;3;2#0;2;10;10;10#1;2;90;90;90#0?@@$#1BAA\u{1B}\\")
    }

    func testSixelBytesAreAllPrintableWithinTheString() {
        let image = SixelTestImages.speckle(width: 97, height: 31, seed: 3)
        let bytes = SixelEncoder().encode(image)
        let body = bytes[2..<(bytes.count - 2)]
        XCTAssertFalse(body.contains(0x1B), "an ESC inside the string would end it")
        XCTAssertTrue(body.allSatisfy { $0 >= 0x21 && $0 <= 0x7E })
    }

    func testBenchmarkReportsTheOutputSize() {
        let image = SixelTestImages.gradient(height: 12)
        let encoder = SixelEncoder()
        let result = encoder.benchmark(image, runs: 3)
        XCTAssertEqual(result.runs, 3)
        XCTAssertEqual(result.bytes, encoder.encode(image).count)
        XCTAssertGreaterThan(result.medianMilliseconds, 0)
        XCTAssertLessThanOrEqual(result.minimumMilliseconds, result.medianMilliseconds)
        let json = String(decoding: try! JSONEncoder().encode(result), as: UTF8.self)
        XCTAssertTrue(json.contains("\"median_ms\"") && json.contains("\"bytes\""), json)
    }
}
