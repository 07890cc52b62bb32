/// Intraclass correlation coefficients of a complete cases × readers matrix.
///
/// Follows pingouin 0.7 `intraclass_corr` (two-way ANOVA mean squares: MSB between
/// cases, MSJ between readers, MSE residual, MSW = (SS_readers + SS_residual)/(n(k − 1))),
/// in Shrout & Fleiss (1979) / McGraw & Wong (1996) forms:
/// - ICC(1,1) = (MSB − MSW)/(MSB + (k − 1)MSW), one-way random;
/// - ICC(A,1) = pingouin ICC2, Shrout–Fleiss ICC(2,1), absolute agreement;
/// - ICC(C,1) = pingouin ICC3, Shrout–Fleiss ICC(3,1), consistency;
/// - ICC(1,k), ICC(A,k), ICC(C,k): the average-measure versions.
///
/// F, degrees of freedom and p-values are pingouin's (F = MSB/MSW for the one-way
/// forms, MSB/MSE otherwise). Confidence intervals are the F-based ones pingouin
/// computes (McGraw & Wong; the ICC(A,·) interval with Satterthwaite-type degrees of
/// freedom ν). They are NOT rounded here; pingouin rounds its CI to two decimals for
/// display, so compare to ±0.005.
///
/// Returns nil for fewer than two cases or readers, a ragged or non-finite matrix, or
/// zero total variance (every rating identical), where pingouin's results are all NaN.
/// Partial degeneracies (e.g. MSE = 0: perfect consistency) follow IEEE arithmetic the
/// way numpy does (ICC = 1, F = ∞, some CI ends NaN).
public enum IntraclassCorrelation {
    public enum Form: String, Sendable, CaseIterable {
        case single1 = "ICC(1,1)", singleAbsolute = "ICC(A,1)", singleConsistency = "ICC(C,1)"
        case average1 = "ICC(1,k)", averageAbsolute = "ICC(A,k)", averageConsistency = "ICC(C,k)"
    }

    public struct Estimate: Sendable, Equatable {
        public let form: Form
        public let icc: Double
        public let f: Double
        public let df1: Double
        public let df2: Double
        public let pValue: Double
        public let lower: Double
        public let upper: Double
    }

    public struct Result: Sendable, Equatable {
        /// The six forms in pingouin's order: ICC(1,1), ICC(A,1), ICC(C,1), ICC(1,k), ICC(A,k), ICC(C,k).
        public let estimates: [Estimate]
        public let msBetweenCases: Double
        public let msBetweenReaders: Double
        public let msResidual: Double
        public let msWithin: Double

        public subscript(form: Form) -> Estimate { estimates.first { $0.form == form }! }
    }

    /// `ratings` is cases × readers. `confidence` is the two-sided CI level (pingouin uses 0.95).
    public static func compute(_ ratings: [[Double]], confidence: Double = 0.95) -> Result? {
        let n = ratings.count
        guard n >= 2, let k = ratings.first?.count, k >= 2,
              ratings.allSatisfy({ $0.count == k && $0.allSatisfy(\.isFinite) }) else { return nil }
        let nd = Double(n), kd = Double(k)
        let grand = ratings.reduce(0) { $0 + $1.reduce(0, +) } / (nd * kd)
        let rowMeans = ratings.map { $0.reduce(0, +) / kd }
        let columnMeans = (0..<k).map { j in ratings.reduce(0) { $0 + $1[j] } / nd }
        let ssTotal = ratings.reduce(0) { $0 + $1.reduce(0) { $0 + ($1 - grand) * ($1 - grand) } }
        guard ssTotal > 0 else { return nil }
        let ssRows = kd * rowMeans.reduce(0) { $0 + ($1 - grand) * ($1 - grand) }
        let ssColumns = nd * columnMeans.reduce(0) { $0 + ($1 - grand) * ($1 - grand) }
        var ssResidual = 0.0
        for i in 0..<n {
            for j in 0..<k {
                let r = ratings[i][j] - rowMeans[i] - columnMeans[j] + grand
                ssResidual += r * r
            }
        }
        let msb = ssRows / (nd - 1)
        let msj = ssColumns / (kd - 1)
        let mse = ssResidual / ((nd - 1) * (kd - 1))
        let msw = (ssColumns + ssResidual) / (nd * (kd - 1))

        let icc1 = (msb - msw) / (msb + (kd - 1) * msw)
        let icc2 = (msb - mse) / (msb + (kd - 1) * mse + kd * (msj - mse) / nd)
        let icc3 = (msb - mse) / (msb + (kd - 1) * mse)
        let icc1k = (msb - msw) / msb
        let icc2k = (msb - mse) / (msb + (msj - mse) / nd)
        let icc3k = (msb - mse) / msb

        let f1 = msb / msw, f3 = msb / mse
        let df1 = nd - 1, df1kd = nd * (kd - 1), df2kd = (nd - 1) * (kd - 1)
        let p1 = FDistribution(numerator: df1, denominator: df1kd).survival(f1)
        let p3 = FDistribution(numerator: df1, denominator: df2kd).survival(f3)

        let q = 1 - (1 - confidence) / 2
        func ppf(_ d1: Double, _ d2: Double) -> Double { FDistribution(numerator: d1, denominator: d2).quantile(q) }
        let f1l = f1 / ppf(df1, df1kd), f1u = f1 * ppf(df1kd, df1)
        let l1 = (f1l - 1) / (f1l + (kd - 1)), u1 = (f1u - 1) / (f1u + (kd - 1))
        let f3l = f3 / ppf(df1, df2kd), f3u = f3 * ppf(df2kd, df1)
        let l3 = (f3l - 1) / (f3l + (kd - 1)), u3 = (f3u - 1) / (f3u + (kd - 1))
        let fj = msj / mse
        let a = kd * icc2 * fj + nd * (1 + (kd - 1) * icc2) - kd * icc2
        let b = nd * (1 + (kd - 1) * icc2) - kd * icc2
        let v = df2kd * a * a / (df1 * kd * kd * icc2 * icc2 * fj * fj + b * b)
        let f2u = ppf(nd - 1, v), f2l = ppf(v, nd - 1)
        let l2 = nd * (msb - f2u * mse) / (f2u * (kd * msj + (kd * nd - kd - nd) * mse) + nd * msb)
        let u2 = nd * (f2l * msb - mse) / (kd * msj + (kd * nd - kd - nd) * mse + nd * f2l * msb)

        let estimates = [
            Estimate(form: .single1, icc: icc1, f: f1, df1: df1, df2: df1kd, pValue: p1, lower: l1, upper: u1),
            Estimate(form: .singleAbsolute, icc: icc2, f: f3, df1: df1, df2: df2kd, pValue: p3, lower: l2, upper: u2),
            Estimate(form: .singleConsistency, icc: icc3, f: f3, df1: df1, df2: df2kd, pValue: p3, lower: l3, upper: u3),
            Estimate(form: .average1, icc: icc1k, f: f1, df1: df1, df2: df1kd, pValue: p1,
                     lower: 1 - 1 / f1l, upper: 1 - 1 / f1u),
            Estimate(form: .averageAbsolute, icc: icc2k, f: f3, df1: df1, df2: df2kd, pValue: p3,
                     lower: l2 * kd / (1 + l2 * (kd - 1)), upper: u2 * kd / (1 + u2 * (kd - 1))),
            Estimate(form: .averageConsistency, icc: icc3k, f: f3, df1: df1, df2: df2kd, pValue: p3,
                     lower: 1 - 1 / f3l, upper: 1 - 1 / f3u),
        ]
        return Result(estimates: estimates, msBetweenCases: msb, msBetweenReaders: msj, msResidual: mse, msWithin: msw)
    }
}
