import ReaderStudy
import TerminalGraphics

/// A position in the source image's pixels (column x, row y from the top left).
public struct ImagePoint: Equatable, Sendable {
    public var x: Int
    public var y: Int

    public init(x: Int, y: Int) {
        self.x = x
        self.y = y
    }
}

/// Study mode's mark mode: a cursor over one candidate panel's image, where the reader
/// places, selects, moves and deletes marks. While it is on, only its keys act.
public struct MarkModeState: Equatable, Sendable {
    /// The candidate panel marked ("A").
    public var panel: String
    public var cursor: ImagePoint
    /// The first corner of a box being drawn (`b` again ends it at the cursor).
    public var boxStart: ImagePoint?
    /// Index into `StudyModeState.marks` of the selected mark (on this panel).
    public var selected: Int?
    /// The selected mark moves with the cursor keys.
    public var grabbed = false
    /// The category of the next mark (and of the selected one, when `c` changes it).
    public var category: String
    /// 1–5: the confidence of the next mark.
    public var confidence = PendingMark.defaultConfidence

    public init(panel: String, cursor: ImagePoint, category: String) {
        self.panel = panel
        self.cursor = cursor
        self.category = category
    }
}

extension StudyModeState {
    /// The marks questions asked now for candidate `panel`, in form order.
    public func markQuestions(panel: String) -> [QuestionDefinition] {
        AnswerSlot.markQuestions(questions, asked: slots, panel: panel)
    }

    /// The categories a mark on `panel` can have now, each with the first question taking it.
    func markCategories(panel: String) -> [(category: String, question: String)] {
        var seen = Set<String>()
        var result: [(category: String, question: String)] = []
        for question in markQuestions(panel: panel) {
            for category in question.markCategories ?? [] where seen.insert(category).inserted {
                result.append((category, question.key))
            }
        }
        return result
    }

    /// Candidate panels with a marks question asked, left to right.
    var markablePanels: [String] {
        current?.candidateLabels.filter { !markQuestions(panel: $0).isEmpty } ?? []
    }

    /// The marks on the form whose question is asked (a hidden question's marks are not stored).
    var askedMarkIndices: [Int] {
        let asked = Set(slots)
        return marks.indices.filter { asked.contains(AnswerSlot(question: marks[$0].questionKey, panel: marks[$0].panelLabel)) }
    }

    /// Indices of the asked marks on `panel`: what Tab selects (a hidden question's marks
    /// are neither drawn nor selected).
    func marks(on panel: String) -> [Int] { askedMarkIndices.filter { marks[$0].panelLabel == panel } }

    /// "2 marks: hallucinated ×2" for a marks place of the form.
    func marksSummary(_ slot: AnswerSlot) -> String? {
        let placed = marks.filter { $0.questionKey == slot.question && $0.panelLabel == slot.panel }
        guard !placed.isEmpty else { return nil }
        var counts: [(String, Int)] = []
        for mark in placed {
            if let index = counts.firstIndex(where: { $0.0 == mark.category }) { counts[index].1 += 1 }
            else { counts.append((mark.category, 1)) }
        }
        return "\(placed.count) mark\(placed.count == 1 ? "" : "s"): "
            + counts.map { "\($0.0) ×\($0.1)" }.joined(separator: ", ")
    }

    /// What is drawn over the panels: the asked marks (the selected one in mark mode
    /// highlighted), and in mark mode the cursor, or the box being drawn.
    var computedMarkOverlay: MarkOverlay {
        var items = askedMarkIndices.map { index in
            MarkOverlay.Item(shape: marks[index].shape, panel: marks[index].panelLabel,
                             style: markMode?.selected == index ? .selected : .mark)
        }
        if let mode = markMode {
            let shape: MarkShape = mode.boxStart.map { start in
                MarkShape.box(corner: (start.x, start.y), corner: (mode.cursor.x, mode.cursor.y))
            } ?? .point(x: mode.cursor.x, y: mode.cursor.y)
            items.append(MarkOverlay.Item(shape: shape, panel: "", style: .cursor))
        }
        return MarkOverlay(items: items, isHidden: marksHidden)
    }

    /// The status bar in mark mode: "MARK MODE · A · hallucinated · confidence 3 · (x, y)".
    public var markModeStatus: String? {
        guard let mode = markMode else { return nil }
        var parts = ["MARK MODE", mode.panel, mode.category, "confidence \(mode.confidence)",
                     "(\(mode.cursor.x), \(mode.cursor.y))"]
        if let start = mode.boxStart { parts.append("box from (\(start.x), \(start.y)): b ends it, Esc cancels") }
        let onPanel = marks(on: mode.panel)
        if let selected = mode.selected, let place = onPanel.firstIndex(of: selected) {
            parts.append("mark \(place + 1) of \(onPanel.count)" + (mode.grabbed ? " grabbed" : ""))
        } else {
            parts.append("\(onPanel.count) mark\(onPanel.count == 1 ? "" : "s")")
        }
        if marksHidden { parts.append("marks hidden (o shows)") }
        return " " + parts.joined(separator: " · ")
    }

    public static let markModeKeys =
        " ←↑↓→/hjkl move · ⇧/HJKL ×8 · Space point · b box · c category · 1–5 confidence · Tab mark · g grab · d delete · [ ] panel · o hide · Esc leave"

    /// The cursor steps in image pixels: small enough to aim, large enough to move a
    /// block cell (an image is drawn over ~50 cells), and 8× that with Shift.
    static func markSteps(width: Int) -> (small: Int, large: Int) {
        let small = max(1, width / 64)
        return (small, 8 * small)
    }

    /// Keeps each marks place's answer equal to its number of marks (what the session
    /// stores as the answer; required means at least one).
    mutating func syncMarkAnswers() {
        guard let current else { return }
        AnswerSlot.countMarks(marks, questions: questions, candidates: current.candidateLabels, into: &answers)
    }
}

/// `M` outside mark mode: enters it on the focused candidate's panel (a per-case place:
/// the first candidate asked for marks), when a marks question is asked there.
func enterMarkMode(_ state: inout StudyModeState) {
    guard let current = state.current else { return }
    let focusedPanel = state.focusedSlot.map(\.panel).flatMap { $0.isEmpty ? nil : $0 }
    guard let panel = focusedPanel ?? state.markablePanels.first ?? current.candidateLabels.first else { return }
    guard let first = state.markCategories(panel: panel).first else {
        state.hint = whatToAnswerFirst(state, panel: panel)
        return
    }
    guard let size = state.imageSize else {
        state.hint = "the images are still loading: M works once they are shown"
        return
    }
    var mode = MarkModeState(panel: panel, cursor: ImagePoint(x: size.width / 2, y: size.height / 2), category: first.category)
    if let last = state.lastMarkMode {
        // Back where the reader left the mode, with the same category and confidence when they fit.
        mode.cursor = ImagePoint(x: min(last.cursor.x, size.width - 1), y: min(last.cursor.y, size.height - 1))
        mode.confidence = last.confidence
        if state.markCategories(panel: panel).contains(where: { $0.category == last.category }) { mode.category = last.category }
    }
    state.markMode = mode
    state.hint = nil
}

/// "answer yes to 'hallucinated' for A first": the conditions that would ask for marks on `panel`.
private func whatToAnswerFirst(_ state: StudyModeState, panel: String) -> String {
    let conditions = state.questions.filter(\.kind.isMarks).compactMap(\.when)
    guard !conditions.isEmpty else {
        return state.questions.contains(where: \.kind.isMarks)
            ? "no marks are asked for \(panel)" : "this study asks for no marks"
    }
    // "answer yes to 'hallucinated' or 'lost'": the questions grouped by the answer asked for.
    var groups: [(answer: String, questions: [String])] = []
    for condition in conditions {
        if let index = groups.firstIndex(where: { $0.answer == condition.answer }) {
            if !groups[index].questions.contains(condition.question) { groups[index].questions.append(condition.question) }
        } else {
            groups.append((condition.answer, [condition.question]))
        }
    }
    return groups.map { "answer \($0.answer) to " + $0.questions.map { "'\($0)'" }.joined(separator: " or ") }
        .joined(separator: " or ") + " for \(panel) first, then M marks the image"
}

/// A key in mark mode. Only mark mode's keys act (q and Enter do nothing); Ctrl-C and
/// the help overlay were handled before.
func reduceMarkKey(_ state: inout StudyModeState, _ key: Key) {
    guard var mode = state.markMode, let size = state.imageSize else {
        state.markMode = nil
        return
    }
    state.hint = nil  // each key's own hint, if any
    let steps = StudyModeState.markSteps(width: size.width)
    var move: (dx: Int, dy: Int)?
    switch key {
    case .left, .character("h"): move = (-steps.small, 0)
    case .right, .character("l"): move = (steps.small, 0)
    case .up, .character("k"): move = (0, -steps.small)
    case .down, .character("j"): move = (0, steps.small)
    case .shiftLeft, .character("H"): move = (-steps.large, 0)
    case .shiftRight, .character("L"): move = (steps.large, 0)
    case .shiftUp, .character("K"): move = (0, -steps.large)
    case .shiftDown, .character("J"): move = (0, steps.large)
    case .character(" "):
        if mode.grabbed {
            mode.grabbed = false
        } else {
            mode.selected = place(&state, mode, .point(x: mode.cursor.x, y: mode.cursor.y))
        }
    case .character("b"):
        if let start = mode.boxStart {
            mode.selected = place(&state, mode, .box(corner: (start.x, start.y), corner: (mode.cursor.x, mode.cursor.y)))
            mode.boxStart = nil
        } else {
            mode.grabbed = false
            mode.boxStart = mode.cursor
        }
    case .escape:
        if mode.boxStart != nil {
            mode.boxStart = nil
        } else {
            state.lastMarkMode = mode
            state.markMode = nil
            return
        }
    case .character("c"):
        let categories = state.markCategories(panel: mode.panel)
        if let index = categories.firstIndex(where: { $0.category == mode.category }) {
            let next = categories[(index + 1) % categories.count]
            mode.category = next.category
            if let selected = mode.selected {
                state.marks[selected].category = next.category
                state.marks[selected].questionKey = next.question
            }
        } else if let first = categories.first {
            mode.category = first.category
        }
    case let .character(digit) where digit.wholeNumberValue.map(PendingMark.confidenceRange.contains) ?? false:
        mode.confidence = digit.wholeNumberValue!
        if let selected = mode.selected { state.marks[selected].confidence = mode.confidence }
    case .character("\t"), .backTab:
        let onPanel = state.marks(on: mode.panel)
        guard !onPanel.isEmpty else {
            state.hint = "no marks on \(mode.panel) yet: Space places a point, b a box"
            break
        }
        let forward = key != .backTab
        let place = mode.selected.flatMap { onPanel.firstIndex(of: $0) }
        let next = place.map { forward ? ($0 + 1) % onPanel.count : ($0 + onPanel.count - 1) % onPanel.count }
            ?? (forward ? 0 : onPanel.count - 1)
        select(&mode, onPanel[next], state.marks)
    case .character("g"):
        if mode.selected == nil {
            state.hint = "Tab selects a mark first, then g grabs it"
        } else {
            mode.grabbed.toggle()
        }
    case .character("d"), .character("x"), .delete, .backspace:
        guard let selected = mode.selected else {
            state.hint = "Tab selects a mark first, then d deletes it"
            break
        }
        state.marks.remove(at: selected)
        mode.grabbed = false
        // The next mark on the panel stays selected, so d again deletes on.
        let onPanel = state.marks(on: mode.panel)
        if let next = onPanel.first(where: { $0 >= selected }) ?? onPanel.last {
            select(&mode, next, state.marks)
        } else {
            mode.selected = nil
        }
    case .character("["), .character("]"):
        let panels = state.markablePanels
        guard panels.count > 1, let index = panels.firstIndex(of: mode.panel) else {
            state.hint = "no other candidate is asked for marks"
            break
        }
        let next = panels[(index + (key == .character("]") ? 1 : panels.count - 1)) % panels.count]
        // The cursor keeps its image position: every panel of a case has the same size.
        mode.panel = next
        mode.boxStart = nil
        mode.selected = nil
        mode.grabbed = false
        let categories = state.markCategories(panel: next)
        if !categories.contains(where: { $0.category == mode.category }), let first = categories.first {
            mode.category = first.category
        }
    case .character("o"):
        state.marksHidden.toggle()
    default:
        state.hint = "mark mode: Esc leaves it · ? lists its keys"
    }
    if let move {
        if mode.grabbed, let selected = mode.selected {
            let shape = state.marks[selected].shape.moved(dx: move.dx, dy: move.dy, within: size.width, size.height)
            state.marks[selected].shape = shape
            mode.cursor = ImagePoint(x: shape.x, y: shape.y)
        } else {
            let cursor = MarkShape.point(x: mode.cursor.x, y: mode.cursor.y)
                .moved(dx: move.dx, dy: move.dy, within: size.width, size.height)
            mode.cursor = ImagePoint(x: cursor.x, y: cursor.y)
        }
    }
    state.markMode = mode
    state.syncMarkAnswers()
}

/// Selects mark `index`: the cursor goes to it, and the status shows its category and
/// confidence (which `c` and 1–5 then change).
private func select(_ mode: inout MarkModeState, _ index: Int, _ marks: [PendingMark]) {
    mode.selected = index
    mode.grabbed = false
    mode.cursor = ImagePoint(x: marks[index].shape.x, y: marks[index].shape.y)
    mode.category = marks[index].category
    mode.confidence = marks[index].confidence
}

/// Adds a mark of the mode's category and confidence on its panel; its index.
private func place(_ state: inout StudyModeState, _ mode: MarkModeState, _ shape: MarkShape) -> Int? {
    guard let question = state.markCategories(panel: mode.panel).first(where: { $0.category == mode.category })?.question
    else { return nil }
    guard state.askedMarkIndices.count < PendingMark.limitPerAnswerSet else {
        state.hint = "a case holds at most \(PendingMark.limitPerAnswerSet) marks: d deletes one"
        return mode.selected
    }
    state.marks.append(PendingMark(questionKey: question, panelLabel: mode.panel, category: mode.category,
                                   shape: shape, confidence: mode.confidence))
    return state.marks.count - 1
}
