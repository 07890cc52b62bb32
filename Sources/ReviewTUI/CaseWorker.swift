import Dataset
import Enhancer
import Foundation
import Metrics

/// What the app knows of one case: images and metrics, filled in as work finishes.
public struct CaseResult: Sendable {
    public var low: GrayImage
    public var high: GrayImage?
    public var enhanced: GrayImage?
    /// |ENHANCED − HIGH|, made once with the enhancement.
    public var difference: GrayImage?
    public var lowVsHigh: PairScores?
    public var enhancedVsHigh: PairScores?
    /// Every model's output, in --model order (the first is also `enhanced`).
    public var models: [ModelOutput] = []
}

/// News from the background thread to the run loop.
public enum WorkerMessage: Sendable {
    case result(caseID: String, CaseResult)
    case event(AppEvent)
}

/// A thread-safe inbox the run loop empties between key reads.
public final class Mailbox: @unchecked Sendable {
    private let lock = NSLock()
    private var messages: [WorkerMessage] = []

    public init() {}

    public func post(_ message: WorkerMessage) {
        lock.withLock { messages.append(message) }
    }

    public func drain() -> [WorkerMessage] {
        lock.withLock {
            defer { messages.removeAll() }
            return messages
        }
    }
}

/// Works on one case at a time on a background queue: reads the pair, scores low vs
/// high, runs the generator (with progress and cancellation), scores enhanced vs high.
/// The run loop never waits for it.
public final class CaseWorker: @unchecked Sendable {
    private let queue = DispatchQueue(label: "usreview.case-worker", qos: .userInitiated)
    private let generator: Generator?
    /// Every model (the first is `generator`) and its disk cache (Dataset/DiskCache.swift).
    private var generators: [Generator] = []
    private var diskCaches: [DiskCache?] = []
    private let mailbox: Mailbox
    /// Made on the queue at the first case (LPIPS weights take a moment to load).
    private var scorer: PairScorer?

    public init(generator: Generator?, mailbox: Mailbox) {
        self.generator = generator
        self.mailbox = mailbox
        generators = generator.map { [$0] } ?? []
        diskCaches = generators.map { _ in nil }
    }

    /// A worker for several models, each with its disk cache (nil: none).
    public convenience init(generators: [Generator], diskCaches: [DiskCache?], mailbox: Mailbox) {
        self.init(generator: generators.first, mailbox: mailbox)
        self.generators = generators
        self.diskCaches = generators.indices.map { diskCaches.indices.contains($0) ? diskCaches[$0] : nil }
    }

    /// Blocks until the case in hand (already cancelled, so at most one layer away)
    /// has stopped. Call before quitting: a process that exits while a worker thread is
    /// inside OpenBLAS crashes in OpenBLAS's exit handlers.
    public func waitUntilIdle() {
        queue.sync {}
    }

    /// Starts work on `item`; cancel the returned flag to stop it between layers.
    public func start(_ item: Case) -> CancellationFlag {
        let flag = CancellationFlag()
        queue.async { self.run(item, flag) }
        return flag
    }

    /// Starts a prefetch of `item` at utility priority on the same serial queue, so it
    /// never overlaps the open case's work on a generator. Results go to the same
    /// mailbox (and disk cache) as any other case's.
    public func prefetch(_ item: Case) -> CancellationFlag {
        let flag = CancellationFlag()
        queue.async(qos: .utility, flags: .enforceQoS) { self.run(item, flag) }
        return flag
    }

    private func run(_ item: Case, _ flag: CancellationFlag) {
        guard !flag.isCancelled else { return }
        let id = item.id
        do {
            let low = try PNGCodec.read(item.lowPath)
            let high = try item.highPath.map { try PNGCodec.read($0) }
            var result = CaseResult(low: low, high: high)
            post(.result(caseID: id, result), unless: flag)
            if scorer == nil { scorer = PairScorer(lpips: (try? LPIPS.loadInstalled()) ?? nil) }
            if let high, let scorer {
                result.lowVsHigh = try? scorer.score(low, against: high)
                post(.result(caseID: id, result), unless: flag)
            }
            for (number, generator) in generators.enumerated() {
                let mailbox = self.mailbox
                let lastPercent = LastPercent()
                let count = Double(generators.count)
                let enhanced: GrayImage
                if let cached = diskCaches[number]?.load(for: low) {
                    enhanced = cached
                } else {
                    enhanced = try generator.enhance(low, progress: { fraction in
                        let overall = (Double(number) + fraction) / count
                        let percent = Int(overall * 100)
                        if lastPercent.advance(to: percent), !flag.isCancelled {
                            mailbox.post(.event(.progress(caseID: id, fraction: overall)))
                        }
                    }, cancellation: flag).image
                    try? diskCaches[number]?.store(enhanced, for: low)
                }
                let output = ModelOutput.make(enhanced, high: high, scorer: scorer)
                result.models.append(output)
                if number == 0 {
                    result.enhanced = output.enhanced
                    result.difference = output.difference
                    result.enhancedVsHigh = output.enhancedVsHigh
                }
                post(.result(caseID: id, result), unless: flag)
            }
            post(.event(.finished(caseID: id)), unless: flag)
        } catch EnhancerError.cancelled {
            return
        } catch {
            post(.event(.failed(caseID: id, message: "\(error)")), unless: flag)
        }
    }

    private func post(_ message: WorkerMessage, unless flag: CancellationFlag) {
        if !flag.isCancelled { mailbox.post(message) }
    }
}

/// Posts progress once per whole percent, not once per layer call.
private final class LastPercent: @unchecked Sendable {
    private let lock = NSLock()
    private var value = -1

    func advance(to percent: Int) -> Bool {
        lock.withLock {
            guard percent > value else { return false }
            value = percent
            return true
        }
    }
}
