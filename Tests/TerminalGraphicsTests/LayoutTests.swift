import Dataset
@testable import TerminalGraphics
import XCTest

final class LayoutTests: XCTestCase {
    private let square = PixelSize(width: 256, height: 256)
    private let cell = CellPixelSize(width: 10, height: 20)

    private func layout(_ sizes: [PixelSize]? = nil, terminal: TerminalSize, mode: GraphicsMode = .halfBlocks,
                        cell: CellPixelSize? = nil, maxSixel: PixelSize = .defaultMaxSixelGeometry,
                        zoom: Int? = nil, shown: Int = 0, sublabels: [String] = []) -> TriptychLayout {
        let cell = cell ?? self.cell
        let blitter = TerminalCapabilities().blitter(for: mode)
        return TriptychLayout(imageSizes: sizes ?? [square, square, square], sublabels: sublabels,
                              terminalSize: terminal, cell: cell, mode: mode,
                              pixelsPerCell: blitter.pixelsPerCell(cell), maxSixelGeometry: maxSixel,
                              zoom: zoom, shownPanel: shown)
    }

    /// Every image and label inside the terminal, none on its bottom row.
    private func assertInside(_ layout: TriptychLayout, _ terminal: TerminalSize, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertLessThanOrEqual(layout.size.rows, terminal.rows - 1, "bottom row used", file: file, line: line)
        XCTAssertLessThanOrEqual(layout.size.columns, terminal.columns, file: file, line: line)
        for panel in layout.panels {
            XCTAssertLessThanOrEqual(panel.image.row + panel.image.rows, terminal.rows - 1, file: file, line: line)
            XCTAssertLessThanOrEqual(panel.image.column + panel.image.columns, terminal.columns, file: file, line: line)
            XCTAssertLessThanOrEqual(panel.labelColumn + panel.label.count, terminal.columns, file: file, line: line)
        }
    }

    func testSideBySideWithTwoColumnGapsAndOneScale() {
        let terminal = TerminalSize(columns: 200, rows: 60)
        let result = layout(terminal: terminal, sublabels: ["Philips", "enhanced", "Toshiba"])
        XCTAssertEqual(result.arrangement, .sideBySide)
        XCTAssertEqual(result.panels.count, 3)
        XCTAssertEqual(Set(result.panels.map(\.image.columns)).count, 1, "one scale for all")
        for (left, right) in zip(result.panels, result.panels.dropFirst()) {
            XCTAssertEqual(right.image.column - (left.image.column + left.image.columns), 2)
            XCTAssertEqual(right.image.row, left.image.row)
        }
        // 3 × 65 + 2 × 2 = 199 ≤ 200; 66 would need 202.
        XCTAssertEqual(result.panels[0].image, CellRect(column: 0, row: 2, columns: 65, rows: 33))
        XCTAssertEqual(result.panels.map(\.label), ["LOW", "ENHANCED", "HIGH"])
        XCTAssertEqual(result.panels.map(\.sublabel), ["Philips", "enhanced", "Toshiba"])
        XCTAssertEqual(result.panels[1].labelRow, 0)
        XCTAssertEqual(result.panels[1].sublabelRow, 1)
        XCTAssertEqual(result.panels[1].labelColumn, 67 + (65 - 8) / 2, "centred over its image")
        XCTAssertEqual(result.panels[0].fit.pixelWidth, 65)
        XCTAssertEqual(result.panels[0].fit.pixelHeight, 66)
        assertInside(result, terminal)
    }

    func testAspectKeptWithTallCells() {
        let wide = PixelSize(width: 400, height: 200)
        for mode in [GraphicsMode.halfBlocks, .quadrants, .sextants, .ascii] {
            let result = layout([wide, wide, wide], terminal: TerminalSize(columns: 240, rows: 70), mode: mode)
            let image = result.panels[0].image
            // Cells are 10×20 pixels: a 2:1 image covers 4 columns per row, each rounded
            // by at most half a cell from its exact size at the common scale.
            XCTAssertEqual(Double(image.columns), 400 * result.scale / 10, accuracy: 0.5, "\(mode)")
            XCTAssertEqual(Double(image.rows), 200 * result.scale / 20, accuracy: 0.5, "\(mode)")
            XCTAssertGreaterThan(image.rows, 10)
        }
    }

    func testHeightLimitedKeepsBottomRowFree() {
        let terminal = TerminalSize(columns: 300, rows: 30)
        let result = layout(terminal: terminal)
        XCTAssertEqual(result.arrangement, .sideBySide)
        XCTAssertEqual(result.panels[0].image.rows, 27)  // 30 − bottom row − 2 label rows
        XCTAssertEqual(result.size.rows, 29)
        assertInside(result, terminal)
    }

    func testTooNarrowStacks() {
        let terminal = TerminalSize(columns: 50, rows: 80)
        let result = layout(terminal: terminal)
        XCTAssertEqual(result.arrangement, .stacked)
        XCTAssertEqual(result.panels.map(\.image.column), [0, 0, 0])
        XCTAssertEqual(result.panels[1].labelRow, result.panels[0].image.row + result.panels[0].image.rows)
        XCTAssertGreaterThanOrEqual(result.panels[0].image.columns, 16)
        assertInside(result, terminal)
    }

    func testTooNarrowAndShortShowsOnePanelWithIndicator() {
        let terminal = TerminalSize(columns: 40, rows: 20)
        let first = layout(terminal: terminal)
        XCTAssertEqual(first.arrangement, .single(shown: 0, count: 3))
        XCTAssertEqual(first.panels.count, 1)
        XCTAssertEqual(first.panels[0].label, "[1/3 LOW] ←/→")
        XCTAssertEqual(first.panels[0].image.rows, 17)
        assertInside(first, terminal)
        let second = layout(terminal: terminal, shown: 1)
        XCTAssertEqual(second.panels[0].index, 1)
        XCTAssertEqual(second.panels[0].label, "[2/3 ENHANCED] ←/→")
    }

    func testTinyTerminalDrawsLabelsOnly() {
        let result = layout(terminal: TerminalSize(columns: 10, rows: 3))
        XCTAssertTrue(result.panels.allSatisfy { $0.fit.isEmpty })
        XCTAssertLessThanOrEqual(result.size.rows, 2)
    }

    func testLongLabelsAreCut() {
        let terminal = TerminalSize(columns: 200, rows: 60)
        let result = layout(terminal: terminal, sublabels: [String(repeating: "x", count: 100), "b", "c"])
        XCTAssertEqual(result.panels[0].sublabel.count, 65)
        XCTAssertTrue(result.panels[0].sublabel.hasSuffix("…"))
        assertInside(result, terminal)
    }

    // MARK: Sixel

    func testSixelPanelsEndOnCellsAndBands() {
        for cellHeight in [13, 20, 24, 17] {
            let cell = CellPixelSize(width: 7, height: cellHeight)
            let terminal = TerminalSize(columns: 190, rows: 50)
            let result = layout(terminal: terminal, mode: .sixel, cell: cell)
            for panel in result.panels {
                XCTAssertEqual(panel.fit.pixelHeight % 6, 0)
                XCTAssertEqual(panel.fit.pixelHeight, panel.image.rows * cellHeight)
                XCTAssertEqual(panel.fit.pixelWidth, panel.image.columns * 7)
                XCTAssertLessThanOrEqual(panel.fit.contentHeight, panel.fit.pixelHeight)
                XCTAssertEqual(panel.fit.contentWidth, panel.fit.contentHeight, "square stays square")
            }
            assertInside(result, terminal)
        }
    }

    func testSixelRespectsMaximumGeometryPerPanel() {
        let terminal = TerminalSize(columns: 300, rows: 100)
        let big = PixelSize(width: 512, height: 512)
        let result = layout([big, big, big], terminal: terminal, mode: .sixel, maxSixel: PixelSize(width: 720, height: 520))
        XCTAssertEqual(result.arrangement, .sideBySide)
        for panel in result.panels {
            XCTAssertLessThanOrEqual(panel.fit.pixelWidth, 720)
            XCTAssertLessThanOrEqual(panel.fit.pixelHeight, 520)
        }
        // The three panels together are wider than 720: each panel is its own sixel.
        XCTAssertGreaterThan(result.panels.map(\.fit.pixelWidth).reduce(0, +), 720)
    }

    func testSixelIntegerZoom() {
        let terminal = TerminalSize(columns: 300, rows: 100)
        let result = layout(terminal: terminal, mode: .sixel, zoom: 2)
        XCTAssertEqual(result.zoom, 2)
        XCTAssertEqual(result.panels[0].fit.contentWidth, 512)
        XCTAssertEqual(result.panels[0].fit.contentHeight, 512)
        XCTAssertEqual(result.panels[0].image.columns, 52)
        XCTAssertEqual(result.panels[0].image.rows, 27)  // 26 cells rounded up to 3-row steps
    }

    func testZoomTooLargeIsLowered() {
        let terminal = TerminalSize(columns: 300, rows: 100)
        let result = layout(terminal: terminal, mode: .sixel, zoom: 8)
        XCTAssertEqual(result.zoom, 3)  // 4 × 256 = 1024 > 1000
        let small = layout(terminal: TerminalSize(columns: 40, rows: 12), mode: .sixel, zoom: 1)
        XCTAssertNil(small.zoom, "even 1:1 does not fit: fitted")
    }

    // MARK: Scaling

    func testIntegerZoomReplicatesPixels() {
        let image = GrayImage(width: 2, height: 1, pixels: [10, 20])
        let zoomed = Scaling.resample(image, width: 6, height: 3, averagingWhenShrinking: false)
        XCTAssertEqual(zoomed.pixels, [10, 10, 10, 20, 20, 20,
                                       10, 10, 10, 20, 20, 20,
                                       10, 10, 10, 20, 20, 20])
    }

    func testShrinkingAveragesBoxesForBlocks() {
        let image = GrayImage(width: 4, height: 2, pixels: [0, 100, 200, 202,
                                                           0, 100, 200, 202])
        XCTAssertEqual(Scaling.resample(image, width: 2, height: 1, averagingWhenShrinking: true).pixels, [50, 201])
        XCTAssertEqual(Scaling.resample(image, width: 2, height: 1, averagingWhenShrinking: false).pixels, [100, 202])
    }

    func testSixelPicturePaddedWithBlack() {
        let image = GrayImage(width: 3, height: 3, value: 200)
        let fit = Scaling.fit(imageWidth: 3, imageHeight: 3, scale: 1, mode: .sixel,
                              cell: CellPixelSize(width: 2, height: 4), pixelsPerCell: (2, 4))
        XCTAssertEqual(fit, ImageFit(columns: 2, rows: 3, contentWidth: 3, contentHeight: 3, pixelWidth: 4, pixelHeight: 12))
        let prepared = Scaling.prepare(image, for: fit, mode: .sixel)
        XCTAssertEqual(prepared.width, 4)
        XCTAssertEqual(prepared.height, 12)
        XCTAssertEqual(prepared[2, 2], 200)
        XCTAssertEqual(prepared[3, 0], 0)
        XCTAssertEqual(prepared[0, 3], 0)
    }

    func testSixelRowStep() {
        XCTAssertEqual(Scaling.sixelRowStep(cellHeight: 20), 3)
        XCTAssertEqual(Scaling.sixelRowStep(cellHeight: 13), 6)
        XCTAssertEqual(Scaling.sixelRowStep(cellHeight: 12), 1)
        XCTAssertEqual(Scaling.sixelRowStep(cellHeight: 16), 3)
    }

    // MARK: renderTriptych

    private func phantom(_ seed: UInt8, size: Int = 64) -> GrayImage {
        GrayImage(width: size, height: size, pixels: (0..<(size * size)).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ Int(seed)) })
    }

    func testRenderTriptychInBlocks() throws {
        let capabilities = TerminalCapabilities(answered: true, colorDepth: .truecolor)
        let bytes = try renderTriptych(images: [phantom(1), phantom(2), phantom(3)], sublabels: ["A", "B", "C"],
                                       capabilities: capabilities, terminalSize: TerminalSize(columns: 120, rows: 40),
                                       mode: .halfBlocks, zoom: nil)
        let text = String(decoding: bytes, as: UTF8.self)
        // 64-pixel squares, 38 columns each: 19 rows of image under 2 label rows.
        XCTAssertTrue(text.hasPrefix(String(repeating: "\n", count: 21) + "\u{1B}[21A\r\u{1B}7"))
        XCTAssertTrue(text.hasSuffix("\u{1B}8\u{1B}[21B\r"))
        // Each label and sub-label centred over its 38-column panel (columns 0, 40, 80), on rows 0 and 1.
        var screen = ScreenModel(columns: 120, rows: 40)
        try screen.apply(bytes)
        let placed = [("LOW", 0, 17), ("ENHANCED", 0, 55), ("HIGH", 0, 97), ("A", 1, 18), ("B", 1, 58), ("C", 1, 98)]
        for (label, row, column) in placed {
            XCTAssertEqual(screen.text(row: row, column: column, count: label.count), label, "\(label) at \(row), \(column)")
            XCTAssertEqual(screen.text(row: row, column: column - 1, count: 1), " ", "nothing just before \(label)")
            XCTAssertEqual(screen.text(row: row, column: column + label.count, count: 1), " ", "nothing just after \(label)")
        }
        XCTAssertEqual(screen.cells[0].filter { $0 != " " }.count, 3 + 8 + 4, "row 0 holds only the labels")
        XCTAssertEqual(screen.cells[1].filter { $0 != " " }.count, 3, "row 1 holds only the sub-labels")
        XCTAssertTrue(screen.cells[2].contains("▀"), "the images start under the labels")
        XCTAssertTrue(text.contains("▀"))
        XCTAssertTrue(text.contains("\u{1B}[38;2;"))
    }

    func testRenderTriptychInAsciiHasNoColour() throws {
        let bytes = try renderTriptych(images: [phantom(1), phantom(2), phantom(3)], capabilities: .notATerminal,
                                       terminalSize: TerminalSize(columns: 120, rows: 40), mode: .ascii, zoom: nil)
        let text = String(decoding: bytes, as: UTF8.self)
        XCTAssertFalse(text.contains("\u{1B}[38;") || text.contains("\u{1B}[0m"))
        XCTAssertTrue(text.contains("@") || text.contains("%"))
    }

    func testRenderTriptychInSixelIsOneImagePerPanel() throws {
        let capabilities = TerminalCapabilities(answered: true, sixel: true, cellPixelSize: CellPixelSize(width: 6, height: 13))
        let bytes = try renderTriptych(images: [phantom(1), phantom(2), phantom(3)], capabilities: capabilities,
                                       terminalSize: TerminalSize(columns: 120, rows: 40), mode: .sixel, zoom: 1)
        let dcs = zip(bytes, bytes.dropFirst()).filter { $0 == 0x1B && $1 == UInt8(ascii: "P") }.count
        XCTAssertEqual(dcs, 3)
    }

    /// Not a test: how long a 3 × 256 × 256 triptych takes to become cells (layout,
    /// scaling, blitting; no writer). Run in release:
    /// `USREVIEW_BENCH=1 swift test -c release -Xswiftc -enable-testing --filter testBenchmarkTriptychCells`.
    func testBenchmarkTriptychCells() throws {
        guard ProcessInfo.processInfo.environment["USREVIEW_BENCH"] != nil else {
            throw XCTSkip("benchmark: set USREVIEW_BENCH=1 and build in release")
        }
        // Uniform noise: the worst case for the solver's ties and the writer's colour changes.
        var random = TestRandom(seed: 7)
        let images = (1...3).map { _ in
            GrayImage(width: 256, height: 256, pixels: (0..<(256 * 256)).map { _ in UInt8(truncatingIfNeeded: random.next()) })
        }
        let capabilities = TerminalCapabilities(answered: true, colorDepth: .truecolor)
        for (mode, terminal) in [(GraphicsMode.halfBlocks, TerminalSize(columns: 200, rows: 60)),
                                 (.quadrants, TerminalSize(columns: 200, rows: 60)),
                                 (.sextants, TerminalSize(columns: 200, rows: 60)),
                                 (.sextants, TerminalSize(columns: 400, rows: 90))] {
            var best = Double.infinity, cells = 0, bytes = 0, writeBest = Double.infinity
            for _ in 0..<30 {
                let start = ContinuousClock.now
                let blitter = capabilities.blitter(for: mode)
                let layout = TriptychLayout(imageSizes: images.map { PixelSize(width: $0.width, height: $0.height) },
                                            terminalSize: terminal, cell: .typical, mode: mode,
                                            pixelsPerCell: blitter.pixelsPerCell(.typical))
                var grids = [Rendering]()
                for panel in layout.panels {
                    let picture = Scaling.prepare(images[panel.index], for: panel.fit, mode: mode)
                    grids.append(try blitter.render(picture, columns: panel.fit.columns, rows: panel.fit.rows))
                }
                let elapsed = start.duration(to: .now)
                best = min(best, Double(elapsed.components.attoseconds) / 1e15 + Double(elapsed.components.seconds) * 1e3)
                cells = layout.panels.map { $0.fit.columns * $0.fit.rows }.reduce(0, +)
                let writeStart = ContinuousClock.now
                let writer = TerminalWriter(colors: .truecolor)
                bytes = grids.map { writer.bytes(for: $0, at: .fromSavedCursor(row: 2, column: 0)).count }.reduce(0, +)
                let writeElapsed = writeStart.duration(to: .now)
                writeBest = min(writeBest, Double(writeElapsed.components.attoseconds) / 1e15 + Double(writeElapsed.components.seconds) * 1e3)
            }
            print("triptych \(mode) \(terminal.columns)x\(terminal.rows): \(cells) cells in \(String(format: "%.2f", best)) ms; truecolor bytes \(bytes) in \(String(format: "%.2f", writeBest)) ms")
        }
    }
}
