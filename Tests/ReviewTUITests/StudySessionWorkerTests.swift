import Dataset
import Foundation
import ReaderStudy
@testable import ReviewTUI
import TerminalGraphics
import Testing

/// A store whose `submit` waits until the test opens the gate: a server that is slow to
/// answer. Everything else goes to a real SQLite store.
private final class GatedStore: ReaderStudyStore, @unchecked Sendable {
    let inner: SQLiteStudyStore
    let gate = DispatchSemaphore(value: 0)
    let submitStarted = DispatchSemaphore(value: 0)
    private let lock = NSLock()
    private var sets: [AnswerSet] = []
    /// The answer sets handed to the store, in order.
    var submitted: [AnswerSet] { lock.withLock { sets } }

    init(_ inner: SQLiteStudyStore) { self.inner = inner }

    var location: String { inner.location }
    func readingStudy(named name: String) throws -> ReadingStudy { try inner.readingStudy(named: name) }
    func openReading(reader name: String, in study: ReadingStudy) throws -> ReaderState {
        try inner.openReading(reader: name, in: study)
    }
    func panelImage(id: String) throws -> ReaderStudy.PanelImage { try inner.panelImage(id: id) }
    func submit(_ set: AnswerSet) throws -> Submission {
        lock.withLock { sets.append(set) }
        submitStarted.signal()
        gate.wait()
        return try inner.submit(set)
    }
    func marks(submissionId: Int64) throws -> [StoredMark] { try inner.marks(submissionId: submissionId) }
    func recordSkip(readerId: Int64, position: Int) throws { try inner.recordSkip(readerId: readerId, position: position) }
    func finalise(readerId: Int64, now: Date) throws { try inner.finalise(readerId: readerId, now: now) }
    func latestAnswers(presentationId: Int64) throws -> (Submission, [Answer])? {
        try inner.latestAnswers(presentationId: presentationId)
    }
    func acquireLease(readerId: Int64, holder: String, duration: TimeInterval, now: Date) throws -> ReadingLease {
        try inner.acquireLease(readerId: readerId, holder: holder, duration: duration, now: now)
    }
    func releaseLease(readerId: Int64, holder: String) throws { try inner.releaseLease(readerId: readerId, holder: holder) }
    func close() throws { try inner.close() }
}

/// Waits up to 10 s for the worker's next replies (a failure, never a hang, when none come).
private func nextReplies(_ worker: StudySessionWorker) -> [StudySessionWorker.Reply] {
    let deadline = Date().addingTimeInterval(10)
    while Date() < deadline {
        let replies = worker.drain()
        if !replies.isEmpty { return replies }
        usleep(2000)
    }
    return []
}

/// One candidate, "4" answered and Enter pressed: a submit in flight.
private func savingState() -> StudyModeState {
    let questions = [QuestionDefinition(key: "fidelity", prompt: "Fidelity", kind: .likert(points: 5, anchors: []))]
    let view = StudyCaseView(caseID: "0001", organ: .thyroid, devices: DevicePair(low: "p", high: "c"),
                             panels: [ShownPanel(label: "A", position: 1, isReference: false, imageId: "a")],
                             position: 0, revision: 1)
    let state = StudyModeState(studyName: "pilot", reader: "alice", blinded: true, questions: questions,
                               current: view, answered: 0, total: 2)
    return reduceStudy(reduceStudy(state, .key(.character("4"))), .key(.enter))
}

/// A blinded study of `cases` thyroid cases, one model, no HIGH candidate (so one panel,
/// A), frozen with synthetic panels, with alice enrolled.
private func enrolledStudy(in folder: URL, cases count: Int, questions: [QuestionDefinition]) throws -> SQLiteStudyStore {
    let sqlite = try SQLiteStudyStore(url: folder.appendingPathComponent("study.sqlite"))
    let cases = (1...count).map { number in
        let id = String(format: "%04d", number)
        return Case(id: id, organ: .thyroid, devices: DevicePair(low: "portable", high: "cart"),
                    lowPath: URL(fileURLWithPath: "/l/\(id).png"), highPath: URL(fileURLWithPath: "/h/\(id).png"),
                    split: .test)
    }
    let definition = StudyDefinition(
        name: "pilot", datasetPath: folder.path, models: [ModelSpec(name: "unet", weights: "/m/unet.safetensors")],
        mode: .blinded, questions: questions, includeHighAsCandidate: false)
    try sqlite.createStudy(definition, cases: cases)
    try sqlite.enrol(readers: ["alice"], inStudy: "pilot")
    return sqlite
}

@Suite struct StudySessionWorkerTests {
    @Test func aSlowSubmitDoesNotBlockTheCallerAndItsAnswerArrivesLater() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let sqlite = try enrolledStudy(in: folder, cases: 3, questions: [
            QuestionDefinition(key: "fidelity", prompt: "Anatomical fidelity", kind: .likert(points: 5, anchors: []))])
        let store = GatedStore(sqlite)
        let session = try ReadingSession(store: store, study: "pilot", reader: "alice")
        let first = try #require(session.current)
        let worker = StudySessionWorker(session: session)

        // Returns at once although the store has not answered: the run loop goes on drawing.
        worker.perform(.submit([AnswerSlot(question: "fidelity", panel: "A"): "4"]))
        #expect(store.submitStarted.wait(timeout: .now() + 10) == .success, "the submit reached the store")
        #expect(worker.isBusy)
        #expect(worker.drain().isEmpty, "nothing is answered while the store is busy")
        worker.loadImages(caseID: first.studyCase.caseId, panels: first.panels, cached: [])

        store.gate.signal()
        let replies = nextReplies(worker)
        guard case let .event(.moved(to, _, answered, _, message, _))? = replies.first else {
            Issue.record("expected the submit's .moved first, got \(replies)")
            return
        }
        #expect(answered == 1)
        #expect(to?.caseID != first.studyCase.caseId)
        #expect(message.contains("saved"))
        #expect(!worker.isBusy)
        // Calls run in order: the images asked for after the submit come after its answer.
        var rest = Array(replies.dropFirst())
        if rest.isEmpty { rest = nextReplies(worker) }
        guard case let .images(caseID, images, failure)? = rest.first else {
            Issue.record("expected the images, got \(rest)")
            return
        }
        #expect(caseID == first.studyCase.caseId)
        #expect(failure == nil)
        #expect(Set(images.keys) == Set(first.panels.map(\.imageId)))
        #expect(images.values.allSatisfy { $0.width == 16 && $0.height == 16 }, "the synthetic renderer's 16×16 panels")
        // Then, ahead of time, the images of the case a submit of the one now on screen leads to.
        rest = Array(rest.dropFirst())
        if rest.isEmpty { rest = nextReplies(worker) }
        guard case let .prefetched(ahead)? = rest.first else {
            Issue.record("expected the next case's images fetched ahead, got \(rest)")
            return
        }
        let upcoming = try #require(session.upcomingPanels)
        #expect(Set(ahead.keys) == Set(upcoming.map(\.imageId)).subtracting(images.keys))
        #expect(!ahead.isEmpty)
        worker.finish()
        // The lease was given back: a second session opens at once.
        let again = try ReadingSession(store: sqlite, study: "pilot", reader: "alice", leaseHolder: "elsewhere")
        #expect(again.progress.answered == 1)
        try again.close()
    }

    /// The form's marks go through the worker into the stored answer set, checked against
    /// the panels' size; a refused submit leaves nothing behind for the retry.
    @Test func submittedMarksReachTheAnswerSet() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let sqlite = try enrolledStudy(in: folder, cases: 2, questions: [
            QuestionDefinition(key: "hallucinated", prompt: "Hallucinated?", kind: .yesNo),
            QuestionDefinition(key: "hallucinated_marks", prompt: "Where?", kind: .marks(categories: ["hallucinated"]),
                               required: false, when: QuestionCondition(question: "hallucinated", answer: "yes"))])
        let store = GatedStore(sqlite)
        let session = try ReadingSession(store: store, study: "pilot", reader: "alice")
        let first = try #require(session.current?.studyCase.caseId)
        let worker = StudySessionWorker(session: session)
        defer { worker.finish() }
        let yes = [AnswerSlot(question: "hallucinated", panel: "A"): "yes"]
        let point = PendingMark(questionKey: "hallucinated_marks", panelLabel: "A", category: "hallucinated",
                                shape: .point(x: 3, y: 4), confidence: 5)
        let box = PendingMark(questionKey: "hallucinated_marks", panelLabel: "A", category: "hallucinated",
                              shape: .box(x: 8, y: 9, width: 4, height: 5))
        var outside = box
        outside.shape = .box(x: 14, y: 0, width: 4, height: 2)
        let size = PixelSize(width: 16, height: 16)  // the synthetic renderer's panels

        worker.perform(.submit(yes, marks: [point, outside], imageSize: size))
        guard case let .event(.commandFailed(message))? = nextReplies(worker).first else {
            Issue.record("a mark outside the image must be refused")
            return
        }
        #expect(message.contains("outside the 16×16 image"))
        #expect(store.submitted.isEmpty, "nothing reached the store")

        store.gate.signal()
        worker.perform(.submit(yes, marks: [point, box], imageSize: size))
        guard case let .event(.moved(to, _, answered, _, _, shownMarks))? = nextReplies(worker).first else {
            Issue.record("expected the submit's .moved")
            return
        }
        #expect(answered == 1)
        #expect(to?.caseID != first)
        #expect(shownMarks.isEmpty, "the next case has no marks yet")
        let set = try #require(store.submitted.last)
        #expect(set.marks == [point, box], "the retry's marks, each once, in the order placed")
        #expect(set.answers.contains(PendingAnswer(questionKey: "hallucinated_marks", panelLabel: "A", value: "2")),
                "the marks place's answer is their number")

        // A "no" hides the marks question: its marks are not stored.
        store.gate.signal()
        worker.perform(.submit([AnswerSlot(question: "hallucinated", panel: "A"): "no"], marks: [point], imageSize: size))
        guard case .event(.moved)? = nextReplies(worker).first else {
            Issue.record("expected the second submit's .moved")
            return
        }
        #expect(store.submitted.count == 2)
        #expect(store.submitted.last?.marks == [])
    }

    @Test func keysTypedWhileACommandIsInFlightWaitExceptHelp() {
        let state = savingState()
        #expect(state.command == .submit([AnswerSlot(question: "fidelity", panel: "A"): "4"]))
        #expect(StudyModeState.isAnsweredInFlight(.character("?"), keysHeld: 0))
        #expect(!StudyModeState.isAnsweredInFlight(.character("5"), keysHeld: 0))
        let helped = reduceStudy(state, .key(.character("?")))
        #expect(helped.showsHelp, "help opens while saving")
        let typed = reduceStudy(state, .key(.character("5")))
        #expect(typed.answers == state.answers, "an answer key does nothing to the form being saved")
    }

    /// A server that never answers must not keep the reader in the app: q while saving
    /// quits once the store answers, q again quits at once; a q typed after other keys
    /// waits its turn (it may be text for the next form).
    @Test func qWhileSavingQuitsWhenAnsweredAndQAgainQuitsNow() {
        let state = savingState()
        #expect(state.command != nil)
        #expect(StudyModeState.isAnsweredInFlight(.character("q"), keysHeld: 0))
        #expect(!StudyModeState.isAnsweredInFlight(.character("q"), keysHeld: 1))
        #expect(StudyModeState.isAnsweredInFlight(.interrupt, keysHeld: 3))
        let once = reduceStudy(state, .key(.character("q")))
        #expect(once.quitWhenAnswered && !once.wantsQuit && !once.abandonsCommand)
        #expect(once.statusMessage == StudyModeState.quitInFlightMessage)
        let answered = reduceStudy(once, .commandFailed("not saved: the server is gone"))
        #expect(answered.wantsQuit, "the store answered: the app quits")
        let twice = reduceStudy(once, .key(.interrupt))
        #expect(twice.abandonsCommand, "q (or Ctrl-C) again: quit now")
        #expect(!reduceStudy(state, .key(.character("?"))).quitWhenAnswered)
    }
}
