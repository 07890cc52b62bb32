import Figures
import Foundation

extension Evaluation {
    /// The unit and direction of a metric on an axis.
    static func axisLabel(_ metric: MetricName) -> String {
        switch metric {
        case .psnr: return "PSNR vs HIGH (dB, higher is better)"
        case .lpips: return "LPIPS vs HIGH (distance, lower is better)"
        default: return "\(metric.label) vs HIGH (unitless, higher is better)"
        }
    }

    var organGroups: [String] { summaries.map(\.group) }

    func members(_ group: String) -> [CaseResult] {
        group == "all" ? cases : cases.filter { $0.organ.rawValue == group }
    }

    func scores(_ result: CaseResult, row: Int) -> PairScores { row == 0 ? result.low : result.models[row - 1] }

    /// Per metric: the distribution of every row by organ (box plot with the points), and
    /// with models, each model's per-case difference from low.
    public func figures() -> [HTMLPage.Figure] {
        var figures: [HTMLPage.Figure] = []
        let groups = organGroups
        let scope = "\(cases.count) cases, split \(split)"
        for metric in metrics {
            let series = rowNames.indices.map { row in
                BoxPlot.Series(name: Self.rowLabel(rowNames[row]), values: groups.map { group in
                    members(group).compactMap { metric.value(of: scores($0, row: row)) }
                })
            }
            let plot = BoxPlot(
                title: "\(metric.label) vs HIGH per organ: reference low" + (models.isEmpty ? "" : " and \(models.count) model(s)"),
                subtitle: "\(scope); box: quartiles and median, whiskers 1.5 IQR, one point per case",
                groups: groups, series: series, xLabel: "organ", yLabel: Self.axisLabel(metric))
            figures.append(HTMLPage.Figure(name: "eval-\(metric.rawValue)-distribution.svg", svg: plot.svg(),
                                           caption: "\(metric.label) of each image against its HIGH reference, per organ "
                                               + "and overall (\(scope))."))
            guard !models.isEmpty else { continue }
            var worse: [String] = []
            let differences = models.indices.map { m in
                BoxPlot.Series(name: models[m].name, values: groups.map { group in
                    members(group).compactMap { result -> Double? in
                        guard let e = metric.value(of: result.models[m]), let l = metric.value(of: result.low),
                              e.isFinite, l.isFinite else { return nil }
                        return e - l
                    }
                }, colorIndex: m + 1)
            }
            for (m, model) in models.enumerated() {
                let all = differences[m].values.last ?? []
                let count = all.filter { metric.higherIsBetter ? $0 < 0 : $0 > 0 }.count
                worse.append("\(model.name) worse than low in \(count) of \(all.count)")
            }
            let unit = metric == .psnr ? "dB" : "unitless"
            let direction = metric.higherIsBetter ? "above 0: better than low" : "below 0: better than low"
            let difference = BoxPlot(
                title: "\(metric.label): per-case difference model − low, per organ",
                subtitle: "\(scope); " + worse.joined(separator: "; "),
                groups: groups, series: differences, xLabel: "organ",
                yLabel: "Δ \(metric.label) (\(unit); \(direction))", referenceLine: 0)
            figures.append(HTMLPage.Figure(name: "eval-\(metric.rawValue)-difference.svg", svg: difference.svg(),
                                           caption: "Per case, \(metric.label) of each model minus that of LOW "
                                               + "(\(direction)); " + worse.joined(separator: "; ") + " cases overall."))
        }
        return figures
    }

    /// One self-contained page: the table, the tests and the figures.
    public func html() -> String {
        HTMLPage(title: "usreview eval: " + header, markdown: markdown(), figures: figures()).render()
    }
}
