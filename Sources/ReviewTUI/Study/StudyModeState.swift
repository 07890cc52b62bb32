import Dataset
import ReaderStudy
import TerminalGraphics

/// The case on screen in study mode, as the views need it: no I/O, no session.
public struct StudyCaseView: Equatable, Sendable {
    public var caseID: String
    public var organ: Organ
    public var devices: DevicePair
    /// Left to right, as the study placed them (blinded: REFERENCE, A, B, …).
    public var panels: [ShownPanel]
    /// 0-based place in the reader's list.
    public var position: Int
    /// 1 for a first answer, more when revising.
    public var revision: Int

    public init(caseID: String, organ: Organ, devices: DevicePair, panels: [ShownPanel], position: Int, revision: Int) {
        self.caseID = caseID
        self.organ = organ
        self.devices = devices
        self.panels = panels
        self.position = position
        self.revision = revision
    }

    public var candidateLabels: [String] { panels.filter { !$0.isReference }.map(\.label) }
}

/// What the run loop must do with the reading session after a key.
public enum StudyCommand: Equatable, Sendable {
    /// Store these answers and marks as one answer set and move on. The answers leave
    /// out marks places (their answer is the number of marks, which the session keeps);
    /// `imageSize` is the panels' size, which the marks must lie within.
    case submit([AnswerSlot: String], marks: [PendingMark] = [], imageSize: PixelSize? = nil)
    /// Leave the case for later.
    case skip
    /// Open the answered case before this one, its latest answers on the form, to revise it.
    case previous
    /// Leave a revisited case: back to the first unanswered case after the resume point.
    case resume
    /// Close the reader's answers to revision (after the confirmation).
    case finalise

    /// The status bar while the store works on it.
    public var inFlightMessage: String {
        switch self {
        case .submit: return "saving…"
        case .skip: return "skipping…"
        case .previous, .resume: return "opening…"
        case .finalise: return "finalising…"
        }
    }
}

/// News for the study reducer: keys, the session's replies, background work.
public enum StudyEvent: Equatable, Sendable {
    case key(Key)
    /// The session stored the form (or skipped) and shows this case next (nil: all answered),
    /// with the answers and marks on its form (a revisited case's stored ones).
    case moved(to: StudyCaseView?, answers: [AnswerSlot: String], answered: Int, total: Int, message: String,
               marks: [PendingMark] = [])
    /// The case's panel images are loaded: their size in pixels (every panel has LOW's),
    /// which mark mode's cursor and marks stay within.
    case imageSize(caseID: String, PixelSize)
    /// The session could not store the form: the message goes to the status bar, the form stays.
    case commandFailed(String)
    /// The reader's answers are now closed to revision.
    case finalised(message: String)
    /// The command did nothing (nothing to go back to); the form stays, the message shows.
    case notice(String)
    case work(AppEvent)
}

/// The whole state of study mode: the case, the rating form, focus, progress. Changed
/// only by `reduceStudy`, a pure function; the run loop carries out `command`.
public struct StudyModeState: Equatable, Sendable {
    public let studyName: String
    public let reader: String
    public let blinded: Bool
    public let questions: [QuestionDefinition]
    public var current: StudyCaseView?
    /// The answers on the form, not yet stored.
    public var answers: [AnswerSlot: String] = [:]
    /// Index into `slots` of the focused answer place.
    public var focus = 0
    public var answered: Int
    public var total: Int
    /// A hint under the form (missing answers, how to quit).
    public var hint: String?
    /// The status bar's message (a failed submit, "stored").
    public var statusMessage: String?
    /// Whether the status message is an error.
    public var statusIsError = false
    /// Set by a key; the run loop performs it and answers with `.moved` or `.commandFailed`.
    public var command: StudyCommand?
    public var work: [String: CaseWork] = [:]
    public var showsHelp = false
    public var wantsQuit = false
    /// q while a command was in flight: quit once the store answers it.
    public var quitWhenAnswered = false
    /// q again while it is still in flight: quit now, without waiting for the server
    /// (the server then stores the answer set whole or not at all).
    public var abandonsCommand = false
    /// The reader has finalised: answers are locked (the store refuses revisions).
    public var finalised = false
    /// `F` was pressed: `y` finalises, any other key cancels.
    public var confirmingFinalise = false
    /// The marks drawn over the panels, kept up to date by the reducer.
    public var markOverlay = MarkOverlay.none
    /// The marks on the form, not yet stored, in the order placed.
    public var marks: [PendingMark] = []
    /// Mark mode, while it is on (`M` enters it, Esc leaves).
    public var markMode: MarkModeState?
    /// Mark mode as the reader left it on this case: entering again returns there.
    public var lastMarkMode: MarkModeState?
    /// `o` hides the marks to see the image without them.
    public var marksHidden = false
    /// The current case's panel size in image pixels, once its images are loaded.
    public var imageSize: PixelSize?

    public init(studyName: String, reader: String, blinded: Bool, questions: [QuestionDefinition],
                current: StudyCaseView?, answers: [AnswerSlot: String] = [:], answered: Int, total: Int) {
        self.studyName = studyName
        self.reader = reader
        self.blinded = blinded
        self.questions = questions
        self.current = current
        self.answers = answers
        self.answered = answered
        self.total = total
    }

    /// Every answer place of the case that is asked, in form order: each question once,
    /// or once per candidate for per-candidate questions, and a conditional question only
    /// while its condition holds (Tab walks this list).
    public var slots: [AnswerSlot] {
        guard let current else { return [] }
        return AnswerSlot.asked(questions, candidates: current.candidateLabels, answers: answers)
    }

    public var focusedSlot: AnswerSlot? { slots.indices.contains(focus) ? slots[focus] : nil }

    public func question(_ key: String) -> QuestionDefinition? { questions.first { $0.key == key } }

    /// Whether the focused place is a free-text field (keys type into it).
    public var isEditingText: Bool {
        guard let slot = focusedSlot, let question = question(slot.question) else { return false }
        return question.kind == .text
    }

    /// Required places still empty, in form order.
    public var missingRequired: [AnswerSlot] {
        slots.filter { slot in (question(slot.question)?.required ?? false) && (answers[slot] ?? "").isEmpty }
    }

    /// The place in the list shown as "case n of N": answered cases plus this one.
    public var displayedNumber: Int { min(answered + 1, total) }

    /// The key that answers `option` of a choice question: its first letter when no
    /// other option shares it, else its number.
    public static func choiceKeys(_ options: [String]) -> [Character] {
        let firsts = options.map { $0.lowercased().first ?? "?" }
        return options.indices.map { index in
            let first = firsts[index]
            return firsts.filter { $0 == first }.count == 1 && first.isLetter ? first : Character(String(index + 1))
        }
    }

    public static let quitHint = "q quits: submitted cases are saved; this unsubmitted form is not kept"

    /// Whether the case on screen is an earlier, answered one being revised.
    public var isRevising: Bool { (current?.revision ?? 1) > 1 }

    public var finaliseQuestion: String {
        let open = total - answered
        return "finalise? Your answers are then locked for good"
            + (open > 0 ? " (\(open) of \(total) cases unanswered)" : "") + " · y finalises · any other key cancels"
    }

    public static let lockedStatus = "finalised: answers locked"
}

/// The next study state after `event`. Pure: the session is driven by the run loop.
public func reduceStudy(_ state: StudyModeState, _ event: StudyEvent) -> StudyModeState {
    var next = state
    switch event {
    case let .work(appEvent):
        switch appEvent {
        case let .progress(id, fraction):
            if id == next.current?.caseID { next.work[id] = .running(fraction: min(max(fraction, 0), 1)) }
        case let .finished(id): next.work[id] = .done
        case let .failed(id, message):
            next.work[id] = .failed(message)
            next.statusMessage = "case \(id): \(message)"
            next.statusIsError = true
        case let .evicted(id):
            if case .done = next.work[id] { next.work[id] = nil }
        case .key, .ratings: break  // keys come as .key(_); ratings are the browser's
        }
    case let .moved(to, answers, answered, total, message, marks):
        next.command = nil
        if to?.caseID != state.current?.caseID { next.imageSize = nil }
        next.current = to
        next.answers = answers
        next.marks = marks
        next.markMode = nil
        next.lastMarkMode = nil
        next.answered = answered
        next.total = total
        next.focus = 0
        next.hint = nil
        next.statusMessage = message
        next.statusIsError = false
    case let .commandFailed(message):
        // The form stays as it was, for a retry.
        next.command = nil
        next.statusMessage = message
        next.statusIsError = true
        next.hint = next.finalised ? "answers are locked: this form cannot be stored"
            : "not saved: the answers are still on the form; Enter tries again"
    case let .notice(message):
        next.command = nil
        next.statusMessage = message
        next.statusIsError = false
    case let .finalised(message):
        next.command = nil
        next.finalised = true
        next.hint = nil
        next.statusMessage = message
        next.statusIsError = false
    case let .imageSize(caseID, size):
        if caseID == next.current?.caseID, size.width > 0, size.height > 0 { next.imageSize = size }
    case let .key(key):
        reduceStudyKey(&next, key)
    }
    next.markOverlay = next.computedMarkOverlay
    if next.quitWhenAnswered, next.command == nil { next.wantsQuit = true }
    return next
}

extension StudyModeState {
    /// Keys the app answers while a command is in flight: the help overlay, Ctrl-C, and q
    /// when no key typed ahead waits before it (a q after typed-ahead keys may be text for
    /// the next form, so it waits its turn). The run loop holds the others and replays them
    /// once the store has answered.
    public static func isAnsweredInFlight(_ key: Key, keysHeld: Int) -> Bool {
        key == .character("?") || key == .interrupt || (keysHeld == 0 && key == .character("q"))
    }

    public static let quitInFlightMessage =
        "quitting once the server answers · q again quits now (what is being saved is then stored whole or not at all)"
}

private func reduceStudyKey(_ state: inout StudyModeState, _ key: Key) {
    guard state.command == nil else {  // a command is in flight
        if key == .character("q") || key == .interrupt {
            // A server that does not answer must not keep the reader from quitting.
            if state.quitWhenAnswered { state.abandonsCommand = true }
            state.quitWhenAnswered = true
            state.statusMessage = StudyModeState.quitInFlightMessage
            state.statusIsError = false
        } else if key == .character("?") {
            state.showsHelp.toggle()
        }
        return
    }
    if key == .interrupt {
        state.wantsQuit = true
        return
    }
    if state.showsHelp {
        state.showsHelp = false
        return
    }
    if state.markMode != nil {
        // Inside mark mode only its keys act: no answer, submit, navigation or quit.
        if key == .character("?") { state.showsHelp = true } else { reduceMarkKey(&state, key) }
        return
    }
    if state.confirmingFinalise {
        state.confirmingFinalise = false
        if key == .character("y") {
            state.command = .finalise
            state.hint = nil
        } else {
            state.hint = "not finalised: answers can still be revised"
        }
        return
    }
    let count = state.slots.count
    switch key {
    case .character("\t"), .down:
        if count > 0 { state.focus = (state.focus + 1) % count }
        return
    case .backTab, .up:
        if count > 0 { state.focus = (state.focus + count - 1) % count }
        return
    case .enter:
        submit(&state)
        return
    case .left:
        goBack(&state)
        return
    case .right:
        goResume(&state)
        return
    default:
        break
    }
    if state.isEditingText, let slot = state.focusedSlot {
        switch key {
        case .escape:
            // Leave the field: back to the first place still to answer.
            let missing = state.missingRequired.first
            state.focus = missing.flatMap { state.slots.firstIndex(of: $0) } ?? 0
        case .backspace:
            var text = state.answers[slot] ?? ""
            if !text.isEmpty { text.removeLast() }
            state.answers[slot] = text.isEmpty ? nil : text
        case let .character(character) where !character.isNewline && character.unicodeScalars.allSatisfy({ $0.value >= 32 }):
            if (state.answers[slot]?.count ?? 0) < 500 { state.answers[slot, default: ""].append(character) }
        default:
            break
        }
        return
    }
    switch key {
    case .character("q"):
        state.wantsQuit = true
    case .character("?"):
        state.showsHelp = true
    case .character("s"):
        guard state.current != nil, !state.isRevising else {
            if state.isRevising { state.hint = "a revised case cannot be skipped: → returns to the resume point" }
            return
        }
        state.command = .skip
        state.hint = nil
    case .character("["):
        goBack(&state)
    case .character("]"):
        goResume(&state)
    case .character("b") where !answersKey(state, "b"):
        goBack(&state)
    case .character("M") where !answersKey(state, "m"):
        enterMarkMode(&state)
    case .character("o") where !answersKey(state, "o"):
        state.marksHidden.toggle()
        state.hint = state.marksHidden ? "marks hidden: o shows them" : nil
    case .character("F"):
        if state.finalised {
            state.hint = "already finalised: answers are locked"
        } else {
            state.confirmingFinalise = true
            state.hint = state.finaliseQuestion
        }
    case .backspace, .character("x"):
        if let slot = state.focusedSlot {
            state.answers[slot] = nil
            if state.question(slot.question)?.kind.isMarks == true {
                state.syncMarkAnswers()  // a marks place counts its marks
                state.hint = "marks are deleted in mark mode: M, Tab selects one, d deletes it"
            }
        }
    case let .character(character):
        answerFocused(&state, character)
    default:
        break
    }
}

private func goBack(_ state: inout StudyModeState) {
    state.command = .previous
    state.hint = nil
}

private func goResume(_ state: inout StudyModeState) {
    guard state.isRevising else {
        state.hint = "already at the resume point: ← or b opens the previous case"
        return
    }
    state.command = .resume
    state.hint = nil
}

/// Whether `character` answers the focused question (then it is not a navigation key).
private func answersKey(_ state: StudyModeState, _ character: Character) -> Bool {
    guard let slot = state.focusedSlot, let question = state.question(slot.question),
          let current = state.current else { return false }
    switch question.kind {
    case let .choice(options): return StudyModeState.choiceKeys(options).contains(character)
    case .preference, .ranking:
        return current.candidateLabels.contains { $0.count == 1 && Character($0.lowercased()) == character }
    default: return false
    }
}

private func submit(_ state: inout StudyModeState) {
    guard state.current != nil else { return }
    if state.finalised {
        // The store refuses it and says why; the form stays.
        state.hint = nil
        state.command = submitCommand(state)
        return
    }
    let missing = state.missingRequired
    if !missing.isEmpty {
        state.hint = "answer before submitting: " + missing.map(\.description).joined(separator: ", ")
        if let first = missing.first, let index = state.slots.firstIndex(of: first) { state.focus = index }
        return
    }
    state.hint = nil
    state.command = submitCommand(state)
}

/// The form as the session takes it: the answers typed (a marks place's count comes from
/// its marks) and the marks, with the panels' size they must lie within.
private func submitCommand(_ state: StudyModeState) -> StudyCommand {
    let answers = state.answers.filter { slot, value in
        !value.isEmpty && state.question(slot.question)?.kind.isMarks != true
    }
    // A hidden question's marks stay on the form (a yes brings them back) but are not sent.
    return .submit(answers, marks: state.askedMarkIndices.map { state.marks[$0] }, imageSize: state.imageSize)
}

/// Answers the focused place with `character` when it is one of its keys, then moves
/// to the next place that is not a text field.
private func answerFocused(_ state: inout StudyModeState, _ character: Character) {
    guard let slot = state.focusedSlot, let question = state.question(slot.question),
          let current = state.current else { return }
    let lower = Character(character.lowercased())
    var value: String?
    switch question.kind {
    case let .likert(points, _), let .relative(points, _):
        if let digit = character.wholeNumberValue, (1...points).contains(digit) { value = String(digit) }
    case .yesNo:
        if lower == "y" { value = "yes" } else if lower == "n" { value = "no" }
    case let .choice(options):
        if let index = StudyModeState.choiceKeys(options).firstIndex(of: lower) { value = options[index] }
    case .preference:
        value = current.candidateLabels.first { $0.count == 1 && Character($0.lowercased()) == lower }
    case .ranking:
        guard let label = current.candidateLabels.first(where: { $0.count == 1 && Character($0.lowercased()) == lower })
        else { return }
        var parts = (state.answers[slot] ?? "").split(separator: ">").map(String.init)
        if parts.count == current.candidateLabels.count { parts = [] }
        if !parts.contains(label) { parts.append(label) }
        state.answers[slot] = parts.joined(separator: ">")
        if parts.count == current.candidateLabels.count { advance(&state) }
        return
    case .text, .marks:
        return
    }
    guard let value else {
        state.hint = "keys for this question: " + keyHelp(question, candidates: current.candidateLabels)
        return
    }
    state.answers[slot] = value
    state.hint = nil
    advance(&state)
}

private func advance(_ state: inout StudyModeState) {
    let slots = state.slots
    // Text is typed and marks are placed in mark mode: answering a key moves past them.
    if let next = slots.indices.first(where: { index in
        index > state.focus && state.question(slots[index].question).map { $0.kind != .text && !$0.kind.isMarks } ?? false
    }) {
        state.focus = next
    }
}

/// The keys that answer `question`, for the form and the hints.
public func keyHelp(_ question: QuestionDefinition, candidates: [String]) -> String {
    switch question.kind {
    case let .likert(points, _), let .relative(points, _): return "1–\(min(points, 9))"
    case .yesNo: return "y yes · n no"
    case let .choice(options):
        return zip(StudyModeState.choiceKeys(options), options).map { "\($0) \($1)" }.joined(separator: " · ")
    case .text: return "type · Backspace edits · Esc leaves"
    case .preference: return candidates.map { $0.lowercased() }.joined(separator: "/")
    case .ranking: return "letters best first (" + candidates.map { $0.lowercased() }.joined(separator: ",") + ")"
    case .marks: return "M marks the image"
    }
}
