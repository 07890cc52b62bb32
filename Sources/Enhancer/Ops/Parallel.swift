import Dispatch
import Foundation

/// Splits the engine's own loops (im2col, col2im, normalisation) over worker threads.
///
/// The matrix products are split over the same threads (see `BLAS`): one pool for
/// everything, so nothing competes for the cores. The threads are a `WorkerPool` where
/// the caller supplies one (a generator keeps one for its runs), else libdispatch's.
struct ParallelLoop: Sendable {
    /// Threads to use, at least 1.
    let threads: Int

    /// Elements of work below which a chunk is not worth a thread hand-over (~10 µs).
    let minimumChunkCost: Int

    /// The threads that run the loops; nil: `DispatchQueue.concurrentPerform`.
    let team: (any ParallelTeam)?

    init(threads: Int, minimumChunkCost: Int = 32_768, team: (any ParallelTeam)? = nil) {
        self.threads = max(1, threads)
        self.minimumChunkCost = max(1, minimumChunkCost)
        self.team = team
    }

    /// `body(0)` … `body(participants − 1)` at once, on the team or on libdispatch's threads.
    private func perform(_ participants: Int, _ body: (Int) -> Void) {
        if let team {
            team.perform(participants, body)
            return
        }
        withoutActuallyEscaping(body) { body in
            let task = UncheckedSendable(body)
            DispatchQueue.concurrentPerform(iterations: participants) { part in task.value(part) }
        }
    }

    /// Every core of the machine.
    static var defaultThreads: Int { max(1, ProcessInfo.processInfo.activeProcessorCount) }

    /// Calls `body` with disjoint ranges that together cover `0..<count`, concurrently when
    /// there is more than one thread and enough work: `itemCost` is an item's work in
    /// elements touched, and no chunk gets less than `minimumChunkCost`.
    func forEach(_ count: Int, itemCost: Int, _ body: (Range<Int>) -> Void) {
        guard count > 0 else { return }
        let total = count.multipliedReportingOverflow(by: max(1, itemCost)).partialValue
        guard threads > 1, total >= 2 * minimumChunkCost, count > 1 else {
            body(0..<count)
            return
        }
        // More chunks than threads, taken one by one: when a worker starts late (another
        // process holds the core) the others carry on with the rest instead of waiting.
        let chunks = min(count, 8 * threads, total / minimumChunkCost)
        if chunks == 1 {
            body(0..<count)
            return
        }
        let next = ChunkCounter()
        // The body writes disjoint ranges of buffers it captured; that is the caller's promise,
        // which the compiler cannot check. `threads` participants (the calling thread is
        // one), so no more threads than asked for work at once, however many cores there are.
        perform(min(threads, chunks)) { _ in
            while let chunk = next.take(below: chunks) {
                body((count * chunk / chunks)..<(count * (chunk + 1) / chunks))
            }
        }
    }
}

/// Hands out chunk numbers 0, 1, 2, … to whichever thread asks first.
private final class ChunkCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var next = 0

    func take(below limit: Int) -> Int? {
        lock.lock()
        defer { lock.unlock() }
        guard next < limit else { return nil }
        next += 1
        return next - 1
    }
}

extension ParallelLoop {
    /// Calls `body(item)` for every item in `0..<count`, handing items out one at a time to
    /// whichever thread is free: for a few coarse items such as whole matrix products,
    /// where `forEach`'s chunks of several items would leave threads idle at the end.
    /// `itemCost` is an item's work in elements touched; with less than twice
    /// `minimumChunkCost` in all, the items run on the calling thread.
    func forEachItem(_ count: Int, itemCost: Int, _ body: (Int) -> Void) {
        guard count > 0 else { return }
        let total = count.multipliedReportingOverflow(by: max(1, itemCost)).partialValue
        guard threads > 1, count > 1, total >= 2 * minimumChunkCost else {
            for item in 0..<count { body(item) }
            return
        }
        let next = ChunkCounter()
        perform(min(threads, count)) { _ in
            while let item = next.take(below: count) { body(item) }
        }
    }

    /// Calls `body(part)` for each part in `0..<parts` at once (parts of equal work).
    func forEachPart(_ parts: Int, _ body: (Int) -> Void) {
        guard parts > 1 else {
            if parts == 1 { body(0) }
            return
        }
        perform(parts, body)
    }
}

/// Carries a value across a concurrency boundary the compiler cannot reason about.
private struct UncheckedSendable<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}
