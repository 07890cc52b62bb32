/// The Wilson score interval of a binomial proportion (Wilson 1927): the interval that
/// statsmodels' `proportion_confint(count, nobs, method="wilson")` gives. Unlike the
/// normal (Wald) interval it stays inside [0, 1] and is not empty at 0 or n successes,
/// which is what small reader studies need.
public struct WilsonInterval: Equatable, Sendable {
    public let proportion: Double
    public let lower: Double
    public let upper: Double

    /// z of the two-sided 95 % interval: the standard normal's 0.975 quantile.
    public static let z95 = 1.959963984540054

    /// Nil when there are no trials or the counts are impossible.
    public init?(successes: Int, trials: Int, z: Double = z95) {
        guard trials > 0, successes >= 0, successes <= trials, z > 0, z.isFinite else { return nil }
        let n = Double(trials), p = Double(successes) / n, z2 = z * z
        let denominator = 1 + z2 / n
        let centre = (p + z2 / (2 * n)) / denominator
        let half = z / denominator * (p * (1 - p) / n + z2 / (4 * n * n)).squareRoot()
        proportion = p
        // Clamped: at 0 or n successes rounding may put the bound a hair outside [0, 1].
        lower = max(0, centre - half)
        upper = min(1, centre + half)
    }
}
