import Dataset
import Enhancer
import Foundation
import Statistics

/// `usreview eval`: the seed paper's Table 2 for a dataset. Every case's metrics of LOW
/// vs HIGH (the "reference low" row) and of each model's output vs HIGH; mean ± sd per
/// organ and overall; paired one-sided Wilcoxon signed-rank tests of each model against
/// low and of each later model against the first, Holm-corrected across the table.
public struct Evaluation: Codable, Equatable, Sendable {
    /// A row of the table after "reference low": a model's name and weights file.
    public struct Model: Codable, Equatable, Sendable {
        public var name: String
        public var path: String
        public init(name: String, path: String) {
            self.name = name
            self.path = path
        }
    }

    public struct CaseResult: Codable, Equatable, Sendable {
        public var id: String
        public var organ: Organ
        public var split: Split?
        public var low: PairScores
        /// One per model, in the order of `Evaluation.models`.
        public var models: [PairScores]

        public init(id: String, organ: Organ, split: Split?, low: PairScores, models: [PairScores]) {
            self.id = id
            self.organ = organ
            self.split = split
            self.low = low
            self.models = models
        }
    }

    /// One cell of the table: a metric of one row over a group of cases.
    public struct Cell: Codable, Equatable, Sendable {
        public var metric: MetricName
        public var cases: Int
        public var mean: Double
        public var sd: Double
    }

    /// "low" or a model's name, with its cells in the paper's metric order.
    public struct Row: Codable, Equatable, Sendable {
        public var name: String
        public var cells: [Cell]
    }

    public struct GroupSummary: Codable, Equatable, Sendable {
        /// An organ name, or "all".
        public var group: String
        public var cases: Int
        public var rows: [Row]
    }

    /// A paired one-sided test of `first` against `second` on one metric and group; the
    /// per-case differences are first − second, H1 "first better" (greater, or less for LPIPS).
    public struct PairedTest: Codable, Equatable, Sendable {
        public var group: String
        public var metric: MetricName
        public var first: String
        public var second: String
        public var alternative: Alternative
        public var cases: Int
        public var meanDifference: Double
        /// Cases where first is worse than second (by the metric's own direction).
        public var worse: Int
        public var wilcoxonStatistic: Double?
        public var p: Double?
        public var holmP: Double?
        public var exact: Bool?
    }

    public var models: [Model]
    public var split: String
    public var lnccWindow: Int
    /// The metrics scored, in the paper's order (LPIPS only with its weights installed).
    public var metrics: [MetricName]
    public var cases: [CaseResult]
    public var summaries: [GroupSummary]
    public var tests: [PairedTest]
    /// Cases that could not be scored (unreadable image, size mismatch), with the reason.
    public var failures: [String]

    /// The rows in table order: "low", then the models.
    public var rowNames: [String] { ["low"] + models.map(\.name) }

    /// Scores `cases` (those without a reference are skipped). Each generator runs one
    /// case at a time (it is multi-threaded itself), its outputs read from and written
    /// to its `DiskCache` when one is given; metrics run in parallel. A case that fails
    /// for any model is left out of every row, so all rows cover the same cases.
    public static func run(_ cases: [Case], splitName: String, models: [EvaluatedModel], scorer: PairScorer,
                           cancellation: CancellationFlag? = nil,
                           progress: ProgressCounter.Report? = nil) throws -> Evaluation {
        let paired = cases.filter(\.isPaired)
        let tracker = ProgressCounter(total: paired.count * (models.count + 1), report: progress)
        var failures = [String?](repeating: nil, count: paired.count)
        var outputs = [[GrayImage?]](repeating: [GrayImage?](repeating: nil, count: paired.count), count: models.count)
        for (m, model) in models.enumerated() {
            for (position, item) in paired.enumerated() {
                if cancellation?.isCancelled == true { throw EnhancerError.cancelled }
                defer { tracker.advance() }
                guard failures[position] == nil else { continue }
                do {
                    outputs[m][position] = try model.output(for: try PNGCodec.read(item.lowPath), cancellation: cancellation)
                } catch EnhancerError.cancelled {
                    throw EnhancerError.cancelled
                } catch {
                    failures[position] = "\(item.id) (model \(model.name)): \(error)"
                }
            }
        }

        let results = ResultSlots(count: paired.count)
        let skip = failures.map { $0 != nil }
        let enhanced = outputs
        DispatchQueue.concurrentPerform(iterations: paired.count) { position in
            guard cancellation?.isCancelled != true, !skip[position] else { return }
            let item = paired[position]
            do {
                let low = try PNGCodec.read(item.lowPath)
                let high = try PNGCodec.read(item.highPath!)
                let scores = try enhanced.indices.map { try scorer.score(enhanced[$0][position]!, against: high) }
                results.set(position, .success(CaseResult(id: item.id, organ: item.organ, split: item.split,
                                                          low: try scorer.score(low, against: high), models: scores)))
            } catch {
                results.set(position, .failure(error))
            }
            tracker.advance()
        }
        if cancellation?.isCancelled == true { throw EnhancerError.cancelled }

        var scored: [CaseResult] = []
        for position in paired.indices where failures[position] == nil {
            switch results.get(position) {
            case .success(let result)?: scored.append(result)
            case .failure(let error)?: failures[position] = "\(paired[position].id): \(error)"
            case nil: break
            }
        }
        return Evaluation(models: models.map { Model(name: $0.name, path: $0.path) }, split: splitName,
                          lnccWindow: scorer.lnccWindow, cases: scored, failures: failures.compactMap { $0 })
    }

    /// The table and tests of scored cases.
    public init(models: [Model], split: String, lnccWindow: Int, cases: [CaseResult], failures: [String] = []) {
        self.models = models
        self.split = split
        self.lnccWindow = lnccWindow
        self.cases = cases
        self.failures = failures
        let metrics = MetricName.paperOrder.filter { metric in cases.contains { metric.value(of: $0.low) != nil } }
        self.metrics = metrics
        let groups = Organ.allCases.map { organ in (organ.rawValue, cases.filter { $0.organ == organ }) }
            .filter { !$0.1.isEmpty } + (cases.isEmpty ? [] : [("all", cases)])
        let names = ["low"] + models.map(\.name)
        func scores(_ result: CaseResult, _ row: Int) -> PairScores { row == 0 ? result.low : result.models[row - 1] }
        summaries = groups.map { name, members in
            GroupSummary(group: name, cases: members.count, rows: names.indices.map { row in
                Row(name: names[row], cells: metrics.compactMap { metric in
                    let values = members.compactMap { metric.value(of: scores($0, row)) }
                    guard let d = Descriptive(values) else { return nil }
                    return Cell(metric: metric, cases: d.count, mean: d.mean, sd: d.count > 1 ? d.standardDeviation : 0)
                })
            })
        }
        // Each model against low, then each later model against the first.
        var pairs = models.indices.map { ($0 + 1, 0) }
        if models.count > 1 { pairs += (2...models.count).map { ($0, 1) } }
        var tests: [PairedTest] = []
        for (name, members) in groups {
            for metric in metrics {
                for (a, b) in pairs {
                    let differences = members.compactMap { result -> Double? in
                        guard let x = metric.value(of: scores(result, a)), let y = metric.value(of: scores(result, b)),
                              x.isFinite, y.isFinite else { return nil }
                        return x - y
                    }
                    guard !differences.isEmpty else { continue }
                    let alternative: Alternative = metric.higherIsBetter ? .greater : .less
                    let w = WilcoxonSignedRank.test(differences, alternative: alternative)
                    tests.append(PairedTest(
                        group: name, metric: metric, first: names[a], second: names[b], alternative: alternative,
                        cases: differences.count, meanDifference: differences.reduce(0, +) / Double(differences.count),
                        worse: differences.filter { metric.higherIsBetter ? $0 < 0 : $0 > 0 }.count,
                        wilcoxonStatistic: w?.statistic, p: w?.pValue, holmP: nil, exact: w?.exact))
                }
            }
        }
        let holm = HolmCorrection.adjust(tests.map { $0.p ?? .nan })
        for index in tests.indices where !holm[index].isNaN { tests[index].holmP = holm[index] }
        self.tests = tests
    }
}

/// A generator under evaluation, with the disk cache its outputs are kept in.
public struct EvaluatedModel: Sendable {
    public var name: String
    public var path: String
    public var generator: Generator
    public var cache: DiskCache?

    public init(name: String, path: String, generator: Generator, cache: DiskCache?) {
        self.name = name
        self.path = path
        self.generator = generator
        self.cache = cache
    }

    /// The cached output for `input`, or the generator's (then cached). A cache that
    /// cannot be written only costs speed, so a failed store is not an error.
    func output(for input: GrayImage, cancellation: CancellationFlag?) throws -> GrayImage {
        if let cached = cache?.load(for: input) { return cached }
        let image = try generator.enhance(input, cancellation: cancellation).image
        try? cache?.store(image, for: input)
        return image
    }
}

/// Results written from parallel workers.
private final class ResultSlots: @unchecked Sendable {
    private let lock = NSLock()
    private var slots: [Result<Evaluation.CaseResult, Error>?]
    init(count: Int) { slots = Array(repeating: nil, count: count) }
    func set(_ position: Int, _ value: Result<Evaluation.CaseResult, Error>) { lock.withLock { slots[position] = value } }
    func get(_ position: Int) -> Result<Evaluation.CaseResult, Error>? { lock.withLock { slots[position] } }
}
