/// Holm–Bonferroni step-down adjustment for a family of p-values.
///
/// Same numbers as statsmodels `multipletests(p, method="holm")[1]`: sort ascending,
/// multiply the i-th smallest (1-based) by m − i + 1, make the sequence monotone
/// non-decreasing with a running maximum, cap at 1, and return in the input order.
/// NaN p-values are passed through as NaN and do not count towards m.
public enum HolmCorrection {
    public static func adjust(_ pValues: [Double]) -> [Double] {
        let valid = pValues.indices.filter { !pValues[$0].isNaN }
        let order = valid.sorted { pValues[$0] < pValues[$1] }
        let m = order.count
        var adjusted = [Double](repeating: .nan, count: pValues.count)
        var running = 0.0
        for (rank, index) in order.enumerated() {
            running = max(running, Double(m - rank) * pValues[index])
            adjusted[index] = min(1, running)
        }
        return adjusted
    }

    /// Which hypotheses are rejected at family-wise level `alpha` (adjusted p ≤ alpha).
    public static func rejected(_ pValues: [Double], alpha: Double = 0.05) -> [Bool] {
        adjust(pValues).map { $0 <= alpha }
    }
}
