import Foundation

/// The direction a test looks in: is the first sample greater, less, or just different?
public enum Alternative: String, Codable, Sendable {
    case greater, less, twoSided = "two-sided"
}

/// The Wilcoxon signed-rank test on paired differences (e.g. SSIM of enhanced minus
/// SSIM of low, one value per case).
///
/// Conventions follow scipy.stats.wilcoxon (zero_method "wilcox": zero differences
/// are dropped): the statistic is T+ (the sum of the ranks of positive differences)
/// for one-sided tests and min(T+, T−) for the two-sided one; `.approx` is the normal
/// approximation with the tie-corrected variance, `.exact` the exact null distribution
/// (no ties), `.automatic` picks exact for n ≤ 50 without ties, as scipy's "auto" does.
public enum WilcoxonSignedRank {
    public enum Method: Sendable, Equatable {
        case automatic
        case exact
        case approx(continuityCorrection: Bool)
    }

    public struct Result: Equatable, Sendable {
        public let statistic: Double
        public let pValue: Double
        /// Non-zero differences used.
        public let count: Int
        /// True when the p-value comes from the exact distribution.
        public let exact: Bool
    }

    /// Nil when every difference is zero (there is nothing to test).
    public static func test(_ differences: [Double], alternative: Alternative,
                            method: Method = .automatic) -> Result? {
        let nonZero = differences.filter { $0 != 0 && !$0.isNaN }
        let n = nonZero.count
        guard n > 0 else { return nil }
        let (ranks, ties) = midranks(nonZero.map(abs))
        let positive = zip(nonZero, ranks).reduce(0.0) { $0 + ($1.0 > 0 ? $1.1 : 0) }
        let total = Double(n * (n + 1)) / 2
        let statistic = alternative == .twoSided ? min(positive, total - positive) : positive

        let useExact: Bool
        switch method {
        case .exact: useExact = ties.isEmpty
        case .approx: useExact = false
        case .automatic: useExact = ties.isEmpty && n <= 50
        }
        if useExact {
            return Result(statistic: statistic, pValue: exactPValue(positive: positive, n: n, alternative: alternative),
                          count: n, exact: true)
        }
        let correction: Bool
        if case .approx(let corrected) = method { correction = corrected } else { correction = false }
        let mean = total / 2
        let tieTerm = ties.reduce(0.0) { $0 + Double($1 * $1 * $1 - $1) } / 48
        let sd = (Double(n * (n + 1) * (2 * n + 1)) / 24 - tieTerm).squareRoot()
        let p: Double
        switch alternative {
        case .greater:
            p = normalSurvival((positive - mean - (correction ? 0.5 : 0)) / sd)
        case .less:
            p = normalSurvival(-(positive - mean + (correction ? 0.5 : 0)) / sd)
        case .twoSided:
            let distance = abs(positive - mean) - (correction ? 0.5 : 0)
            p = min(1, 2 * normalSurvival(distance / sd))
        }
        return Result(statistic: statistic, pValue: p, count: n, exact: false)
    }

    /// P-value from the exact distribution of T+ under H0: each rank 1…n positive with
    /// probability ½, counted by dynamic programming over the achievable sums.
    static func exactPValue(positive: Double, n: Int, alternative: Alternative) -> Double {
        let maximum = n * (n + 1) / 2
        var counts = [Double](repeating: 0, count: maximum + 1)
        counts[0] = 1
        for rank in 1...n {
            for sum in stride(from: maximum, through: rank, by: -1) { counts[sum] += counts[sum - rank] }
        }
        let all = pow(2.0, Double(n))
        let t = Int(positive.rounded())
        let atLeast = counts[t...].reduce(0, +) / all
        let atMost = counts[...t].reduce(0, +) / all
        switch alternative {
        case .greater: return atLeast
        case .less: return atMost
        case .twoSided: return min(1, 2 * min(atLeast, atMost))
        }
    }
}

/// P(Z > z) for a standard normal Z.
func normalSurvival(_ z: Double) -> Double {
    0.5 * erfc(z / 2.0.squareRoot())
}
