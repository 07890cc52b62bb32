import Foundation
import Synchronization

/// Runs `body(0)`, …, `body(participants − 1)` at once on a team of threads, the calling one
/// included, and returns when all have returned (what `ParallelLoop` needs of its threads).
protocol ParallelTeam: AnyObject, Sendable {
    func perform(_ participants: Int, _ body: (Int) -> Void)
}

/// Threads that stay awake between the parallel loops of a run.
///
/// Why not `DispatchQueue.concurrentPerform` alone: on the 2-core development VM a
/// libdispatch worker starts its share of a loop 40–50 µs after the loop is posted (a
/// sleeping thread's wake-up), and a UNet-256 run posts about 70 loops, so at 2 threads
/// ~3 ms of a 60 ms run had one core idle. These workers poll for the next loop for
/// `idleSpin` after each one (yielding the core to anything else runnable), which covers
/// the serial gaps inside a run; then they sleep until the next loop is posted.
///
/// A share is a slot claimed from the posted loop; the caller claims slots too, so a worker
/// that is late (its core busy with another process) never holds a loop up: the caller
/// runs what nobody has claimed and waits only for shares already running.
@available(macOS 15, *)
final class WorkerPool: ParallelTeam, @unchecked Sendable {
    /// How long an idle worker polls before it sleeps.
    static let idleSpin: UInt64 = 2_000_000

    private let core: PoolCore

    /// A pool with `workers` threads besides the callers of `perform`.
    init(workers: Int) {
        core = PoolCore()
        for index in 0..<max(0, workers) {
            let core = core
            let thread = Thread { core.work() }
            thread.name = "usreview-enhancer-\(index + 1)"
            thread.start()
        }
    }

    deinit { core.stop() }

    func perform(_ participants: Int, _ body: (Int) -> Void) {
        // One loop at a time: a nested or concurrent call runs on its own thread.
        guard participants > 1, !core.busy.exchange(true, ordering: .acquiring) else {
            for part in 0..<participants { body(part) }
            return
        }
        defer { core.busy.store(false, ordering: .releasing) }
        withoutActuallyEscaping(body) { body in core.post(participants, body) }
    }
}

/// What the pool's threads share. `state` packs the loop number (high 32 bits), its
/// participant count (16 bits) and the next unclaimed slot (low 16 bits), so that claiming
/// a slot of a given loop is one compare-and-swap.
@available(macOS 15, *)
private final class PoolCore: @unchecked Sendable {
    let state = Atomic<UInt64>(0)
    /// Shares of the current loop finished by workers.
    let finished = Atomic<Int>(0)
    let busy = Atomic<Bool>(false)
    let stopping = Atomic<Bool>(false)
    /// The current loop's body: written before `state` announces the loop (release), read
    /// by a worker only after it claimed a slot of that loop (acquire), and not changed
    /// until every claimed share has finished.
    nonisolated(unsafe) var body: ((Int) -> Void)?
    private let condition = NSCondition()
    private var sleepers = 0

    private static func slot(_ state: UInt64) -> Int { Int(state & 0xFFFF) }
    private static func participants(_ state: UInt64) -> Int { Int((state >> 16) & 0xFFFF) }

    /// Claims the next slot of the loop in `state`, or returns nil when all are claimed.
    private func claim() -> Int? {
        while true {
            let current = state.load(ordering: .acquiring)
            let slot = Self.slot(current)
            guard slot < Self.participants(current) else { return nil }
            if state.compareExchange(expected: current, desired: current + 1, ordering: .acquiringAndReleasing).exchanged {
                return slot
            }
        }
    }

    private var hasWork: Bool {
        let current = state.load(ordering: .acquiring)
        return Self.slot(current) < Self.participants(current)
    }

    /// The caller's side of `perform`.
    func post(_ participants: Int, _ body: @escaping (Int) -> Void) {
        let participants = min(participants, 0xFFFF)
        self.body = body
        finished.store(0, ordering: .relaxed)
        let loop = (state.load(ordering: .relaxed) >> 32) &+ 1
        state.store((loop << 32) | (UInt64(participants) << 16), ordering: .releasing)
        condition.lock()
        if sleepers > 0 { condition.broadcast() }
        condition.unlock()
        var ranHere = 0
        while let slot = claim() {
            body(slot)
            ranHere += 1
        }
        while finished.load(ordering: .acquiring) < participants - ranHere { sched_yield() }
        self.body = nil
    }

    /// A worker thread's life: claim shares while there are any, poll for `idleSpin`, sleep.
    func work() {
        var idleSince = DispatchTime.now().uptimeNanoseconds
        while !stopping.load(ordering: .acquiring) {
            if let slot = claim() {
                body?(slot)
                finished.add(1, ordering: .releasing)
                idleSince = DispatchTime.now().uptimeNanoseconds
                continue
            }
            if DispatchTime.now().uptimeNanoseconds - idleSince < WorkerPool.idleSpin {
                sched_yield()
                continue
            }
            condition.lock()
            sleepers += 1
            while !hasWork && !stopping.load(ordering: .acquiring) { condition.wait() }
            sleepers -= 1
            condition.unlock()
            idleSince = DispatchTime.now().uptimeNanoseconds
        }
    }

    func stop() {
        stopping.store(true, ordering: .releasing)
        condition.lock()
        condition.broadcast()
        condition.unlock()
    }
}
