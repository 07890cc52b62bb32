import Dataset
import Foundation

/// Times `PostgresStudyStore.submit` as a reader's client does it: through the reader's
/// own login (row-level security on), one answer set of the default form per submit
/// (`withMarks`: "yes" to hallucinated and lost, one mark per marks question asked; else
/// "no", the 13 answers of the form before marks), one transaction each. It creates a study with a fresh name in the database it is given
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
    public var withMarks: Bool

    public init(submits: Int = 500, cases: Int = 20, withMarks: Bool = false) {
        self.submits = submits
        self.cases = cases
        self.withMarks = withMarks
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
            let (answers, marks) = Self.exampleForm(definition.questions, candidates: candidates, note: "note \(index)",
                                                    withMarks: withMarks)
            let now = Date()
            let set = AnswerSet(readerId: state.reader.id!, presentationId: presentation.id!, answers: answers,
                                startedAt: now, submittedAt: now, durationMs: 1000, movesCursorTo: presentation.position,
                                marks: marks)
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

    /// A whole form as a reader fills it: every place asked; with `withMarks` "yes" where a
    /// yes asks for marks and one mark for each marks question asked, else "no".
    static func exampleForm(_ questions: [QuestionDefinition], candidates: [String], note: String,
                            withMarks: Bool) -> ([PendingAnswer], [PendingMark]) {
        var given: [AnswerSlot: String] = [:]
        var marks: [PendingMark] = []
        var done = Set<AnswerSlot>()
        while let slot = AnswerSlot.asked(questions, candidates: candidates, answers: given).first(where: { !done.contains($0) }) {
            done.insert(slot)
            let question = questions.first { $0.key == slot.question }!
            if let categories = question.markCategories {
                marks.append(PendingMark(questionKey: question.key, panelLabel: slot.panel, category: categories[0],
                                         shape: .point(x: 1, y: 1)))
                given[slot] = "1"
            } else {
                given[slot] = question.kind == .text ? note : question.exampleValue(candidates: candidates, variant: withMarks ? 1 : 0)
            }
        }
        let answers = AnswerSlot.asked(questions, candidates: candidates, answers: given).compactMap { slot in
            given[slot].map { PendingAnswer(questionKey: slot.question, panelLabel: slot.panel, value: $0) }
        }
        return (answers, marks)
    }
}
