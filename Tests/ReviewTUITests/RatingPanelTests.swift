import Dataset
import Foundation
import ReaderStudy
@testable import ReviewTUI
import Testing

private let questions: [QuestionDefinition] = [
    QuestionDefinition(key: "fidelity", prompt: "Anatomical fidelity", kind: .likert(points: 5, anchors: [])),
    QuestionDefinition(key: "hallucinated", prompt: "Hallucinated structure?", kind: .yesNo),
    QuestionDefinition(key: "artifacts", prompt: "Artifacts", kind: .choice(options: ["none", "mild", "severe"])),
    QuestionDefinition(key: "comment", prompt: "Comment", kind: .text, required: false, perCase: true),
]

private func caseView(_ id: String = "0002", candidates: [String] = ["A"]) -> StudyCaseView {
    var panels = [ShownPanel(label: "REFERENCE", position: 1, isReference: true, imageId: "image-ref")]
    for (offset, label) in candidates.enumerated() {
        panels.append(ShownPanel(label: label, position: offset + 2, isReference: false, imageId: "image-\(offset)"))
    }
    return StudyCaseView(caseID: id, organ: .thyroid, devices: DevicePair(low: "portable", high: "cart"),
                         panels: panels, position: 0, revision: 1)
}

private func makeState(candidates: [String] = ["A"]) -> StudyModeState {
    StudyModeState(studyName: "pilot", reader: "alice", blinded: true, questions: questions,
                   current: caseView(candidates: candidates), answered: 0, total: 7)
}

private func press(_ state: StudyModeState, _ keys: [Key]) -> StudyModeState {
    keys.reduce(state) { reduceStudy($0, .key($1)) }
}

private func type(_ text: String) -> [Key] { text.map { .character($0) } }

@Suite struct RatingPanelTests {
    @Test func slotsWalkQuestionsThenCandidatesAndTabWraps() {
        var state = makeState(candidates: ["A", "B"])
        #expect(state.slots.map(\.description) == [
            "fidelity (A)", "fidelity (B)", "hallucinated (A)", "hallucinated (B)",
            "artifacts (A)", "artifacts (B)", "comment",
        ])
        state = press(state, [.character("\t"), .character("\t")])
        #expect(state.focusedSlot == AnswerSlot(question: "hallucinated", panel: "A"))
        state = press(state, [.backTab, .backTab, .backTab])
        #expect(state.focusedSlot == AnswerSlot(question: "comment"))
        state = press(state, [.character("\t")])
        #expect(state.focus == 0)
    }

    @Test func keysAnswerTheFocusedQuestionAndMoveOn() {
        var state = press(makeState(), [.character("4")])
        #expect(state.answers[AnswerSlot(question: "fidelity", panel: "A")] == "4")
        #expect(state.focusedSlot?.question == "hallucinated")
        state = press(state, [.character("7")])  // not a key of this question
        #expect(state.answers[AnswerSlot(question: "hallucinated", panel: "A")] == nil)
        #expect(state.hint?.contains("y yes") == true)
        state = press(state, [.character("n"), .character("m")])
        #expect(state.answers[AnswerSlot(question: "hallucinated", panel: "A")] == "no")
        #expect(state.answers[AnswerSlot(question: "artifacts", panel: "A")] == "mild")
        // The last non-text answer does not jump into the comment field.
        #expect(state.focusedSlot?.question == "artifacts")
        #expect(!state.isEditingText)
        state = press(state, [.backspace])
        #expect(state.answers[AnswerSlot(question: "artifacts", panel: "A")] == nil)
    }

    @Test func choiceKeysUseUniqueFirstLettersElseNumbers() {
        #expect(StudyModeState.choiceKeys(["none", "mild", "severe"]) == ["n", "m", "s"])
        #expect(StudyModeState.choiceKeys(["small", "severe", "none"]) == ["1", "2", "n"])
    }

    @Test func commentFieldTypesEditsAndLeavesWithEscape() {
        var state = press(makeState(), [.backTab])
        #expect(state.isEditingText)
        state = press(state, type("qs cyst?") + [.backspace])
        #expect(state.answers[AnswerSlot(question: "comment")] == "qs cyst")
        #expect(!state.wantsQuit)  // q and s are text here
        #expect(state.command == nil)
        state = press(state, [.escape])
        #expect(!state.isEditingText)
        #expect(state.focusedSlot == AnswerSlot(question: "fidelity", panel: "A"))
    }

    @Test func missingRequiredAnswersBlockSubmissionWithAHint() {
        var state = press(makeState(), [.character("4"), .enter])
        #expect(state.command == nil)
        #expect(state.hint == "answer before submitting: hallucinated (A), artifacts (A)")
        #expect(state.focusedSlot?.question == "hallucinated")
        state = press(state, [.character("y"), .character("n"), .enter])
        #expect(state.command == .submit([
            AnswerSlot(question: "fidelity", panel: "A"): "4",
            AnswerSlot(question: "hallucinated", panel: "A"): "yes",
            AnswerSlot(question: "artifacts", panel: "A"): "none",
        ]))
        // Keys wait while the command is carried out.
        state = press(state, [.character("q")])
        #expect(!state.wantsQuit)
    }

    @Test func failedSubmitKeepsTheFormAndSuccessMovesOn() {
        var state = press(makeState(), [.character("4"), .character("y"), .character("n"), .backTab])
        state = press(state, type("ok") + [.enter])
        let answers = state.answers
        state = reduceStudy(state, .commandFailed("not saved: the disk is full"))
        #expect(state.command == nil)
        #expect(state.answers == answers)
        #expect(state.current?.caseID == "0002")
        #expect(state.statusIsError)
        #expect(state.statusMessage == "not saved: the disk is full")
        state = press(state, [.enter])
        #expect(state.command == .submit(answers))
        state = reduceStudy(state, .moved(to: caseView("0417"), answers: [:], answered: 1, total: 7, message: "saved"))
        #expect(state.current?.caseID == "0417")
        #expect(state.answers.isEmpty)
        #expect(state.focus == 0)
        #expect(state.displayedNumber == 2)
        #expect(!state.statusIsError)
    }

    @Test func skipAndQuit() {
        var state = press(makeState(), [.character("s")])
        #expect(state.command == .skip)
        state = reduceStudy(state, .moved(to: caseView("0003"), answers: [:], answered: 0, total: 7, message: "skipped"))
        state = press(state, [.character("q")])
        #expect(state.wantsQuit)
        #expect(press(makeState(), [.interrupt]).wantsQuit)
    }

    @Test func blindedScreenShowsLabelsProgressAndNoModelName() {
        let state = press(makeState(candidates: ["A", "B"]), [.character("3")])
        let screen = StudyViews.draw(state, image: { _ in nil }, graphics: .halfBlocks,
                                     size: TerminalGraphicsSize.make(160, 50))
        let text = (0..<screen.rows).map(screen.line).joined(separator: "\n")
        #expect(text.contains("REFERENCE"))
        #expect(text.contains("case 1 of 7"))
        #expect(text.contains("Anatomical fidelity"))
        #expect(text.contains("→ 3"))
        #expect(!text.contains("unet"))
        #expect(!text.contains("SSIM"))
    }

    @Test func bridgeSubmitsToTheSessionAndKeepsTheFormWhenTheStoreFails() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("usreview-rating-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent("study.sqlite")
        let store = try SQLiteStudyStore(url: url)
        let cases = (1...3).map { number in
            Case(id: String(format: "%04d", number), organ: .thyroid, devices: DevicePair(low: "portable", high: "cart"),
                 lowPath: folder.appendingPathComponent("\(number)-low.png"),
                 highPath: folder.appendingPathComponent("\(number)-high.png"), split: .test)
        }
        let definition = StudyDefinition(name: "pilot", datasetPath: folder.path,
                                         models: [ModelSpec(name: "unet", weights: "/m/unet.safetensors")],
                                         questions: questions, includeHighAsCandidate: false)
        _ = try store.createStudy(definition, cases: cases, calibration: [])
        try store.enrol(readers: ["alice"], inStudy: "pilot")
        let session = try ReadingSession(store: store, study: "pilot", reader: "alice")
        var state = StudySessionBridge.initialState(session)
        #expect(state.total == 3)
        #expect(state.current?.panels.map(\.label) == ["REFERENCE", "A"])
        let first = state.current?.caseID
        state = press(state, [.character("5"), .character("n"), .character("n"), .enter])
        let command = try #require(state.command)
        state = reduceStudy(state, StudySessionBridge.perform(command, on: session))
        #expect(state.answered == 1)
        #expect(state.current?.caseID != first)
        #expect(state.displayedNumber == 2)

        // A store that cannot be written: the error shows and the form stays.
        let readOnly = try SQLiteStudyStore(url: url, options: SQLiteStudyStore.Options(readOnly: true))
        let stuck = try ReadingSession(store: readOnly, study: "pilot", reader: "alice")
        var stuckState = press(StudySessionBridge.initialState(stuck), [.character("2"), .character("y"), .character("s")])
        #expect(stuckState.current?.caseID == state.current?.caseID)  // resumed at the second case
        let answers = stuckState.answers
        stuckState = press(stuckState, [.enter])
        stuckState = reduceStudy(stuckState, StudySessionBridge.perform(try #require(stuckState.command), on: stuck))
        #expect(stuckState.statusIsError)
        #expect(stuckState.statusMessage?.hasPrefix("not saved:") == true)
        #expect(stuckState.answers == answers)
        #expect(stuckState.answered == 1)
    }
}
