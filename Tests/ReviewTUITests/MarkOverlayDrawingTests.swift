#if canImport(Glibc)
import Glibc
#endif
import Dataset
import Foundation
import ReaderStudy
@testable import ReviewTUI
import TerminalGraphics
import Testing

/// Marks drawn over study panels in colour, in every renderer: on their own panel in
/// full, mirrored at the same image pixel on the others, the cursor on all, each on its
/// source-image pixel at any terminal size; the gray image unchanged elsewhere.
@Suite struct MarkOverlayDrawingTests {
    private static let questions: [QuestionDefinition] = [
        QuestionDefinition(key: "fidelity", prompt: "Anatomical fidelity", kind: .likert(points: 5, anchors: [])),
    ]

    private static let frozen: [String: GrayImage] = [
        "image-ref": pattern(1), "image-a": pattern(2), "image-b": pattern(3),
    ]

    private static func pattern(_ seed: Int) -> GrayImage {
        GrayImage(width: 128, height: 96, pixels: (0..<(128 * 96)).map { index in
            let x = index % 128, y = index / 128
            return UInt8(truncatingIfNeeded: 20 + (x * (seed + 1) + y * (3 * seed + 2)) % 200)
        })
    }

    private static let inks = MarkInks(theme: .readingRoom)
    /// A point on A, a box on B, the cursor.
    private static let point = (x: 40, y: 30)
    private static let box = (x: 10, y: 60, width: 20, height: 12)
    private static let cursor = (x: 100, y: 20)

    private func state(marks: Bool = true, hidden: Bool = false, pointX: Int = point.x) -> StudyModeState {
        let panels = [ShownPanel(label: "REFERENCE", position: 1, isReference: true, imageId: "image-ref"),
                      ShownPanel(label: "A", position: 2, isReference: false, imageId: "image-a"),
                      ShownPanel(label: "B", position: 3, isReference: false, imageId: "image-b")]
        let view = StudyCaseView(caseID: "0001", organ: .thyroid, devices: DevicePair(low: "portable", high: "cart"),
                                 panels: panels, position: 0, revision: 1)
        var state = StudyModeState(studyName: "pilot", reader: "alice", blinded: true, questions: Self.questions,
                                   current: view, answered: 0, total: 4)
        if marks {
            state.markOverlay = MarkOverlay(items: [
                .init(shape: .point(x: pointX, y: Self.point.y), panel: "A", style: .mark),
                .init(shape: .box(x: Self.box.x, y: Self.box.y, width: Self.box.width, height: Self.box.height),
                      panel: "B", style: .selected),
                .init(shape: .point(x: Self.cursor.x, y: Self.cursor.y), panel: "", style: .cursor),
            ], isHidden: hidden)
        }
        return state
    }

    private func draw(_ state: StudyModeState, _ mode: GraphicsMode, size: TerminalSize = TerminalSize(columns: 200, rows: 60),
                      cell: CellPixelSize = CellPixelSize(width: 6, height: 13)) -> ScreenBuffer {
        StudyViews.draw(state, image: { Self.frozen[$0.imageId] }, graphics: .halfBlocks,
                        pixels: ViewerGraphics(mode: mode, cell: cell), size: size)
    }

    /// The mean position of `ink`'s pixels within `radius` of (x, y), and how many there are.
    private func centroid(_ layer: OverlayLayer, _ ink: OverlayInk, near x: Int, _ y: Int, radius: Int = 12)
        -> (x: Double, y: Double, count: Int) {
        var sx = 0, sy = 0, n = 0
        for py in max(0, y - radius)...min(layer.height - 1, y + radius) {
            for px in max(0, x - radius)...min(layer.width - 1, x + radius) where layer.ink(x: px, y: py) == ink {
                sx += px; sy += py; n += 1
            }
        }
        return n == 0 ? (-1, -1, 0) : (Double(sx) / Double(n), Double(sy) / Double(n), n)
    }

    @Test func eachPanelsOverlayHasItsOwnMarksInFullTheOthersMirroredAndTheCursor() throws {
        let frame = draw(state(), .sixel)
        try #require(frame.images.count == 3)
        let k = 3  // the whole zoom 200×60 cells of 6×13 give 128×96 images
        let centre = (x: (2 * Self.point.x + 1) * k / 2, y: (2 * Self.point.y + 1) * k / 2)
        let layers = try frame.images.map { try #require($0.overlay, "every panel shows the marks") }
        let rings = layers.map { centroid($0, Self.inks.mark, near: centre.x, centre.y) }
        for ring in rings {
            #expect(abs(ring.x - Double(centre.x)) <= 1 && abs(ring.y - Double(centre.y)) <= 1,
                    "the point lands on the same image pixel in every panel: \(ring)")
        }
        // A's own mark is a solid ring; the mirrored ones are lighter (dashed, thinner).
        #expect(layers[1].ink(x: centre.x + 7, y: centre.y) == Self.inks.mark)
        #expect(rings[0].count < rings[1].count / 2 && rings[2].count < rings[1].count / 2)
        #expect(layers[1].ink(x: centre.x, y: centre.y) == nil, "the marked pixel itself stays visible")
        // B's box: a full outline just outside its pixels on B, its corners only elsewhere.
        let left = Self.box.x * k - 2, top = Self.box.y * k - 2
        let middle = (Self.box.x + Self.box.width / 2) * k
        #expect(layers[2].ink(x: middle, y: top) == Self.inks.selected)
        #expect(layers[0].ink(x: middle, y: top) == nil && layers[1].ink(x: middle, y: top) == nil)
        #expect(layers[0].ink(x: left + 1, y: top + 1) == Self.inks.selected, "a corner of the mirrored box")
        #expect(layers[2].ink(x: Self.box.x * k + 2, y: Self.box.y * k + 2) == nil, "inside the box stays clear")
        // The cursor, on every panel.
        for layer in layers {
            #expect(centroid(layer, Self.inks.cursor, near: (2 * Self.cursor.x + 1) * k / 2,
                             (2 * Self.cursor.y + 1) * k / 2).count > 20)
        }
    }

    @Test(arguments: [GraphicsMode.sixel, .kitty])
    func theSameMarkLandsOnTheSameImagePixelAtTwoTerminalSizes(_ mode: GraphicsMode) throws {
        for (size, k) in [(TerminalSize(columns: 200, rows: 60), 3), (TerminalSize(columns: 140, rows: 50), 2)] {
            let frame = draw(state(), mode, size: size)
            try #require(frame.images.count == 3)
            let layer = try #require(frame.images[1].overlay)
            let guess = (2 * Self.point.x + 1) * k / 2
            let ring = centroid(layer, Self.inks.mark, near: guess, (2 * Self.point.y + 1) * k / 2)
            #expect(ring.count > 0)
            #expect(Int(ring.x.rounded()) / k == Self.point.x && Int(ring.y.rounded()) / k == Self.point.y,
                    "zoom \(k): ring centre \(ring) is image pixel \(Self.point)")
        }
    }

    @Test func sixelShowsTheMarkColourAtTheMarkAndTheUnchangedGrayImageElsewhere() throws {
        try #require(Sixel2PNG.required)
        let size = TerminalSize(columns: 200, rows: 60)
        let marked = try sentSixelRGB(draw(state(), .sixel, size: size), size: size)
        let plain = try sentSixelRGB(draw(state(marks: false), .sixel, size: size), size: size)
        let frame = draw(state(), .sixel, size: size)
        try #require(marked.count == 3 && plain.count == 3)
        for (index, image) in frame.images.enumerated() {
            let layer = try #require(image.overlay)
            var inked = 0
            for y in 0..<layer.height {
                for x in 0..<layer.width {
                    let got = marked[index][x, y]
                    if let ink = layer.ink(x: x, y: y) {
                        inked += 1
                        // A sixel colour is a percentage per channel: within 2 of the ink.
                        #expect(abs(Int(got.red) - Int(ink.red)) <= 2 && abs(Int(got.green) - Int(ink.green)) <= 2
                                && abs(Int(got.blue) - Int(ink.blue)) <= 2, "panel \(index) at \(x),\(y)")
                    } else if got != plain[index][x, y] {
                        Issue.record("panel \(index): gray changed at \(x),\(y): \(got) vs \(plain[index][x, y])")
                        return
                    }
                }
            }
            #expect(inked == layer.inkedCount && inked > 0)
        }
    }

    @Test func kittySendsTheMarksInRGBAndResendsOnlyWhenTheOverlayChanges() throws {
        let size = TerminalSize(columns: 200, rows: 60)
        let terminal = TerminalCapture()
        let panels = KittyPanels(output: terminal.write, base: 0x3000)
        let frame = draw(state(), .kitty, size: size)
        _ = panels.prepare(for: frame, overlay: false, size: size)
        panels.draw(frame, overlay: false, size: size)
        let sent = try kittyPNGPayloads(terminal.take()).map { try PNGCodec.decodeRGB($0, what: "kitty payload") }
        #expect(sent.count == 3)
        for (picture, image) in zip(sent, frame.images) {
            #expect(picture == image.overlay?.composite(image.picture), "lossless: the gray picture with the ink over it")
        }
        panels.draw(frame, overlay: false, size: size)
        #expect(terminal.take().isEmpty, "the same marks: nothing sent")
        // The point moves: every panel's overlay changed (the mirrored ones too).
        let moved = draw(state(pointX: 60), .kitty, size: size)
        _ = panels.prepare(for: moved, overlay: false, size: size)
        panels.draw(moved, overlay: false, size: size)
        #expect(try kittyPNGPayloads(terminal.take()).map { try PNGCodec.decodeRGB($0, what: "kitty payload") }.count == 3)
        // Hidden: the plain gray pictures, as before there were marks.
        let hidden = draw(state(hidden: true), .kitty, size: size)
        #expect(hidden.images.allSatisfy { $0.overlay == nil })
        #expect(hidden.images.map(\.picture) == draw(state(marks: false), .kitty, size: size).images.map(\.picture))
    }

    @Test func sixelRedrawsOnlyThePicturesWhoseOverlayChanged() throws {
        let size = TerminalSize(columns: 200, rows: 60)
        let terminal = TerminalCapture()
        let panels = SixelPanels(registers: 256, output: terminal.write)
        let frame = draw(state(), .sixel, size: size)
        _ = panels.prepare(for: frame, overlay: false, size: size)
        panels.draw(frame, overlay: false, size: size)
        #expect(panels.imagesDrawn == 3)
        panels.draw(draw(state(), .sixel, size: size), overlay: false, size: size)
        #expect(panels.imagesDrawn == 3, "the same marks: nothing sent")
        // Only the reference panel loses its picture: the other two are kept.
        var changed = draw(state(), .sixel, size: size)
        changed.images[0].overlay = nil
        #expect(!panels.prepare(for: changed, overlay: false, size: size))
        panels.draw(changed, overlay: false, size: size)
        #expect(panels.imagesDrawn == 4)
    }

    @Test func blockCellsAroundTheMarkTakeItsColourAndTheRestAreTheUnmarkedCells() throws {
        let size = TerminalSize(columns: 200, rows: 60)
        let marked = draw(state(), .halfBlocks, size: size)
        let plain = draw(state(marks: false), .halfBlocks, size: size)
        // Where panel A's picture is, through the same layout and mapping as the drawing.
        let current = try #require(state().current)
        let formRows = StudyViews.formHeight(state(), size.rows)
        let area = TerminalSize(columns: size.columns, rows: max(4, size.rows - 2 - formRows - 1 + 1))
        let layout = StudyViews.panelLayout(current, imageSize: PixelSize(width: 128, height: 96), graphics: .halfBlocks,
                                            pixels: .blocks, area: area)
        let panelA = layout.panels[1]
        let mapping = PictureMapping.fitted(imageWidth: 128, imageHeight: 96, fit: panelA.fit)
        let centre = mapping.centre(x: Self.point.x, y: Self.point.y)
        let column = panelA.image.column + centre.x, row = 1 + panelA.image.row + centre.y / 2
        func isMark(_ cell: ScreenCell) -> Bool {
            if case let .ink(ink, _) = cell.style { return ink == Self.inks.mark }
            return false
        }
        #expect(isMark(marked[column - 1, row]) && isMark(marked[column + 1, row]), "the cross's arms beside the cell")
        #expect(isMark(marked[column, row - 1]) && isMark(marked[column, row + 1]))
        #expect(marked[column, row] == plain[column, row], "the marked cell shows the image")
        var inked = 0
        for y in 0..<size.rows {
            for x in 0..<size.columns {
                if case .ink = marked[x, y].style { inked += 1; continue }
                if marked[x, y] != plain[x, y] { Issue.record("cell \(x),\(y) changed without ink"); return }
            }
        }
        #expect(inked > 20)
        // The mirror on the reference panel: the same place relative to its picture.
        let reference = layout.panels[0]
        let mirrored = reference.image.column + centre.x
        #expect(isMark(marked[mirrored - 1, 1 + reference.image.row + centre.y / 2]))
        #expect(!isMark(marked[mirrored, 1 + reference.image.row + centre.y / 2 - 1]), "lighter: no vertical arms")
    }

    @Test func asciiDrawsMarksAsTheirGlyphs() {
        let size = TerminalSize(columns: 200, rows: 60)
        func glyphs(_ state: StudyModeState) -> Set<Unicode.Scalar> {
            let screen = StudyViews.draw(state, image: { Self.frozen[$0.imageId] }, graphics: .ascii, size: size)
            return Set(screen.cells.filter { $0.style == .plain }.map(\.scalar))
        }
        let marked = glyphs(state()), plain = glyphs(state(marks: false))
        #expect(marked.isSuperset(of: ["x", "X", "o"]), "mark, selected, cursor")
        #expect(plain.isDisjoint(with: ["x", "X", "o"]), "not in the density ramp")
    }

    // MARK: Reading back what reached the terminal

    /// Each sixel `SixelPanels` sends for `frame`, decoded in colour by `sixel2png`.
    private func sentSixelRGB(_ frame: ScreenBuffer, size: TerminalSize) throws -> [RGBImage] {
        let terminal = TerminalCapture()
        SixelPanels(registers: 256, output: terminal.write).draw(frame, overlay: false, size: size)
        let text = terminal.takeText()
        return try text.components(separatedBy: "\u{1B}P").dropFirst().compactMap { piece in
            guard let end = piece.range(of: "\u{1B}\\") else { return nil }
            return try Sixel2PNG.decodeRGB(Array(("\u{1B}P" + piece[..<end.upperBound]).utf8))
        }
    }
}

@Suite struct MarkThemeTests {
    @Test func markColoursComeFromTheThemeFileAndDefaultToSaturatedHues() throws {
        let theme = try ThemeLoader.parse("""
            name = "marked"
            [mark]
            fg = "#ff0000"
            fg256 = 196
            """, path: "/themes/marked.toml")
        #expect(theme.markColor(.mark) == ThemeColor(rgb: 0xFF0000, index: 196))
        #expect(theme.markColor(.cursor) == Theme.defaultMarkColors[.cursor])
        #expect(MarkInks(theme: theme).mark == OverlayInk(red: 255, green: 0, blue: 0, paletteIndex: 196, glyph: "x"))
        // Saturated: far from every gray, so visible on any part of an image.
        for color in Theme.defaultMarkColors.values {
            let rgb = try #require(color.rgb)
            let channels = [rgb >> 16 & 0xFF, rgb >> 8 & 0xFF, rgb & 0xFF].map(Int.init)
            #expect(channels.max()! - channels.min()! >= 0xB0)
        }
    }

    @Test func aMarkNeedsAColourAndOnlyAForeground() {
        for (body, key) in [("[mark_cursor]\nfg = \"default\"", "mark_cursor.fg"),
                            ("[mark_selected]\nfg = \"#00ff00\"\nfg256 = 46\nbg = \"#000000\"", "mark_selected.bg"),
                            ("[mark]\nfg = \"#00ff00\"", "mark.fg256")] {
            #expect(throws: ThemeError.self) { try ThemeLoader.parse(body, path: "/t.toml") }
            do {
                _ = try ThemeLoader.parse(body, path: "/t.toml")
            } catch {
                #expect(error.description.contains(key), "\(error)")
            }
        }
    }

    @Test(arguments: ["reading-room", "light", "high-contrast"])
    func shippedThemesNameTheMarkColours(name: String) throws {
        let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("themes")
        let theme = try ThemeLoader.load(folder.appendingPathComponent("\(name).toml"))
        #expect(Set(theme.marks.keys) == Set(MarkRole.allCases))
        if name == "reading-room" { #expect(theme.marks == Theme.defaultMarkColors) }
    }
}
