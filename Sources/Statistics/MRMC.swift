/// Multi-reader multi-case (MRMC) analysis: Obuchowski–Rockette (1995) with Hillis's
/// (2007) denominator degrees of freedom, readers and cases both random.
///
/// For t treatments, r readers and n cases, θᵢⱼ is the figure of merit of treatment i
/// and reader j (any per-reader statistic; `analyzeROC` uses the trapezoidal ROC AUC).
/// Error covariances come from the jackknife over cases: θᵢⱼ₍ₖ₎ is recomputed without
/// case k and Cov(θᵢⱼ, θᵢ'ⱼ') = (n − 1)/n · Σₖ (θᵢⱼ₍ₖ₎ − θ̄ᵢⱼ₍·₎)(θᵢ'ⱼ'₍ₖ₎ − θ̄ᵢ'ⱼ'₍·₎)
/// (equivalently the covariance of the pseudo-values divided by n). These are averaged
/// into Var (i = i', j = j'), Cov1 (same reader, different treatments), Cov2 (different
/// readers, same treatment) and Cov3 (different readers, different treatments).
///
/// MS(T) = r·Σᵢ(θ̄ᵢ· − θ̄··)²/(t − 1), MS(T×R) = Σᵢⱼ(θᵢⱼ − θ̄ᵢ· − θ̄·ⱼ + θ̄··)²/((t − 1)(r − 1)),
/// F = MS(T)/(MS(T×R) + r·max(Cov2 − Cov3, 0)), ddf_H = (MS(T×R) + r·max(Cov2 − Cov3, 0))² /
/// (MS(T×R)²/((t − 1)(r − 1))), p = P(F(t − 1, ddf_H) > F). Pairwise treatment differences
/// use SE = √(2/r · (MS(T×R) + r·max(Cov2 − Cov3, 0))) with a t(ddf_H) interval, as in
/// Hillis's OR-DBM MRMC software (output "random readers and random cases").
/// Reference check: Van Dyke et al. data (5 readers, 2 treatments, 114 cases) reproduce
/// the published F 4.46, ddf 15.26, p 0.0517.
public enum ObuchowskiRockette {
    public struct Difference: Sendable, Equatable {
        public let first: Int
        public let second: Int
        /// θ̄_first − θ̄_second.
        public let estimate: Double
        public let standardError: Double
        public let degreesOfFreedom: Double
        public let lower: Double
        public let upper: Double
        /// Two-sided p-value of the t statistic estimate/standardError.
        public let pValue: Double
    }

    public struct Result: Sendable, Equatable {
        public let treatments: Int
        public let readers: Int
        public let cases: Int
        /// θᵢⱼ: [treatment][reader].
        public let figuresOfMerit: [[Double]]
        public let treatmentMeans: [Double]
        public let msTreatment: Double
        public let msTreatmentReader: Double
        public let variance: Double
        public let cov1: Double
        public let cov2: Double
        public let cov3: Double
        public let f: Double
        public let numeratorDF: Double
        public let denominatorDF: Double
        public let pValue: Double
        /// Every pair first < second, at the requested confidence level.
        public let differences: [Difference]
    }

    /// `figureOfMerit(treatment, reader, omittedCase)` returns θᵢⱼ computed from all
    /// cases (omittedCase nil) or from all cases but one. Needs t ≥ 2, r ≥ 2, n ≥ 2;
    /// returns nil otherwise or when the denominator of F is zero.
    public static func analyze(treatments t: Int, readers r: Int, cases n: Int, confidence: Double = 0.95,
                               figureOfMerit: (_ treatment: Int, _ reader: Int, _ omittedCase: Int?) -> Double) -> Result? {
        guard t >= 2, r >= 2, n >= 2 else { return nil }
        let theta = (0..<t).map { i in (0..<r).map { j in figureOfMerit(i, j, nil) } }
        // Jackknife values: jack[k][i*r + j].
        let cells = t * r
        let jack = (0..<n).map { k in (0..<cells).map { figureOfMerit($0 / r, $0 % r, k) } }
        let jackMeans = (0..<cells).map { c in jack.reduce(0) { $0 + $1[c] } / Double(n) }
        func covariance(_ a: Int, _ b: Int) -> Double {
            let s = jack.reduce(0) { $0 + ($1[a] - jackMeans[a]) * ($1[b] - jackMeans[b]) }
            return s * Double(n - 1) / Double(n)
        }
        var sums = [0.0, 0.0, 0.0, 0.0], counts = [0, 0, 0, 0]  // var, cov1, cov2, cov3
        for a in 0..<cells {
            for b in 0..<cells {
                let sameTreatment = a / r == b / r, sameReader = a % r == b % r
                let kind = sameTreatment ? (sameReader ? 0 : 2) : (sameReader ? 1 : 3)
                sums[kind] += covariance(a, b)
                counts[kind] += 1
            }
        }
        let average = (0..<4).map { sums[$0] / Double(counts[$0]) }

        let td = Double(t), rd = Double(r)
        let treatmentMeans = theta.map { $0.reduce(0, +) / rd }
        let readerMeans = (0..<r).map { j in theta.reduce(0) { $0 + $1[j] } / td }
        let grand = treatmentMeans.reduce(0, +) / td
        let msT = rd * treatmentMeans.reduce(0) { $0 + ($1 - grand) * ($1 - grand) } / (td - 1)
        var ssTR = 0.0
        for i in 0..<t {
            for j in 0..<r {
                let e = theta[i][j] - treatmentMeans[i] - readerMeans[j] + grand
                ssTR += e * e
            }
        }
        let msTR = ssTR / ((td - 1) * (rd - 1))
        let denominator = msTR + rd * max(average[2] - average[3], 0)
        guard denominator > 0 else { return nil }
        let f = msT / denominator
        let ddf = denominator * denominator / (msTR * msTR / ((td - 1) * (rd - 1)))
        let p = FDistribution(numerator: td - 1, denominator: ddf).survival(f)

        let se = (2 / rd * denominator).squareRoot()
        let tDistribution = StudentT(degreesOfFreedom: ddf)
        let critical = tDistribution.quantile(1 - (1 - confidence) / 2)
        var differences: [Difference] = []
        for a in 0..<t {
            for b in (a + 1)..<t {
                let estimate = treatmentMeans[a] - treatmentMeans[b]
                let statistic = estimate / se
                differences.append(Difference(first: a, second: b, estimate: estimate, standardError: se,
                                              degreesOfFreedom: ddf, lower: estimate - critical * se,
                                              upper: estimate + critical * se,
                                              pValue: min(1, 2 * tDistribution.survival(abs(statistic)))))
            }
        }
        return Result(treatments: t, readers: r, cases: n, figuresOfMerit: theta, treatmentMeans: treatmentMeans,
                      msTreatment: msT, msTreatmentReader: msTR, variance: average[0], cov1: average[1],
                      cov2: average[2], cov3: average[3], f: f, numeratorDF: td - 1, denominatorDF: ddf,
                      pValue: p, differences: differences)
    }

    /// OR-Hillis with the trapezoidal ROC AUC as figure of merit. `ratings` is
    /// [treatment][reader][case] (higher = more confident the case is abnormal),
    /// `truth[case]` true for abnormal cases. Nil if the shapes disagree, a class is
    /// empty, or `analyze` returns nil.
    public static func analyzeROC(ratings: [[[Double]]], truth: [Bool], confidence: Double = 0.95) -> Result? {
        let t = ratings.count, r = ratings.first?.count ?? 0, n = truth.count
        guard ratings.allSatisfy({ $0.count == r && $0.allSatisfy { $0.count == n } }) else { return nil }
        let positives = truth.indices.filter { truth[$0] }, negatives = truth.indices.filter { !truth[$0] }
        guard positives.count >= 2, negatives.count >= 2 else { return nil }
        return analyze(treatments: t, readers: r, cases: n, confidence: confidence) { i, j, omitted in
            let x = ratings[i][j]
            var score = 0.0, pairs = 0
            for p in positives where p != omitted {
                for q in negatives where q != omitted {
                    score += x[p] > x[q] ? 1 : (x[p] == x[q] ? 0.5 : 0)
                    pairs += 1
                }
            }
            return score / Double(pairs)
        }
    }
}

/// The empirical (trapezoidal) ROC area: P(X₊ > X₋) + ½·P(X₊ = X₋) over all
/// abnormal/normal pairs, i.e. the Mann–Whitney statistic divided by n₊n₋ — the same
/// number as sklearn.metrics.roc_auc_score on the ratings.
public enum TrapezoidalAUC {
    /// Nil when either class is empty.
    public static func auc(positives: [Double], negatives: [Double]) -> Double? {
        guard !positives.isEmpty, !negatives.isEmpty else { return nil }
        var score = 0.0
        for x in positives {
            for y in negatives { score += x > y ? 1 : (x == y ? 0.5 : 0) }
        }
        return score / Double(positives.count * negatives.count)
    }

    /// From scores and labels (true = abnormal).
    public static func auc(scores: [Double], truth: [Bool]) -> Double? {
        precondition(scores.count == truth.count, "TrapezoidalAUC: one label per score")
        return auc(positives: zip(scores, truth).filter { $0.1 }.map(\.0),
                   negatives: zip(scores, truth).filter { !$0.1 }.map(\.0))
    }
}
