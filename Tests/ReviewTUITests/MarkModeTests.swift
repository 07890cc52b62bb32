import Dataset
import Foundation
import ReaderStudy
@testable import ReviewTUI
import TerminalGraphics
import Testing

/// Marks asked after a yes to "hallucinated" (per candidate), and a required marks
/// question with two categories asked always.
private let questions: [QuestionDefinition] = [
    QuestionDefinition(key: "fidelity", prompt: "Anatomical fidelity", kind: .likert(points: 5, anchors: [])),
    QuestionDefinition(key: "hallucinated", prompt: "Hallucinated structure?", kind: .yesNo),
    QuestionDefinition(key: "hallucinated_marks", prompt: "Mark the hallucinated structures",
                       kind: .marks(categories: ["hallucinated"]), required: false,
                       when: QuestionCondition(question: "hallucinated", answer: "yes")),
    QuestionDefinition(key: "artifacts", prompt: "Artifacts", kind: .choice(options: ["none", "mild", "severe"])),
    QuestionDefinition(key: "where", prompt: "Mark distortions and artifacts",
                       kind: .marks(categories: ["distorted", "artifact"]), required: true),
]

/// The default questions' conditional marks only.
private let conditionalOnly = questions.filter { $0.key != "where" }

private let size = PixelSize(width: 256, height: 192)
private let slotA = AnswerSlot(question: "hallucinated_marks", panel: "A")

private func caseView(_ id: String = "0002") -> StudyCaseView {
    StudyCaseView(caseID: id, organ: .thyroid, devices: DevicePair(low: "portable", high: "cart"),
                  panels: [ShownPanel(label: "REFERENCE", position: 1, isReference: true, imageId: "ref"),
                           ShownPanel(label: "A", position: 2, isReference: false, imageId: "a"),
                           ShownPanel(label: "B", position: 3, isReference: false, imageId: "b")],
                  position: 0, revision: 1)
}

/// A case with its images loaded (256×192).
private func makeState(_ questions: [QuestionDefinition] = questions, loaded: Bool = true) -> StudyModeState {
    let state = StudyModeState(studyName: "pilot", reader: "alice", blinded: true, questions: questions,
                               current: caseView(), answered: 0, total: 7)
    return loaded ? reduceStudy(state, .imageSize(caseID: "0002", size)) : state
}

private func press(_ state: StudyModeState, _ keys: [Key]) -> StudyModeState {
    keys.reduce(state) { reduceStudy($0, .key($1)) }
}

private func chars(_ text: String) -> [Key] { text.map { .character($0) } }

/// fidelity 4 4, hallucinated yes for A and no for B: the focus is then on artifacts (A),
/// and hallucinated_marks is asked for A.
private func answeredYesForA(_ questions: [QuestionDefinition] = questions) -> StudyModeState {
    press(makeState(questions), chars("44yn"))
}

/// In mark mode on A (entered from the focused fidelity (A) place).
private func inMarkMode() -> StudyModeState {
    var state = answeredYesForA()
    state.focus = 0
    return press(state, [.character("M")])
}

private func screenText(_ state: StudyModeState) -> String {
    let screen = StudyViews.draw(state, image: { _ in nil }, graphics: .halfBlocks, size: TerminalGraphicsSize.make(160, 50))
    return (0..<screen.rows).map(screen.line).joined(separator: "\n")
}

@Suite struct MarkModeTests {
    @Test func mNeedsAMarksQuestionAskedForThePanelAndSaysWhatToAnswerFirst() {
        var state = press(makeState(conditionalOnly), [.character("M")])
        #expect(state.markMode == nil)
        #expect(state.hint == "answer yes to 'hallucinated' for A first, then M marks the image")
        state = press(state, chars("44yn"))
        #expect(state.focusedSlot == AnswerSlot(question: "artifacts", panel: "A"))
        #expect(state.slots.contains(slotA))
        #expect(!state.slots.contains(AnswerSlot(question: "hallucinated_marks", panel: "B")))
        // On B, which was answered no: the hint names B.
        state.focus = state.slots.firstIndex(of: AnswerSlot(question: "fidelity", panel: "B"))!
        state = press(state, [.character("M")])
        #expect(state.markMode == nil)
        #expect(state.hint == "answer yes to 'hallucinated' for B first, then M marks the image")
        state.focus = state.slots.firstIndex(of: slotA)!
        state = press(state, [.character("M")])
        #expect(state.markMode?.panel == "A")
        #expect(state.markMode?.category == "hallucinated")
        #expect(press(makeState(Array(questions.prefix(2))), [.character("M")]).hint == "this study asks for no marks")
        let defaults = StudyModeState(studyName: "pilot", reader: "alice", blinded: true, questions: QuestionDefinition.defaults,
                                      current: caseView(), answered: 0, total: 7)
        #expect(press(defaults, [.character("M")]).hint
            == "answer yes to 'hallucinated' or 'lost' for A first, then M marks the image")
    }

    @Test func mWaitsForTheImagesAndStartsInTheMiddle() {
        let waiting = press(makeState(loaded: false), [.character("M")])
        #expect(waiting.markMode == nil)
        #expect(waiting.hint?.contains("still loading") == true)
        let state = press(makeState(), [.character("M")])
        #expect(state.markMode?.panel == "A", "a per-candidate place of A is focused")
        #expect(state.markMode?.cursor == ImagePoint(x: 128, y: 96))
        #expect(state.markOverlay.items == [MarkOverlay.Item(shape: .point(x: 128, y: 96), panel: "", style: .cursor)])
        // A per-case place (none here) or B's place: B's panel.
        var onB = makeState()
        onB.focus = 1
        #expect(press(onB, [.character("M")]).markMode?.panel == "B")
    }

    @Test func arrowsAndHjklMoveTheCursorShiftAndCapitalsFurtherWithinTheImage() {
        #expect(StudyModeState.markSteps(width: 256) == (4, 32))
        #expect(StudyModeState.markSteps(width: 40) == (1, 8))
        var state = inMarkMode()
        state = press(state, [.right, .character("l"), .down, .character("j"), .up, .character("k"), .character("k")])
        #expect(state.markMode?.cursor == ImagePoint(x: 136, y: 92))
        state = press(state, [.shiftLeft, .character("H"), .shiftDown, .character("J"), .shiftUp, .shiftRight, .character("L")])
        #expect(state.markMode?.cursor == ImagePoint(x: 136, y: 124))
        state = press(state, Array(repeating: .character("L"), count: 10) + Array(repeating: .character("K"), count: 10))
        #expect(state.markMode?.cursor == ImagePoint(x: 255, y: 0), "the cursor stays on the image")
        #expect(state.markModeStatus?.contains("MARK MODE · A · hallucinated · confidence 3 · (255, 0)") == true)
        #expect(state.focus == 0, "arrows do not move the form's focus in mark mode")
        #expect(state.command == nil, "← and → do not go back or resume in mark mode")
    }

    @Test func spacePlacesAPointBPlacesABoxAndEscapeCancelsTheBox() {
        var state = press(inMarkMode(), [.character(" ")])
        #expect(state.marks == [PendingMark(questionKey: "hallucinated_marks", panelLabel: "A", category: "hallucinated",
                                            shape: .point(x: 128, y: 96), confidence: 3)])
        #expect(state.answers[slotA] == "1", "the marks place's answer is its number of marks")
        #expect(state.markMode?.selected == 0)
        state = press(state, [.character("b"), .right, .right, .down])
        #expect(state.markMode?.boxStart == ImagePoint(x: 128, y: 96))
        #expect(state.markOverlay.items.last == MarkOverlay.Item(shape: .box(x: 128, y: 96, width: 9, height: 5),
                                                                  panel: "", style: .cursor))
        #expect(state.markModeStatus?.contains("box from (128, 96)") == true)
        state = press(state, [.escape])
        #expect(state.markMode != nil, "Esc first cancels the box in progress")
        #expect(state.markMode?.boxStart == nil)
        #expect(state.marks.count == 1)
        state = press(state, [.character("b"), .left, .left, .left, .up, .character("b")])
        #expect(state.marks.last?.shape == .box(x: 124, y: 96, width: 13, height: 5), "corners in either order")
        #expect(state.answers[slotA] == "2")
        #expect(state.markMode?.selected == 1)
        #expect(state.markOverlay.items.map(\.style) == [.mark, .selected, .cursor])
        #expect(state.markOverlay.items.prefix(2).allSatisfy { $0.panel == "A" })
        state = press(state, [.escape])
        #expect(state.markMode == nil, "Esc leaves the mode")
        #expect(state.markOverlay.items.map(\.style) == [.mark, .mark], "the marks stay drawn, no cursor")
    }

    @Test func cCyclesTheCategoryAndTheQuestionFollowsIt() {
        var state = inMarkMode()
        #expect(state.markCategories(panel: "A").map(\.category) == ["hallucinated", "distorted", "artifact"])
        #expect(state.markCategories(panel: "B").map(\.category) == ["distorted", "artifact"])
        state = press(state, [.character("c"), .character(" ")])
        #expect(state.marks.last?.category == "distorted")
        #expect(state.marks.last?.questionKey == "where")
        state = press(state, [.character("c")])
        #expect(state.marks.last?.category == "artifact", "c changes the selected mark too")
        state = press(state, [.character("c")])
        #expect(state.markMode?.category == "hallucinated")
        #expect(state.marks.last?.questionKey == "hallucinated_marks")
        #expect(state.answers[slotA] == "1")
        #expect(state.answers[AnswerSlot(question: "where", panel: "A")] == nil)
    }

    @Test func digitsSetTheConfidenceOfTheSelectedAndNextMarks() {
        var state = press(inMarkMode(), [.character("5"), .character(" ")])
        #expect(state.marks.last?.confidence == 5)
        state = press(state, [.character("2")])
        #expect(state.marks.last?.confidence == 2)
        state = press(state, [.character("9"), .character("0")])
        #expect(state.markMode?.confidence == 2, "only 1–5")
        state = press(state, [.right, .character(" ")])
        #expect(state.marks.map(\.confidence) == [2, 2])
    }

    @Test func tabSelectsTheMarksOfThisPanelAndGGrabsOneToMoveIt() {
        // Two marks on A, one on B.
        var state = press(inMarkMode(), [.character(" "), .character("L"), .character(" "), .character("]"),
                                         .character("J"), .character(" "), .character("[")])
        #expect(state.marks.map(\.panelLabel) == ["A", "A", "B"])
        #expect(state.markMode?.panel == "A")
        #expect(state.markMode?.selected == nil, "switching panel drops the selection")
        state = press(state, [.character("\t")])
        #expect(state.markMode?.selected == 0)
        state = press(state, [.character("\t")])
        #expect(state.markMode?.selected == 1)
        #expect(state.markMode?.cursor == ImagePoint(x: 160, y: 96), "the cursor goes to the selected mark")
        state = press(state, [.character("\t")])
        #expect(state.markMode?.selected == 0, "Tab wraps on A's marks (B's mark is not selected)")
        state = press(state, [.backTab])
        #expect(state.markMode?.selected == 1)
        #expect(state.markModeStatus?.contains("mark 2 of 2") == true)
        state = press(state, [.character("g"), .left, .character("J")])
        #expect(state.markModeStatus?.contains("mark 2 of 2 grabbed") == true)
        #expect(state.marks[1].shape == .point(x: 156, y: 128))
        #expect(state.markMode?.cursor == ImagePoint(x: 156, y: 128))
        state = press(state, [.character("g"), .right])
        #expect(state.marks[1].shape == .point(x: 156, y: 128), "g drops: the cursor moves alone")
        #expect(state.markMode?.cursor == ImagePoint(x: 160, y: 128))
        state = press(state, [.character("g"), .up, .character(" "), .up])
        #expect(state.marks[1].shape == .point(x: 156, y: 124), "Space drops too (and places nothing)")
        #expect(state.marks.count == 3)
        var none = press(inMarkMode(), [.character("g")])
        #expect(none.hint?.contains("Tab selects a mark first") == true)
        none = press(none, [.character("\t")])
        #expect(none.hint?.contains("no marks on A yet") == true)
    }

    @Test func dXAndDeleteDeleteTheSelectedMark() {
        var state = press(inMarkMode(), [.character(" "), .right, .character(" "), .right, .character(" "), .right, .character(" ")])
        #expect(state.answers[slotA] == "4")
        state = press(state, [.character("\t"), .character("d")])
        #expect(state.marks.map(\.shape.x) == [132, 136, 140])
        #expect(state.markMode?.selected == 0, "the next mark is selected")
        state = press(state, [.character("x")])
        #expect(state.marks.map(\.shape.x) == [136, 140])
        state = press(state, [.delete, .delete])
        #expect(state.marks.isEmpty)
        #expect(state.answers[slotA] == nil, "no marks: the place is unanswered")
        #expect(state.markMode?.selected == nil)
        #expect(press(state, [.character("d")]).hint?.contains("Tab selects a mark first") == true)
    }

    @Test func bracketsSwitchBetweenCandidatesAskedForMarks() {
        var state = press(inMarkMode(), [.character("L"), .character("]")])
        #expect(state.markMode?.panel == "B")
        #expect(state.markMode?.cursor == ImagePoint(x: 160, y: 96), "the same image position")
        #expect(state.markMode?.category == "distorted", "B is not asked for hallucinated marks")
        state = press(state, [.character(" ")])
        #expect(state.marks.last == PendingMark(questionKey: "where", panelLabel: "B", category: "distorted",
                                                shape: .point(x: 160, y: 96)))
        state = press(state, [.character("]")])
        #expect(state.markMode?.panel == "A")
        state = press(state, [.character("[")])
        #expect(state.markMode?.panel == "B")
        // Only A is asked for marks: nowhere to go.
        var only = answeredYesForA(conditionalOnly)
        only.focus = 0
        only = press(only, [.character("M"), .character("]")])
        #expect(only.markMode?.panel == "A")
        #expect(only.hint == "no other candidate is asked for marks")
    }

    @Test func oHidesAndShowsTheMarksInAndOutOfTheMode() {
        var state = press(inMarkMode(), [.character(" "), .character("o")])
        #expect(state.markOverlay.isHidden)
        #expect(state.markOverlay.visibleItems.isEmpty)
        #expect(state.markModeStatus?.contains("marks hidden") == true)
        state = press(state, [.character("o"), .escape])
        #expect(!state.markOverlay.isHidden)
        #expect(state.markOverlay.visibleItems.count == 1)
        state = press(state, [.character("o")])
        #expect(state.markOverlay.isHidden, "o works outside the mode too")
        #expect(state.hint == "marks hidden: o shows them")
        state = press(state, [.character("o")])
        #expect(!state.markOverlay.isHidden)
    }

    @Test func insideTheModeNoOtherKeyFires() {
        let entered = press(inMarkMode(), [.character(" ")])
        let state = press(entered, [.enter, .character("q"), .character("s"), .character("F"), .character("y"),
                                    .character("n"), .character("m"), .character("M"), .pageDown, .home])
        #expect(state.command == nil, "no submit, skip, back or resume")
        #expect(!state.wantsQuit)
        #expect(!state.confirmingFinalise)
        #expect(state.answers == entered.answers, "no answer changes")
        #expect(state.focus == entered.focus)
        #expect(state.marks == entered.marks)
        #expect(state.markMode == entered.markMode)
        #expect(state.hint == "mark mode: Esc leaves it · ? lists its keys")
        let help = press(entered, [.character("?")])
        #expect(help.showsHelp)
        #expect(press(help, [.character("x")]).marks == entered.marks, "the key closing help does nothing else")
        #expect(press(help, [.character("x")]).markMode != nil)
        #expect(press(entered, [.interrupt]).wantsQuit, "Ctrl-C still quits")
    }

    @Test func outsideTheModeEveryKeyKeepsItsMeaning() {
        var state = answeredYesForA()
        let focus = state.focus
        #expect(state.focusedSlot == AnswerSlot(question: "artifacts", panel: "A"))
        // M answers "mild" where m is an option's key, as it did before marks.
        state = press(state, [.character("M")])
        #expect(state.markMode == nil)
        #expect(state.answers[AnswerSlot(question: "artifacts", panel: "A")] == "mild")
        state.focus = focus
        state = press(state, [.character("m")])
        #expect(state.answers[AnswerSlot(question: "artifacts", panel: "A")] == "mild")
        // H, J, K, L answer nothing here (as before): they only say which keys do.
        state.focus = focus
        let before = state
        for key in chars("HJKL") {
            let after = press(before, [key])
            #expect(after.answers == before.answers)
            #expect(after.focus == before.focus)
            #expect(after.markMode == nil)
            #expect(after.hint?.hasPrefix("keys for this question") == true)
        }
        // Tab moves the focus (past the marks place too); ← goes back.
        let tabbed = press(before, [.character("\t")])
        #expect(tabbed.focus == before.focus + 1)
        #expect(press(before, [.backTab]).focusedSlot == slotA)
        #expect(press(before, [.left]).command == .previous)
        // The comment field types M and o.
        let texting = StudyModeState(studyName: "pilot", reader: "alice", blinded: true,
                                     questions: [QuestionDefinition(key: "comment", prompt: "Comment", kind: .text,
                                                                    required: false, perCase: true)] + questions,
                                     current: caseView(), answered: 0, total: 7)
        let typed = press(texting, chars("Mo"))
        #expect(typed.answers[AnswerSlot(question: "comment")] == "Mo")
        #expect(typed.markMode == nil)
    }

    @Test func submitCarriesTheMarksAndNamesMissingRequiredMarks() {
        var state = press(answeredYesForA(), [.character("n"), .character("n"), .enter])
        #expect(state.command == nil)
        #expect(state.hint == "answer before submitting: where (A), where (B)", "required marks are named like answers")
        state.focus = 0
        state = press(state, [.character("M"), .character(" "), .right, .character(" "), .character("]"), .character(" "),
                              .escape, .enter])
        #expect(state.command == nil)
        #expect(state.hint == "answer before submitting: where (A)")
        #expect(state.focusedSlot == AnswerSlot(question: "where", panel: "A"))
        state = press(state, [.character("M"), .character(" "), .escape, .enter])
        let marks = state.marks
        #expect(marks.map(\.questionKey) == ["hallucinated_marks", "hallucinated_marks", "where", "where"])
        #expect(marks.map(\.panelLabel) == ["A", "A", "B", "A"])
        // The places' counts are the session's to keep: the command carries the marks.
        #expect(state.command == .submit([AnswerSlot(question: "fidelity", panel: "A"): "4",
                                          AnswerSlot(question: "fidelity", panel: "B"): "4",
                                          AnswerSlot(question: "hallucinated", panel: "A"): "yes",
                                          AnswerSlot(question: "hallucinated", panel: "B"): "no",
                                          AnswerSlot(question: "artifacts", panel: "A"): "none",
                                          AnswerSlot(question: "artifacts", panel: "B"): "none"],
                                         marks: marks, imageSize: size))
    }

    /// A "no" after marks hides their question: they are neither drawn, listed, selected
    /// nor submitted (and come back with a "yes", as hidden answers do).
    @Test func aHiddenQuestionsMarksAreNotDrawnSelectedOrSubmitted() {
        var state = press(inMarkMode(), [.character(" "), .escape])
        #expect(state.markOverlay.items.count == 1)
        state.focus = state.slots.firstIndex(of: AnswerSlot(question: "hallucinated", panel: "A"))!
        state = press(state, [.character("n")])
        #expect(!state.slots.contains(slotA))
        #expect(state.markOverlay.items.isEmpty)
        state.focus = 0
        state = press(state, [.character("M"), .character("\t")])
        #expect(state.markMode?.category == "distorted")
        #expect(state.hint?.contains("no marks on A yet") == true)
        state = press(state, [.escape])
        state.focus = state.slots.firstIndex(of: AnswerSlot(question: "hallucinated", panel: "A"))!
        state = press(state, [.character("y")])
        #expect(state.markOverlay.items.count == 1, "a yes shows them again")

        // Submitted: only while asked.
        var form = answeredYesForA(conditionalOnly)
        form.focus = 0
        form = press(form, [.character("M"), .character(" "), .escape])
        form.answers[AnswerSlot(question: "artifacts", panel: "A")] = "none"
        form.answers[AnswerSlot(question: "artifacts", panel: "B")] = "none"
        let asked = press(form, [.enter])
        guard case let .submit(_, askedMarks, _)? = asked.command else {
            Issue.record("expected a submit, got \(String(describing: asked.command)) (\(asked.hint ?? ""))")
            return
        }
        #expect(askedMarks == form.marks)
        #expect(askedMarks.count == 1)
        form.focus = form.slots.firstIndex(of: AnswerSlot(question: "hallucinated", panel: "A"))!
        let hidden = press(form, [.character("n"), .enter])
        guard case let .submit(_, hiddenMarks, _)? = hidden.command else {
            Issue.record("expected a submit, got \(String(describing: hidden.command)) (\(hidden.hint ?? ""))")
            return
        }
        #expect(hiddenMarks.isEmpty)
        #expect(hidden.marks.count == 1, "still on the form")
    }

    @Test func movedBringsTheCaseMarksAndLeavesTheMode() {
        let stored = PendingMark(questionKey: "where", panelLabel: "B", category: "artifact", shape: .box(x: 1, y: 2, width: 3, height: 4))
        var state = press(inMarkMode(), [.character(" ")])
        state = reduceStudy(state, .moved(to: caseView("0003"), answers: [AnswerSlot(question: "where", panel: "B"): "1"],
                                          answered: 1, total: 7, message: "saved", marks: [stored]))
        #expect(state.markMode == nil)
        #expect(state.marks == [stored])
        #expect(state.imageSize == nil, "another case: its images give the size")
        #expect(state.markOverlay.items == [MarkOverlay.Item(shape: stored.shape, panel: "B", style: .mark)])
        #expect(reduceStudy(state, .imageSize(caseID: "0002", size)).imageSize == nil, "a late size of another case")
        #expect(reduceStudy(state, .imageSize(caseID: "0003", size)).imageSize == size)
    }

    @Test func formStatusBarAndHelpShowTheMarks() {
        var state = press(inMarkMode(), [.character(" "), .right, .character(" ")])
        var text = screenText(state)
        #expect(text.contains("MARK MODE · A · hallucinated · confidence 3 · (132, 96)"))
        #expect(text.contains("Space point · b box"))
        #expect(text.contains("→ 2 marks: hallucinated ×2"))
        state = press(state, [.character("c"), .character("c"), .right, .character(" "), .escape])
        state.focus = state.slots.firstIndex(of: slotA)!
        text = screenText(state)
        // c changed the selected (second) mark to artifact, then one more artifact mark.
        #expect(text.contains("→ 1 mark: hallucinated ×1   (M marks the image)"))
        #expect(text.contains("→ 2 marks: artifact ×2"))
        #expect(!text.contains("MARK MODE"))
        text = screenText(press(state, [.character("?")]))
        #expect(text.contains("Mark mode (Esc leaves; no other key acts in it)"))
        #expect(text.contains("g                       grab the selected mark"))
    }
}

@Suite struct MarkLimitTests {
    /// A case holds at most `PendingMark.limitPerAnswerSet` marks: one more is refused with
    /// a hint, and the marks placed stay.
    @Test func oneMarkBeyondTheLimitIsRefusedWithAHint() {
        var state = inMarkMode()
        state = press(state, Array(repeating: .character(" "), count: PendingMark.limitPerAnswerSet))
        #expect(state.marks.count == PendingMark.limitPerAnswerSet)
        #expect(state.hint == nil)
        state = press(state, [.character(" ")])
        #expect(state.marks.count == PendingMark.limitPerAnswerSet)
        #expect(state.hint?.contains("at most \(PendingMark.limitPerAnswerSet) marks") == true)
    }
}
