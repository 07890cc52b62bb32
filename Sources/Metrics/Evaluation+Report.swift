import Foundation
import Statistics
import UntrustedText

extension Evaluation {
    public func json() throws -> String {
        String(decoding: try Self.encoder().encode(self), as: UTF8.self)
    }

    /// Reads back what `json()` wrote.
    public static func decode(json: Data) throws -> Evaluation {
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf",
                                                                        nan: "nan")
        return try decoder.decode(Evaluation.self, from: json)
    }

    static func encoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        // PSNR of identical images is +infinity, which JSON cannot hold.
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf",
                                                                      nan: "nan")
        return encoder
    }

    /// One row per case and image: id, organ, split, method ("low" or a model; text,
    /// neutralised against formulas), then the metrics in the paper's order, each the
    /// shortest text that reads back to the same Double ("inf" for identical images;
    /// empty when LPIPS is not installed). RFC 4180 through `CSVTable`, LF line ends.
    public func caseCSV() -> String {
        let header = ["id", "organ", "split", "method"] + MetricName.paperOrder.map(\.rawValue)
        let rows: [[CSVCell]] = cases.flatMap { result in
            zip(rowNames, [result.low] + result.models).map { name, scores in
                [.text(result.id), .text(result.organ.rawValue), .text(result.split?.rawValue ?? ""), .text(name)]
                    + MetricName.paperOrder.map { metric in .number(metric.value(of: scores).map(Self.cell) ?? "") }
            }
        }
        return CSVTable.render(header: header, rows: rows, lineEnd: .lf)
    }

    /// The table as CSV: one row per group and method, mean and sd of each metric.
    public func summaryCSV() -> String {
        let header = ["organ", "method", "cases"] + metrics.flatMap { ["\($0.rawValue)_mean", "\($0.rawValue)_sd"] }
        let rows: [[CSVCell]] = summaries.flatMap { group in
            group.rows.map { row in
                [.text(group.group), .text(row.name), .number(String(group.cases))] + metrics.flatMap { metric -> [CSVCell] in
                    let cell = row.cells.first { $0.metric == metric }
                    return [.number(cell.map { Self.cell($0.mean) } ?? ""), .number(cell.map { Self.cell($0.sd) } ?? "")]
                }
            }
        }
        return CSVTable.render(header: header, rows: rows, lineEnd: .lf)
    }

    static func cell(_ value: Double) -> String {
        value.isFinite ? "\(value)" : (value > 0 ? "inf" : value < 0 ? "-inf" : "nan")
    }

    /// The row's label in the table: "reference low", or the model's name.
    public static func rowLabel(_ name: String) -> String { name == "low" ? "reference low" : name }

    /// "LNCC ↑"; LPIPS is the one metric where lower is better.
    static func heading(_ metric: MetricName) -> String { metric.label + (metric.higherIsBetter ? " ↑" : " ↓") }

    static func meanSD(_ cell: Cell?, digits: Int) -> String {
        guard let cell else { return "n/a" }
        guard cell.mean.isFinite else { return "inf" }
        return String(format: "%.\(digits)f ± %.\(digits)f", cell.mean, cell.sd)
    }

    static func leftPad(_ text: String, _ width: Int) -> String {
        String(repeating: " ", count: max(0, width - text.count)) + text
    }

    static func digits(_ metric: MetricName) -> Int { metric == .psnr ? 2 : 4 }

    static func p(_ value: Double?) -> String {
        guard let value else { return "n/a" }
        return value < 0.0001 ? String(format: "%.1e", value) : String(format: "%.4f", value)
    }

    var header: String {
        // Model names come from the command line: outside text, escaped.
        let models = models.isEmpty ? "none (reference-low baseline only)"
            : models.map { TerminalText.sanitized($0.name) }.joined(separator: ", ")
        return "split \(split), \(cases.count) cases, models: \(models), LNCC window \(lnccWindow)×\(lnccWindow)"
    }

    var directionNote: String {
        "mean ± sd over cases; ↑ higher is better (LNCC, SSIM, PSNR), ↓ lower is better (LPIPS)"
    }

    var testNote: String {
        "Paired one-sided Wilcoxon signed-rank tests (scipy's conventions) of each model against low and of each later "
            + "model against the first, H1 \"first better\" (greater; for LPIPS less), Holm-corrected across the "
            + "\(tests.count) tests of the table; \"worse\" counts the cases where the first is worse."
    }

    /// The table a person reads.
    public func text() -> String {
        var lines = ["usreview eval: " + header, directionNote, ""]
        let nameWidth = max(16, (rowNames.map { Self.rowLabel($0).count }.max() ?? 0) + 2)
        let columnWidth = 20
        for group in summaries {
            lines.append("\(group.group) (\(group.cases) cases)".padding(toLength: nameWidth + 2, withPad: " ", startingAt: 0)
                + metrics.map { Self.heading($0).padding(toLength: columnWidth, withPad: " ", startingAt: 0) }.joined())
            for row in group.rows {
                lines.append("  " + Self.rowLabel(row.name).padding(toLength: nameWidth, withPad: " ", startingAt: 0)
                    + metrics.map { metric in
                        Self.meanSD(row.cells.first { $0.metric == metric }, digits: Self.digits(metric))
                            .padding(toLength: columnWidth, withPad: " ", startingAt: 0)
                    }.joined())
            }
            lines.append("")
        }
        if !tests.isEmpty {
            lines.append(testNote)
            lines.append("  organ     metric     comparison                      cases  worse  mean diff        p   Holm p")
            for t in tests {
                let comparison = "\(t.first) vs \(t.second)"
                lines.append("  " + t.group.padding(toLength: 10, withPad: " ", startingAt: 0)
                    + t.metric.label.padding(toLength: 11, withPad: " ", startingAt: 0)
                    + comparison.padding(toLength: 32, withPad: " ", startingAt: 0)
                    + String(format: "%5d  %5d  %+9.4f  ", t.cases, t.worse, t.meanDifference)
                    + Self.leftPad(Self.p(t.p), 9) + " " + Self.leftPad(Self.p(t.holmP), 8))
            }
        }
        if !metrics.contains(.lpips) {
            lines.append("")
            lines.append("LPIPS unavailable: its weights are not installed (run scripts/fetch-lpips-weights).")
        }
        if !failures.isEmpty {
            lines.append("")
            lines.append("\(failures.count) case(s) could not be scored:")
            // The failures name files: outside text, escaped, one line each.
            lines += failures.map { "  - \(TerminalText.sanitized($0))" }
        }
        return lines.map { $0.trimmingTrailingSpaces() }.joined(separator: "\n") + "\n"
    }

    /// The table as Markdown (a paper's Table 2), then the tests.
    public func markdown() -> String {
        var out = "# usreview eval\n\n" + header + "; " + directionNote + ".\n\n"
        out += "| organ | method | cases | " + metrics.map { Self.heading($0) }.joined(separator: " | ") + " |\n"
        out += "| --- | --- | ---: | " + metrics.map { _ in "---:" }.joined(separator: " | ") + " |\n"
        for group in summaries {
            for row in group.rows {
                out += "| \(group.group) | \(Self.rowLabel(row.name)) | \(group.cases) | "
                    + metrics.map { metric in
                        Self.meanSD(row.cells.first { $0.metric == metric }, digits: Self.digits(metric))
                    }.joined(separator: " | ") + " |\n"
            }
        }
        if !tests.isEmpty {
            out += "\n" + testNote + "\n\n"
            out += "| organ | metric | comparison | H1 | cases | worse | mean diff | p | Holm p |\n"
            out += "| --- | --- | --- | --- | ---: | ---: | ---: | ---: | ---: |\n"
            for t in tests {
                let h1 = "\(t.first) \(t.alternative == .greater ? "higher" : "lower")"
                out += "| \(t.group) | \(t.metric.label) | \(t.first) vs \(t.second) | \(h1) | \(t.cases) | \(t.worse) | "
                    + String(format: "%+.4f", t.meanDifference) + " | \(Self.p(t.p)) | \(Self.p(t.holmP)) |\n"
            }
        }
        if !failures.isEmpty {
            out += "\n\(failures.count) case(s) could not be scored:\n\n"
                + failures.map { "- \(TerminalText.sanitized($0))\n" }.joined()
        }
        return out
    }
}

extension String {
    func trimmingTrailingSpaces() -> String { String(reversed().drop { $0 == " " }.reversed()) }
}
