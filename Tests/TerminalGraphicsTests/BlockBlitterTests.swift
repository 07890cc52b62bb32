import Dataset
@testable import TerminalGraphics
import XCTest

final class BlockBlitterTests: XCTestCase {
    /// Renders one cell of `pixels` (row-major, `width` wide) and returns it.
    private func cell(_ blitter: any Blitter, width: Int, _ pixels: [UInt8]) throws -> Cell {
        let ppc = blitter.pixelsPerCell(.typical)
        let image = GrayImage(width: width, height: pixels.count / width, pixels: pixels)
        guard case .cells(let grid) = try blitter.render(image, columns: width / ppc.width, rows: image.height / ppc.height) else {
            XCTFail("expected cells")
            return Cell(glyph: "?", foreground: 0, background: 0)
        }
        XCTAssertEqual(grid.cells.count, 1)
        return grid.cells[0]
    }

    // MARK: Quadrants

    func testQuadrantDiagonal() throws {
        let result = try cell(QuadrantBlitter(), width: 2, [200, 10,
                                                             10, 200])
        XCTAssertEqual(result, Cell(glyph: "▚", foreground: 200, background: 10))
    }

    func testQuadrantRightHalfIsBrightForeground() throws {
        let result = try cell(QuadrantBlitter(), width: 2, [10, 200,
                                                             12, 198])
        XCTAssertEqual(result, Cell(glyph: "▐", foreground: 199, background: 11))
    }

    func testQuadrantDarkTopRoundsMeansAndPutsBrightBelowInForeground() throws {
        let result = try cell(QuadrantBlitter(), width: 2, [10, 11,
                                                             200, 201])
        XCTAssertEqual(result, Cell(glyph: "▄", foreground: 201, background: 11))
    }

    func testQuadrantSinglePixel() throws {
        let result = try cell(QuadrantBlitter(), width: 2, [0, 0,
                                                             0, 255])
        XCTAssertEqual(result, Cell(glyph: "▗", foreground: 255, background: 0))
    }

    func testQuadrantFlatCellIsSpaceWithItsGray() throws {
        XCTAssertEqual(try cell(QuadrantBlitter(), width: 2, [77, 77, 77, 77]),
                       Cell(glyph: " ", foreground: 77, background: 77))
    }

    func testQuadrantGlyphOrder() {
        XCTAssertEqual(String(String.UnicodeScalarView(QuadrantBlitter.glyphs)), " ▘▝▀▖▌▞▛▗▚▐▜▄▙▟█")
    }

    // MARK: Sextants

    func testSextantGlyphTable() {
        let glyphs = SextantBlitter.glyphs
        XCTAssertEqual(glyphs.count, 64)
        XCTAssertEqual(Set(glyphs).count, 64)
        XCTAssertEqual(glyphs[0], " ")
        XCTAssertEqual(glyphs[0b000001], "\u{1FB00}")  // SEXTANT-1
        XCTAssertEqual(glyphs[0b000101], "\u{1FB04}")  // SEXTANT-13
        XCTAssertEqual(glyphs[0b010101], "▌")
        XCTAssertEqual(glyphs[0b010110], "\u{1FB14}")  // SEXTANT-235, the first after ▌
        XCTAssertEqual(glyphs[0b101010], "▐")
        XCTAssertEqual(glyphs[0b111110], "\u{1FB3B}")  // SEXTANT-23456, the last
        XCTAssertEqual(glyphs[0b111111], "█")
        let sextants = glyphs.filter { (0x1FB00...0x1FB3B).contains($0.value) }
        XCTAssertEqual(sextants.count, 60)
    }

    func testSextantUpperLeftAndMiddleLeft() throws {
        let result = try cell(SextantBlitter(), width: 2, [250, 5,
                                                            250, 5,
                                                            5, 5])
        XCTAssertEqual(result, Cell(glyph: "\u{1FB04}", foreground: 250, background: 5))
    }

    func testSextantLeftColumnUsesHalfBlock() throws {
        let result = try cell(SextantBlitter(), width: 2, [200, 0,
                                                            200, 0,
                                                            200, 0])
        XCTAssertEqual(result, Cell(glyph: "▌", foreground: 200, background: 0))
    }

    func testSextantBottomRowBright() throws {
        let result = try cell(SextantBlitter(), width: 2, [30, 30,
                                                            30, 30,
                                                            180, 190])
        XCTAssertEqual(result, Cell(glyph: "\u{1FB2D}", foreground: 185, background: 30))  // SEXTANT-56
    }

    func testSextantFlatCell() throws {
        XCTAssertEqual(try cell(SextantBlitter(), width: 2, [140, 140, 140, 140, 140, 140]),
                       Cell(glyph: " ", foreground: 140, background: 140))
    }

    func testCellsAreInRowMajorOrder() throws {
        // 2×2 cells of quadrants: only the bottom-right cell has a bright pixel.
        var pixels = [UInt8](repeating: 0, count: 16)
        pixels[3 * 4 + 3] = 255
        let image = GrayImage(width: 4, height: 4, pixels: pixels)
        guard case .cells(let grid) = try QuadrantBlitter().render(image, columns: 2, rows: 2) else {
            return XCTFail("expected cells")
        }
        XCTAssertEqual(grid.cells.map(\.glyph), [" ", " ", " ", "▗"])
    }

    /// The solver's two grays are as good as the best pair of 8-bit grays found by trying
    /// every pair (each pixel taking the nearer).
    func testSolverIsOptimalAgainstBruteForce() throws {
        var random = TestRandom(seed: 2024)
        for blitter in [QuadrantBlitter() as any Blitter, SextantBlitter()] {
            let ppc = blitter.pixelsPerCell(.typical)
            let glyphs = blitter.mode == .quadrants ? QuadrantBlitter.glyphs : SextantBlitter.glyphs
            for trial in 0..<120 {
                // Narrow ranges sometimes, so ties and near-flat cells are tried too.
                let low = Int(random.next() % 200), spread = Int(random.next() % (trial % 3 == 0 ? 8 : 56)) + 1
                let pixels = (0..<(ppc.width * ppc.height)).map { _ in UInt8(low + Int(random.next() % UInt64(spread))) }
                let result = try cell(blitter, width: ppc.width, pixels)
                let pattern = try XCTUnwrap(glyphs.firstIndex(of: result.glyph))
                let solverError = pixels.enumerated().reduce(0) { sum, item in
                    let gray = pattern & (1 << item.offset) != 0 ? result.foreground : result.background
                    return sum + (Int(item.element) - Int(gray)) * (Int(item.element) - Int(gray))
                }
                let lowest = Int(pixels.min()!), highest = Int(pixels.max()!)
                var bestError = Int.max
                for a in lowest...highest {
                    for b in a...highest {
                        let error = pixels.reduce(0) { sum, pixel in
                            let p = Int(pixel)
                            return sum + min((p - a) * (p - a), (p - b) * (p - b))
                        }
                        bestError = min(bestError, error)
                    }
                }
                XCTAssertEqual(solverError, bestError, "\(blitter.mode) cell \(pixels)")
            }
        }
    }

    // MARK: Half blocks and ascii

    func testHalfBlockTopIsForeground() throws {
        XCTAssertEqual(try cell(HalfBlockBlitter(), width: 1, [30, 200]),
                       Cell(glyph: "▀", foreground: 30, background: 200))
        XCTAssertEqual(try cell(HalfBlockBlitter(), width: 1, [90, 90]),
                       Cell(glyph: " ", foreground: 90, background: 90))
    }

    func testAsciiRampAveragesTwoPixels() throws {
        XCTAssertEqual(try cell(AsciiBlitter(), width: 1, [0, 0]).glyph, " ")
        XCTAssertEqual(try cell(AsciiBlitter(), width: 1, [255, 255]).glyph, "@")
        XCTAssertEqual(try cell(AsciiBlitter(), width: 1, [0, 255]), Cell(glyph: "+", foreground: 128, background: 0))
        let ramp = (0...255).map { AsciiBlitter.glyph(for: UInt8($0)) }
        XCTAssertEqual(Set(ramp).count, 10)
    }

    func testPixelsPerCell() {
        let cell = CellPixelSize.typical
        XCTAssertTrue(HalfBlockBlitter().pixelsPerCell(cell) == (1, 2))
        XCTAssertTrue(QuadrantBlitter().pixelsPerCell(cell) == (2, 2))
        XCTAssertTrue(SextantBlitter().pixelsPerCell(cell) == (2, 3))
        XCTAssertTrue(AsciiBlitter().pixelsPerCell(cell) == (1, 2))
    }
}

/// SplitMix64, spelled out so the random cells replay on every toolchain.
struct TestRandom {
    private var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
