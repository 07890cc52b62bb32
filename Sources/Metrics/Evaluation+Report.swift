import Foundation
import UntrustedText

extension Evaluation {
    public func json() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        // PSNR of identical images is +infinity, which JSON cannot hold.
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return String(decoding: try encoder.encode(self), as: UTF8.self)
    }

    /// One row per case: id, organ, split (text, neutralised against formulas), then
    /// low_* and enhanced_* metrics (numbers, written as they are: LNCC may be negative).
    /// RFC 4180 through `CSVTable`, LF line ends.
    public func csv() -> String {
        let header = ["id", "organ", "split"] + MetricName.allCases.map { "low_\($0.rawValue)" }
            + MetricName.allCases.map { "enhanced_\($0.rawValue)" }
        let rows: [[CSVCell]] = cases.map { result in
            let low = MetricName.allCases.map { CSVCell.number(Self.cell($0.value(of: result.low))) }
            let enhanced = MetricName.allCases.map { metric in
                CSVCell.number(Self.cell(result.enhanced.flatMap(metric.value(of:))))
            }
            return [.text(result.id), .text(result.organ.rawValue), .text(result.split?.rawValue ?? "")] + low + enhanced
        }
        return CSVTable.render(header: header, rows: rows, lineEnd: .lf)
    }

    /// The summary table a person reads: per group and metric, low and enhanced as
    /// mean ± sd, and the one-sided Wilcoxon p-value.
    public func text() -> String {
        // The model's name and the failures (which name files) are outside text: escaped, one line each.
        var lines = ["split: \(split)   model: \(model.map { TerminalText.sanitized($0) } ?? "none (reference-low baseline only)")"
            + "   cases: \(cases.count)"]
        for group in summaries {
            lines.append("")
            lines.append("\(group.group) (\(group.metrics.first?.cases ?? 0) cases)")
            for metric in group.metrics {
                var line = "  \(metric.metric.rawValue.uppercased().padding(toLength: 6, withPad: " ", startingAt: 0))"
                    + "low \(Self.meanSD(metric.lowMean, metric.lowSD))"
                if let mean = metric.enhancedMean, let sd = metric.enhancedSD {
                    line += "   enhanced \(Self.meanSD(mean, sd))"
                    if let p = metric.wilcoxonP, let alternative = metric.alternative {
                        line += String(format: "   p = %.3g (Wilcoxon, enhanced %@ low)", p,
                                       alternative == .greater ? ">" : "<")
                    }
                }
                lines.append(line)
            }
        }
        if !summaries.contains(where: { $0.metrics.contains { $0.metric == .lpips } }) {
            lines.append("")
            lines.append("LPIPS unavailable: its weights are not installed (run scripts/fetch-lpips-weights).")
        }
        if !failures.isEmpty {
            lines.append("")
            lines.append("\(failures.count) case(s) could not be scored:")
            lines += failures.map { "  - \(TerminalText.sanitized($0))" }
        }
        return lines.joined(separator: "\n")
    }

    private static func cell(_ value: Double?) -> String {
        guard let value else { return "" }
        return value.isFinite ? String(format: "%.6f", value) : "inf"
    }

    private static func meanSD(_ mean: Double, _ sd: Double) -> String {
        String(format: "%8.4f ± %-7.4f", mean, sd)
    }
}
