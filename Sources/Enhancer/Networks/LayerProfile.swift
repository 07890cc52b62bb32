import Dispatch

/// Wall-clock time of each step of one run (a convolution, a normalisation, …) in the
/// order the steps ran, so a benchmark can show where the time goes and how each step
/// scales with the thread count. Recording costs two clock reads a step; a run without
/// a profile records nothing.
public final class LayerProfile: @unchecked Sendable {
    public struct Step: Sendable, Equatable {
        /// What ran, e.g. "down 3 conv 256→512 16×16 (winograd 2)".
        public let name: String
        public let nanoseconds: UInt64
    }

    public private(set) var steps: [Step] = []

    public init() {}

    func record(_ name: String, nanoseconds: UInt64) {
        steps.append(Step(name: name, nanoseconds: nanoseconds))
    }
}

extension RunContext {
    /// Runs `body`, and with a profile, records its time under `name` (built only then).
    @inline(__always)
    func step<T>(_ name: @autoclosure () -> String, _ body: () throws -> T) rethrows -> T {
        guard let profile else { return try body() }
        let start = DispatchTime.now().uptimeNanoseconds
        let result = try body()
        profile.record(name(), nanoseconds: DispatchTime.now().uptimeNanoseconds - start)
        return result
    }
}
