/// The exact sign test on paired differences (e.g. enhanced minus reference rating,
/// pooled over readers and cases).
///
/// Zero differences are dropped; the p-value is the exact binomial test of n₊
/// successes in n₊ + n₋ trials with p = ½, as scipy.stats.binomtest(n_plus,
/// n_plus + n_minus, 0.5, alternative=...) — `greater` asks whether positive
/// differences are more common. Two-sided is scipy's (for p = ½: twice the smaller tail, capped at 1).
public enum SignTest {
    public struct Result: Sendable, Equatable {
        public let positives: Int
        public let negatives: Int
        /// Zero (tied) differences that were dropped.
        public let zeros: Int
        public let pValue: Double
    }

    /// Nil when there is no non-zero difference.
    public static func test(_ differences: [Double], alternative: Alternative) -> Result? {
        let valid = differences.filter { !$0.isNaN }
        let plus = valid.filter { $0 > 0 }.count, minus = valid.filter { $0 < 0 }.count
        guard let p = pValue(positives: plus, negatives: minus, alternative: alternative) else { return nil }
        return Result(positives: plus, negatives: minus, zeros: valid.count - plus - minus, pValue: p)
    }

    /// The p-value from the counts; nil when both are zero.
    public static func pValue(positives: Int, negatives: Int, alternative: Alternative) -> Double? {
        guard positives >= 0, negatives >= 0, positives + negatives > 0 else { return nil }
        return Binomial(trials: positives + negatives, probability: 0.5)
            .testPValue(successes: positives, alternative: alternative)
    }
}
