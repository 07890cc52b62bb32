import Dataset
import Foundation
@testable import ReviewTUI
import Testing

private func item(_ number: Int, _ organ: Organ, _ low: String, _ split: Split) -> Case {
    let id = String(format: "%04d", number)
    return Case(id: id, organ: organ, devices: DevicePair(low: low, high: "Toshiba Aplio 500"),
                lowPath: URL(fileURLWithPath: "/l/\(id).png"), highPath: URL(fileURLWithPath: "/h/\(id).png"),
                split: split)
}

private let cases = [
    item(1, .thyroid, "Mindray", .train), item(2, .thyroid, "Mindray", .test),
    item(417, .carotid, "Philips", .train), item(418, .carotid, "Philips", .validation),
    item(825, .liver, "Mindray", .train),
]

private func run(_ state: AppState, _ keys: [Key]) -> AppState {
    keys.reduce(state) { reduce($0, .key($1)) }
}

private func typed(_ text: String) -> [Key] { [.character("/")] + text.map { .character($0) } + [.enter] }

private func listed(_ state: AppState) -> [String] { state.visibleIndices.map { state.cases[$0].id } }

@Suite struct BrowserFilterTests {
    @Test func organFilterCyclesThroughOrgansThenOff() {
        var state = run(AppState(cases: cases, hasModel: true), [.character("o")])
        #expect(state.filter.organ == .thyroid)
        #expect(listed(state) == ["0001", "0002"])
        state = run(state, [.character("o")])
        #expect(listed(state) == ["0417", "0418"])
        #expect(state.selectedCase?.id == "0417")  // the selection follows the filter
        #expect(state.browserRows.first == .organ(.carotid, count: 2,
                                                  devices: DevicePair(low: "Philips", high: "Toshiba Aplio 500")))
        state = run(state, [.character("o"), .character("o")])
        #expect(state.filter.organ == nil)
        #expect(listed(state).count == 5)
    }

    @Test func devicePairFilter() {
        let state = run(AppState(cases: cases, hasModel: true), [.character("v")])
        #expect(state.filter.devices?.low == "Mindray")
        #expect(listed(state) == ["0001", "0002", "0825"])
        #expect(listed(run(state, [.character("v")])) == ["0417", "0418"])
    }

    @Test func splitFilter() {
        var state = run(AppState(cases: cases, hasModel: true), [.character("s")])
        #expect(state.filter.split == .train)
        #expect(listed(state) == ["0001", "0417", "0825"])
        state = run(state, [.character("s")])
        #expect(listed(state) == ["0418"])
        state = run(state, [.character("s")])
        #expect(listed(state) == ["0002"])
        state = run(state, [.character("s")])
        #expect(state.filter.split == nil)
    }

    @Test func statusFilterEnhancedFailedNotYet() {
        var state = AppState(cases: cases, hasModel: true)
        state = reduce(state, .finished(caseID: "0002"))
        state = reduce(state, .failed(caseID: "0417", message: "corrupt"))
        state = run(state, [.character("e")])
        #expect(state.filter.status == .enhanced)
        #expect(listed(state) == ["0002"])
        state = run(state, [.character("e")])
        #expect(listed(state) == ["0417"])
        state = run(state, [.character("e")])
        #expect(state.filter.status == .notYet)
        #expect(listed(state) == ["0001", "0418", "0825"])
        state = run(state, [.character("e")])
        #expect(state.filter.status == nil)
    }

    @Test func filtersCombineAndNavigationStaysInside() {
        var state = run(AppState(cases: cases, hasModel: true), [.character("s"), .character("v")])
        #expect(listed(state) == ["0001", "0825"])
        state = run(state, [.down, .down, .down])
        #expect(state.selectedCase?.id == "0825")
        state = run(state, [.up, .home])
        #expect(state.selectedCase?.id == "0001")
        state = run(state, [.end, .enter, .character("p")])
        #expect(state.screen == .viewer)
        #expect(state.selectedCase?.id == "0001")  // previous within the filter, not 0418
    }

    @Test func escapeClearsEveryFilter() {
        var state = run(AppState(cases: cases, hasModel: true), [.character("o"), .character("s"), .character("e")])
        #expect(state.filter.isActive)
        state = run(state, [.escape])
        #expect(state.filter == BrowserFilter())
        #expect(listed(state).count == 5)
        #expect(state.screen == .browser)
    }

    @Test func searchTextFiltersByIDOrganAndDevice() {
        var state = run(AppState(cases: cases, hasModel: true), typed("caro"))
        #expect(state.filter.text == "caro")
        #expect(listed(state) == ["0417", "0418"])
        state = run(state, typed("mindray"))
        #expect(listed(state) == ["0001", "0002", "0825"])
        state = run(state, typed("041"))  // a number still jumps
        #expect(state.selectedCase?.id == "0001")
        #expect(state.statusMessage == "no case 041 in this dataset")
        state = run(state, typed("0825"))
        #expect(state.selectedCase?.id == "0825")
        state = run(state, typed("zz"))
        #expect(listed(state).isEmpty)
        #expect(state.statusMessage == "no case matches “zz”")
        state = run(state, [.enter])  // nothing listed: nothing opens
        #expect(state.screen == .browser)
    }

    @Test func jumpingToAHiddenCaseClearsTheFilter() {
        var state = run(AppState(cases: cases, hasModel: true), [.character("o")])
        state = run(state, typed("825"))
        #expect(state.filter == BrowserFilter())
        #expect(state.selectedCase?.id == "0825")
    }

    @Test func clicksSelectThenOpen() {
        let state = AppState(cases: cases, hasModel: true)
        // Rows: 2 thyroid heading, 3 0001, 4 0002, 5 carotid heading, 6 0417 …
        var next = reduceClick(state, MouseClick(row: 4, column: 3, double: false), screenRows: 40)
        #expect(next.selectedCase?.id == "0002")
        #expect(next.screen == .browser)
        #expect(reduceClick(next, MouseClick(row: 5, column: 3, double: false), screenRows: 40) == next)  // heading
        next = reduceClick(next, MouseClick(row: 4, column: 3, double: false), screenRows: 40)
        #expect(next.screen == .viewer)
        let opened = reduceClick(state, MouseClick(row: 6, column: 3, double: true), screenRows: 40)
        #expect(opened.selectedCase?.id == "0417")
        #expect(opened.screen == .viewer)
    }
}
