#if canImport(Glibc)
import Glibc
#endif
import Dataset
import Foundation
import ReaderStudy
@testable import ReviewTUI
import TerminalGraphics
import Testing

/// Study mode in kitty and sixel: the frozen panels placed as pictures at a whole zoom,
/// their cells blank under labels and the rating panel, and what reaches the terminal
/// (decoded) equal to the frozen images.
@Suite struct StudyPixelPanelsTests {
    private static let questions: [QuestionDefinition] = [
        QuestionDefinition(key: "fidelity", prompt: "Anatomical fidelity", kind: .likert(points: 5, anchors: [])),
        QuestionDefinition(key: "hallucinated", prompt: "Hallucinated structure?", kind: .yesNo),
    ]

    /// Three frozen panels that differ everywhere (a panel shown in another's place fails).
    private static let frozen: [String: GrayImage] = [
        "image-ref": pattern(1), "image-a": pattern(2), "image-b": pattern(3),
    ]

    private static func pattern(_ seed: Int) -> GrayImage {
        GrayImage(width: 128, height: 96, pixels: (0..<(128 * 96)).map { index in
            let x = index % 128, y = index / 128
            return UInt8(truncatingIfNeeded: 20 + (x * (seed + 1) + y * (3 * seed + 2)) % 230)
        })
    }

    private func state(case id: String = "0001", help: Bool = false) -> StudyModeState {
        let panels = [ShownPanel(label: "REFERENCE", position: 1, isReference: true, imageId: "image-ref"),
                      ShownPanel(label: "A", position: 2, isReference: false, imageId: "image-a"),
                      ShownPanel(label: "B", position: 3, isReference: false, imageId: "image-b")]
        let view = StudyCaseView(caseID: id, organ: .thyroid, devices: DevicePair(low: "portable", high: "cart"),
                                 panels: panels, position: 0, revision: 1)
        var state = StudyModeState(studyName: "pilot", reader: "alice", blinded: true, questions: Self.questions,
                                   current: view, answered: 0, total: 4)
        state.showsHelp = help
        return state
    }

    private func draw(_ state: StudyModeState, _ mode: GraphicsMode, size: TerminalSize,
                      cell: CellPixelSize = CellPixelSize(width: 6, height: 13)) -> ScreenBuffer {
        StudyViews.draw(state, image: { Self.frozen[$0.imageId] }, graphics: .halfBlocks,
                        pixels: ViewerGraphics(mode: mode, cell: cell), size: size)
    }

    /// `image` with each pixel a k×k block, at the top-left of a black canvas.
    private func zoomed(_ image: GrayImage, _ k: Int, canvas: (width: Int, height: Int)) -> GrayImage {
        var out = GrayImage(width: canvas.width, height: canvas.height, value: 0)
        for y in 0..<(image.height * k) {
            for x in 0..<(image.width * k) { out.pixels[y * canvas.width + x] = image[x / k, y / k] }
        }
        return out
    }

    /// The zoom of a picture: how many screen pixels the frozen image's first row spans.
    private func zoom(of picture: GrayImage, width: Int) -> Int {
        (0..<picture.width).filter { picture[$0, 0] != 0 }.count / width
    }

    @Test(arguments: [GraphicsMode.sixel, .kitty])
    func panelsArePicturesOfTheFrozenImagesAtAWholeZoomAboveTheRatingPanel(_ mode: GraphicsMode) throws {
        // 200×60 cells of 6×13 (xterm's default font): three 128-wide panels fit at ×3.
        let size = TerminalSize(columns: 200, rows: 60)
        let screen = draw(state(), mode, size: size)
        try #require(screen.images.count == 3)
        let order = ["image-ref", "image-a", "image-b"]
        let formTop = screen.rows - 2 - StudyViews.formHeight(state(), screen.rows)
        for (image, id) in zip(screen.images, order) {
            let source = try #require(Self.frozen[id])
            let k = zoom(of: image.picture, width: source.width)
            #expect(k == 3, "the largest whole zoom that fits 200×60 cells of 6×13")
            #expect(image.picture.width == image.columns * 6 && image.picture.height == image.rows * 13,
                    "the picture covers whole cells")
            #expect(firstDifference(image.picture, zoomed(source, k, canvas: (image.picture.width, image.picture.height)))
                    == nil, "\(id)")
            #expect(image.row >= 1 && image.row + image.rows <= formTop, "between the title and the rating panel")
            for row in image.row..<(image.row + image.rows) {
                for column in image.column..<(image.column + image.columns) {
                    #expect(screen[column, row].scalar == " ", "no text under a picture at \(column),\(row)")
                }
            }
        }
        let lefts = screen.images.map(\.column)
        #expect(lefts == lefts.sorted() && Set(screen.images.map(\.row)).count == 1, "side by side, in order")
        for (left, right) in zip(screen.images, screen.images.dropFirst()) {
            #expect(left.column + left.columns < right.column, "panels do not overlap")
        }
        let text = (0..<screen.rows).map(screen.line).joined(separator: "\n")
        for label in ["REFERENCE", "A", "B", "Anatomical fidelity", "case 1 of 4"] { #expect(text.contains(label)) }
        #expect(!text.contains("▀"), "no block drawing in a pixel mode")
    }

    @Test func aSmallerTerminalLowersTheZoomAndOneTooSmallForOneToOneFits() throws {
        let at = { (columns: Int, rows: Int, cell: CellPixelSize) in
            self.draw(self.state(), .sixel, size: TerminalSize(columns: columns, rows: rows), cell: cell).images
        }
        let medium = at(140, 50, CellPixelSize(width: 6, height: 13))
        try #require(medium.count == 3)
        #expect(zoom(of: medium[0].picture, width: 128) == 2)
        // 80×24 cells of 2×4 pixels leave 13 rows (52 pixels) for 96: 1:1 does not fit, so
        // the panels are fitted, still inside their boxes and above the form.
        let small = at(80, 24, CellPixelSize(width: 2, height: 4))
        try #require(small.count == 3)
        let lit = (0..<small[0].picture.width).filter { small[0].picture[$0, 0] != 0 }.count
        #expect(lit > 0 && lit < 128)
        let formTop = 24 - 2 - StudyViews.formHeight(state(), 24)
        #expect(small.allSatisfy { $0.row + $0.rows <= formTop })
    }

    @Test func blocksAndAsciiDrawCellsAndNoPictures() {
        let size = TerminalSize(columns: 200, rows: 60)
        let blocks = StudyViews.draw(state(), image: { Self.frozen[$0.imageId] }, graphics: .halfBlocks, size: size)
        #expect(blocks.images.isEmpty)
        #expect((0..<blocks.rows).map(blocks.line).joined().contains("▀"))
    }

    @Test func sixelSendsEachPanelAtItsCellWithinTwoLevelsOfTheFrozenImage() throws {
        try #require(Sixel2PNG.required)
        let size = TerminalSize(columns: 200, rows: 60)
        let frame = draw(state(), .sixel, size: size)
        let sent = try sentSixelPictures(frame, size: size)
        try #require(sent.count == 3)
        for ((row, column, picture), (image, id)) in zip(sent, zip(frame.images, ["image-ref", "image-a", "image-b"])) {
            #expect(row == image.row + 1 && column == image.column + 1, "cursor to the panel's cell (1-based)")
            let source = try #require(Self.frozen[id])
            let expected = zoomed(source, 3, canvas: (image.picture.width, image.picture.height))
            #expect(firstDifference(picture, expected, tolerance: 2, region: (source.width * 3, source.height * 3)) == nil,
                    "\(id)")
        }
    }

    @Test func kittySendsTheExactPixelsOnceAndPlacesThemAgainAfterTheHelp() throws {
        let size = TerminalSize(columns: 200, rows: 60)
        let terminal = TerminalCapture()
        let panels = KittyPanels(output: terminal.write, base: 0x2000)
        let frame = draw(state(), .kitty, size: size)
        _ = panels.prepare(for: frame, overlay: false, size: size)
        panels.draw(frame, overlay: false, size: size)
        let pictures = try kittyPNGPayloads(terminal.take()).map { try PNGCodec.decode($0, what: "kitty payload") }
        #expect(pictures == frame.images.map(\.picture), "exact 8-bit pixels")
        #expect(pictures.count == 3)
        // The help covers the panels: placements off; closing it places them again, no pixels.
        let help = draw(state(help: true), .kitty, size: size)
        _ = panels.prepare(for: help, overlay: true, size: size)
        panels.draw(help, overlay: true, size: size)
        #expect(String(decoding: terminal.take(), as: UTF8.self).components(separatedBy: "a=d,d=i").count - 1 == 3)
        _ = panels.prepare(for: frame, overlay: false, size: size)
        panels.draw(frame, overlay: false, size: size)
        let again = String(decoding: terminal.take(), as: UTF8.self)
        #expect(!again.contains("a=t"))
        #expect(again.components(separatedBy: "a=p,").count - 1 == 3)
        // The same frame again sends nothing; exit frees every image.
        panels.draw(frame, overlay: false, size: size)
        #expect(terminal.take().isEmpty)
        panels.clear()
        #expect(String(decoding: terminal.take(), as: UTF8.self).components(separatedBy: "a=d,d=I").count - 1 == 3)
    }

    @Test func sixelResendsOnlyWhenTheFrameChanges() {
        let size = TerminalSize(columns: 200, rows: 60)
        let terminal = TerminalCapture()
        let panels = SixelPanels(registers: 256, output: terminal.write)
        let frame = draw(state(), .sixel, size: size)
        #expect(!panels.prepare(for: frame, overlay: false, size: size))
        panels.draw(frame, overlay: false, size: size)
        #expect(panels.imagesDrawn == 3)
        _ = terminal.take()
        // A key that changes only the form: the same pictures, nothing sent.
        let answered = reduceStudy(state(), .key(.character("4")))
        let typed = draw(answered, .sixel, size: size)
        #expect(!panels.prepare(for: typed, overlay: false, size: size))
        panels.draw(typed, overlay: false, size: size)
        #expect(terminal.take().isEmpty && panels.imagesDrawn == 3)
        // The help: a wipe, nothing drawn; closing it sends all three again.
        let help = draw(state(help: true), .sixel, size: size)
        #expect(panels.prepare(for: help, overlay: true, size: size), "sixel pixels under the help are wiped")
        panels.forget()
        panels.draw(help, overlay: true, size: size)
        panels.draw(frame, overlay: false, size: size)
        #expect(panels.imagesDrawn == 6)
        // A resize: the places change, so a wipe and all of them again.
        let bigger = TerminalSize(columns: 220, rows: 60)
        let resized = draw(state(), .sixel, size: bigger)
        #expect(panels.prepare(for: resized, overlay: false, size: bigger))
        panels.forget()
        panels.draw(resized, overlay: false, size: bigger)
        #expect(panels.imagesDrawn == 9)
    }
}
