import Dataset
import Foundation
import ReaderStudy
import TerminalGraphics

/// Drawing of study mode: the study's panels (blinded: REFERENCE, A, B, … with no model
/// name and no metrics anywhere), the rating panel under them, progress in the status bar.
public enum StudyViews {
    /// The whole screen. `image` gives what is ready of a panel's picture; `graphics`
    /// is the driver's mode; `pixels` the kitty or sixel graphics the panels are drawn
    /// with (as pictures in `ScreenBuffer.images`, their cells left blank), or blocks.
    /// `theme` gives the marks' colours (`state.markOverlay`, drawn over every panel).
    public static func draw(_ state: StudyModeState, image: (ShownPanel) -> GrayImage?, graphics: GraphicsMode,
                            pixels: ViewerGraphics = .blocks, theme: Theme = .readingRoom,
                            size: TerminalSize) -> ScreenBuffer {
        var screen = ScreenBuffer(columns: size.columns, rows: size.rows)
        guard size.columns >= Views.minimumSize.columns, size.rows >= Views.minimumSize.rows else {
            screen.text("Terminal too small: usreview needs \(Views.minimumSize.columns)×\(Views.minimumSize.rows),",
                        column: 0, row: 0, role: .warning)
            screen.text("this one is \(size.columns)×\(size.rows). Enlarge it, or press q to quit.",
                        column: 0, row: 1, role: .warning)
            return screen
        }
        screen.fillRow(0, role: .heading)
        if let current = state.current {
            let revising = current.revision > 1 ? " · revising (answer set \(current.revision))" : ""
            let devices = state.blinded ? current.devices.low : "\(current.devices)"
            screen.text(" study \(state.studyName) · case \(current.caseID) · \(current.organ.rawValue) · \(devices)\(revising)",
                        column: 0, row: 0, role: .heading)
            let formRows = formHeight(state, screen.rows)
            drawPanels(state, current, image: image, graphics: graphics, pixels: pixels, inks: MarkInks(theme: theme),
                       bottom: screen.rows - 2 - formRows, &screen)
            drawForm(state, current, top: screen.rows - 2 - formRows, rows: formRows, &screen)
        } else {
            screen.text(" study \(state.studyName) · reader \(state.reader)", column: 0, row: 0, role: .heading)
            screen.text("Every case of this study has been answered. Thank you.", column: 2, row: 3, role: .label)
            screen.text("q quits. `usreview study status --study \(state.studyName)` shows everyone's progress.",
                        column: 2, row: 5, role: .text)
        }
        drawStatus(state, &screen)
        if state.showsHelp { drawHelp(&screen) }
        return screen
    }

    /// Rows of the rating panel: a rule, one per answer place, the hint line.
    static func formHeight(_ state: StudyModeState, _ rows: Int) -> Int {
        min(state.slots.count + 2, max(4, (rows - 4) / 2))
    }

    /// Largest whole zoom tried for pixel panels (more would not fit any terminal).
    static let largestPixelZoom = 16

    /// The panels' layout in the area above the rating panel. In a pixel mode the frozen
    /// pixels are shown at the largest whole zoom that fits — each image pixel a k×k
    /// block of screen pixels, so the reader sees them exactly (and marks drawn over them
    /// land on image pixels) — and fitted only when even 1:1 does not fit.
    static func panelLayout(_ current: StudyCaseView, imageSize: PixelSize, graphics: GraphicsMode,
                            pixels: ViewerGraphics, area: TerminalSize) -> TriptychLayout {
        let blitter = pixels.blitter(cells: graphics)
        // The reference is LOW; a candidate's sublabel would tell what it shows.
        let sublabels = current.panels.map { panel in panel.isReference ? current.devices.low : "" }
        return TriptychLayout(imageSizes: current.panels.map { _ in imageSize },
                              labels: current.panels.map(\.label), sublabels: sublabels,
                              terminalSize: area, cell: pixels.layoutCell, mode: pixels.isPixel ? pixels.mode : graphics,
                              pixelsPerCell: blitter.pixelsPerCell(pixels.layoutCell),
                              maxSixelGeometry: pixels.maxSixelGeometry,
                              zoom: pixels.isPixel ? largestPixelZoom : nil)
    }

    static func drawPanels(_ state: StudyModeState, _ current: StudyCaseView, image: (ShownPanel) -> GrayImage?,
                           graphics: GraphicsMode, pixels: ViewerGraphics, inks: MarkInks, bottom: Int,
                           _ screen: inout ScreenBuffer) {
        let top = 1
        let area = TerminalSize(columns: screen.columns, rows: max(4, bottom - top + 1))
        let images = current.panels.map(image)
        let reference = images.compactMap { $0 }.first
        let size = PixelSize(width: reference?.width ?? 256, height: reference?.height ?? 256)
        let blitter = pixels.blitter(cells: graphics)
        let layout = panelLayout(current, imageSize: size, graphics: graphics, pixels: pixels, area: area)
        for panel in layout.panels {
            screen.text(panel.label, column: panel.labelColumn, row: top + panel.labelRow, role: .label)
            screen.text(panel.sublabel, column: panel.sublabelColumn, row: top + panel.sublabelRow, role: .dim,
                        width: panel.image.columns)
            let rect = panel.image
            // Marks over the picture, through the crosshair's mapping of image pixels.
            let overlay = images[panel.index].flatMap { picture in
                MarkDrawing.layer(state.markOverlay.visibleItems, panel: current.panels[panel.index].label,
                                  mapping: .fitted(imageWidth: picture.width, imageHeight: picture.height, fit: panel.fit),
                                  mode: blitter.mode, pixelsPerCell: blitter.pixelsPerCell(pixels.layoutCell), inks: inks)
            }
            if let picture = images[panel.index], !panel.fit.isEmpty, pixels.isPixel {
                // Sent by `PixelScreen` after curses has drawn the text; the cells stay blank.
                screen.images.append(PanelImage(column: rect.column, row: top + rect.row, columns: panel.fit.columns,
                                                rows: panel.fit.rows,
                                                picture: Scaling.prepare(picture, for: panel.fit, mode: pixels.mode),
                                                overlay: overlay))
            } else if let picture = images[panel.index], !panel.fit.isEmpty {
                Views.drawImage(picture, fit: panel.fit, gain: 1, blitter: blitter, plain: graphics == .ascii,
                                overlay: overlay, column: rect.column, row: top + rect.row, into: &screen)
            } else {
                let message = placeholder(state, current, current.panels[panel.index])
                let x = rect.column + max(0, (rect.columns - message.count) / 2)
                screen.text(message, column: x, row: top + rect.row + rect.rows / 2,
                            role: message.hasPrefix("✗") ? .error : .dim, width: rect.columns)
            }
        }
    }

    static func placeholder(_ state: StudyModeState, _ current: StudyCaseView, _ panel: ShownPanel) -> String {
        if case let .failed(message) = state.work[current.caseID] { return "✗ " + String(message.prefix(50)) }
        return "loading…"
    }

    static func drawForm(_ state: StudyModeState, _ current: StudyCaseView, top: Int, rows: Int,
                         _ screen: inout ScreenBuffer) {
        let slots = state.slots
        let title = " Rating · Tab/Shift-Tab move · keys answer the ▸ question · Enter submit · s skip · * required"
        screen.fillRow(top, role: .statusBar)
        screen.text(title, column: 0, row: top, role: .statusBar)
        let visible = max(1, rows - 2)
        let first = max(0, min(state.focus - visible / 2, slots.count - visible))
        let promptWidth = max(20, min(62, screen.columns - 70))
        for (offset, slot) in slots.dropFirst(first).prefix(visible).enumerated() {
            let index = first + offset
            guard let question = state.question(slot.question) else { continue }
            let focused = index == state.focus
            let marker = focused ? "▸" : " "
            let star = question.required ? "*" : " "
            let label = (slot.panel.isEmpty ? "" : slot.panel).padding(toLength: 4, withPad: " ", startingAt: 0)
            var prompt = question.prompt
            if prompt.count > promptWidth { prompt = String(prompt.prefix(promptWidth - 1)) + "…" }
            prompt = prompt.padding(toLength: promptWidth, withPad: " ", startingAt: 0)
            let value = state.answers[slot]
            let answer: String
            if question.kind == .text {
                answer = "[" + (value ?? "") + (focused ? "▏" : "") + "]"
            } else if question.kind.isMarks {
                answer = "→ " + (state.marksSummary(slot) ?? "·")
            } else if let value {
                answer = "→ " + describe(value, question)
            } else {
                answer = "→ ·"
            }
            let keys = focused ? "   (" + keyHelp(question, candidates: current.candidateLabels) + ")" : ""
            let line = " \(marker)\(star)\(label) \(prompt) \(answer)\(keys)"
            let role: ChromeRole = focused ? .selection : (value == nil && question.required ? .text : .dim)
            if focused { screen.fillRow(top + 1 + offset, role: .selection) }
            screen.text(line, column: 0, row: top + 1 + offset, role: role)
        }
        let hint = state.hint ?? (state.isEditingText
            ? "typing the comment: Backspace edits · Esc leaves the field · Enter submits"
            : StudyModeState.quitHint)
        screen.text(" " + hint, column: 0, row: top + rows - 1, role: state.hint == nil ? .dim : .warning)
    }

    /// An answer with its anchor text when the scale names that point.
    static func describe(_ value: String, _ question: QuestionDefinition) -> String {
        switch question.kind {
        case let .likert(_, anchors), let .relative(_, anchors):
            if let point = Int(value), let anchor = anchors.first(where: { $0.point == point }) {
                return "\(value) — \(anchor.text)"
            }
            return value
        default:
            return value
        }
    }

    static let hintBar = " Tab/⇧Tab move · 1–5 y n answer · Enter submit & next · s skip · ←/b back · → resume · M mark · F finalise · ? help · q quit"

    static func drawStatus(_ state: StudyModeState, _ screen: inout ScreenBuffer) {
        let row = screen.rows - 2
        screen.fillRow(row, role: .statusBar)
        if let markStatus = state.markModeStatus {
            // The mode and its keys, in place of progress: no other key acts now.
            screen.text(markStatus, column: 0, row: row, role: .statusBar)
            screen.text(StudyModeState.markModeKeys, column: 0, row: screen.rows - 1, role: .hint)
            return
        }
        let progress = " \(state.studyName) · reader \(state.reader) · case \(state.displayedNumber) of \(state.total)"
            + " · \(state.answered) answered" + (state.finalised ? " · " + StudyModeState.lockedStatus : "")
        screen.text(progress, column: 0, row: row, role: .statusBar)
        if let message = state.statusMessage {
            screen.text(" · " + message, column: progress.count, row: row, role: state.statusIsError ? .error : .statusBar)
        }
        screen.text(hintBar, column: 0, row: screen.rows - 1, role: .hint)
    }

    static let helpLines = [
        "usreview — reading a study",
        "",
        "  Tab, ↓ / Shift-Tab, ↑   next / previous question (and candidate)",
        "  1–5                     answer a scale question",
        "  y / n                   answer a yes-no question",
        "  letter or number        answer a choice (shown beside it)",
        "  Backspace, x            clear the focused answer",
        "  comment field           type; Backspace edits; Esc leaves the field",
        "  Enter                   submit the answers and go to the next case",
        "  s                       skip: the case comes back later",
        "  ←, b, [                 open the previous answered case to revise it",
        "                          (Enter stores a new revision; all are kept)",
        "  →, ]                    back to the resume point",
        "  F then y                finalise: answers are locked for good",
        "  M                       mark mode on the focused candidate (where marks are asked)",
        "  o                       hide / show the marks",
        "  q, Ctrl-C               quit: submitted cases are saved,",
        "                          the form on screen is not (reopen to resume)",
        "",
        "Mark mode (Esc leaves; no other key acts in it):",
        "  ←↑↓→, hjkl / ⇧arrows, HJKL   move the cursor / 8× further",
        "  Space                   place a point (drops a grabbed mark)",
        "  b … b                   a box from one corner to the other (Esc cancels)",
        "  c / 1–5                 category / confidence (of new and selected marks)",
        "  Tab, Shift-Tab          select the next / previous mark on this panel",
        "  g                       grab the selected mark: arrows move it, g or Space drops",
        "  d, x, Delete            delete the selected mark",
        "  [ / ]                   previous / next candidate panel",
        "",
        "Blinded studies: candidates are A, B, …; no model names or metrics.",
    ]

    static func drawHelp(_ screen: inout ScreenBuffer) {
        Views.drawOverlayBox(helpLines, &screen)
    }
}
