import Dataset
import Foundation
@testable import ReviewTUI
import TerminalGraphics
import Testing

private func makeCase(_ number: Int) -> Case {
    let id = String(format: "%04d", number)
    return Case(id: id, organ: .thyroid, devices: DevicePair(low: "portable", high: "cart"),
                lowPath: URL(fileURLWithPath: "/l/\(id).png"), highPath: URL(fileURLWithPath: "/h/\(id).png"),
                split: .train)
}

private let cases = [makeCase(1), makeCase(2), makeCase(3)]

@Suite struct PrefetchTests {
    @Test func currentCaseComesFirstThenTheNext() {
        var state = reduce(AppState(cases: cases, hasModel: true), .key(.enter))
        #expect(state.wantedWork == "0001")
        #expect(state.prefetchWork == nil)
        #expect(state.workToRun?.id == "0001")
        #expect(state.workToRun?.prefetch == false)
        state = reduce(state, .finished(caseID: "0001"))
        #expect(state.wantedWork == nil)
        #expect(state.prefetchWork == "0002")
        #expect(state.workToRun?.id == "0002")
        #expect(state.workToRun?.prefetch == true)
    }

    @Test func prefetchedCaseOpensDoneAndSaysSo() {
        var state = reduce(AppState(cases: cases, hasModel: true), .key(.enter))
        state = reduce(state, .finished(caseID: "0001"))
        state = markPrefetched(reduce(state, .finished(caseID: "0002")), "0002")
        #expect(state.prefetched == ["0002"])
        #expect(state.prefetchWork == nil)  // nothing left to prefetch until the reader moves
        state = reduce(state, .key(.character("n")))
        #expect(state.selectedCase?.id == "0002")
        #expect(state.wantedWork == nil)  // already done: nothing to start for the open case
        #expect(state.prefetchWork == "0003")
        let screen = Views.draw(state, results: { _ in nil },
                                context: ViewContext(datasetName: "t", modelName: "m", modelError: nil,
                                                     graphics: .halfBlocks, lpipsInstalled: true),
                                size: TerminalSize(columns: 120, rows: 40))
        #expect(screen.line(1).contains("prefetched"))
    }

    @Test func noPrefetchInTheBrowserOrAfterTheLastCase() {
        var state = AppState(cases: cases, hasModel: true)
        #expect(state.workToRun == nil)
        state = reduce(state, .key(.character("G")))
        state = reduce(state, .key(.enter))
        state = reduce(state, .finished(caseID: "0003"))
        #expect(state.prefetchWork == nil)
        state = reduce(state, .key(.escape))
        #expect(state.workToRun == nil)
    }

    @Test func markPrefetchedIgnoresUnfinishedWork() {
        let state = AppState(cases: cases, hasModel: true)
        #expect(markPrefetched(state, "0002").prefetched.isEmpty)
    }
}

@Suite struct SixelViewerTests {
    private func viewerFrame(sixel: Bool, help: Bool = false) -> ScreenBuffer {
        var state = reduce(AppState(cases: cases, hasModel: true), .key(.enter))
        state = reduce(state, .finished(caseID: "0001"))
        if help { state = reduce(state, .key(.character("?"))) }
        var gradient = GrayImage(width: 64, height: 48, value: 0)
        gradient.pixels = (0..<(64 * 48)).map { UInt8($0 % 64 * 4) }
        let result = CaseResult(low: gradient, high: gradient, enhanced: gradient)
        var context = ViewContext(datasetName: "t", modelName: "m", modelError: nil, graphics: .halfBlocks,
                                  lpipsInstalled: true)
        if sixel {
            context.viewerGraphics = ViewerGraphics(mode: .sixel, cell: CellPixelSize(width: 10, height: 20),
                                                    maxSixelGeometry: PixelSize(width: 400, height: 300),
                                                    registers: 256)
        }
        return Views.draw(state, results: { _ in result }, context: context,
                          size: TerminalSize(columns: 200, rows: 60))
    }

    @Test func sixelModeLeavesPanelCellsBlankAndRecordsPictures() throws {
        let frame = viewerFrame(sixel: true)
        #expect(frame.images.count == 3)
        for image in frame.images {
            #expect(image.picture.width == image.columns * 10)
            #expect(image.picture.height == image.rows * 20)
            #expect(image.picture.width <= 400 && image.picture.height <= 300)
            #expect(image.row + image.rows <= 60 - 1)
            for y in image.row..<(image.row + image.rows) {
                for x in image.column..<(image.column + image.columns) {
                    #expect(frame[x, y].scalar == " ")
                }
            }
        }
        #expect(viewerFrame(sixel: false).images.isEmpty)
    }

    @Test func choiceFollowsTheRequestAndTheTerminal() {
        var sixelTerminal = TerminalCapabilities()
        sixelTerminal.sixel = true
        sixelTerminal.colorDepth = .palette256
        let plain = TerminalCapabilities(colorDepth: .palette256)
        #expect(ViewerGraphics.choose("auto", detect: { sixelTerminal }).mode == .sixel)
        #expect(ViewerGraphics.choose("auto", detect: { plain }).mode != .sixel)
        #expect(ViewerGraphics.choose("sixel", detect: { plain }).mode == .sixel)
        #expect(ViewerGraphics.choose("blocks", detect: { sixelTerminal }).mode != .sixel)
    }

    @Test func panelsWipeWhenAnOverlayOpensOrPlacesChange() {
        let panels = SixelPanels(registers: 256, output: open("/dev/null", O_WRONLY))
        let size = TerminalSize(columns: 200, rows: 60)
        let frame = viewerFrame(sixel: true)
        #expect(!panels.prepare(for: frame, overlay: false, size: size))
        panels.draw(frame, overlay: false, size: size)
        #expect(panels.framesDrawn == 1)
        panels.draw(frame, overlay: false, size: size)
        #expect(panels.framesDrawn == 1)  // unchanged: not drawn again
        #expect(!panels.prepare(for: frame, overlay: false, size: size))
        #expect(panels.prepare(for: frame, overlay: true, size: size))
        #expect(panels.prepare(for: ScreenBuffer(columns: 200, rows: 60), overlay: false, size: size))
        #expect(panels.prepare(for: frame, overlay: false, size: TerminalSize(columns: 180, rows: 60)))
        panels.draw(frame, overlay: true, size: size)
        #expect(panels.framesDrawn == 1)
        panels.draw(frame, overlay: false, size: size)
        #expect(panels.framesDrawn == 2)  // back after the overlay closed
    }

    @Test func onlyThePanelsThatChangedAreEncodedAgain() {
        let panels = SixelPanels(registers: 256, output: open("/dev/null", O_WRONLY))
        let size = TerminalSize(columns: 200, rows: 60)
        let frame = viewerFrame(sixel: true)
        panels.draw(frame, overlay: false, size: size)
        #expect(panels.imagesDrawn == 3)
        // A flicker: the middle picture changes, LOW and HIGH stay on the terminal.
        var flickered = frame
        flickered.images[1].picture.pixels = flickered.images[1].picture.pixels.map { 255 - $0 }
        #expect(!panels.prepare(for: flickered, overlay: false, size: size))
        panels.draw(flickered, overlay: false, size: size)
        #expect(panels.framesDrawn == 2)
        #expect(panels.imagesDrawn == 4)
        // After a wipe (overlay, resize) every picture is drawn again.
        panels.forget()
        panels.draw(frame, overlay: false, size: size)
        #expect(panels.imagesDrawn == 7)
    }
}
