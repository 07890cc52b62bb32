/// Seeded shuffling for splits and reader orders.
///
/// The order must replay exactly from a seed on every platform and toolchain, which
/// the standard library's `shuffle()` does not promise, so Fisher–Yates is spelled out.
extension SplitMix64 {
    /// A uniform integer in 0..<bound, without modulo bias (Lemire's method).
    public mutating func below(_ bound: Int) -> Int {
        precondition(bound > 0)
        let span = UInt64(bound)
        var (high, low) = next().multipliedFullWidth(by: span)
        if low < span {
            let threshold = (0 &- span) % span
            while low < threshold {
                (high, low) = next().multipliedFullWidth(by: span)
            }
        }
        return Int(high)
    }

    public mutating func shuffle<T>(_ items: inout [T]) {
        guard items.count > 1 else { return }
        for i in stride(from: items.count - 1, to: 0, by: -1) {
            items.swapAt(i, below(i + 1))
        }
    }
}
