import Dataset
import Foundation
@testable import TerminalGraphics
import XCTest

/// The overlay mechanism in every renderer: ink where the overlay is, the gray picture
/// unchanged everywhere else, and without an overlay exactly today's output.
final class OverlayRenderingTests: XCTestCase {
    private let amber = OverlayInk(red: 0xFF, green: 0xB0, blue: 0x00, glyph: "x")
    private let cyan = OverlayInk(red: 0x00, green: 0xE5, blue: 0xFF, glyph: "X")

    /// 96×60 grays with structure in both directions.
    private func picture(width: Int = 96, height: Int = 60) -> GrayImage {
        GrayImage(width: width, height: height, pixels: (0..<(width * height)).map { index in
            UInt8(truncatingIfNeeded: 30 + (index % width) * 2 + (index / width) % 7 * 9)
        })
    }

    /// A box outline (20…40 × 10…30, 2 wide) in amber and a 3×3 square at (70, 45) in cyan.
    private func overlay(width: Int = 96, height: Int = 60) -> OverlayLayer {
        var layer = OverlayLayer(width: width, height: height)
        let a = layer.index(of: amber)!, c = layer.index(of: cyan)!
        layer.strokeRectangle(left: 20, top: 10, right: 40, bottom: 30, pen: OverlayPen(ink: a, thickness: 2))
        for y in 44...46 { for x in 69...71 { layer.plot(x: x, y: y, ink: c) } }
        return layer
    }

    // MARK: Sixel

    /// Decodes `sixel` with libsixel's `sixel2png`, keeping colour.
    private func decode(_ sixel: [UInt8]) throws -> RGBImage {
        let candidates = ["/usr/bin/sixel2png", "/usr/local/bin/sixel2png"]
            + (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":").map { "\($0)/sixel2png" }
        guard let tool = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
            if ProcessInfo.processInfo.environment["CI"] == "true" { XCTFail("sixel2png not found"); return RGBImage(width: 0, height: 0, pixels: []) }
            throw XCTSkip("sixel2png not found: apt-get install libsixel-bin")
        }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("usreview-overlay-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let input = folder.appendingPathComponent("in.six"), output = folder.appendingPathComponent("out.png")
        try Data(sixel).write(to: input)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tool)
        process.arguments = ["-i", input.path, "-o", output.path]
        try process.run()
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 0, "sixel2png failed")
        return try PNGCodec.decodeRGB(Data(contentsOf: output), what: output.path)
    }

    /// What a sixel decoder shows for an ink: each channel through its percentage.
    private func decoded(_ ink: OverlayInk) -> (UInt8, UInt8, UInt8) {
        let p = ink.percents
        return (GrayPalette.decodedGray(percent: Int(p.0)), GrayPalette.decodedGray(percent: Int(p.1)),
                GrayPalette.decodedGray(percent: Int(p.2)))
    }

    func testSixelPaintsTheOverlayInItsOwnRegistersAndLeavesEveryGrayPixelAsItWas() throws {
        let image = picture(), layer = overlay()
        let encoder = SixelEncoder(registers: 256)
        let plain = try decode(encoder.encode(image))
        let marked = try decode(encoder.encode(image, overlay: layer))
        XCTAssertEqual(marked.width, image.width)
        XCTAssertEqual(marked.height, image.height)
        var inked = 0, wrong: [String] = []
        for y in 0..<image.height {
            for x in 0..<image.width {
                if let ink = layer.ink(x: x, y: y) {
                    inked += 1
                    let want = decoded(ink), got = marked[x, y]
                    if !(got.red == want.0 && got.green == want.1 && got.blue == want.2) {
                        wrong.append("ink at \(x),\(y): \(got) for \(want)")
                    }
                } else if !(marked[x, y] == plain[x, y] && marked.isGray(x: x, y: y)) {
                    wrong.append("gray at \(x),\(y) changed: \(marked[x, y]) vs \(plain[x, y])")
                }
            }
        }
        XCTAssertEqual(wrong.count, 0, "\(wrong.count) pixels wrong, first: \(wrong.prefix(3))")
        XCTAssertEqual(inked, layer.inkedCount)
        XCTAssertGreaterThan(inked, 100)
    }

    func testSixelWithoutAnOverlayIsTodaysBytes() {
        let image = picture(), encoder = SixelEncoder(registers: 256)
        XCTAssertEqual(encoder.encode(image, overlay: nil), encoder.encode(image))
        XCTAssertEqual(encoder.encode(image, overlay: OverlayLayer(width: 96, height: 60)), encoder.encode(image))
        XCTAssertNotEqual(encoder.encode(image, overlay: overlay()), encoder.encode(image))
    }

    func testSixelGivesTheInksRegistersTakenFromTheGraysAndFallsBackToTheBrightestGray() throws {
        let image = picture(), layer = overlay()
        // 16 registers (a VT340): 14 grays and two inks, no more registers defined than that.
        let sixel = SixelEncoder(registers: 16).encode(image, overlay: layer)
        let text = String(decoding: sixel, as: UTF8.self)
        let definitions = text.components(separatedBy: ";2;").count - 1
        XCTAssertLessThanOrEqual(definitions, 16)
        let decodedSixteen = try decode(sixel)
        let want = decoded(amber)
        let corner = decodedSixteen[20, 10]
        XCTAssertTrue(corner.red == want.0 && corner.green == want.1 && corner.blue == want.2)
        // Three registers cannot spare two: the overlay is drawn in the brightest gray.
        let starved = try decode(SixelEncoder(registers: 3).encode(image, overlay: layer))
        let brightest = (0..<image.height).flatMap { y in (0..<image.width).map { starved[$0, y].red } }.max()!
        XCTAssertTrue(starved.isGray(x: 20, y: 10))
        XCTAssertEqual(starved[20, 10].red, brightest)
    }

    func testSixelStripsCutTheOverlayWithThePicture() throws {
        let image = picture(width: 96, height: 120)
        var layer = OverlayLayer(width: 96, height: 120)
        let a = layer.index(of: amber)!
        layer.strokeRectangle(left: 10, top: 50, right: 80, bottom: 70, pen: OverlayPen(ink: a))
        // A limit so small every strip is one step of cells: many strips, each its own sixel.
        let strips = SixelStrips.encode(image, overlay: layer, cellHeight: 20, encoder: SixelEncoder(registers: 256),
                                        passthrough: .tmux, limit: 64)
        XCTAssertGreaterThan(strips.count, 1)
        let want = decoded(amber)
        for strip in strips {
            let part = try decode(strip.sixel)
            let top = strip.row * 20
            for y in 0..<part.height {
                let ink = layer.ink(x: 10, y: top + y)
                let got = part[10, y]
                XCTAssertEqual(ink != nil, got.red == want.0 && got.green == want.1 && got.blue == want.2, "row \(top + y)")
            }
        }
    }

    // MARK: Kitty

    private func payloadPNG(_ sequences: [[UInt8]]) throws -> Data {
        var base64 = ""
        for sequence in sequences {
            let text = String(decoding: sequence, as: UTF8.self)
            let body = text.dropFirst(3).dropLast(2)  // ESC _ G … ESC \
            base64 += body.split(separator: ";", maxSplits: 1).last.map(String.init) ?? ""
        }
        return try XCTUnwrap(Data(base64Encoded: base64))
    }

    func testKittySendsRGBWhereThereIsAnOverlayAndTheSameGrayPNGWithoutOne() throws {
        let image = picture(), layer = overlay(), encoder = KittyEncoder()
        XCTAssertEqual(try encoder.transmit(image, overlay: nil, id: 7), try encoder.transmit(image, id: 7))
        XCTAssertEqual(try encoder.transmit(image, overlay: OverlayLayer(width: 96, height: 60), id: 7),
                       try encoder.transmit(image, id: 7))
        let rgb = try PNGCodec.decodeRGB(payloadPNG(encoder.transmit(image, overlay: layer, id: 7)), what: "kitty payload")
        XCTAssertEqual(rgb, layer.composite(image), "lossless: every pixel exact")
        for y in 0..<image.height {
            for x in 0..<image.width {
                if let ink = layer.ink(x: x, y: y) {
                    XCTAssertTrue(rgb[x, y] == (ink.red, ink.green, ink.blue))
                } else {
                    XCTAssertTrue(rgb[x, y] == (image[x, y], image[x, y], image[x, y]), "gray at \(x),\(y)")
                }
            }
        }
    }

    // MARK: Blocks

    func testBlockCellsTouchingTheOverlayTakeItsColourAndTheOthersStayTheBlitters() throws {
        let blitters: [(any Blitter, Int, Int)] = [(HalfBlockBlitter(), 1, 2), (QuadrantBlitter(), 2, 2),
                                                   (SextantBlitter(), 2, 3), (AsciiBlitter(), 1, 2)]
        for (blitter, cw, ch) in blitters {
            let columns = 24, rows = 12
            let image = picture(width: columns * cw, height: rows * ch)
            var layer = OverlayLayer(width: image.width, height: image.height)
            let a = layer.index(of: amber)!
            // One pixel, in the cell at (5, 4).
            layer.plot(x: 5 * cw + cw - 1, y: 4 * ch, ink: a)
            guard case let .cells(grid) = try blitter.render(image, columns: columns, rows: rows) else {
                return XCTFail("\(blitter.mode) drew no cells")
            }
            let marked = OverlayCells.apply(layer, picture: image, to: grid, mode: blitter.mode)
            for row in 0..<rows {
                for column in 0..<columns {
                    if column == 5 && row == 4 {
                        XCTAssertEqual(marked[column, row].ink, amber, "\(blitter.mode)")
                        XCTAssertNotEqual(marked[column, row].glyph, " ", "\(blitter.mode): the inked pixel is drawn")
                    } else {
                        XCTAssertEqual(marked[column, row], grid[column, row], "\(blitter.mode) cell \(column),\(row)")
                    }
                }
            }
            if blitter.mode == .ascii { XCTAssertEqual(marked[5, 4].glyph, "x", "ascii: the ink's glyph") }
            XCTAssertEqual(OverlayCells.apply(OverlayLayer(width: image.width, height: image.height), picture: image,
                                              to: grid, mode: blitter.mode), grid, "no overlay, no change")
        }
        // Half blocks: the upper pixel inked is ▀ in the ink over the lower pixel's gray.
        let image = picture(width: 4, height: 4)
        var layer = OverlayLayer(width: 4, height: 4)
        layer.plot(x: 1, y: 2, ink: layer.index(of: cyan)!)
        guard case let .cells(grid) = try HalfBlockBlitter().render(image, columns: 4, rows: 2) else { return XCTFail() }
        let cell = OverlayCells.apply(layer, picture: image, to: grid, mode: .halfBlocks)[1, 1]
        XCTAssertEqual(cell.glyph, "\u{2580}")
        XCTAssertEqual(cell.background, image[1, 3])
        XCTAssertEqual(cell.ink, cyan)
    }

    func testTheWriterSendsAnInkedCellInItsColour() {
        let grid = CellGrid(columns: 2, rows: 1, cells: [
            Cell(glyph: "\u{2580}", foreground: 40, background: 40, ink: amber),
            Cell(glyph: "\u{2580}", foreground: 200, background: 10),
        ])
        let truecolor = String(decoding: TerminalWriter(colors: .truecolor).bytes(for: grid, at: .newlines(column: 0)), as: UTF8.self)
        XCTAssertTrue(truecolor.contains("38;2;255;176;0"), truecolor)
        XCTAssertTrue(truecolor.contains("38;2;200;200;200"))
        let palette = String(decoding: TerminalWriter(colors: .palette256).bytes(for: grid, at: .newlines(column: 0)), as: UTF8.self)
        XCTAssertTrue(palette.contains("38;5;\(amber.paletteIndex)"), palette)
        XCTAssertEqual(amber.paletteIndex, 214, "the cube's nearest to #ffb000")
    }

    // MARK: Pen

    func testPenShapesAreClippedOutlinesAndDashesLeaveGaps() {
        var layer = OverlayLayer(width: 30, height: 20)
        let a = layer.index(of: amber)!
        layer.strokeRectangle(left: 2, top: 3, right: 11, bottom: 8, pen: OverlayPen(ink: a))
        XCTAssertEqual(layer.inkedCount, 2 * 10 + 2 * 4, "the outline only")
        XCTAssertEqual(layer[5, 5], 0, "inside stays clear")
        var dashed = OverlayLayer(width: 30, height: 20)
        dashed.strokeRectangle(left: 2, top: 3, right: 11, bottom: 8, pen: OverlayPen(ink: dashed.index(of: amber)!, dash: (2, 2)))
        XCTAssertEqual(dashed.inkedCount, 14, "half of the 28 outline pixels")
        var clipped = OverlayLayer(width: 30, height: 20)
        clipped.strokeEllipse(centerX: 0, centerY: 0, radiusX: 6, radiusY: 6, pen: OverlayPen(ink: clipped.index(of: cyan)!))
        XCTAssertGreaterThan(clipped.inkedCount, 0)
        XCTAssertEqual(clipped[6, 0], 1, "the ring's right end")
        XCTAssertEqual(clipped[0, 0], 0, "a ring leaves its centre clear")
        var full = OverlayLayer(width: 4, height: 4)
        for ink in 0..<OverlayLayer.maximumInks {
            XCTAssertNotNil(full.index(of: OverlayInk(red: UInt8(ink), green: 0, blue: 0)))
        }
        XCTAssertNil(full.index(of: amber), "at most \(OverlayLayer.maximumInks) inks")
    }
}
