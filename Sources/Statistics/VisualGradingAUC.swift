/// The area under the visual grading characteristics curve (VGC; Båth & Månsson 2007).
///
/// AUC_VGC = P(E > L) + ½·P(E = L), estimated over ALL pairs of one enhanced-image
/// rating E and one reference-image rating L from the same reader (every case's
/// enhanced rating against every case's reference rating, n_E·n_L pairs, not just the
/// same case) — the Mann–Whitney form of the trapezoidal VGC area. 0.5 = no
/// difference; > 0.5 = enhanced images rated higher. Matches the reference set's
/// `auc_vgc_per_reader`.
public enum VisualGradingAUC {
    /// Nil when either list is empty. NaN ratings are ignored.
    public static func auc(enhanced: [Double], reference: [Double]) -> Double? {
        let e = enhanced.filter { !$0.isNaN }, l = reference.filter { !$0.isNaN }
        guard !e.isEmpty, !l.isEmpty else { return nil }
        var score = 0.0
        for x in e {
            for y in l { score += x > y ? 1 : (x == y ? 0.5 : 0) }
        }
        return score / Double(e.count * l.count)
    }

    /// One AUC_VGC per reader from cases × readers matrices.
    public static func perReader(enhanced: [[Double]], reference: [[Double]]) -> [Double?] {
        let readers = enhanced.first?.count ?? 0
        return (0..<readers).map { r in
            auc(enhanced: enhanced.compactMap { r < $0.count ? $0[r] : nil },
                reference: reference.compactMap { r < $0.count ? $0[r] : nil })
        }
    }
}
