import Dataset
import Enhancer
import Foundation
import ReaderStudy
import TerminalGraphics

/// Between the pure study state and the reading session (which does the I/O).
public enum StudySessionBridge {
    /// The case the session shows, as the views need it.
    public static func caseView(_ session: ReadingSession) -> StudyCaseView? {
        guard let current = session.current else { return nil }
        let item = current.studyCase
        return StudyCaseView(caseID: item.caseId, organ: item.organ,
                             devices: DevicePair(low: item.lowDevice, high: item.highDevice),
                             panels: current.panels, position: current.position, revision: current.nextRevision)
    }

    /// The study state for a freshly opened (or resumed) session.
    public static func initialState(_ session: ReadingSession) -> StudyModeState {
        let progress = session.progress
        var state = StudyModeState(studyName: session.snapshot.study.name, reader: session.readerName,
                                   blinded: session.snapshot.definition.mode == .blinded,
                                   questions: session.questions, current: caseView(session),
                                   answers: session.pending, answered: progress.answered, total: progress.total)
        if progress.answered > 0, state.current != nil {
            state.statusMessage = "resumed: \(progress.answered) of \(progress.total) answered"
        }
        state.finalised = session.isFinalised
        return state
    }

    /// Carries out `command` on the session; the answer to feed `reduceStudy`.
    /// A failed store (read-only file, full disk) comes back as `.commandFailed`, and the
    /// session keeps its pending answers, so the form can be submitted again.
    public static func perform(_ command: StudyCommand, on session: ReadingSession) -> StudyEvent {
        let caseID = session.current?.studyCase.caseId ?? "?"
        do {
            let message: String
            switch command {
            case let .submit(answers):
                for slot in session.allSlots {
                    try session.clearAnswer(slot.question, panel: slot.panel.isEmpty ? nil : slot.panel)
                }
                for (slot, value) in answers where !value.isEmpty {
                    try session.answer(slot.question, panel: slot.panel.isEmpty ? nil : slot.panel, value: value)
                }
                let submission = try session.submit()
                message = "case \(caseID) saved" + (submission.revision > 1 ? " (revision \(submission.revision))" : "")
            case .skip:
                try session.skip()
                message = "case \(caseID) skipped: it comes back after the others"
            case .previous:
                guard try session.revisitPrevious() else { return .notice("no earlier answered case to revise") }
                let shown = session.current!
                message = "revising case \(shown.studyCase.caseId) (answer set \(shown.nextRevision)) · Enter stores it · → resumes"
            case .resume:
                try session.returnToResumePoint()
                message = "back at the resume point"
            case .finalise:
                try session.finalise()
                return .finalised(message: "finalised: answers locked; thank you")
            }
            let progress = session.progress
            return .moved(to: caseView(session), answers: session.pending, answered: progress.answered,
                          total: progress.total, message: message)
        } catch {
            return .commandFailed("not saved: \(error)")
        }
    }
}

/// The review app in study mode: one reader working through a study's cases, the
/// study's panels above, the rating panel below. Every submit is stored at once, so
/// quitting (or a crash) loses only the form on screen.
public struct StudyReviewApp {
    public static let cacheCapacity = 16

    public let session: ReadingSession
    public let threads: Int?
    /// `--graphics`: "ascii" draws with characters only; the other modes draw with half
    /// blocks where the terminal has 256 colours or more (as the review app does when it
    /// does not draw sixel).
    public let graphics: String

    public init(session: ReadingSession, threads: Int? = nil, graphics: String = "auto") {
        self.session = session
        self.threads = threads
        self.graphics = graphics
    }

    public func run() {
        let models = session.snapshot.models
        var modelErrors = [String]()
        // One worker per model, each with its own inbox, so news says which model it is.
        var workers = [(name: String, worker: CaseWorker, mailbox: Mailbox)]()
        for model in models {
            var generator: Generator?
            do { generator = try Generator.load(URL(fileURLWithPath: model.weightsPath), threads: threads) } catch {
                // The name stays off screen in blinded studies.
                modelErrors.append(session.snapshot.definition.mode == .blinded ? "a model failed to load" : "\(model.name): \(error)")
            }
            let mailbox = Mailbox()
            workers.append((model.name, CaseWorker(generator: generator, mailbox: mailbox), mailbox))
        }
        if workers.isEmpty {
            let mailbox = Mailbox()
            workers.append(("", CaseWorker(generator: nil, mailbox: mailbox), mailbox))
        }
        var cache = LRUCache<String, CaseResult>(capacity: Self.cacheCapacity * workers.count)
        var state = StudySessionBridge.initialState(session)
        if !modelErrors.isEmpty {
            state.statusMessage = modelErrors.joined(separator: "; ")
            state.statusIsError = true
        }
        var jobs: [(caseID: String, flag: CancellationFlag)] = []

        let environment = ProcessInfo.processInfo.environment
        let driver = CursesDriver(noColor: !(environment["NO_COLOR"] ?? "").isEmpty)
        defer { driver.stop() }
        let mode: GraphicsMode = graphics == "ascii" ? .ascii : driver.graphics
        var dirty = true
        while !state.wantsQuit {
            if let command = state.command {
                state = reduceStudy(state, StudySessionBridge.perform(command, on: session))
                dirty = true
            }
            let wanted = state.current?.caseID
            if jobs.first?.caseID != wanted {
                for job in jobs { job.flag.cancel() }
                jobs = []
                if let wanted, let item = session.current?.studyCase {
                    let source = Case(id: item.caseId, organ: item.organ,
                                      devices: DevicePair(low: item.lowDevice, high: item.highDevice),
                                      lowPath: URL(fileURLWithPath: item.lowPath),
                                      highPath: item.highPath.map { URL(fileURLWithPath: $0) }, split: item.split)
                    jobs = workers.map { (wanted, $0.worker.start(source)) }
                    state.work[wanted] = .running(fraction: 0)
                }
            }
            if dirty {
                let id = state.current?.caseID ?? ""
                let frame = StudyViews.draw(state, image: { panel in
                    switch panel.source {
                    case .low: return workers.lazy.compactMap { cache.peek("\($0.name)|\(id)")?.low }.first
                    case .high: return workers.lazy.compactMap { cache.peek("\($0.name)|\(id)")?.high }.first
                    case let .model(name): return cache.peek("\(name)|\(id)")?.enhanced
                    }
                }, graphics: mode, size: driver.size)
                driver.show(frame)
                dirty = false
            }
            let (key, resized) = driver.readKey()
            if resized {
                driver.invalidate()
                dirty = true
            }
            if let key {
                state = reduceStudy(state, .key(key))
                dirty = true
            }
            for (offset, entry) in workers.enumerated() {
                for message in entry.mailbox.drain() {
                    switch message {
                    case let .result(id, result):
                        _ = cache.set("\(entry.name)|\(id)", result)
                    case let .event(event):
                        // Progress and completion follow the first model; failures of any.
                        if offset == 0 { state = reduceStudy(state, .work(event)) }
                        else if case .failed = event { state = reduceStudy(state, .work(event)) }
                    }
                    dirty = true
                }
            }
        }
        for job in jobs { job.flag.cancel() }
        for entry in workers { entry.worker.waitUntilIdle() }
    }
}
