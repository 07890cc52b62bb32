/// Fleiss' kappa for many readers assigning each case to one of several categories.
///
/// Follows statsmodels `statsmodels.stats.inter_rater.fleiss_kappa(table, method=)`
/// on a cases × categories table of counts (every case rated by the same number of
/// readers): P̄ = mean over cases of (Σⱼ nᵢⱼ² − m)/(m(m − 1)), and P̄ₑ = Σⱼ pⱼ² for
/// `.fleiss` (pⱼ the overall category proportions) or 1/q for `.randolph` (free-marginal).
/// κ = (P̄ − P̄ₑ)/(1 − P̄ₑ).
///
/// Returns nil where statsmodels returns NaN or fails: an empty table, fewer than two
/// readers per case, unequal reader counts, or P̄ₑ = 1 (everyone used one category).
public enum FleissKappa {
    public enum Method: String, Sendable {
        case fleiss, randolph
    }

    public static func kappa(table: [[Int]], method: Method = .fleiss) -> Double? {
        guard let categories = table.first?.count, categories > 0,
              table.allSatisfy({ $0.count == categories }) else { return nil }
        let raters = table[0].reduce(0, +)
        guard raters >= 2, table.allSatisfy({ $0.reduce(0, +) == raters }) else { return nil }
        let m = Double(raters), cases = Double(table.count)
        var categoryTotals = [Double](repeating: 0, count: categories)
        var agreement = 0.0
        for row in table {
            let squares = row.reduce(0.0) { $0 + Double($1 * $1) }
            agreement += (squares - m) / (m * (m - 1))
            for (j, count) in row.enumerated() { categoryTotals[j] += Double(count) }
        }
        let meanAgreement = agreement / cases
        let expected: Double
        switch method {
        case .fleiss: expected = categoryTotals.reduce(0) { $0 + ($1 / (cases * m)) * ($1 / (cases * m)) }
        case .randolph: expected = 1 / Double(categories)
        }
        guard expected != 1 else { return nil }
        return (meanAgreement - expected) / (1 - expected)
    }

    /// The cases × categories count table from cases × readers ratings over the given
    /// categories (statsmodels `aggregate_raters`, but with the caller's full category
    /// list so unused categories get a zero column). Ratings not in `categories` are skipped.
    public static func table<Label: Hashable>(ratings: [[Label]], categories: [Label]) -> [[Int]] {
        var index: [Label: Int] = [:]
        for (position, label) in categories.enumerated() where index[label] == nil { index[label] = position }
        return ratings.map { row in
            var counts = [Int](repeating: 0, count: categories.count)
            for value in row { if let j = index[value] { counts[j] += 1 } }
            return counts
        }
    }

    /// Fleiss' kappa straight from cases × readers ratings.
    public static func kappa<Label: Hashable>(ratings: [[Label]], categories: [Label],
                                              method: Method = .fleiss) -> Double? {
        kappa(table: table(ratings: ratings, categories: categories), method: method)
    }
}
