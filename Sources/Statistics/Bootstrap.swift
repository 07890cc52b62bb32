/// The percentile bootstrap (Efron & Tibshirani 1993, ch. 13): resample the units with
/// replacement, recompute the statistic, and take the interval between the replicates'
/// (1 − level)/2 and (1 + level)/2 quantiles (linear interpolation, numpy's default).
///
/// Units are whatever must stay together: in a reader study, a case with all its readings,
/// because readings of one case are not independent. Randomness comes in as `below`, a
/// uniform integer in 0..<bound, so the caller picks a seeded generator and the interval
/// replays exactly (this module depends on nothing).
public enum PercentileBootstrap {
    public struct Interval: Equatable, Sendable {
        public let lower: Double
        public let upper: Double
        /// Replicates whose statistic was defined (the others are left out).
        public let replicates: Int

        public init(lower: Double, upper: Double, replicates: Int) {
            self.lower = lower
            self.upper = upper
            self.replicates = replicates
        }
    }

    /// Nil for no units, no replicates, or when no replicate's statistic is defined.
    /// The statistic may return nil for a resample where it is undefined. Inlinable so
    /// that it is specialised for the caller's units (thousands of resamples per interval).
    @inlinable
    public static func interval<Unit>(units: [Unit], replicates: Int = 2000, level: Double = 0.95,
                                      below: (Int) -> Int, statistic: ([Unit]) -> Double?) -> Interval? {
        guard !units.isEmpty, replicates > 0, level > 0, level < 1 else { return nil }
        var values: [Double] = []
        values.reserveCapacity(replicates)
        var sample = units
        for _ in 0..<replicates {
            for i in sample.indices { sample[i] = units[below(units.count)] }
            if let value = statistic(sample), value.isFinite { values.append(value) }
        }
        guard !values.isEmpty else { return nil }
        values.sort()
        return Interval(lower: quantile(values, (1 - level) / 2), upper: quantile(values, (1 + level) / 2),
                        replicates: values.count)
    }

    /// The p-quantile of sorted values, linear between order statistics.
    @usableFromInline
    static func quantile(_ sorted: [Double], _ p: Double) -> Double {
        let position = p * Double(sorted.count - 1)
        let lower = Int(position.rounded(.down)), upper = min(lower + 1, sorted.count - 1)
        return sorted[lower] + (position - Double(lower)) * (sorted[upper] - sorted[lower])
    }
}
