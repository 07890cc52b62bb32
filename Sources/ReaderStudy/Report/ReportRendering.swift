import Foundation
import UntrustedText

extension StudyReport {
    /// The report as JSON (sorted keys; undefined values are left out, with a `reason`).
    public func json() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf",
                                                                      nan: "nan")
        return try encoder.encode(self)
    }

    /// The report as Markdown, for people. Study, reader and model names are outside
    /// text: escaped (`TerminalText`), so none breaks a line or reaches a terminal raw.
    public func markdown() -> String {
        let shown = { (text: String) in TerminalText.sanitized(text) }
        var out = "# Reader study report: \(shown(study))\n\n"
        out += "- Mode: \(mode)\n- Readers (\(readers.count)): \(readers.map(shown).joined(separator: ", "))\n"
        out += "- Rated images: \(sources.map(shown).joined(separator: ", "))\n- Cases: \(cases)\n"
        out += "- Comparator: \(comparator ?? "none"). \(comparatorNote)\n"
        out += "- Left out: \(excludedCalibrationAnswers) calibration answers; \(repeatAnswers) repeat answers "
            + "(used only for intra-reader agreement)\n\n"
        for question in questions {
            out += "## \(question.key) (\(question.kind)\(question.points.map { ", \($0) points" } ?? ""))\n\n"
            if question.summaries.contains(where: { $0.proportions != nil }) {
                out += "| image | organ | n | proportions |\n| --- | --- | ---: | --- |\n"
                for s in question.summaries {
                    let parts = (s.proportions ?? []).map { "\($0.category) \($0.count) (\(Self.percent($0.proportion)))" }
                    out += "| \(s.source) | \(s.organ) | \(s.n) | \(parts.joined(separator: ", ")) |\n"
                }
            } else {
                out += "| image | organ | n | mean | sd | median | IQR (Q1–Q3) |\n| --- | --- | ---: | ---: | ---: | ---: | --- |\n"
                for s in question.summaries {
                    let iqr = s.q1.map { q1 in "\(Self.number(s.iqr)) (\(Self.number(q1))–\(Self.number(s.q3)))" } ?? "n/a"
                    out += "| \(s.source) | \(s.organ) | \(s.n) | \(Self.number(s.mean)) | \(Self.number(s.sd)) | "
                        + "\(Self.number(s.median)) | \(iqr) |\n"
                }
            }
            out += "\n"
            out += comparisonsMarkdown(question)
            for agreement in question.interReaderByImage + [question.interReader].compactMap({ $0 }) {
                out += Self.agreementMarkdown(agreement)
            }
            if let intra = question.intraReader {
                out += "Intra-reader agreement (quadratic-weighted κ, first showing vs repeat):\n\n"
                for entry in intra.perReader + [intra.pooled] {
                    out += "- \(shown(entry.reader)), \(entry.pairs) pairs: \(Self.estimate(entry.kappa))\n"
                }
                out += "\n"
            }
            for analysis in question.mrmc {
                out += "MRMC (Obuchowski–Rockette–Hillis), figure of merit \(analysis.figureOfMerit), "
                    + "treatments \(analysis.treatments.joined(separator: ", ")), \(analysis.readers) readers, \(analysis.cases) cases: "
                if let f = analysis.f, let means = analysis.treatmentMeans {
                    out += "means \(means.map { Self.number($0) }.joined(separator: " / ")), F(\(Self.number(analysis.numeratorDF)), "
                        + "\(Self.number(analysis.denominatorDF))) = \(Self.number(f)), p = \(Self.p(analysis.p))\n"
                    for d in analysis.differences ?? [] {
                        out += "- \(d.first) − \(d.second): \(Self.number(d.estimate)) "
                            + "(95% CI \(Self.number(d.lower)) to \(Self.number(d.upper))), p = \(Self.p(d.p))\n"
                    }
                } else {
                    out += "n/a (\(analysis.reason ?? "undefined"))\n"
                }
                out += "\n"
            }
        }
        if let marks { out += Self.marksMarkdown(marks) }
        out += "## Methods\n\n" + methods.map { "- " + $0 }.joined(separator: "\n") + "\n"
        return out
    }

    /// One block per comparison, every statistic of the pair under a heading that says
    /// its direction ("unet vs high: H1 unet rated higher").
    func comparisonsMarkdown(_ question: QuestionReport) -> String {
        var out = ""
        for c in comparisons where c.question == question.key {
            out += "### \(question.key): \(c.first) vs \(c.second): \(c.hypothesis)\n\n"
            out += "- Per-case mean difference (\(c.first) − \(c.second)), \(c.cases) cases: \(Self.number(c.meanDifference))\n"
            if let method = c.wilcoxonMethod {
                out += "- Wilcoxon signed-rank, one-sided (\(method), \(c.wilcoxonNonZero ?? 0) non-zero): "
                    + "T+ = \(Self.number(c.wilcoxonStatistic)), p = \(Self.p(c.wilcoxonP)), Holm p = \(Self.p(c.wilcoxonHolmP))\n"
            } else {
                out += "- Wilcoxon signed-rank: n/a (\(c.reason ?? "undefined"))\n"
            }
            if let positives = c.signPositives {
                out += "- Sign test, one-sided, +/−/0 = \(positives)/\(c.signNegatives!)/\(c.signZeros!): "
                    + "p = \(Self.p(c.signP)), Holm p = \(Self.p(c.signHolmP))\n"
            }
            if let vgc = question.visualGrading.first(where: { $0.source == c.first && $0.comparator == c.second }) {
                let values = vgc.perReader.map { "\(TerminalText.sanitized($0.reader)) \(Self.estimate($0.value))" }
                out += "- AUC_VGC, P(\(c.first) > \(c.second)) + ½·P(tie): \(values.joined(separator: "; ")); "
                    + "pooled (mean of the readers' AUCs) \(Self.estimate(vgc.meanOfReaders))\n"
            }
            for analysis in question.mrmc {
                for d in analysis.differences ?? [] where d.first == c.first && d.second == c.second {
                    out += "- MRMC (\(analysis.figureOfMerit)) \(d.first) − \(d.second): \(Self.number(d.estimate)) "
                        + "(95% CI \(Self.number(d.lower)) to \(Self.number(d.upper))), two-sided p = \(Self.p(d.p))\n"
                }
            }
            out += "\n"
        }
        return out
    }

    static func agreementMarkdown(_ agreement: InterReaderAgreement) -> String {
        let units = agreement.images.hasPrefix("pooled") ? "(case, image) units" : "cases"
        var out = "Inter-reader agreement, \(agreement.images) (\(agreement.readers) readers, "
            + "\(agreement.completeUnits) \(units) rated by all):\n\n"
        for pair in agreement.cohenQuadratic {
            out += "- Cohen's κ (quadratic) \(TerminalText.sanitized(pair.first)) vs \(TerminalText.sanitized(pair.second)), "
                + "\(pair.units) \(units): \(estimate(pair.kappa))\n"
        }
        out += "- Fleiss' κ: \(estimate(agreement.fleiss))\n"
        out += "- Krippendorff's α (ordinal): \(estimate(agreement.krippendorffOrdinal))\n"
        out += "- ICC(2,1) = ICC(A,1): \(estimate(agreement.icc21))\n"
        out += "- ICC(2,k) = ICC(A,k): \(estimate(agreement.icc2k))\n\n"
        return out
    }

    static func number(_ value: Double?) -> String {
        guard let value, value.isFinite else { return "n/a" }
        return String(format: "%.3f", value)
    }

    static func p(_ value: Double?) -> String {
        guard let value, value.isFinite else { return "n/a" }
        return value < 0.0001 ? String(format: "%.2e", value) : String(format: "%.4f", value)
    }

    static func percent(_ value: Double) -> String { String(format: "%.1f%%", value * 100) }

    static func estimate(_ e: Estimate) -> String {
        guard let value = e.value else { return "n/a (\(e.reason ?? "undefined"))" }
        if let lower = e.lower, let upper = e.upper {
            return "\(number(value)) (95% CI \(number(lower)) to \(number(upper)))"
        }
        return number(value)
    }
}
