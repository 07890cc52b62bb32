import Dataset
import Foundation
@testable import ReviewTUI
import Testing

private func makeCase(_ number: Int, _ organ: Organ) -> Case {
    let id = String(format: "%04d", number)
    return Case(id: id, organ: organ, devices: DevicePair(low: "portable", high: "cart"),
                lowPath: URL(fileURLWithPath: "/l/\(id).png"), highPath: URL(fileURLWithPath: "/h/\(id).png"),
                split: .train)
}

private let cases = [makeCase(420, .carotid), makeCase(1, .thyroid), makeCase(2, .thyroid), makeCase(421, .carotid)]

private func run(_ state: AppState, _ keys: [Key]) -> AppState {
    keys.reduce(state) { reduce($0, .key($1)) }
}

@Suite struct AppStateTests {
    @Test func casesAreGroupedByOrganWithHeadings() {
        let state = AppState(cases: cases, hasModel: true)
        #expect(state.cases.map(\.id) == ["0001", "0002", "0420", "0421"])
        #expect(state.browserRows == [
            .organ(.thyroid, count: 2, devices: DevicePair(low: "portable", high: "cart")),
            .caseRow(index: 0), .caseRow(index: 1),
            .organ(.carotid, count: 2, devices: DevicePair(low: "portable", high: "cart")),
            .caseRow(index: 2), .caseRow(index: 3),
        ])
    }

    @Test func browserNavigationClampsAndOpens() {
        var state = AppState(cases: cases, hasModel: true)
        state = run(state, [.up, .character("j"), .down, .down, .down, .down])
        #expect(state.selected == 3)
        state = run(state, [.character("k"), .home])
        #expect(state.selected == 0)
        #expect(state.wantedWork == nil)
        state = run(state, [.enter])
        #expect(state.screen == .viewer)
        #expect(state.wantedWork == "0001")
    }

    @Test func viewerNextPreviousAndBack() {
        var state = run(AppState(cases: cases, hasModel: true), [.enter, .character("n"), .right])
        #expect(state.selectedCase?.id == "0420")
        state = run(state, [.character("p")])
        #expect(state.selectedCase?.id == "0002")
        state = run(state, [.escape])
        #expect(state.screen == .browser)
        #expect(state.wantedWork == nil)
    }

    @Test func movingAwayCancelsRunningWork() {
        var state = run(AppState(cases: cases, hasModel: true), [.enter])
        state = reduce(state, .progress(caseID: "0001", fraction: 0.4))
        #expect(state.work["0001"] == .running(fraction: 0.4))
        state = run(state, [.character("n")])
        #expect(state.work["0001"] == nil)
        #expect(state.wantedWork == "0002")
        // Late news from the cancelled run is dropped.
        state = reduce(state, .progress(caseID: "0001", fraction: 0.6))
        #expect(state.work["0001"] == nil)
        // Finished work is kept: going back shows the cached result, no new run.
        state = reduce(state, .finished(caseID: "0002"))
        state = run(state, [.character("p"), .character("n")])
        #expect(state.work["0002"] == .done)
        #expect(state.wantedWork == nil)
        state = reduce(state, .evicted(caseID: "0002"))
        #expect(state.wantedWork == "0002")
    }

    @Test func failureShowsInTheStatusBarAndStopsRetrying() {
        var state = run(AppState(cases: cases, hasModel: true), [.enter])
        state = reduce(state, .failed(caseID: "0001", message: "corrupt PNG"))
        #expect(state.statusMessage == "case 0001: corrupt PNG")
        #expect(state.wantedWork == nil)
        #expect(!state.wantsQuit)
    }

    @Test func flickerDifferenceGainAndReset() {
        var state = run(AppState(cases: cases, hasModel: true), [.enter, .character("f")])
        #expect(state.middle == .flickerHigh)
        state = run(state, [.character("f")])
        #expect(state.middle == .enhanced)
        state = run(state, [.character("d"), .character("+"), .character("+")])
        #expect(state.middle == .difference)
        #expect(abs(state.gain - 1.5625) < 1e-9)
        state = run(state, [.character("-"), .character("0")])
        #expect(state.gain == 1)
        #expect(state.middle == .enhanced)
        state = run(state, Array(repeating: .character("+"), count: 40))
        #expect(state.gain == AppState.gainRange.upperBound)
    }

    @Test func helpTogglesAndAnyKeyClosesIt() {
        var state = run(AppState(cases: cases, hasModel: true), [.character("?")])
        #expect(state.showsHelp)
        state = run(state, [.character("j")])
        #expect(!state.showsHelp)
        #expect(state.selected == 0, "the key that closes help does nothing else")
    }

    @Test func quitFromAnywhere() {
        let base = AppState(cases: cases, hasModel: true)
        #expect(run(base, [.character("q")]).wantsQuit)
        #expect(run(base, [.enter, .character("q")]).wantsQuit)
        #expect(run(base, [.character("?"), .character("q")]).wantsQuit)
        #expect(run(base, [.character("/"), .character("4"), .character("q")]).wantsQuit)
        #expect(run(base, [.enter, .interrupt]).wantsQuit)
    }

    @Test func jumpToCaseID() {
        var state = run(AppState(cases: cases, hasModel: true),
                        [.character("/"), .character("4"), .character("2"), .character("1"), .enter])
        #expect(state.selectedCase?.id == "0421")
        #expect(state.jumpInput == nil)
        state = run(state, [.character("/"), .character("9"), .character("9"), .enter])
        #expect(state.selectedCase?.id == "0421")
        #expect(state.statusMessage == "no case 99 in this dataset")
        state = run(state, [.character("/"), .character("1"), .backspace, .character("2"), .escape])
        #expect(state.selectedCase?.id == "0421")
    }
}

@Suite struct LRUCacheTests {
    @Test func evictsTheLeastRecentlyUsed() {
        var cache = LRUCache<String, Int>(capacity: 2)
        #expect(cache.set("a", 1).isEmpty)
        #expect(cache.set("b", 2).isEmpty)
        #expect(cache.get("a") == 1)  // a is now the most recent
        #expect(cache.set("c", 3) == ["b"])
        #expect(cache.peek("b") == nil)
        #expect(cache.keys == ["a", "c"])
        #expect(cache.set("a", 10).isEmpty)  // replacing does not grow
        #expect(cache.count == 2)
        #expect(cache.peek("a") == 10)
    }
}

@Suite struct ViewTests {
    @Test func browserAndViewerShowWhatAClinicianExpects() {
        let context = ViewContext(datasetName: "demo", modelName: nil, modelError: nil, graphics: .halfBlocks,
                                  lpipsInstalled: false)
        let size = TerminalGraphicsSize.make(120, 40)
        var state = AppState(cases: cases, hasModel: true)
        let browser = Views.draw(state, results: { _ in nil }, context: context, size: size)
        let browserText = (0..<browser.rows).map(browser.line).joined(separator: "\n")
        #expect(browserText.contains("thyroid — 2 cases"))
        #expect(browserText.contains("0421"))
        state = run(state, [.enter])
        let viewer = Views.draw(state, results: { _ in nil }, context: context, size: size)
        let viewerText = (0..<viewer.rows).map(viewer.line).joined(separator: "\n")
        #expect(viewerText.contains("LOW"))
        #expect(viewerText.contains("ENHANCED"))
        #expect(viewerText.contains("HIGH"))
        #expect(viewerText.contains("no model (use --model)"))
        #expect(viewerText.contains("case 0001"))
        let small = Views.draw(state, results: { _ in nil }, context: context, size: TerminalGraphicsSize.make(40, 10))
        #expect(small.line(0).contains("Terminal too small"))
    }

    @Test func helpOverlayShowsTheLogFile() {
        var context = ViewContext(datasetName: "demo", modelName: nil, modelError: nil, graphics: .halfBlocks,
                                  lpipsInstalled: false)
        let state = run(AppState(cases: cases, hasModel: true), [.character("?")])
        let size = TerminalGraphicsSize.make(120, 40)
        func text() -> String {
            let frame = Views.draw(state, results: { _ in nil }, context: context, size: size)
            return (0..<frame.rows).map(frame.line).joined(separator: "\n")
        }
        #expect(text().contains("usreview — keys"))
        #expect(!text().contains("log: "), "no log line without a log")
        context.logPath = "/state/usreview/usreview.log"
        #expect(text().contains("log: /state/usreview/usreview.log"))
    }
}
