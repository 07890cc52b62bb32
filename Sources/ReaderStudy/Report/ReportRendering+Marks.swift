import Foundation
import UntrustedText

extension StudyReport {
    /// The marks section in Markdown. Reader, image, organ and category names are outside
    /// text: escaped as in the rest of the report.
    static func marksMarkdown(_ marks: MarksReport) -> String {
        let shown = { (text: String) in TerminalText.sanitized(text) }
        var out = "## Marks\n\n"
        out += "- Categories: \(marks.categories.map(shown).joined(separator: ", "))\n"
        out += "- Readings (reader × case × rated image, first showings): \(marks.readings)\n"
        out += "- Match radius R = \(ReportBuilder.radiusText(marks.matchRadius)) px; boxes match at IoU ≥ "
            + "\(marks.minimumIoU); a point matches a box it lies inside\n\n"
        for model in orderedModels(marks) {
            out += "### Marks on \(shown(model))\n\n"
            out += "| organ | category | reader | readings | marked | share (95% CI) | marks | marks per reading |\n"
            out += "| --- | --- | --- | ---: | ---: | --- | ---: | ---: |\n"
            for s in marks.shares where s.model == model {
                let interval = s.reader == "all readers" ? "bootstrap" : "Wilson"
                out += "| \(shown(s.organ)) | \(shown(s.category)) | \(shown(s.reader)) | \(s.readings) | \(s.marked) | "
                    + "\(shareText(s.share, interval)) | \(s.marks) | \(number(s.marksPerReading)) |\n"
            }
            out += "\n"
            if let agreement = marks.agreement.first(where: { $0.model == model }) {
                out += "Localisation agreement on \(shown(model)), 2m / (nA + nB) over the cases both read:\n\n"
                for pair in agreement.pairs {
                    out += "- \(shown(pair.first)) vs \(shown(pair.second)), \(pair.readings) cases: m = \(pair.matched), "
                        + "nA = \(pair.firstMarks), nB = \(pair.secondMarks): \(estimate(pair.agreement))\n"
                }
                out += "- Mean over reader pairs: \(estimate(agreement.meanOfPairs))\n\n"
            }
        }
        return out
    }

    static func orderedModels(_ marks: MarksReport) -> [String] {
        var seen = Set<String>()
        return (marks.shares.map(\.model) + marks.agreement.map(\.model)).filter { seen.insert($0).inserted }
    }

    static func shareText(_ share: Estimate, _ interval: String) -> String {
        guard let value = share.value else { return "n/a (\(share.reason ?? "undefined"))" }
        guard let lower = share.lower, let upper = share.upper else { return number(value) }
        return "\(number(value)) (\(interval) \(number(lower)) to \(number(upper)))"
    }
}
