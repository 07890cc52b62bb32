import Figures
import Foundation

extension StudyReport {
    /// The figures of every ordinal question: VGC curves per comparison, stacked rating
    /// distributions, a forest plot of paired differences, and reader-by-reader κ.
    public func figures() -> [HTMLPage.Figure] {
        questions.filter { $0.points != nil && $0.kind != "ranking" }.flatMap(figures)
    }

    /// One self-contained page: the report's text and every figure inline.
    public func html() -> String {
        HTMLPage(title: "Reader study report: \(study)", markdown: markdown(), figures: figures()).render()
    }

    var scope: String { "\(readers.count) reader(s), \(cases) case(s)" }

    /// A file name from names of the study: anything but letters, digits, '.', '_' or '-' becomes '_'.
    static func fileName(_ parts: [String]) -> String {
        let joined = parts.joined(separator: "-")
        return String(joined.map { $0.isASCII && ($0.isLetter || $0.isNumber || "._-".contains($0)) ? $0 : "_" }) + ".svg"
    }

    func figures(_ question: QuestionReport) -> [HTMLPage.Figure] {
        guard let points = question.points else { return [] }
        var figures: [HTMLPage.Figure] = []
        let scale = "\(question.key), \(points)-point scale"

        for vgc in question.visualGrading {
            var curves: [CurvePlot.Curve] = []
            var readerCurves: [[(x: Double, y: Double)]] = []
            for reader in readers {
                guard let first = distribution(question, vgc.source, reader: reader),
                      let second = distribution(question, vgc.comparator, reader: reader) else { continue }
                let curve = Self.vgcCurve(first: first, second: second)
                readerCurves.append(curve)
                let auc = vgc.perReader.first { $0.reader == reader }?.value.value
                curves.append(.init(name: "\(reader) (AUC \(auc.map { String(format: "%.2f", $0) } ?? "n/a"))", points: curve))
            }
            guard !readerCurves.isEmpty else { continue }
            let mean = readerCurves[0].indices.map { i in
                (x: readerCurves.map { $0[i].x }.reduce(0, +) / Double(readerCurves.count),
                 y: readerCurves.map { $0[i].y }.reduce(0, +) / Double(readerCurves.count))
            }
            let pooled = vgc.meanOfReaders.value.map { String(format: "%.3f", $0) } ?? "n/a"
            curves.append(.init(name: "mean of readers", points: mean, emphasised: true))
            let plot = CurvePlot(
                title: "VGC: \(vgc.source) vs \(vgc.comparator) (\(question.key))",
                subtitle: "\(scope); pooled AUC_VGC = mean of the readers' AUCs = \(pooled)",
                curves: curves,
                xLabel: "P(\(vgc.comparator) rated ≥ t), proportion of ratings",
                yLabel: "P(\(vgc.source) rated ≥ t), proportion of ratings")
            figures.append(.init(
                name: Self.fileName(["study", question.key, "vgc", vgc.source, "vs", vgc.comparator]), svg: plot.svg(),
                caption: "Visual grading characteristic curve of \(vgc.source) vs \(vgc.comparator) on \(scale): one "
                    + "point per threshold t, one curve per reader and their pointwise mean; above the diagonal, "
                    + "\(vgc.source) is rated higher. The pooled AUC_VGC (\(pooled)) is the mean of the readers' AUCs."))
        }

        let rows = question.distributions.filter { $0.reader == "all readers" }.map {
            StackedBars.Row(label: "\($0.source) · \($0.organ)", counts: $0.counts)
        }
        if !rows.isEmpty {
            let bars = StackedBars(
                title: "\(question.key): ratings per image and organ", subtitle: "\(scope); first showings, all readers",
                categories: (1...points).map(String.init), rows: rows,
                xLabel: "share of ratings (%), scale point 1 (lowest) to \(points) (highest)")
            figures.append(.init(name: Self.fileName(["study", question.key, "distribution"]), svg: bars.svg(),
                                 caption: "Distribution of the \(scale) ratings of each rated image, per organ and over all organs."))
        }

        let comparisonsHere = comparisons.filter { $0.question == question.key && !$0.byOrgan.isEmpty }
        let forestRows = comparisonsHere.flatMap { c in
            c.byOrgan.map { d in
                ForestPlot.Row(label: "\(c.first) vs \(c.second) · \(d.organ) (n = \(d.cases))", estimate: d.mean,
                               lower: d.lower ?? .nan, upper: d.upper ?? .nan)
            }
        }
        if !forestRows.isEmpty {
            let forest = ForestPlot(
                title: "\(question.key): paired mean difference per organ", subtitle: "\(scope); 95 % paired-t intervals",
                rows: forestRows, xLabel: "mean difference first − second (scale points; > 0: first rated higher)")
            figures.append(.init(name: Self.fileName(["study", question.key, "forest"]), svg: forest.svg(),
                                 caption: "Per comparison and organ, the mean of the per-case differences (each case's "
                                     + "ratings averaged over readers first) with its 95 % paired-t interval."))
        }

        if readers.count >= 2 {
            for agreement in question.interReaderByImage + [question.interReader].compactMap({ $0 }) {
                var values = [[Double?]](repeating: [Double?](repeating: nil, count: readers.count), count: readers.count)
                for pair in agreement.cohenQuadratic {
                    guard let i = readers.firstIndex(of: pair.first), let j = readers.firstIndex(of: pair.second) else { continue }
                    values[i][j] = pair.kappa.value
                    values[j][i] = pair.kappa.value
                }
                let map = HeatMap(title: "\(question.key): reader agreement, \(agreement.images)",
                                  subtitle: "\(scope); quadratic-weighted Cohen's κ per reader pair",
                                  labels: readers, values: values, legend: "Cohen's κ (quadratic); darker = higher, max 1")
                figures.append(.init(name: Self.fileName(["study", question.key, "agreement", agreement.images]),
                                     svg: map.svg(),
                                     caption: "Quadratic-weighted Cohen's κ of each pair of readers on \(scale), "
                                         + "\(agreement.images)."))
            }
        }
        return figures
    }

    func distribution(_ question: QuestionReport, _ source: String, reader: String) -> [Int]? {
        question.distributions.first { $0.source == source && $0.reader == reader && $0.organ == "all" }
            .flatMap { $0.counts.reduce(0, +) > 0 ? $0.counts : nil }
    }

    /// The empirical VGC curve: for thresholds t from the top of the scale down, the share
    /// of the second image's ratings ≥ t (x) against the first's (y), from (0, 0) to (1, 1).
    static func vgcCurve(first: [Int], second: [Int]) -> [(x: Double, y: Double)] {
        let totalFirst = Double(first.reduce(0, +)), totalSecond = Double(second.reduce(0, +))
        var points: [(x: Double, y: Double)] = [(0, 0)]
        var atLeastFirst = 0, atLeastSecond = 0
        for t in stride(from: first.count - 1, through: 0, by: -1) {
            atLeastFirst += first[t]
            atLeastSecond += second[t]
            points.append((Double(atLeastSecond) / totalSecond, Double(atLeastFirst) / totalFirst))
        }
        return points
    }
}
