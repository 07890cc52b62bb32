/// Mouse clicks on the browser's list rows: a click selects the row's case; a double
/// click, or a click on the row already selected, opens it. Curses reports clicks only
/// where the terminal sends mouse events (CursesDriver enables button-1 clicks).
public struct MouseClick: Equatable, Sendable {
    public var row: Int
    public var column: Int
    public var double: Bool

    public init(row: Int, column: Int, double: Bool) {
        self.row = row
        self.column = column
        self.double = double
    }
}

extension AppState {
    /// The browser list's first screen row.
    static let browserListTop = 2

    /// Which of `browserRows` the browser shows on a screen of `screenRows` rows: the
    /// first one shown and how many fit (shared by the drawing and the mouse).
    func browserWindow(_ rows: [BrowserRow], screenRows: Int) -> (first: Int, visible: Int) {
        let visible = screenRows - Self.browserListTop - 2
        let selectedRow = rows.firstIndex(of: .caseRow(index: selected)) ?? 0
        // Keep the selection in view, with its organ heading when it fits.
        let first = max(0, min(selectedRow - visible / 2, rows.count - visible))
        return (first, visible)
    }

    /// The case index listed on screen row `row`, nil for a heading or an empty line.
    public func browserCase(atScreenRow row: Int, screenRows: Int) -> Int? {
        let rows = browserRows
        let window = browserWindow(rows, screenRows: screenRows)
        let offset = row - Self.browserListTop
        guard offset >= 0, offset < window.visible, window.first + offset < rows.count else { return nil }
        if case let .caseRow(index) = rows[window.first + offset] { return index }
        return nil
    }
}

/// The state after a click; pure, like `reduce`. Only the browser's list reacts.
public func reduceClick(_ state: AppState, _ click: MouseClick, screenRows: Int) -> AppState {
    guard state.screen == .browser, !state.showsHelp, state.jumpInput == nil,
          let index = state.browserCase(atScreenRow: click.row, screenRows: screenRows) else { return state }
    var next = state
    if click.double || index == state.selected {
        select(&next, index)
        next.screen = .viewer
    } else {
        select(&next, index)
    }
    return next
}
