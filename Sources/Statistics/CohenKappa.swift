/// Cohen's kappa for two readers rating the same cases on a categorical scale.
///
/// Follows scikit-learn's `cohen_kappa_score(y1, y2, labels=..., weights=...)`: the
/// confusion matrix is built over the FULL label set the caller gives (categories
/// nobody used still count, which matters for the weighted forms), the weights are
/// distances between label *positions* in that list (|i − j| for linear, (i − j)² for
/// quadratic, 1 − δᵢⱼ unweighted), and κ = 1 − Σ w·O / Σ w·E with E the outer product
/// of the marginals divided by the number of cases. Pairs with a value outside
/// `labels` are ignored, as sklearn does.
///
/// Undefined cases (no pairs, or Σ w·E = 0, e.g. both readers gave every case the
/// same single category) return nil where sklearn returns its
/// `replace_undefined_by` default, NaN.
public enum CohenKappa {
    public enum Weighting: String, Sendable, CaseIterable {
        case unweighted, linear, quadratic
    }

    public static func kappa<Label: Hashable>(_ first: [Label], _ second: [Label], labels: [Label],
                                              weighting: Weighting = .unweighted) -> Double? {
        precondition(first.count == second.count, "CohenKappa: the two readers must rate the same cases")
        var index: [Label: Int] = [:]
        for (position, label) in labels.enumerated() where index[label] == nil { index[label] = position }
        let q = labels.count
        var confusion = [[Double]](repeating: [Double](repeating: 0, count: q), count: q)
        for (a, b) in zip(first, second) {
            guard let i = index[a], let j = index[b] else { continue }
            confusion[i][j] += 1
        }
        let rowSums = confusion.map { $0.reduce(0, +) }
        let columnSums = (0..<q).map { j in confusion.reduce(0) { $0 + $1[j] } }
        let total = rowSums.reduce(0, +)
        guard total > 0 else { return nil }
        var observed = 0.0, expected = 0.0
        for i in 0..<q {
            for j in 0..<q {
                let w: Double
                switch weighting {
                case .unweighted: w = i == j ? 0 : 1
                case .linear: w = Double(abs(i - j))
                case .quadratic: w = Double((i - j) * (i - j))
                }
                observed += w * confusion[i][j]
                expected += w * rowSums[i] * columnSums[j] / total
            }
        }
        guard expected != 0 else { return nil }
        return 1 - observed / expected
    }
}
