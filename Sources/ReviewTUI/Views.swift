import Dataset
import Foundation
import Metrics
import TerminalGraphics

/// What the views need besides the state: facts fixed for the session.
public struct ViewContext: Sendable {
    public var datasetName: String
    /// The model file's name; nil without --model.
    public var modelName: String?
    /// Why the model could not be loaded, shown in the panel and the status bar.
    public var modelError: String?
    /// Half blocks with colour pairs, or ascii where the terminal has too few colours.
    public var graphics: GraphicsMode
    public var lpipsInstalled: Bool
    /// Every model's name, in --model order, when more than one was given.
    public var modelNames: [String] = []
    /// Sixel or blocks, with the terminal's cell size (Viewer/SixelPanels.swift).
    public var viewerGraphics: ViewerGraphics = .blocks
    /// Where warnings and errors go while curses owns the screen (AppLog.url), shown in the help overlay.
    public var logPath: String?

    public init(datasetName: String, modelName: String?, modelError: String?, graphics: GraphicsMode,
                lpipsInstalled: Bool) {
        self.datasetName = datasetName
        self.modelName = modelName
        self.modelError = modelError
        self.graphics = graphics
        self.lpipsInstalled = lpipsInstalled
    }
}

public enum Views {
    public static let minimumSize = TerminalSize(columns: 60, rows: 16)

    /// The whole screen for `state`, with `results` (what the worker has made so far).
    public static func draw(_ state: AppState, results: (String) -> CaseResult?, context: ViewContext,
                            size: TerminalSize) -> ScreenBuffer {
        var screen = ScreenBuffer(columns: size.columns, rows: size.rows)
        guard size.columns >= minimumSize.columns, size.rows >= minimumSize.rows else {
            screen.text("Terminal too small: usreview needs \(minimumSize.columns)×\(minimumSize.rows),",
                        column: 0, row: 0, role: .warning)
            screen.text("this one is \(size.columns)×\(size.rows). Enlarge it, or press q to quit.",
                        column: 0, row: 1, role: .warning)
            return screen
        }
        switch state.screen {
        case .browser: drawBrowser(state, context, &screen)
        case .viewer: drawViewer(state, results, context, &screen)
        }
        drawStatus(state, context, &screen)
        if state.showsHelp { drawHelp(state, context, &screen) }
        return screen
    }

    // MARK: Browser

    static func drawBrowser(_ state: AppState, _ context: ViewContext, _ screen: inout ScreenBuffer) {
        screen.fillRow(0, role: .heading)
        let model = context.modelName.map { "model \($0)" } ?? "no model"
        let rows = state.browserRows
        // Active filters and the filtered count in the header (Browser/BrowserFilter.swift).
        let shown = rows.count { if case .caseRow = $0 { true } else { false } }
        let count = state.filter.isActive ? "\(shown)/\(state.cases.count) cases · filter: \(state.filter.summary) (Esc clears)"
            : "\(state.cases.count) cases"
        screen.text(" usreview · \(context.datasetName) · \(count) · \(model)",
                    column: 0, row: 0, role: .heading)
        let listTop = AppState.browserListTop
        let (first, visible) = state.browserWindow(rows, screenRows: screen.rows)  // Browser/Mouse.swift
        if rows.isEmpty, state.filter.isActive {
            screen.text("  no cases match the filter — Esc clears it", column: 0, row: listTop, role: .dim)
        }
        // With a reader study, a "rated" column after the status (Browser/StudyRatings.swift).
        let ratedWidth = state.ratings.map { max(16, $0.heading.count + 2) } ?? 0
        let ratedHeading = state.ratings.map { $0.heading.padding(toLength: ratedWidth, withPad: " ", startingAt: 0) } ?? ""
        screen.text("  ID     split       status         \(ratedHeading)devices (low → high)", column: 0, row: 1, role: .dim)
        for (offset, row) in rows.dropFirst(first).prefix(visible).enumerated() {
            let y = listTop + offset
            switch row {
            case let .organ(organ, count, devices):
                screen.text("▸ \(organ.rawValue) — \(count) case\(count == 1 ? "" : "s") · \(devices)",
                            column: 0, row: y, role: .label)
            case let .caseRow(index):
                let item = state.cases[index]
                let split = (item.split?.rawValue ?? "—").padding(toLength: 10, withPad: " ", startingAt: 0)
                let status = statusText(state, item, context).padding(toLength: 14, withPad: " ", startingAt: 0)
                let rated = state.ratings.map { $0.columnText(for: item.id).padding(toLength: ratedWidth, withPad: " ", startingAt: 0) } ?? ""
                let line = "  \(item.id)   \(split)  \(status) \(rated)\(item.devices)"
                if index == state.selected {
                    screen.fillRow(y, role: .selection)
                    screen.text(line, column: 0, row: y, role: .selection)
                } else {
                    screen.text(line, column: 0, row: y, role: .text)
                }
            }
        }
    }

    static func statusText(_ state: AppState, _ item: Case, _ context: ViewContext) -> String {
        switch state.work[item.id] {
        case let .running(fraction): return context.modelName == nil ? "loading…" : "enhancing \(Int(fraction * 100))%"
        case .done: return context.modelName == nil ? "viewed" : "✓ enhanced"
        case .failed: return "✗ failed"
        case nil: return "·"
        }
    }

    // MARK: Viewer

    static func drawViewer(_ state: AppState, _ results: (String) -> CaseResult?, _ context: ViewContext,
                           _ screen: inout ScreenBuffer) {
        guard let item = state.selectedCase else { return }
        let result = results(item.id)?.showingModel(state.view.modelIndex)
        let shownModel = shownModelName(state, context)
        screen.fillRow(0, role: .heading)
        let model = shownModel.map { "model \($0)" } ?? "no model"
        let split = item.split.map { " · \($0.rawValue)" } ?? ""
        let position = "\(state.selected + 1)/\(state.cases.count)"
        screen.text(" case \(item.id) · \(item.organ.rawValue) · \(item.devices)\(split) · \(model) · \(position)",
                    column: 0, row: 0, role: .heading)
        var adjustments = [String]()
        if state.gain != 1 { adjustments.append(String(format: "gain ×%.2f", state.gain)) }
        if state.middle == .flickerHigh { adjustments.append("FLICKER: HIGH shown in the enhanced panel") }
        if state.middle == .difference { adjustments.append("difference map |ENHANCED−HIGH|") }
        if state.middle == .flickerLow { adjustments.append("FLICKER: LOW shown in the enhanced panel") }
        if state.middle == .differenceLow { adjustments.append("difference map |LOW−HIGH|") }
        adjustments += controlsSummary(state.view)
        if let note = prefetchNote(state) { adjustments.append(note) }
        screen.text(" " + adjustments.joined(separator: " · "), column: 0, row: 1, role: .warning)

        // Two metric lines and the status and hint bars sit below the images.
        let top = 2
        let metricRows = 3
        let area = TerminalSize(columns: screen.columns, rows: screen.rows - top - metricRows - 2 + 1)
        let low = result?.low
        let size = PixelSize(width: low?.width ?? 256, height: low?.height ?? 256)
        let (middleLabel, middleImage): (String, GrayImage?) = switch state.middle {
        case .enhanced: ("ENHANCED", result?.enhanced)
        case .flickerHigh: ("HIGH ⇄ (flicker)", result?.enhanced == nil ? nil : result?.high)
        case .difference: ("|ENHANCED−HIGH|", result?.difference)
        case .flickerLow: ("LOW ⇄ (flicker)", result?.enhanced == nil ? nil : result?.low)
        case .differenceLow: ("|LOW−HIGH|", absoluteDifference(result?.low, result?.high))
        }
        let pixel = context.viewerGraphics.isPixel  // pixels need no curses colours
        let blitter = context.viewerGraphics.blitter(cells: context.graphics)
        let cell = context.viewerGraphics.layoutCell
        var labels = ["LOW", middleLabel, "HIGH"]
        var sublabels = [item.devices.low, shownModel ?? "", item.devices.high]
        var images = [low, middleImage, result?.high]
        if state.view.nUp, context.modelNames.count > 1 {
            (labels, sublabels, images) = nUpPanels(results(item.id), item, context)
        }
        let layout = TriptychLayout(imageSizes: Array(repeating: size, count: images.count),
                                    labels: labels,
                                    sublabels: sublabels,
                                    terminalSize: area, cell: cell, mode: pixel ? context.viewerGraphics.mode : context.graphics,
                                    pixelsPerCell: blitter.pixelsPerCell(cell),
                                    maxSixelGeometry: context.viewerGraphics.maxSixelGeometry)
        var bottom = top
        for panel in layout.panels {
            screen.text(panel.label, column: panel.labelColumn, row: top + panel.labelRow, role: .label)
            screen.text(panel.sublabel, column: panel.sublabelColumn, row: top + panel.sublabelRow, role: .dim,
                        width: panel.image.columns)
            let rect = panel.image
            bottom = max(bottom, top + rect.row + rect.rows)
            if let image = images[panel.index], !panel.fit.isEmpty {
                drawViewerImage(image, fit: panel.fit, state: state, blitter: blitter, plain: context.graphics == .ascii,
                                column: rect.column, row: top + rect.row, into: &screen)
            } else {
                let message = placeholder(panel.index, state, item, result, context)
                let lines = message.split(separator: "\n").map(String.init)
                for (offset, line) in lines.enumerated() {
                    let x = rect.column + max(0, (rect.columns - line.count) / 2)
                    screen.text(line, column: x, row: top + rect.row + rect.rows / 2 + offset,
                                role: message.hasPrefix("✗") ? .error : .dim, width: rect.columns)
                }
            }
        }
        let metricsRow = min(bottom, screen.rows - 2 - metricRows)
        if let readout = crosshairReadout(state.view, labels: layout.panels.map { labels[$0.index] },
                                          images: layout.panels.map { images[$0.index] }) {
            screen.text(" " + readout, column: 0, row: metricsRow, role: .label)
        }
        drawMetrics(result, item, context, row: metricsRow, &screen)
    }

    static func placeholder(_ index: Int, _ state: AppState, _ item: Case, _ result: CaseResult?,
                            _ context: ViewContext) -> String {
        if case let .failed(message) = state.work[item.id] { return "✗ " + wrapHint(message) }
        if index == 2, result != nil, result?.high == nil { return "no reference image" }
        if index != 1 { return "loading…" }
        if let error = context.modelError { return "✗ model failed to load\n" + wrapHint(error) }
        if context.modelName == nil { return "no model (use --model)" }
        if state.middle == .difference, result?.enhanced != nil, result?.difference == nil {
            return "no difference map\n(no reference of the same size)"
        }
        if case let .running(fraction) = state.work[item.id] { return "enhancing… \(Int(fraction * 100))%" }
        return "enhancing… 0%"
    }

    private static func wrapHint(_ message: String) -> String { String(message.prefix(60)) }

    /// Renders an already prepared picture with a cell blitter and copies the cells to
    /// the screen at (column, row); the images stay gray unless `plain`. Returns the cells
    /// drawn, for marks placed over them.
    @discardableResult
    /// Draws `picture` in cells, with `overlay` (the picture's size) coloured over it.
    static func drawCells(_ picture: GrayImage, fit: ImageFit, blitter: any Blitter, plain: Bool,
                          overlay: OverlayLayer? = nil, column: Int, row: Int, into screen: inout ScreenBuffer) -> CellGrid? {
        guard case var .cells(grid)? = try? blitter.render(picture, columns: fit.columns, rows: fit.rows) else { return nil }
        if let overlay { grid = OverlayCells.apply(overlay, picture: picture, to: grid, mode: blitter.mode) }
        for y in 0..<grid.rows {
            for x in 0..<grid.columns {
                let cell = grid[x, y]
                let style: CellStyle
                if plain {
                    style = .plain
                } else if let ink = cell.ink {
                    style = .ink(ink, background: cell.background)
                } else {
                    style = .gray(foreground: cell.foreground, background: cell.background)
                }
                screen[column + x, row + y] = ScreenCell(cell.glyph, style)
            }
        }
        return grid
    }

    static func drawImage(_ image: GrayImage, fit: ImageFit, gain: Double, blitter: any Blitter, plain: Bool,
                          overlay: OverlayLayer? = nil, column: Int, row: Int, into screen: inout ScreenBuffer) {
        var picture = Scaling.prepare(image, for: fit, mode: blitter.mode)
        if gain != 1 {
            let table = (0...255).map { UInt8(min(255, (Double($0) * gain).rounded())) }
            picture.pixels = picture.pixels.map { table[Int($0)] }
        }
        drawCells(picture, fit: fit, blitter: blitter, plain: plain, overlay: overlay,
                  column: column, row: row, into: &screen)
    }

    static func drawMetrics(_ result: CaseResult?, _ item: Case, _ context: ViewContext, row: Int,
                            _ screen: inout ScreenBuffer) {
        func line(_ scores: PairScores?) -> String {
            guard let scores else { return "—" }
            var text = String(format: "SSIM %.4f   PSNR %.2f dB   LNCC %.4f", scores.ssim, scores.psnr, scores.lncc)
            if let lpips = scores.lpips { text += String(format: "   LPIPS %.4f", lpips) }
            return text
        }
        let pending = result == nil ? "…" : (item.isPaired ? "…" : "no reference image")
        let enhanced = context.modelName == nil ? "no model" : (result?.enhancedVsHigh.map { line($0) } ?? pending)
        let low = result?.lowVsHigh.map { line($0) } ?? pending
        screen.text(" ENHANCED vs HIGH  " + enhanced, column: 0, row: row + 1, role: .text)
        screen.text(" LOW vs HIGH       " + low, column: 0, row: row + 2, role: .text)
        if !context.lpipsInstalled {
            screen.text(" LPIPS not installed (scripts/fetch-lpips-weights)", column: 0, row: row + 3, role: .dim)
        }
    }

    // MARK: Bars and help

    static let browserHint = " j/k ↑/↓ move · Enter open · / jump to case or search · o/v/s/e filter · Esc clear · ? help · q quit"
    static let viewerHint = " n/p ←/→ case · z/Z zoom · HJKL pan · c crosshair · f/F flicker · d diff · +/-[] W/L · i invert · 0 reset · Esc list · ? help · q quit"

    static func drawStatus(_ state: AppState, _ context: ViewContext, _ screen: inout ScreenBuffer) {
        let statusRow = screen.rows - 2
        screen.fillRow(statusRow, role: .statusBar)
        if let jump = state.jumpInput {
            screen.text(" jump to case ID: \(jump)▏ (Enter go · Esc cancel)", column: 0, row: statusRow, role: .statusBar)
        } else if let message = state.statusMessage ?? context.modelError.map({ "model: \($0)" }) {
            screen.text(" " + message, column: 0, row: statusRow, role: .error)
        }
        screen.text(state.screen == .browser ? browserHint : viewerHint, column: 0, row: screen.rows - 1, role: .hint)
    }

    static let helpLines = [
        "usreview — keys",
        "",
        "Anywhere",
        "  q, Ctrl-C      quit",
        "  ?              this help (any key closes it)",
        "  /              jump to a case ID; other text filters by ID, organ, device",
        "",
        "Browser",
        "  j/k, ↓/↑       move          PgDn/PgUp  page",
        "  g/G            first / last  Enter, l   open the case",
        "  o / v          filter: next organ / next device pair (cycles, then off)",
        "  s / e          filter: next split / status (enhanced, failed, not yet;",
        "                 with --study also rated, not rated)",
        "  Esc            clear every filter    mouse: click selects, again opens",
        "",
        "Viewer (LOW · ENHANCED · HIGH)",
        "  n/p, →/←       next / previous case",
        "  f              flicker: HIGH in place of ENHANCED",
        "  F              flicker: LOW in place of ENHANCED",
        "  d              difference map |ENHANCED−HIGH| → |LOW−HIGH| → off",
        "  + / -          gain (window width) up / down (all panels)",
        "  [ / ]          level down / up      i  invert",
        "  z / Z          zoom in / out (×2, nearest neighbour, all panels)",
        "  H/J/K/L        pan left/down/up/right (all panels)",
        "  1              fit ⇄ 1:1 (one image pixel per display pixel)",
        "  c              crosshair on/off; while on, ←↑↓→ move it",
        "                 and the line under the images reads each pixel",
        "  m              next model (several --model)   N  N-up layout",
        "  0              reset gain, level, zoom, pan, crosshair, panels",
        "  Esc, b         back to the list",
        "",
        "Images are gray as recorded; colour is interface only.",
    ]

    /// The help overlay's lines: the keys, then where the log file is when there is one.
    static func helpText(_ context: ViewContext) -> [String] {
        let lines = helpLines + pictureLines(context.viewerGraphics)
        guard let logPath = context.logPath else { return lines }
        return lines + ["log: \(logPath)"]
    }

    /// What the pictures are, so nobody takes a resampled pixel for a recorded one.
    static func pictureLines(_ graphics: ViewerGraphics) -> [String] {
        let through = graphics.passthrough == .tmux ? " (through tmux)" : ""
        switch graphics.mode {
        case .kitty:
            return ["Pictures: kitty graphics\(through), exact 8-bit pixels at 1:1 and at every",
                    "zoom; a fitted panel is resampled by usreview (nearest neighbour), never",
                    "by the terminal."]
        case .sixel:
            return ["Pictures: sixel\(through), 101 grays (each pixel within ±2 of the image)."]
        default:
            return []
        }
    }

    static func drawHelp(_ state: AppState, _ context: ViewContext, _ screen: inout ScreenBuffer) {
        drawOverlayBox(helpText(context), &screen)
    }

    /// A framed box of text centred over whatever is on screen (help overlays); the first
    /// line is its heading. Cut to the screen when it does not fit.
    static func drawOverlayBox(_ lines: [String], _ screen: inout ScreenBuffer) {
        let width = min(screen.columns - 2, (lines.map(\.count).max() ?? 0) + 4)
        let height = min(screen.rows - 2, lines.count + 2)
        let left = (screen.columns - width) / 2
        let top = max(0, (screen.rows - height) / 2)
        for y in top..<(top + height) {
            for x in left..<(left + width) {
                let edge: Unicode.Scalar
                switch (y == top || y == top + height - 1, x == left || x == left + width - 1) {
                case (true, true): edge = y == top ? (x == left ? "┌" : "┐") : (x == left ? "└" : "┘")
                case (true, false): edge = "─"
                case (false, true): edge = "│"
                case (false, false): edge = " "
                }
                screen[x, y] = ScreenCell(edge, .chrome(.label))
            }
        }
        for (offset, line) in lines.prefix(height - 2).enumerated() {
            screen.text(line, column: left + 2, row: top + 1 + offset, role: offset == 0 ? .heading : .text,
                        width: width - 4)
        }
    }
}
