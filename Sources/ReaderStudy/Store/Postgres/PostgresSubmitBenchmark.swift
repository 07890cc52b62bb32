import Dataset
import Foundation

/// Times `PostgresStudyStore.submit` as a reader's client does it: through the reader's
/// own login (row-level security on), one answer set of the default form per submit, one
/// transaction each. It creates a study with a fresh name in the database it is given
/// (answers are append-only, so use a scratch database).
public struct PostgresSubmitBenchmark: Sendable {
    public struct Result: Sendable {
        public var server: String
        public var submits: Int
        public var medianMs: Double
        public var p95Ms: Double
        public var maxMs: Double
        /// Creating the study, rendering and storing its panels (synthetic 16×16 images).
        public var createMs: Double
    }

    public var submits: Int
    public var cases: Int

    public init(submits: Int = 500, cases: Int = 20) {
        self.submits = submits
        self.cases = cases
    }

    /// `coordinatorURL`: a login that may create roles (CREATEROLE) and owns the database.
    public func run(coordinatorURL: String) throws -> Result {
        let coordinator = try PostgresStudyStore(url: coordinatorURL, as: .coordinator)
        defer { try? coordinator.close() }
        let name = "bench" + String(UInt32.random(in: 0...UInt32.max), radix: 36)
        let definition = StudyDefinition(name: name, datasetPath: "/synthetic",
                                         models: [ModelSpec(name: "unet", weights: "/synthetic/unet.safetensors")])
        let createStart = DispatchTime.now().uptimeNanoseconds
        try coordinator.createStudy(definition, cases: StudyBenchmark.syntheticCases(cases), calibration: [],
                                    renderer: SyntheticPanelRenderer(models: ["unet"]), now: Date(), progress: { _, _ in })
        let createMs = Double(DispatchTime.now().uptimeNanoseconds - createStart) / 1e6
        let enrolment = try coordinator.enrol(readers: ["bench"], inStudy: name, now: Date())[0]
        let reader = try PostgresStudyStore(url: enrolment.connection ?? coordinatorURL, as: .reader)
        defer { try? reader.close() }
        let state = try reader.openReading(reader: "bench", in: reader.readingStudy(named: name))
        var timings: [Double] = []
        for index in 0..<submits {
            let presentation = state.presentations[index % state.presentations.count]
            let candidates = (state.panels[presentation.id!] ?? []).filter { !$0.isReference }.map(\.label)
            var answers: [PendingAnswer] = []
            for question in definition.questions {
                if question.perCase {
                    answers.append(PendingAnswer(questionKey: question.key, panelLabel: "", value: "note \(index)"))
                } else {
                    answers += candidates.map { PendingAnswer(questionKey: question.key, panelLabel: $0, value: "4") }
                }
            }
            let now = Date()
            let set = AnswerSet(readerId: state.reader.id!, presentationId: presentation.id!, answers: answers,
                                startedAt: now, submittedAt: now, durationMs: 1000, movesCursorTo: presentation.position)
            let start = DispatchTime.now().uptimeNanoseconds
            try reader.submit(set)
            timings.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
        }
        timings.sort()
        func percentile(_ p: Double) -> Double {
            timings.isEmpty ? 0 : timings[min(timings.count - 1, Int((p * Double(timings.count - 1)).rounded()))]
        }
        return Result(server: reader.location, submits: submits, medianMs: percentile(0.5), p95Ms: percentile(0.95),
                      maxMs: timings.last ?? 0, createMs: createMs)
    }
}
