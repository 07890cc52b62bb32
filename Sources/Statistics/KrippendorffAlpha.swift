/// Krippendorff's alpha for any number of readers, with missing ratings.
///
/// Follows the `krippendorff` Python package 0.9 (`krippendorff.alpha`): the value
/// domain is the sorted set of values that occur (or the caller's list); each unit with
/// mᵤ ≥ 2 values contributes its pairs to the coincidence matrix o with weight
/// 1/(mᵤ − 1) (units with fewer than two values contribute nothing); nᵥ are the
/// coincidence marginals, e = (nᵥnᵥ' − δ nᵥ)/(n − 1), and α = 1 − Σ o·d / Σ e·d with
/// the distance d of the level of measurement:
/// - nominal: 1 for different values, 0 otherwise;
/// - ordinal: (Σ_{g=i..j} n_g − (nᵢ + nⱼ)/2)², the value-frequency-based distance
///   between domain positions i ≤ j (so only the order of the values matters);
/// - interval: (v − v')²;
/// - ratio: ((v − v')/(v + v'))², 0 when v + v' = 0.
///
/// Returns nil where the package raises (fewer than two values in the domain, or no
/// unit rated by at least two readers) or yields NaN (Σ e·d = 0).
public enum KrippendorffAlpha {
    public enum Level: String, Sendable, CaseIterable {
        case nominal, ordinal, interval, ratio
    }

    /// `data` is readers × units (the package's `reliability_data` layout); nil is a
    /// missing rating. `valueDomain`, when given, must be sorted for ordinal data and
    /// contain every value that occurs (values outside it are ignored).
    public static func alpha(readersByUnits data: [[Double?]], level: Level,
                             valueDomain: [Double]? = nil) -> Double? {
        let domain = valueDomain ?? Array(Set(data.flatMap { $0.compactMap { $0 } }).sorted())
        let v = domain.count
        guard v > 1 else { return nil }
        var index: [Double: Int] = [:]
        for (i, value) in domain.enumerated() where index[value] == nil { index[value] = i }
        let units = data.map(\.count).max() ?? 0
        var coincidences = [[Double]](repeating: [Double](repeating: 0, count: v), count: v)
        var anyPairable = false
        for unit in 0..<units {
            var counts = [Double](repeating: 0, count: v)
            var m = 0.0
            for reader in data where unit < reader.count {
                if let value = reader[unit], let i = index[value] { counts[i] += 1; m += 1 }
            }
            guard m >= 2 else { continue }
            anyPairable = true
            for i in 0..<v where counts[i] > 0 {
                for j in 0..<v where counts[j] > 0 {
                    coincidences[i][j] += (counts[i] * counts[j] - (i == j ? counts[i] : 0)) / (m - 1)
                }
            }
        }
        guard anyPairable else { return nil }
        let marginals = (0..<v).map { j in coincidences.reduce(0) { $0 + $1[j] } }
        let n = marginals.reduce(0, +)
        var cumulative = [0.0]  // cumulative[i] = Σ_{g<i} n_g
        for value in marginals { cumulative.append(cumulative.last! + value) }
        func distance(_ i: Int, _ j: Int) -> Double {
            switch level {
            case .nominal: return i == j ? 0 : 1
            case .ordinal:
                let (lo, hi) = (min(i, j), max(i, j))
                let s = cumulative[hi + 1] - cumulative[lo] - (marginals[lo] + marginals[hi]) / 2
                return s * s
            case .interval:
                let d = domain[i] - domain[j]
                return d * d
            case .ratio:
                let sum = domain[i] + domain[j]
                if sum == 0 { return 0 }
                let r = (domain[i] - domain[j]) / sum
                return r * r
            }
        }
        var observed = 0.0, expected = 0.0
        for i in 0..<v {
            for j in 0..<v {
                let d = distance(i, j)
                observed += coincidences[i][j] * d
                expected += (marginals[i] * marginals[j] - (i == j ? marginals[i] : 0)) / (n - 1) * d
            }
        }
        guard expected != 0, expected.isFinite else { return nil }
        return 1 - observed / expected
    }

    /// Convenience for the usual cases × readers layout (rows = cases).
    public static func alpha(casesByReaders ratings: [[Double?]], level: Level,
                             valueDomain: [Double]? = nil) -> Double? {
        let readers = ratings.map(\.count).max() ?? 0
        let transposed = (0..<readers).map { r in ratings.map { r < $0.count ? $0[r] : nil } }
        return alpha(readersByUnits: transposed, level: level, valueDomain: valueDomain)
    }
}
