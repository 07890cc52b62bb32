import Dataset
import Enhancer
import Foundation
import Metrics
import TerminalGraphics

/// The review app: owns the terminal while it runs. The loop reads a key (or times out
/// after 50 ms), feeds it and the worker's news to `reduce`, starts or cancels
/// background work to match `AppState.wantedWork`, and redraws when something changed.
public struct ReviewApp {
    /// Results of this many cases stay in memory (least recently used go first).
    public static let cacheCapacity = 24

    public let index: DatasetIndex
    public let datasetName: String
    public let modelURL: URL?
    public let threads: Int?
    /// Further models (the second and later --model); the enhanced panel cycles through all.
    public var extraModelURLs: [URL] = []
    /// Interface colours (themes never colour the image); see `ThemeLoader`.
    public var theme: Theme = .readingRoom
    /// Where warnings and errors go while curses owns the screen.
    public var log: AppLog?
    /// Shown in the status bar at start (e.g. a theme that could not be read).
    public var startupMessage: String?
    /// Results of this many cases stay in memory (config `cache_size`).
    public var cacheSize: Int = ReviewApp.cacheCapacity
    /// `--graphics` / config `graphics`: auto, kitty, sixel, blocks, quadrants, sextants, ascii.
    /// Auto and sixel ask the terminal before curses starts (Viewer/SixelPanels.swift).
    public var graphics: String = "auto"
    /// A reader study whose ratings the browser shows (`--study`); read again when it
    /// changed, at most every `ratingsRefreshInterval` (Browser/StudyRatings.swift).
    public var ratings: StudyRatingsSource?
    public static let ratingsRefreshInterval: TimeInterval = 2

    public init(index: DatasetIndex, datasetName: String, modelURL: URL?, threads: Int? = nil) {
        self.index = index
        self.datasetName = datasetName
        self.modelURL = modelURL
        self.threads = threads
    }

    /// Runs until the reader quits; the terminal is restored on return.
    public func run() {
        var generator: Generator?
        var modelError: String?
        if let modelURL {
            let loadStart = Date()
            do {
                generator = try Generator.load(modelURL, threads: threads)
                log?.info("model loaded: \(modelURL.path) in \(Self.milliseconds(since: loadStart)) ms")
            } catch {
                modelError = "\(error)"
                log?.error("model failed to load: \(modelURL.path): \(error)")
            }
        }
        let environment = ProcessInfo.processInfo.environment
        let noColor = !(environment["NO_COLOR"] ?? "").isEmpty
        let lpipsInstalled = FileManager.default.fileExists(atPath: LPIPS.installedURL.path)

        let mailbox = Mailbox()
        let models = ModelSet.load(first: generator, firstURL: modelURL, extra: extraModelURLs, threads: threads)
        let worker = CaseWorker(generators: models.generators, diskCaches: models.diskCaches, mailbox: mailbox)
        var cache = LRUCache<String, CaseResult>(capacity: max(1, cacheSize))
        var state = AppState(cases: index.cases, hasModel: true)
        state.view.modelCount = max(1, models.names.count)
        if !models.errors.isEmpty { state.statusMessage = models.errors.joined(separator: " · ") }
        if let startupMessage { state.statusMessage = startupMessage }
        if let ratings {
            state = reduce(state, .ratings(ratings.ratings))
            if !ratings.ratings.readerEnrolled, let reader = ratings.reader {
                state.statusMessage = "reader \(reader) has not started study \(ratings.study): nothing rated yet"
            }
        }
        var ratingsReadAt = Date()
        var workStarted: [String: Date] = [:]
        var job: (id: String, flag: CancellationFlag, prefetch: Bool)?

        // The terminal is asked before curses takes it over.
        let viewerGraphics = ViewerGraphics.choose(graphics)
        if let advice = viewerGraphics.advice { state.statusMessage = advice }
        let driver = CursesDriver(noColor: noColor, theme: theme)
        defer { driver.stop() }
        var context = ViewContext(datasetName: datasetName,
                                  modelName: modelURL.map { $0.deletingPathExtension().lastPathComponent },
                                  modelError: modelError, graphics: driver.graphics, lpipsInstalled: lpipsInstalled)
        if models.names.count > 1 { context.modelNames = models.names }
        context.viewerGraphics = viewerGraphics
        context.logPath = log?.url.path
        let pictures = PixelScreen(graphics: viewerGraphics)
        log?.info("graphics: \(graphics) → \(pictures.summary)")
        // Declared after the driver's: runs first, while the terminal is still ours.
        defer { pictures.clear() }
        var dirty = true
        while !state.wantsQuit {
            // The open case first, then a prefetch of the next (AppState+Prefetch.swift).
            let wanted = state.workToRun
            if job?.id != wanted?.id {
                job?.flag.cancel()
                job = nil
                if let wanted, let item = state.cases.first(where: { $0.id == wanted.id }) {
                    job = (wanted.id, wanted.prefetch ? worker.prefetch(item) : worker.start(item), wanted.prefetch)
                    workStarted[wanted.id] = Date()
                }
            } else if wanted?.prefetch == false {
                job?.prefetch = false  // the reader opened the case being prefetched
            }
            if let open = state.selectedCase, state.screen == .viewer { _ = cache.get(open.id) }
            if dirty {
                let frame = Views.draw(state, results: { cache.peek($0) }, context: context, size: driver.size)
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
                state = reduce(state, .key(key))
                dirty = true
            }
            if let click = driver.pendingClick {  // Browser/Mouse.swift
                driver.pendingClick = nil
                state = reduceClick(state, click, screenRows: driver.size.rows)
                dirty = true
            }
            if let ratings, Date().timeIntervalSince(ratingsReadAt) >= Self.ratingsRefreshInterval {
                ratingsReadAt = Date()
                do {
                    if let fresh = try ratings.refreshIfChanged() {
                        state = reduce(state, .ratings(fresh))
                        dirty = true
                    }
                } catch {
                    log?.error("study \(ratings.study): could not read the ratings again: \(error)")
                }
            }
            for message in mailbox.drain() {
                logWork(message, started: &workStarted)
                switch message {
                case let .result(id, result):
                    for evicted in cache.set(id, result) { state = reduce(state, .evicted(caseID: evicted)) }
                case let .event(event):
                    state = reduce(state, event)
                    if case let .finished(id) = event, job?.id == id, job?.prefetch == true {
                        state = markPrefetched(state, id)
                    }
                }
                dirty = true
            }
        }
        job?.flag.cancel()
        worker.waitUntilIdle()
    }
}
