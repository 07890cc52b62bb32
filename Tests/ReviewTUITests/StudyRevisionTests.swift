import Dataset
import Foundation
import ReaderStudy
@testable import ReviewTUI
import TerminalGraphics
import Testing

private let revisionQuestions: [QuestionDefinition] = [
    QuestionDefinition(key: "fidelity", prompt: "Anatomical fidelity", kind: .likert(points: 5, anchors: [])),
    QuestionDefinition(key: "preferred", prompt: "Preferred", kind: .preference, perCase: true),
    QuestionDefinition(key: "comment", prompt: "Comment", kind: .text, required: false, perCase: true),
]

private func revisionCase(_ id: String, position: Int, revision: Int = 1) -> StudyCaseView {
    StudyCaseView(caseID: id, organ: .thyroid, devices: DevicePair(low: "portable", high: "cart"),
                  panels: [ShownPanel(label: "REFERENCE", position: 1, isReference: true, imageId: "r"),
                           ShownPanel(label: "A", position: 2, isReference: false, imageId: "a"),
                           ShownPanel(label: "B", position: 3, isReference: false, imageId: "b")],
                  position: position, revision: revision)
}

private func resumeState() -> StudyModeState {
    StudyModeState(studyName: "pilot", reader: "alice", blinded: true, questions: revisionQuestions,
                   current: revisionCase("0003", position: 2), answered: 2, total: 5)
}

private func keys(_ state: StudyModeState, _ keys: [Key]) -> StudyModeState {
    keys.reduce(state) { reduceStudy($0, .key($1)) }
}

@Suite struct StudyRevisionTests {
    @Test func backKeysAskForThePreviousCase() {
        for key in [Key.left, .character("b"), .character("[")] {
            let state = keys(resumeState(), [key])
            #expect(state.command == .previous, "\(key)")
        }
    }

    @Test func bAnswersAPreferenceForCandidateBInsteadOfGoingBack() {
        var state = resumeState()
        state.focus = state.slots.firstIndex(of: AnswerSlot(question: "preferred"))!
        state = keys(state, [.character("b")])
        #expect(state.command == nil)
        #expect(state.answers[AnswerSlot(question: "preferred")] == "B")
        // ← still goes back from there.
        #expect(keys(state, [.left]).command == .previous)
    }

    @Test func bTypesIntoTheCommentField() {
        var state = resumeState()
        state.focus = state.slots.firstIndex(of: AnswerSlot(question: "comment"))!
        state = keys(state, [.character("b")])
        #expect(state.command == nil)
        #expect(state.answers[AnswerSlot(question: "comment")] == "b")
    }

    @Test func revisedCaseShowsPrefilledAnswersAndEnterSubmitsARevision() {
        var state = reduceStudy(keys(resumeState(), [.left]), .moved(
            to: revisionCase("0002", position: 1, revision: 2),
            answers: [AnswerSlot(question: "fidelity", panel: "A"): "3", AnswerSlot(question: "fidelity", panel: "B"): "4",
                      AnswerSlot(question: "preferred"): "A"],
            answered: 2, total: 5, message: "revising case 0002 (answer set 2)"))
        #expect(state.command == nil)
        #expect(state.isRevising)
        #expect(state.answers[AnswerSlot(question: "fidelity", panel: "B")] == "4")
        #expect(state.statusMessage?.contains("revising") == true)
        state = keys(state, [.character("5"), .enter])
        #expect(state.command == .submit([AnswerSlot(question: "fidelity", panel: "A"): "5",
                                          AnswerSlot(question: "fidelity", panel: "B"): "4",
                                          AnswerSlot(question: "preferred"): "A"]))
    }

    @Test func forwardKeysReturnToTheResumePointOnlyWhenRevising() {
        var state = keys(resumeState(), [.right])
        #expect(state.command == nil)
        #expect(state.hint?.contains("already at the resume point") == true)
        state.current = revisionCase("0002", position: 1, revision: 2)
        #expect(keys(state, [.right]).command == .resume)
        #expect(keys(state, [.character("]")]).command == .resume)
        // A revised case cannot be skipped (it is answered already).
        let skipped = keys(state, [.character("s")])
        #expect(skipped.command == nil)
        #expect(skipped.hint?.contains("cannot be skipped") == true)
    }

    @Test func nothingToGoBackToKeepsTheForm() {
        var state = keys(resumeState(), [.character("4")])
        state = reduceStudy(keys(state, [.left]), .notice("no earlier answered case to revise"))
        #expect(state.command == nil)
        #expect(state.answers[AnswerSlot(question: "fidelity", panel: "A")] == "4")
        #expect(state.statusMessage == "no earlier answered case to revise")
        #expect(!state.statusIsError)
    }

    @Test func finaliseNeedsConfirmationAndAnyOtherKeyCancels() {
        var state = keys(resumeState(), [.character("F")])
        #expect(state.confirmingFinalise)
        #expect(state.command == nil)
        #expect(state.hint?.contains("3 of 5 cases unanswered") == true)
        state = keys(state, [.character("n")])
        #expect(!state.confirmingFinalise)
        #expect(state.command == nil)
        #expect(state.answers.isEmpty)  // the cancelling key answers nothing
        #expect(state.hint?.contains("not finalised") == true)
        state = keys(state, [.character("F"), .character("y")])
        #expect(state.command == .finalise)
        state = reduceStudy(state, .finalised(message: "finalised: answers locked; thank you"))
        #expect(state.finalised)
        #expect(state.command == nil)
        #expect(keys(state, [.character("F")]).hint?.contains("already finalised") == true)
    }

    @Test func afterFinalisingEnterGoesToTheStoreAndItsRefusalShows() {
        var state = resumeState()
        state.finalised = true
        // Even an incomplete form is sent: the store says why it is refused.
        state = keys(state, [.enter])
        #expect(state.command == .submit([:]))
        state = reduceStudy(state, .commandFailed("not saved: Reader 'alice' has finalised study 'pilot'; answers can no longer be changed."))
        #expect(state.statusIsError)
        #expect(state.statusMessage?.contains("has finalised") == true)
        #expect(state.hint?.contains("locked") == true)
        #expect(state.finalised)
    }

    @Test func statusBarSaysWhenAnswersAreLocked() {
        var state = resumeState()
        state.finalised = true
        let screen = StudyViews.draw(state, image: { _ in nil }, graphics: .halfBlocks,
                                     size: TerminalSize(columns: 160, rows: 40))
        #expect(screen.line(38).contains(StudyModeState.lockedStatus))
    }
}
