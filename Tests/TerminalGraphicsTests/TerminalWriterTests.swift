import Dataset
@testable import TerminalGraphics
import XCTest

final class TerminalWriterTests: XCTestCase {
    private let twoCells = CellGrid(columns: 2, rows: 1, cells: [
        Cell(glyph: "▀", foreground: 10, background: 20),
        Cell(glyph: "▀", foreground: 10, background: 30),
    ])

    private func text(_ bytes: [UInt8]) -> String { String(decoding: bytes, as: UTF8.self) }

    func testTruecolorSendsOnlyChangedColoursAndResetsAtLineEnd() {
        let bytes = TerminalWriter(colors: .truecolor).bytes(for: twoCells, at: .newlines(column: 0))
        XCTAssertEqual(text(bytes), "\u{1B}[38;2;10;10;10;48;2;20;20;20m▀\u{1B}[48;2;30;30;30m▀\u{1B}[0m")
    }

    func testPalette256() {
        let bytes = TerminalWriter(colors: .palette256).bytes(for: twoCells, at: .newlines(column: 0))
        XCTAssertEqual(text(bytes), "\u{1B}[38;5;232;48;5;233m▀\u{1B}[48;5;234m▀\u{1B}[0m")
    }

    func testTwoGraysOnOnePaletteEntryAreNoChange() {
        let grid = CellGrid(columns: 2, rows: 1, cells: [
            Cell(glyph: "▀", foreground: 10, background: 20),
            Cell(glyph: "▀", foreground: 11, background: 21),
        ])
        XCTAssertEqual(text(TerminalWriter(colors: .palette256).bytes(for: grid, at: .newlines(column: 0))),
                       "\u{1B}[38;5;232;48;5;233m▀▀\u{1B}[0m")
    }

    func testSpaceSendsOnlyBackgroundAndFullBlockOnlyForeground() {
        let grid = CellGrid(columns: 3, rows: 1, cells: [
            Cell(glyph: " ", foreground: 99, background: 40),
            Cell(glyph: "█", foreground: 50, background: 98),
            Cell(glyph: " ", foreground: 97, background: 40),
        ])
        XCTAssertEqual(text(TerminalWriter(colors: .truecolor).bytes(for: grid, at: .newlines(column: 0))),
                       "\u{1B}[48;2;40;40;40m \u{1B}[38;2;50;50;50m█ \u{1B}[0m")
    }

    func testNoColourWritesGlyphsOnly() {
        XCTAssertEqual(text(TerminalWriter(colors: .none).bytes(for: twoCells, at: .newlines(column: 0))), "▀▀")
    }

    func testRowPositioning() {
        let grid = CellGrid(columns: 1, rows: 2, cells: [
            Cell(glyph: "a", foreground: 0, background: 0), Cell(glyph: "b", foreground: 0, background: 0),
        ])
        let writer = TerminalWriter(colors: .none)
        XCTAssertEqual(text(writer.bytes(for: grid, at: .newlines(column: 0))), "a\r\nb")
        XCTAssertEqual(text(writer.bytes(for: grid, at: .newlines(column: 4))), "\u{1B}[4Ca\r\n\u{1B}[4Cb")
        XCTAssertEqual(text(writer.bytes(for: grid, at: .absolute(row: 2, column: 7))), "\u{1B}[3;8Ha\u{1B}[4;8Hb")
        // A relative move of 0 is left out: terminals read CSI 0 B as one row down.
        XCTAssertEqual(text(writer.bytes(for: grid, at: .fromSavedCursor(row: 0, column: 5))),
                       "\u{1B}8\u{1B}[5Ca\u{1B}8\u{1B}[1B\u{1B}[5Cb")
    }

    func testColoursStartAfreshOnEachRow() {
        let grid = CellGrid(columns: 1, rows: 2, cells: [
            Cell(glyph: "▀", foreground: 1, background: 2), Cell(glyph: "▀", foreground: 1, background: 2),
        ])
        XCTAssertEqual(text(TerminalWriter(colors: .truecolor).bytes(for: grid, at: .newlines(column: 0))),
                       "\u{1B}[38;2;1;1;1;48;2;2;2;2m▀\u{1B}[0m\r\n\u{1B}[38;2;1;1;1;48;2;2;2;2m▀\u{1B}[0m")
    }

    func testLabelsCannotSendControlSequences() {
        let bytes = TerminalWriter(colors: .truecolor).bytes(forText: "GE\u{1B}[2J Logiq\u{9B}", at: .newlines(column: 0))
        XCTAssertEqual(text(bytes), "GE?[2J Logiq?")
    }

    func testSixelBytesPassThrough() {
        let sixel: [UInt8] = Array("\u{1B}Pq#0;2;0;0;0#0~\u{1B}\\".utf8)
        let bytes = TerminalWriter(colors: .truecolor).bytes(for: .pixels(bytes: sixel, columns: 1, rows: 1),
                                                            at: .fromSavedCursor(row: 2, column: 3))
        XCTAssertEqual(bytes, Array("\u{1B}8\u{1B}[2B\u{1B}[3C".utf8) + sixel)
    }

    func testWideGlyphsAreUTF8() {
        let grid = CellGrid(columns: 1, rows: 1, cells: [Cell(glyph: "\u{1FB00}", foreground: 0, background: 0)])
        XCTAssertEqual(TerminalWriter(colors: .none).bytes(for: grid, at: .newlines(column: 0)), [0xF0, 0x9F, 0xAC, 0x80])
    }

    // MARK: 256-colour grays

    func testPaletteHasThirtyDistinctGrays() {
        let levels = TerminalWriter.paletteGrays.map(\.level)
        XCTAssertEqual(levels.count, 30)
        XCTAssertEqual(Set(levels).count, 30)
        XCTAssertEqual(Set((0...255).map { TerminalWriter.paletteIndex(for: UInt8($0)) }).count, 30)
    }

    func testPaletteIndexIsTheNearestGray() {
        let levelOf = Dictionary(uniqueKeysWithValues: TerminalWriter.paletteGrays.map { ($0.index, $0.level) })
        for gray in 0...255 {
            let index = TerminalWriter.paletteIndex(for: UInt8(gray))
            let chosen = abs(Int(levelOf[index]!) - gray)
            let best = TerminalWriter.paletteGrays.map { abs(Int($0.level) - gray) }.min()!
            XCTAssertEqual(chosen, best, "gray \(gray)")
        }
        XCTAssertEqual(TerminalWriter.paletteIndex(for: 0), 16)
        XCTAssertEqual(TerminalWriter.paletteIndex(for: 4), 16)  // tie 0/8: the darker
        XCTAssertEqual(TerminalWriter.paletteIndex(for: 8), 232)
        XCTAssertEqual(TerminalWriter.paletteIndex(for: 95), 59)
        XCTAssertEqual(TerminalWriter.paletteIndex(for: 100), 241)
        XCTAssertEqual(TerminalWriter.paletteIndex(for: 238), 255)
        XCTAssertEqual(TerminalWriter.paletteIndex(for: 250), 231)
        XCTAssertEqual(TerminalWriter.paletteIndex(for: 255), 231)
    }
}
