import Dataset
import Foundation

/// Timings of the study's speed promises: a submit (commit included) under 5 ms,
/// opening a study with 10 readers × 1000 answer sets under 100 ms, and the report
/// over 100,000 answers (the default fixture has 130,000) under 2 s.
public struct StudyBenchmark: Sendable {
    public struct Result: Sendable {
        public var readers: Int
        public var answerSetsPerReader: Int
        public var answerRows: Int
        /// Building the fixture (not a promise; no fsync).
        public var fillSeconds: Double
        /// Opening the file and a reader's session (cold process caches aside): median and max.
        public var openMedianMs: Double
        public var openMaxMs: Double
        /// One answer set through `ReadingSession.submit`, commit with fsync: median, p95, max.
        public var submitMedianMs: Double
        public var submitP95Ms: Double
        public var submitMaxMs: Double
        public var submits: Int
        public var statusMs: Double
        public var exportMs: Double
        /// `StudyReport.make` (reading the answers and every statistic) plus the Markdown
        /// rendering, over the fixture's answers: median and max, and the median of the
        /// reading-and-statistics part alone.
        public var reportMedianMs: Double
        public var reportMaxMs: Double
        public var reportMakeMedianMs: Double
        public var reports: Int
    }

    public var readers = 10
    public var answerSetsPerReader = 1000
    public var submits = 200
    public var opens = 11
    public var reports = 5

    public init(readers: Int = 10, answerSetsPerReader: Int = 1000, submits: Int = 200, opens: Int = 11,
                reports: Int = 5) {
        self.readers = readers
        self.answerSetsPerReader = answerSetsPerReader
        self.submits = submits
        self.opens = opens
        self.reports = reports
    }

    /// Synthetic cases with USEnhance IDs (no images are read).
    public static func syntheticCases(_ count: Int) -> [Case] {
        (0..<count).map { index in
            let number = index % 1500 + 1
            let organ = Organ(caseID: number)!
            let id = String(format: "%04d", number) + (index >= 1500 ? "-\(index / 1500)" : "")
            return Case(id: id, organ: organ, devices: DeviceTable.paperTable1[organ],
                        lowPath: URL(fileURLWithPath: "/synthetic/low/\(id).png"),
                        highPath: URL(fileURLWithPath: "/synthetic/high/\(id).png"), split: .test)
        }
    }

    /// Runs in a fresh folder under `folder`, which it removes afterwards.
    public func run(in folder: URL) throws -> Result {
        let work = folder.appendingPathComponent("usreview-study-bench-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: work) }
        let url = work.appendingPathComponent("bench.sqlite")
        func milliseconds(since start: UInt64) -> Double { Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6 }

        // The fixture: one blinded study, every reader through every case.
        let fillStart = DispatchTime.now().uptimeNanoseconds
        var rows = 0
        do {
            let store = try SQLiteStudyStore(url: url, options: .init(durability: .none))
            let definition = StudyDefinition(name: "bench", datasetPath: "/synthetic",
                                             models: [ModelSpec(name: "unet", weights: "/synthetic/unet.safetensors")])
            try store.createStudy(definition, cases: Self.syntheticCases(answerSetsPerReader + submits),
                                  renderer: SyntheticPanelRenderer(models: definition.models.map(\.name)))
            try store.enrol(readers: (0..<readers).map { "reader-\($0)" } + ["submitter"], inStudy: "bench")
            for reader in 0..<readers {
                let session = try ReadingSession(store: store, study: "bench", reader: "reader-\(reader)", leaseHolder: "bench")
                for set in 0..<answerSetsPerReader {
                    rows += try Self.fillExample(session, variant: set)
                    try session.submit()
                }
            }
            try store.close()
        }
        let fillSeconds = milliseconds(since: fillStart) / 1000

        var openTimes: [Double] = []
        for _ in 0..<max(1, opens) {
            let start = DispatchTime.now().uptimeNanoseconds
            let store = try SQLiteStudyStore(url: url)
            let session = try ReadingSession(store: store, study: "bench", reader: "reader-\(readers / 2)", leaseHolder: "bench")
            _ = session.progress
            openTimes.append(milliseconds(since: start))
            try store.close()
        }

        let store = try SQLiteStudyStore(url: url)
        var start = DispatchTime.now().uptimeNanoseconds
        _ = try store.status(ofStudy: "bench")
        let statusMs = milliseconds(since: start)
        start = DispatchTime.now().uptimeNanoseconds
        _ = StudyExport.csv(try StudyExport.rows(from: store, study: "bench"))
        let exportMs = milliseconds(since: start)

        // The report over the fixture's answers (before the timed submits add any).
        var reportTimes: [Double] = []
        var makeTimes: [Double] = []
        for _ in 0..<max(1, reports) {
            let start = DispatchTime.now().uptimeNanoseconds
            let report = try StudyReport.make(from: store, study: "bench")
            makeTimes.append(milliseconds(since: start))
            let markdown = report.markdown()
            reportTimes.append(milliseconds(since: start))
            precondition(!markdown.isEmpty)
        }
        reportTimes.sort()
        makeTimes.sort()

        let session = try ReadingSession(store: store, study: "bench", reader: "submitter", leaseHolder: "bench")
        var submitTimes: [Double] = []
        for set in 0..<submits {
            _ = try Self.fillExample(session, variant: set)
            let start = DispatchTime.now().uptimeNanoseconds
            try session.submit()
            submitTimes.append(milliseconds(since: start))
        }
        try store.close()
        openTimes.sort()
        submitTimes.sort()
        return Result(readers: readers, answerSetsPerReader: answerSetsPerReader, answerRows: rows, fillSeconds: fillSeconds,
                      openMedianMs: openTimes[openTimes.count / 2], openMaxMs: openTimes.last!,
                      submitMedianMs: submitTimes[submitTimes.count / 2],
                      submitP95Ms: submitTimes[min(submitTimes.count - 1, submitTimes.count * 95 / 100)],
                      submitMaxMs: submitTimes.last!, submits: submitTimes.count, statusMs: statusMs, exportMs: exportMs,
                      reportMedianMs: reportTimes[reportTimes.count / 2], reportMaxMs: reportTimes.last!,
                      reportMakeMedianMs: makeTimes[makeTimes.count / 2], reports: reportTimes.count)
    }

    /// Answers every question of the current case, those its answers make asked too, and
    /// places 1–2 marks inside the image for each marks question asked; returns the
    /// number of answers. Simulated readers use it, so reports and benchmarks have marks.
    public static func fillExample(_ session: ReadingSession, variant: Int) throws -> Int {
        guard let current = session.current else { return 0 }
        let labels = current.candidates.map(\.label)
        var done = Set<AnswerSlot>()
        var sizes: [String: (width: Int, height: Int)] = [:]
        while let slot = session.allSlots.first(where: { !done.contains($0) }) {
            done.insert(slot)
            let question = session.questions.first { $0.key == slot.question }!
            guard let categories = question.markCategories else {
                try session.answer(slot.question, panel: slot.panel.isEmpty ? nil : slot.panel,
                                   value: question.exampleValue(candidates: labels, variant: variant + 1))
                continue
            }
            guard let panel = current.candidates.first(where: { $0.label == slot.panel }) else { continue }
            if sizes[panel.imageId] == nil {
                let image = try session.store.panelImage(id: panel.imageId)
                sizes[panel.imageId] = (image.width, image.height)
            }
            let (width, height) = sizes[panel.imageId]!
            let category = categories[abs(variant) % categories.count]
            try session.addMark(PendingMark(questionKey: question.key, panelLabel: panel.label, category: category,
                                            shape: .point(x: width / 2, y: height / 2), confidence: 1 + abs(variant) % 5),
                                imageWidth: width, imageHeight: height)
            if variant % 4 == 0 {
                try session.addMark(PendingMark(questionKey: question.key, panelLabel: panel.label, category: category,
                                                shape: .box(x: width / 4, y: height / 4, width: max(1, width / 8),
                                                            height: max(1, height / 8))),
                                    imageWidth: width, imageHeight: height)
            }
        }
        return done.count
    }
}
