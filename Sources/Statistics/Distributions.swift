import Foundation

/// Special functions and distribution functions shared by the tests in this module.
///
/// Conventions follow scipy.special / scipy.stats: `regularizedIncompleteBeta(a:b:x:)`
/// is `betainc(a, b, x)`; `FDistribution.cdf/survival/quantile` are `f.cdf/sf/ppf`;
/// `StudentT` likewise for `t`; `Binomial` tails match `binom.sf/cdf` and the
/// two-sided p-value of `binomtest`. The incomplete beta is the Numerical Recipes
/// continued fraction evaluated with the modified Lentz method; quantiles are found by
/// bisection to full double precision (monotone, no convergence surprises).
public enum Distributions {
    /// I_x(a, b), the regularized incomplete beta function, for a, b > 0 and 0 ≤ x ≤ 1.
    /// NaN outside that domain.
    public static func regularizedIncompleteBeta(a: Double, b: Double, x: Double) -> Double {
        guard a > 0, b > 0, x >= 0, x <= 1, !a.isNaN, !b.isNaN else { return .nan }
        if x == 0 { return 0 }
        if x == 1 { return 1 }
        let logFront = lgamma(a + b) - lgamma(a) - lgamma(b) + a * log(x) + b * log1p(-x)
        // The continued fraction converges fast for x < (a + 1)/(a + b + 2); use the symmetry otherwise.
        if x < (a + 1) / (a + b + 2) {
            return exp(logFront) * betaContinuedFraction(a: a, b: b, x: x) / a
        }
        return 1 - exp(logFront) * betaContinuedFraction(a: b, b: a, x: 1 - x) / b
    }

    /// Continued fraction for the incomplete beta (Numerical Recipes `betacf`), modified Lentz.
    static func betaContinuedFraction(a: Double, b: Double, x: Double) -> Double {
        let tiny = 1e-300
        let epsilon = 1e-16
        let qab = a + b, qap = a + 1, qam = a - 1
        var c = 1.0
        var d = 1 - qab * x / qap
        if abs(d) < tiny { d = tiny }
        d = 1 / d
        var h = d
        for m in 1...10_000 {
            let m = Double(m), m2 = 2 * m
            var aa = m * (b - m) * x / ((qam + m2) * (a + m2))
            d = 1 + aa * d
            if abs(d) < tiny { d = tiny }
            c = 1 + aa / c
            if abs(c) < tiny { c = tiny }
            d = 1 / d
            h *= d * c
            aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2))
            d = 1 + aa * d
            if abs(d) < tiny { d = tiny }
            c = 1 + aa / c
            if abs(c) < tiny { c = tiny }
            d = 1 / d
            let delta = d * c
            h *= delta
            if abs(delta - 1) < epsilon { break }
        }
        return h
    }

    /// Smallest x in [lower, upper] with increasing(x) ≥ target, by bisection to the
    /// resolution of a double.
    static func bisect(lower: Double, upper: Double, target: Double, _ increasing: (Double) -> Double) -> Double {
        var lo = lower, hi = upper
        for _ in 0..<2000 {
            let mid = lo + (hi - lo) / 2
            if mid <= lo || mid >= hi { break }
            if increasing(mid) < target { lo = mid } else { hi = mid }
        }
        return lo + (hi - lo) / 2
    }
}

/// The F distribution with `numerator` and `denominator` degrees of freedom (any
/// positive reals, as Satterthwaite/Hillis degrees of freedom need). Follows scipy.stats.f.
public struct FDistribution: Sendable, Equatable {
    public let numerator: Double
    public let denominator: Double

    public init(numerator: Double, denominator: Double) {
        self.numerator = numerator
        self.denominator = denominator
    }

    /// P(F ≤ x).
    public func cdf(_ x: Double) -> Double {
        if x.isNaN { return .nan }
        if x <= 0 { return 0 }
        if x == .infinity { return 1 }
        let d1 = numerator, d2 = denominator
        // I_{d1 x/(d1 x + d2)}(d1/2, d2/2), written to keep precision in both tails.
        return Distributions.regularizedIncompleteBeta(a: d1 / 2, b: d2 / 2, x: d1 * x / (d1 * x + d2))
    }

    /// P(F > x), computed directly (not 1 − cdf) so small p-values keep their digits.
    public func survival(_ x: Double) -> Double {
        if x.isNaN { return .nan }
        if x <= 0 { return 1 }
        if x == .infinity { return 0 }
        let d1 = numerator, d2 = denominator
        return Distributions.regularizedIncompleteBeta(a: d2 / 2, b: d1 / 2, x: d2 / (d2 + d1 * x))
    }

    /// The p-quantile (scipy `f.ppf`): x with P(F ≤ x) = p. NaN for p outside [0, 1].
    public func quantile(_ p: Double) -> Double {
        guard p >= 0, p <= 1, numerator > 0, denominator > 0 else { return .nan }
        if p == 0 { return 0 }
        if p == 1 { return .infinity }
        // Invert in the beta variable y = d1 x/(d1 x + d2) ∈ (0, 1), then map back.
        let a = numerator / 2, b = denominator / 2
        let y = Distributions.bisect(lower: 0, upper: 1, target: p) {
            Distributions.regularizedIncompleteBeta(a: a, b: b, x: $0)
        }
        return denominator * y / (numerator * (1 - y))
    }
}

/// Student's t distribution with `degreesOfFreedom` (any positive real). Follows scipy.stats.t.
public struct StudentT: Sendable, Equatable {
    public let degreesOfFreedom: Double

    public init(degreesOfFreedom: Double) { self.degreesOfFreedom = degreesOfFreedom }

    /// P(T ≤ x).
    public func cdf(_ x: Double) -> Double {
        if x.isNaN { return .nan }
        let nu = degreesOfFreedom
        let tail = 0.5 * Distributions.regularizedIncompleteBeta(a: nu / 2, b: 0.5, x: nu / (nu + x * x))
        return x >= 0 ? 1 - tail : tail
    }

    /// P(T > x).
    public func survival(_ x: Double) -> Double { StudentT(degreesOfFreedom: degreesOfFreedom).cdf(-x) }

    /// The p-quantile (scipy `t.ppf`).
    public func quantile(_ p: Double) -> Double {
        guard p >= 0, p <= 1, degreesOfFreedom > 0 else { return .nan }
        if p == 0 { return -.infinity }
        if p == 1 { return .infinity }
        if p == 0.5 { return 0 }
        let nu = degreesOfFreedom
        // |t| from the beta variable: P(|T| > t) = I_{ν/(ν+t²)}(ν/2, ½) = 2·min(p, 1 − p).
        let twoTail = 2 * min(p, 1 - p)
        // I is increasing in y = ν/(ν+t²); find y with I(y) = twoTail.
        let y = Distributions.bisect(lower: 0, upper: 1, target: twoTail) {
            Distributions.regularizedIncompleteBeta(a: nu / 2, b: 0.5, x: $0)
        }
        let t = (nu * (1 - y) / y).squareRoot()
        return p < 0.5 ? -t : t
    }
}

/// The binomial distribution B(n, p). Follows scipy.stats.binom and scipy.stats.binomtest.
public struct Binomial: Sendable, Equatable {
    public let trials: Int
    public let probability: Double

    public init(trials: Int, probability: Double) {
        self.trials = trials
        self.probability = probability
    }

    /// P(X = k).
    public func pmf(_ k: Int) -> Double {
        guard k >= 0, k <= trials else { return 0 }
        let n = Double(trials), kk = Double(k), p = probability
        if p == 0 { return k == 0 ? 1 : 0 }
        if p == 1 { return k == trials ? 1 : 0 }
        let logChoose = lgamma(n + 1) - lgamma(kk + 1) - lgamma(n - kk + 1)
        return exp(logChoose + kk * log(p) + (n - kk) * log1p(-p))
    }

    /// P(X ≥ k) = I_p(k, n − k + 1).
    public func atLeast(_ k: Int) -> Double {
        if k <= 0 { return 1 }
        if k > trials { return 0 }
        return Distributions.regularizedIncompleteBeta(a: Double(k), b: Double(trials - k + 1), x: probability)
    }

    /// P(X ≤ k) = I_{1−p}(n − k, k + 1).
    public func atMost(_ k: Int) -> Double {
        if k < 0 { return 0 }
        if k >= trials { return 1 }
        return Distributions.regularizedIncompleteBeta(a: Double(trials - k), b: Double(k + 1), x: 1 - probability)
    }

    /// The exact binomial test of k successes, as scipy.stats.binomtest: one-sided tails,
    /// and for two-sided the total probability of outcomes no more likely than k
    /// (pmf ≤ pmf(k)·(1 + 1e-7)), capped at 1.
    public func testPValue(successes k: Int, alternative: Alternative) -> Double {
        switch alternative {
        case .greater: return atLeast(k)
        case .less: return atMost(k)
        case .twoSided:
            let d = pmf(k)
            let limit = d * (1 + 1e-7)
            let mean = Double(trials) * probability
            if Double(k) == mean { return 1 }
            var total = 0.0
            if Double(k) < mean {
                // Sum the upper tail of outcomes whose pmf ≤ pmf(k).
                var j = trials
                while j > k, pmf(j) <= limit { j -= 1 }
                total = atMost(k) + (j < trials ? atLeast(j + 1) : 0)
            } else {
                var j = 0
                while j < k, pmf(j) <= limit { j += 1 }
                total = atLeast(k) + (j > 0 ? atMost(j - 1) : 0)
            }
            return min(1, total)
        }
    }
}
