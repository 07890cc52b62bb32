import Dispatch
import Foundation

/// Splits the engine's own loops (im2col, col2im, normalisation) over worker threads.
///
/// The matrix products are threaded by OpenBLAS itself (see `BLAS.useThreads`); everything
/// else runs here, over the same number of threads.
struct ParallelLoop: Sendable {
    /// Threads to use, at least 1.
    let threads: Int

    /// Elements of work below which a chunk is not worth a thread hand-over (~10 µs).
    let minimumChunkCost: Int

    init(threads: Int, minimumChunkCost: Int = 32_768) {
        self.threads = max(1, threads)
        self.minimumChunkCost = max(1, minimumChunkCost)
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
        // More chunks than threads: the calling thread takes chunks too, so when a worker
        // starts late (OpenBLAS's threads spin for a while after each product and compete
        // for the cores) the caller carries on with the rest instead of waiting for it.
        let chunks = min(count, 8 * threads, total / minimumChunkCost)
        if chunks == 1 {
            body(0..<count)
            return
        }
        // The body writes disjoint ranges of buffers it captured; that is the caller's promise,
        // which the compiler cannot check, so the closure travels in an unchecked box.
        withoutActuallyEscaping(body) { body in
            let task = UncheckedSendable(body)
            DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
                let start = count * chunk / chunks
                let end = count * (chunk + 1) / chunks
                if start < end { task.value(start..<end) }
            }
        }
    }
}

/// Carries a value across a concurrency boundary the compiler cannot reason about.
private struct UncheckedSendable<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}
