import Dataset

/// A key press, decoded by the driver from curses codes.
public enum Key: Equatable, Sendable {
    case character(Character)
    case up, down, left, right, enter, escape, backspace, pageUp, pageDown, home, end
    case interrupt  // Ctrl-C, read as a key because curses runs in raw mode
    case backTab  // Shift-Tab (Tab itself arrives as .character("\t"))
    case shiftUp, shiftDown, shiftLeft, shiftRight  // Shift-arrows: larger steps in mark mode
    case delete  // the Delete key (not Backspace)
}

/// What the run loop feeds the reducer: keys and the news from background work.
public enum AppEvent: Equatable, Sendable {
    case key(Key)
    /// Background work on a case advanced (the enhancement's fraction done, 0…1).
    case progress(caseID: String, fraction: Double)
    /// Everything for the case is ready: images, enhancement (when a model is set), metrics.
    case finished(caseID: String)
    case failed(caseID: String, message: String)
    /// The case's results left the memory cache; they will be made again when needed.
    case evicted(caseID: String)
    /// The reader study's ratings, read at start-up and again when the study changed
    /// (Browser/StudyRatings.swift).
    case ratings(StudyRatings)
}

/// Where background work on one case stands.
public enum CaseWork: Equatable, Sendable {
    case running(fraction: Double)
    case done
    case failed(String)
}

public enum ScreenKind: Equatable, Sendable {
    case browser
    case viewer
}

/// What the enhanced panel shows.
public enum MiddlePanel: Equatable, Sendable {
    case enhanced
    /// Flicker: the reference in the enhanced panel's place, to compare in place.
    case flickerHigh
    /// |ENHANCED − HIGH|.
    case difference
    /// Flicker: LOW in the enhanced panel's place.
    case flickerLow
    /// |LOW − HIGH|.
    case differenceLow
}

/// The whole state of the review app. Changed only by `reduce`, a pure function, so
/// navigation, flicker, cancellation and quitting are tested without a terminal.
public struct AppState: Equatable, Sendable {
    public static let gainStep = 1.25
    public static let gainRange = 0.125...8.0
    public static let pageSize = 10

    /// Grouped by organ (in the dataset's organ order), then by case number.
    public let cases: [Case]
    public let hasModel: Bool
    public var screen: ScreenKind = .browser
    /// Index into `cases` of the selected (browser) or open (viewer) case.
    public var selected = 0
    public var middle: MiddlePanel = .enhanced
    /// Multiplies every panel's grays (linked across panels).
    public var gain = 1.0
    /// Zoom, pan, crosshair, window level, invert, model choice (Viewer/ViewerControls.swift).
    public var view = ViewerControls()
    public var showsHelp = false
    /// The case ID typed after `/`; nil when not jumping.
    public var jumpInput: String?
    public var work: [String: CaseWork] = [:]
    /// Cases whose work finished as a prefetch, before the reader opened them (AppState+Prefetch.swift).
    public var prefetched: Set<String> = []
    /// The last message for the status bar (errors, "no case 9999").
    public var statusMessage: String?
    public var wantsQuit = false
    /// Which cases the browser lists (Browser/BrowserFilter.swift).
    public var filter = BrowserFilter()
    /// Which cases a reader study rated (`--study`); nil without one (Browser/StudyRatings.swift).
    public var ratings: StudyRatings?

    public init(cases: [Case], hasModel: Bool) {
        self.cases = cases.sorted { ($0.organ, $0.number) < ($1.organ, $1.number) }
        self.hasModel = hasModel
    }

    public var selectedCase: Case? { cases.indices.contains(selected) ? cases[selected] : nil }

    /// The case whose background work should run now; the run loop starts it and
    /// cancels any other, so moving away cancels work nobody waits for.
    public var wantedWork: String? {
        guard screen == .viewer, let open = selectedCase else { return nil }
        switch work[open.id] {
        case nil, .running: return open.id
        case .done, .failed: return nil
        }
    }

    /// The browser's lines: an organ heading before each organ's cases.
    public enum BrowserRow: Equatable, Sendable {
        case organ(Organ, count: Int, devices: DevicePair)
        case caseRow(index: Int)
    }

    public var browserRows: [BrowserRow] {
        var rows = [BrowserRow]()
        let visible = visibleIndices  // the filter's cases (Browser/BrowserFilter.swift)
        var position = 0
        while position < visible.count {
            let organ = cases[visible[position]].organ
            let end = visible[position...].firstIndex { cases[$0].organ != organ } ?? visible.count
            rows.append(.organ(organ, count: end - position, devices: cases[visible[position]].devices))
            rows += visible[position..<end].map { .caseRow(index: $0) }
            position = end
        }
        return rows
    }
}

/// The next state after `event`. Pure: no I/O, no curses, no threads.
public func reduce(_ state: AppState, _ event: AppEvent) -> AppState {
    var next = state
    switch event {
    case let .progress(id, fraction):
        // News from work that was cancelled meanwhile is dropped.
        if id == state.wantedWork { next.work[id] = .running(fraction: min(max(fraction, 0), 1)) }
    case let .finished(id):
        next.work[id] = .done
    case let .failed(id, message):
        next.work[id] = .failed(message)
        next.statusMessage = "case \(id): \(message)"
    case let .evicted(id):
        if case .done = state.work[id] { next.work[id] = nil }
    case let .ratings(ratings):
        next.ratings = ratings
        // A case rated meanwhile may leave the "not rated" list; the viewer keeps its case.
        if next.screen == .browser { selectionFollowsFilter(&next) }
    case let .key(key):
        reduceKey(&next, key)
    }
    return next
}

private func reduceKey(_ state: inout AppState, _ key: Key) {
    if key == .interrupt || key == .character("q") {
        state.wantsQuit = true
        return
    }
    if state.showsHelp {
        // Any key closes the overlay.
        state.showsHelp = false
        return
    }
    if state.jumpInput != nil {
        reduceJump(&state, key)
        return
    }
    switch key {
    case .character("?"):
        state.showsHelp = true
        return
    case .character("/"):
        state.jumpInput = ""
        state.statusMessage = nil
        return
    default:
        break
    }
    switch state.screen {
    case .browser: reduceBrowser(&state, key)
    case .viewer: reduceViewer(&state, key)
    }
}

private func reduceJump(_ state: inout AppState, _ key: Key) {
    switch key {
    case .escape:
        state.jumpInput = nil
    case .backspace:
        state.jumpInput = String(state.jumpInput?.dropLast() ?? "")
    case .enter:
        let typed = state.jumpInput ?? ""
        state.jumpInput = nil
        if let number = Int(typed), let index = state.cases.firstIndex(where: { $0.number == number }) {
            if !state.visibleIndices.contains(index) { state.filter = BrowserFilter() }  // show the case jumped to
            select(&state, index)
            state.statusMessage = nil
        } else if Int(typed) != nil {
            state.statusMessage = "no case \(typed) in this dataset"
        } else {
            applySearchText(&state, typed)  // text: filter by ID, organ, device (Browser/BrowserFilter.swift)
        }
    case let .character(character) where !character.isNewline && character != "\t":
        if (state.jumpInput?.count ?? 0) < 32 { state.jumpInput?.append(character) }
    default:
        break
    }
}

/// Moves the selection; in the viewer, opening another case. The old case's
/// unfinished work is forgotten (the run loop cancels it), so it restarts when reopened.
func select(_ state: inout AppState, _ index: Int) {
    guard !state.cases.isEmpty else { return }
    let clamped = min(max(index, 0), state.cases.count - 1)
    guard clamped != state.selected else { return }
    if let old = state.selectedCase, case .running = state.work[old.id] { state.work[old.id] = nil }
    state.selected = clamped
}

private func reduceBrowser(_ state: inout AppState, _ key: Key) {
    if reduceBrowserFilter(&state, key) { return }  // o v s e Esc (Browser/BrowserFilter.swift)
    switch key {
    case .down, .character("j"): selectVisible(&state, offset: 1)
    case .up, .character("k"): selectVisible(&state, offset: -1)
    case .pageDown: selectVisible(&state, offset: AppState.pageSize)
    case .pageUp: selectVisible(&state, offset: -AppState.pageSize)
    case .home, .character("g"): selectVisibleEdge(&state, last: false)
    case .end, .character("G"): selectVisibleEdge(&state, last: true)
    case .enter, .right, .character("l"):
        if state.selectedCase != nil, state.visibleIndices.contains(state.selected) { state.screen = .viewer }
    default: break
    }
}

private func reduceViewer(_ state: inout AppState, _ key: Key) {
    if reduceViewerControls(&state, key) { return }
    switch key {
    case .right, .character("n"), .character("j"), .down: selectVisible(&state, offset: 1)  // within the filter
    case .left, .character("p"), .character("k"), .up: selectVisible(&state, offset: -1)
    case .escape, .backspace, .character("b"):
        if let open = state.selectedCase, case .running = state.work[open.id] { state.work[open.id] = nil }
        state.screen = .browser
    case .character("f"):
        state.middle = state.middle == .flickerHigh ? .enhanced : .flickerHigh
    case .character("d"):
        state.middle = state.middle == .difference ? .enhanced : .difference
    case .character("+"), .character("="):
        state.gain = min(state.gain * AppState.gainStep, AppState.gainRange.upperBound)
    case .character("-"), .character("_"):
        state.gain = max(state.gain / AppState.gainStep, AppState.gainRange.lowerBound)
    case .character("0"):
        state.gain = 1
        state.middle = .enhanced
    default: break
    }
}
