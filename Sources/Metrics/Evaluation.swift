import Dataset
import Enhancer
import Foundation
import Statistics

/// `usreview eval`: every case's metrics of LOW vs HIGH (the "reference low" baseline
/// of the paper's Table 2) and, with a model, ENHANCED vs HIGH; summaries per organ and
/// overall, and a one-sided Wilcoxon signed-rank test of enhanced against low.
public struct Evaluation: Codable, Sendable {
    public struct CaseResult: Codable, Sendable {
        public var id: String
        public var organ: Organ
        public var split: Split?
        public var low: PairScores
        public var enhanced: PairScores?
    }

    /// One metric over a group of cases: mean ± sd of each side, and whether enhanced
    /// beats low (one-sided: greater for similarities, less for LPIPS).
    public struct MetricSummary: Codable, Sendable {
        public var metric: MetricName
        public var cases: Int
        public var lowMean: Double
        public var lowSD: Double
        public var enhancedMean: Double?
        public var enhancedSD: Double?
        public var wilcoxonP: Double?
        public var alternative: Alternative?
    }

    public struct GroupSummary: Codable, Sendable {
        /// An organ name, or "all".
        public var group: String
        public var metrics: [MetricSummary]
    }

    public var model: String?
    public var split: String
    public var lnccWindow: Int
    public var cases: [CaseResult]
    public var summaries: [GroupSummary]
    /// Cases that could not be scored (unreadable image, size mismatch), with the reason.
    public var failures: [String]

    /// Scores `cases` (those without a reference are skipped). The generator runs one
    /// case at a time (it is multi-threaded itself); metrics run in parallel.
    public static func run(_ cases: [Case], splitName: String, generator: Generator?, modelName: String?,
                           scorer: PairScorer, cancellation: CancellationFlag? = nil,
                           progress: ProgressCounter.Report? = nil) throws -> Evaluation {
        let paired = cases.filter(\.isPaired)
        let total = paired.count * (generator == nil ? 1 : 2)
        let tracker = ProgressCounter(total: total, report: progress)
        var failures = [String?](repeating: nil, count: paired.count)

        var enhanced = [GrayImage?](repeating: nil, count: paired.count)
        if let generator {
            for (position, item) in paired.enumerated() {
                if cancellation?.isCancelled == true { throw EnhancerError.cancelled }
                do {
                    enhanced[position] = try generator.enhance(try PNGCodec.read(item.lowPath), cancellation: cancellation).image
                } catch EnhancerError.cancelled {
                    throw EnhancerError.cancelled
                } catch {
                    failures[position] = "\(item.id): \(error)"
                }
                tracker.advance()
            }
        }

        let results = ResultSlots(count: paired.count)
        let enhanceFailed = failures.map { $0 != nil }
        let enhancedImages = enhanced
        DispatchQueue.concurrentPerform(iterations: paired.count) { position in
            guard cancellation?.isCancelled != true, !enhanceFailed[position] else { return }
            let item = paired[position]
            do {
                let low = try PNGCodec.read(item.lowPath)
                let high = try PNGCodec.read(item.highPath!)
                let lowScores = try scorer.score(low, against: high)
                let enhancedScores = try enhancedImages[position].map { try scorer.score($0, against: high) }
                results.set(position, .success(CaseResult(id: item.id, organ: item.organ, split: item.split,
                                                          low: lowScores, enhanced: enhancedScores)))
            } catch {
                results.set(position, .failure(error))
            }
            tracker.advance()
        }
        if cancellation?.isCancelled == true { throw EnhancerError.cancelled }

        var scored: [CaseResult] = []
        for position in paired.indices {
            if failures[position] != nil { continue }
            switch results.get(position) {
            case .success(let result)?: scored.append(result)
            case .failure(let error)?: failures[position] = "\(paired[position].id): \(error)"
            case nil: break
            }
        }
        let groups = Organ.allCases.compactMap { organ -> GroupSummary? in
            let members = scored.filter { $0.organ == organ }
            return members.isEmpty ? nil : GroupSummary(group: organ.rawValue, metrics: summarize(members))
        }
        let all = scored.isEmpty ? [] : [GroupSummary(group: "all", metrics: summarize(scored))]
        return Evaluation(model: modelName, split: splitName, lnccWindow: scorer.lnccWindow, cases: scored,
                          summaries: groups + all, failures: failures.compactMap { $0 })
    }

    static func summarize(_ results: [CaseResult]) -> [MetricSummary] {
        MetricName.allCases.compactMap { metric in
            let lows = results.compactMap { metric.value(of: $0.low) }
            guard let low = Descriptive(lows) else { return nil }
            var summary = MetricSummary(metric: metric, cases: lows.count, lowMean: low.mean, lowSD: low.standardDeviation)
            let pairs = results.compactMap { result -> (Double, Double)? in
                guard let e = result.enhanced.flatMap(metric.value(of:)), let l = metric.value(of: result.low),
                      e.isFinite, l.isFinite else { return nil }
                return (e, l)
            }
            if let enhanced = Descriptive(pairs.map(\.0)) {
                summary.enhancedMean = enhanced.mean
                summary.enhancedSD = enhanced.standardDeviation
                let alternative: Alternative = metric.higherIsBetter ? .greater : .less
                summary.alternative = alternative
                summary.wilcoxonP = WilcoxonSignedRank.test(pairs.map { $0.0 - $0.1 }, alternative: alternative)?.pValue
            }
            return summary
        }
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
