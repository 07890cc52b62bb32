import Foundation

/// Counts finished steps of a parallel job and reports (done, total) after each one.
public final class ProgressCounter: @unchecked Sendable {
    public typealias Report = @Sendable (Int, Int) -> Void

    private let lock = NSLock()
    private var done = 0
    public let total: Int
    private let report: Report?

    public init(total: Int, report: Report?) {
        self.total = total
        self.report = report
    }

    public func advance() {
        let count = lock.withLock { done += 1; return done }
        report?(count, total)
    }
}
