import Dataset
import Foundation
@testable import ReviewTUI
import Testing

private func viewerState(models: Int = 1) -> AppState {
    let item = Case(id: "0001", organ: .thyroid, devices: DevicePair(low: "portable", high: "cart"),
                    lowPath: URL(fileURLWithPath: "/l/0001.png"), highPath: URL(fileURLWithPath: "/h/0001.png"),
                    split: .train)
    let next = Case(id: "0002", organ: .thyroid, devices: DevicePair(low: "portable", high: "cart"),
                    lowPath: URL(fileURLWithPath: "/l/0002.png"), highPath: URL(fileURLWithPath: "/h/0002.png"),
                    split: .train)
    var state = reduce(AppState(cases: [item, next], hasModel: true), .key(.enter))
    state.view.modelCount = models
    return state
}

private func press(_ state: AppState, _ keys: [Key]) -> AppState { keys.reduce(state) { reduce($0, .key($1)) } }
private func chars(_ text: String) -> [Key] { text.map { .character($0) } }

@Suite struct ViewerControlsTests {
    @Test func zoomDoublesWithinRangeAndResets() {
        var state = press(viewerState(), chars("z"))
        #expect(state.view.zoom == 2)
        state = press(state, chars("zzzzzz"))
        #expect(state.view.zoom == 16)
        state = press(state, chars("ZZZZZZZZ"))
        #expect(state.view.zoom == 1)
        state = press(state, chars("z1"))
        #expect(state.view.oneToOne)
        state = press(state, chars("0"))
        #expect(state.view == ViewerControls())
    }

    @Test func panMovesAndClampsToTheEdge() {
        var state = press(viewerState(), chars("L"))
        #expect(state.view.panX == 0.5)  // at zoom 1 the fitted view cannot pan
        state = press(state, chars("zL"))
        #expect(state.view.panX == 0.625)
        state = press(state, chars("LLLLLL"))
        #expect(state.view.panX == 0.75)  // the view's edge meets the image's
        state = press(state, chars("KKKKKKK"))
        #expect(state.view.panY == 0.25)
        // Pan keys never change the case.
        #expect(state.selectedCase?.id == "0001")
    }

    @Test func crosshairTakesTheArrowsWhileShown() {
        var state = press(viewerState(), [.right])
        #expect(state.selectedCase?.id == "0002")
        state = press(state, [.left, .character("c"), .right, .right, .down])
        #expect(state.selectedCase?.id == "0001")
        #expect(state.view.crosshair)
        #expect(state.view.crosshairX == 0.5 + 2.0 / 64)
        #expect(state.view.crosshairY == 0.5 + 1.0 / 64)
        #expect(state.view.crosshairPixel(width: 64, height: 64) == (34, 33))
        state = press(state, [.character("n")])
        #expect(state.selectedCase?.id == "0002")
        state = press(state, [.character("c"), .right])
        #expect(!state.view.crosshair)
        #expect(state.selectedCase?.id == "0002")
    }

    @Test func windowLevelAndInvert() {
        var state = press(viewerState(), chars("]]"))
        #expect(state.view.level == 144)
        state = press(state, chars("[[[["))
        #expect(state.view.level == 112)
        #expect(state.view.displayTable(gain: 1)[112] == 128)
        state = press(state, chars("i"))
        #expect(state.view.inverted)
        #expect(state.view.displayTable(gain: 1)[112] == 127)
        #expect(ViewerControls().displayTable(gain: 1) == (0...255).map { UInt8($0) })
        state = press(state, chars("+0"))
        #expect(state.gain == 1)
        #expect(!state.view.inverted)
        #expect(state.view.level == ViewerControls.defaultLevel)
    }

    @Test func differenceCyclesAndFlickerToLow() {
        var state = press(viewerState(), chars("d"))
        #expect(state.middle == .difference)
        state = press(state, chars("d"))
        #expect(state.middle == .differenceLow)
        state = press(state, chars("d"))
        #expect(state.middle == .enhanced)
        state = press(state, chars("F"))
        #expect(state.middle == .flickerLow)
        state = press(state, chars("F"))
        #expect(state.middle == .enhanced)
        state = press(state, chars("fF"))
        #expect(state.middle == .flickerLow)
    }

    @Test func modelCyclingAndNUp() {
        var state = press(viewerState(models: 3), chars("m"))
        #expect(state.view.modelIndex == 1)
        state = press(state, chars("mm"))
        #expect(state.view.modelIndex == 0)
        state = press(state, chars("N"))
        #expect(state.view.nUp)
        let single = press(viewerState(models: 1), chars("m"))
        #expect(single.view.modelIndex == 0)
        #expect(single.statusMessage?.contains("one model") == true)
    }

    @Test func zoomTwoOfFourByFourGivesTwoByTwoBlocks() {
        let pixels = (0..<16).map { UInt8($0) }
        let t = ViewTransform(imageWidth: 4, imageHeight: 4, targetWidth: 4, targetHeight: 4,
                              baseScaleX: 1, baseScaleY: 1, zoom: 2, center: (0.5, 0.5))
        #expect(t.originX == 1 && t.originY == 1)
        #expect(t.render(pixels) == [5, 5, 6, 6,
                                     5, 5, 6, 6,
                                     9, 9, 10, 10,
                                     9, 9, 10, 10])
    }

    @Test func panClampsAtTheEdges() {
        let pixels = (0..<16).map { UInt8($0) }
        let left = ViewTransform(imageWidth: 4, imageHeight: 4, targetWidth: 4, targetHeight: 4,
                                 baseScaleX: 1, baseScaleY: 1, zoom: 2, center: (-3, -3))
        #expect(left.originX == 0 && left.originY == 0)
        #expect(left.render(pixels).prefix(4) == [0, 0, 1, 1])
        let right = ViewTransform(imageWidth: 4, imageHeight: 4, targetWidth: 4, targetHeight: 4,
                                  baseScaleX: 1, baseScaleY: 1, zoom: 2, center: (9, 9))
        #expect(right.originX == 2 && right.originY == 2)
        #expect(right.render(pixels).suffix(4) == [14, 14, 15, 15])
    }

    @Test func crosshairMapsToTheRightImagePixel() {
        let t = ViewTransform(imageWidth: 4, imageHeight: 4, targetWidth: 4, targetHeight: 4,
                              baseScaleX: 1, baseScaleY: 1, zoom: 2, center: (0.5, 0.5))
        #expect(t.targetPixel(x: 2, y: 1).map { [$0.x, $0.y] } == [3, 1])
        #expect(t.sourcePixel(x: 3, y: 1).map { [$0.x, $0.y] } == [2, 1])
        #expect(t.targetPixel(x: 0, y: 0) == nil)  // out of view
        var view = ViewerControls()
        view.crosshairX = 0.99
        view.crosshairY = 0
        #expect(view.crosshairPixel(width: 4, height: 4) == (3, 0))
    }
}
