import Dataset
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
        var state = StudyModeState(studyName: session.study.name, reader: session.readerName,
                                   blinded: session.study.mode == .blinded,
                                   questions: session.questions, current: caseView(session),
                                   answers: session.pending, answered: progress.answered, total: progress.total)
        state.marks = session.marks
        state.markOverlay = state.computedMarkOverlay
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
            case let .submit(answers, marks, imageSize):
                // The form replaces the session's: a retried submit starts from the same place.
                session.clearForm()
                // Answers first: they decide which marks questions are asked.
                for (slot, value) in answers where !value.isEmpty {
                    try session.answer(slot.question, panel: slot.panel.isEmpty ? nil : slot.panel, value: value)
                }
                for mark in marks {
                    try session.addMark(mark, imageWidth: imageSize?.width, imageHeight: imageSize?.height)
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
                          total: progress.total, message: message, marks: session.marks)
        } catch {
            return .commandFailed("not saved: \(error)")
        }
    }
}

/// The review app in study mode: one reader working through a study's cases, the
/// study's frozen panels above (read from the store by image ID, never enhanced here),
/// the rating panel below. Every submit is stored at once, so quitting (or a crash)
/// loses only the form on screen.
public struct StudyReviewApp {
    /// Decoded panel images kept: a few cases' worth, for going back and forth.
    public static let cacheCapacity = 32
    /// How often the reader's lease is renewed (it lasts `ReadingSession.leaseDuration`).
    public static let leaseRenewal: TimeInterval = 30

    public let session: ReadingSession
    /// `--graphics`, as the review app takes it: "auto" draws kitty graphics or sixel
    /// where the terminal answers that it can (through tmux too), else half blocks where
    /// it has 256 colours; "kitty" and "sixel" ask for those; "ascii" draws characters.
    public let graphics: String
    /// Interface and mark colours (`ThemeLoader`); the marks' stay visible on gray images.
    public var theme: Theme = .readingRoom

    public init(session: ReadingSession, graphics: String = "auto") {
        self.session = session
        self.graphics = graphics
    }

    static func hasFailed(_ state: StudyModeState, _ caseID: String) -> Bool {
        if case .failed = state.work[caseID] { return true }
        return false
    }

    public func run() {
        var cache = LRUCache<String, GrayImage>(capacity: Self.cacheCapacity)
        var state = StudySessionBridge.initialState(session)
        // From here on only the worker touches the session.
        let worker = StudySessionWorker(session: session)
        var commandSent = false
        var imagesRequested: String?
        // Keys typed while a command is in flight, replayed in order once it is answered
        // (a reader typing ahead after Enter must not lose a key or rate the wrong case).
        var heldKeys: [Key] = []
        var lastRenewal = Date()
        let environment = ProcessInfo.processInfo.environment
        // The terminal is asked before curses takes it over.
        let pixels = ViewerGraphics.choose(graphics)
        if state.statusMessage == nil, let advice = pixels.advice { state.statusMessage = advice }
        let driver = CursesDriver(noColor: !(environment["NO_COLOR"] ?? "").isEmpty, theme: theme)
        defer {
            driver.stop()
            // Quit without waiting: the call in flight is left to the server (the process
            // exits, its transaction rolls back unless committed) and the lease lapses.
            if !state.abandonsCommand { worker.finish() }
        }
        let pictures = PixelScreen(graphics: pixels)
        // Declared after the driver's: runs first, while the terminal is still ours.
        defer { pictures.clear() }
        let mode: GraphicsMode = graphics == "ascii" ? .ascii : driver.graphics
        var dirty = true
        while (!state.wantsQuit || commandSent) && !state.abandonsCommand {
            if let command = state.command, !commandSent {
                worker.perform(command)
                commandSent = true
                state.statusMessage = command.inFlightMessage
                state.statusIsError = false
                dirty = true
            }
            if Date().timeIntervalSince(lastRenewal) >= Self.leaseRenewal {
                lastRenewal = Date()
                worker.renewLease()
            }
            // Once per case shown: its missing images, then the next case's ahead of time.
            if let current = state.current, imagesRequested != current.caseID, !Self.hasFailed(state, current.caseID) {
                imagesRequested = current.caseID
                worker.loadImages(caseID: current.caseID, panels: current.panels,
                                  cached: Set(current.panels.map(\.imageId).filter { cache.peek($0) != nil }))
            }
            for reply in worker.drain() {
                switch reply {
                case let .event(event):
                    commandSent = false
                    state = reduceStudy(state, event)
                    while state.command == nil, !state.wantsQuit, !heldKeys.isEmpty {
                        state = reduceStudy(state, .key(heldKeys.removeFirst()))
                    }
                case let .images(caseID, images, failure):
                    for (id, image) in images { _ = cache.set(id, image) }
                    state = reduceStudy(state, .work(failure.map { .failed(caseID: caseID, message: $0) } ?? .finished(caseID: caseID)))
                case let .prefetched(images):
                    for (id, image) in images { _ = cache.set(id, image) }
                case let .leaseFailed(message):
                    state.statusMessage = message
                    state.statusIsError = true
                }
                dirty = true
            }
            // Mark mode needs the panels' size: the first of the case's images to arrive gives it.
            if let current = state.current, state.imageSize == nil,
               let picture = current.panels.lazy.compactMap({ cache.peek($0.imageId) }).first {
                state = reduceStudy(state, .imageSize(caseID: current.caseID,
                                                      PixelSize(width: picture.width, height: picture.height)))
                dirty = true
            }
            if dirty {
                let frame = StudyViews.draw(state, image: { panel in cache.peek(panel.imageId) }, graphics: mode,
                                            pixels: pixels, theme: theme, size: driver.size)
                pictures.show(frame, overlay: state.showsHelp, on: driver)
                dirty = false
            }
            let (key, resized) = driver.readKey()
            if resized {
                pictures.resized()
                driver.invalidate()
                dirty = true
            }
            if let key {
                if state.command != nil, !StudyModeState.isAnsweredInFlight(key, keysHeld: heldKeys.count) {
                    heldKeys.append(key)
                } else {
                    state = reduceStudy(state, .key(key))
                }
                dirty = true
            }
        }
    }
}
