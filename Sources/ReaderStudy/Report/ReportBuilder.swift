import Foundation
import Statistics

extension StudyReport {
    /// The report of a study in `store` (latest revisions); `matcher` decides which marks
    /// of two readers are the same place.
    public static func make(from store: any CoordinatorStudyStore, study name: String,
                            matcher: MarkMatcher = MarkMatcher()) throws -> StudyReport {
        let snapshot = try store.study(named: name)
        let (rows, marks) = try StudyExport.answersAndMarks(from: store, study: name)
        return make(snapshot: snapshot, rows: rows, marks: marks, matcher: matcher)
    }

    /// The report from exported rows and marks (latest revisions only; others are ignored).
    public static func make(snapshot: StudySnapshot, rows allRows: [ExportRow], marks allMarks: [MarkExportRow] = [],
                            matcher: MarkMatcher = MarkMatcher()) -> StudyReport {
        ReportBuilder(snapshot: snapshot, rows: allRows.filter(\.isLatest), marks: allMarks.filter(\.isLatest),
                      matcher: matcher).build()
    }
}

/// One rating of one image by one reader, as the statistics use it.
struct Rating {
    var reader: String
    var caseId: String
    var organ: String
    var source: String
    var value: String
    var isRepeat: Bool
}

struct ReportBuilder {
    let snapshot: StudySnapshot
    let rows: [ExportRow]
    /// Latest revisions' marks (the marks section; ReportBuilder+Marks.swift).
    let marks: [MarkExportRow]
    let matcher: MarkMatcher
    let readers: [String]
    let sources: [String]
    let comparator: String?
    let caseOrgans: [String: String]
    /// Every paired comparison, "first vs second", in the study's order.
    let pairs: [(first: String, second: String)]

    init(snapshot: StudySnapshot, rows: [ExportRow], marks: [MarkExportRow] = [], matcher: MarkMatcher = MarkMatcher()) {
        self.snapshot = snapshot
        self.rows = rows
        self.marks = marks
        self.matcher = matcher
        let used = rows.filter { !$0.isCalibration }
        readers = Array(Set(used.map(\.reader))).sorted()
        let rated = Set(used.map(\.model).filter { !$0.isEmpty })
        sources = snapshot.modelNames.filter(rated.contains) + ["high", "low"].filter(rated.contains)
        comparator = snapshot.study.mode == .blinded && rated.contains("high") ? "high" : nil
        caseOrgans = Dictionary(used.map { ($0.caseId, $0.organ) }, uniquingKeysWith: { first, _ in first })
        pairs = Self.pairs(snapshot: snapshot, sources: sources, comparator: comparator)
    }

    /// The study's own list, or each model against the comparator, then each model against
    /// each later one, in the order the models were defined.
    static func pairs(snapshot: StudySnapshot, sources: [String], comparator: String?) -> [(first: String, second: String)] {
        if let listed = snapshot.definition.comparisons { return listed.map { ($0.first, $0.second) } }
        let models = snapshot.modelNames.filter(sources.contains)
        var pairs: [(first: String, second: String)] = []
        if let comparator { pairs += models.map { ($0, comparator) } }
        for i in models.indices {
            for j in models.indices where j > i { pairs.append((models[i], models[j])) }
        }
        return pairs
    }

    func build() -> StudyReport {
        var questions: [QuestionReport] = []
        var comparisons: [Comparison] = []
        for question in snapshot.questions {
            guard let report = questionReport(question) else { continue }
            questions.append(report)
            comparisons += self.comparisons(question)
        }
        // Holm across every comparison of the report, Wilcoxon and sign test as two families.
        let wilcoxonHolm = HolmCorrection.adjust(comparisons.map { $0.wilcoxonP ?? .nan })
        let signHolm = HolmCorrection.adjust(comparisons.map { $0.signP ?? .nan })
        for index in comparisons.indices {
            comparisons[index].wilcoxonHolmP = wilcoxonHolm[index].isNaN ? nil : wilcoxonHolm[index]
            comparisons[index].signHolmP = signHolm[index].isNaN ? nil : signHolm[index]
        }
        let note: String
        if comparator != nil {
            note = "Blinded study: every model is compared with the high-quality image, rated blind as one more candidate."
        } else if snapshot.study.mode == .open {
            note = "Open study: LOW and HIGH are shown as references and not rated, so there is no rated comparator; "
                + "models are compared with each other, and relative-scale questions against their middle point."
        } else {
            note = "Blinded study without the high-quality image among the candidates: models are compared with each other."
        }
        let marksReport = self.marksReport()
        return StudyReport(
            study: snapshot.study.name, mode: snapshot.study.mode.rawValue, readers: readers, sources: sources,
            comparator: comparator, comparatorNote: note,
            cases: Set(rows.filter { !$0.isCalibration }.map(\.caseId)).count,
            excludedCalibrationAnswers: rows.filter(\.isCalibration).count,
            repeatAnswers: rows.filter { $0.isRepeat && !$0.isCalibration }.count,
            questions: questions, comparisons: comparisons,
            methods: Self.methods + (marksReport == nil ? [] : Self.marksMethods(matcher)), marks: marksReport)
    }

    static let methods = [
        "Latest revisions only; calibration cases excluded; repeat showings used only for intra-reader agreement.",
        "Descriptives over all ratings (reader × case); quartiles by linear interpolation (numpy's default).",
        "Comparisons are \"first vs second\", from the study's comparisons list or else each model against the rated "
            + "reference, then each model against each later one, in the order the models were defined; every statistic "
            + "of a pair (mean difference, tests, AUC_VGC, MRMC difference) is first − second or P(first > second).",
        "Paired comparisons: each case's ratings averaged over the readers who rated both images, then a one-sided "
            + "Wilcoxon signed-rank test of the per-case differences (zero differences dropped; exact distribution "
            + "without ties and n ≤ 50, otherwise the normal approximation with tie-corrected variance and no "
            + "continuity correction — the method used is given per comparison) and the exact sign test; "
            + "Holm correction across all comparisons of the report.",
        "Inter-reader agreement per rated image (units: the cases), and pooled over every rated image "
            + "(units: (case, image) pairs; labelled pooled): quadratic-weighted Cohen's kappa per reader pair over the "
            + "full scale, Fleiss' kappa and ICC(2,1)/ICC(2,k) (= ICC(A,1)/ICC(A,k), 95% intervals) on units rated by "
            + "every reader, Krippendorff's alpha (ordinal) on all units.",
        "Intra-reader agreement: quadratic-weighted kappa of first showing vs repeat, per reader and pooled.",
        "AUC_VGC = P(first > second) + ½·P(tie) per reader over all rating pairs; the pooled AUC_VGC is the mean "
            + "of the readers' AUCs.",
        "MRMC: Obuchowski–Rockette with Hillis degrees of freedom and jackknife covariances, readers and cases random, "
            + "on cases rated by every reader for every image.",
    ]

    // MARK: - Ratings

    func ratings(_ key: String) -> [Rating] {
        rows.filter { $0.question == key && !$0.isCalibration }.map {
            Rating(reader: $0.reader, caseId: $0.caseId, organ: $0.organ,
                   source: $0.model.isEmpty ? "" : $0.model,
                   value: $0.valueUnblinded, isRepeat: $0.isRepeat)
        }
    }

    static func kindName(_ kind: QuestionKind) -> String {
        switch kind {
        case .likert: return "likert"
        case .relative: return "relative"
        case .yesNo: return "yes_no"
        case .choice: return "choice"
        case .text: return "text"
        case .preference: return "preference"
        case .ranking: return "ranking"
        case .marks: return "marks"
        }
    }

    static func points(_ kind: QuestionKind) -> Int? {
        switch kind {
        case let .likert(points, _), let .relative(points, _): return points
        default: return nil
        }
    }

    var organs: [String] { Array(Set(caseOrgans.values)).sorted() }

    func questionReport(_ question: QuestionDefinition) -> QuestionReport? {
        let all = ratings(question.key)
        let first = all.filter { !$0.isRepeat }
        var report = QuestionReport(key: question.key, kind: Self.kindName(question.kind), points: Self.points(question.kind),
                                    summaries: [], interReader: nil, interReaderByImage: [], intraReader: nil, visualGrading: [], mrmc: [],
                                    distributions: [])
        switch question.kind {
        case .text, .marks:
            // Marks are analysed from the marks themselves (the report's marks section).
            return nil
        case .likert, .relative:
            let points = Self.points(question.kind)!
            for source in sources {
                for organ in organs + ["all"] {
                    let values = first.filter { $0.source == source && (organ == "all" || $0.organ == organ) }
                        .compactMap { Double($0.value) }
                    if values.isEmpty, organ != "all" { continue }
                    report.summaries.append(Self.ordinalSummary(source: source, organ: organ, values: values))
                }
            }
            report.interReader = interReader(first, points: points, images: "pooled over all rated images")
            report.interReaderByImage = sources.map { source in
                interReader(first.filter { $0.source == source }, points: points, images: source)
            }
            report.intraReader = intraReader(all, points: points)
            report.visualGrading = visualGrading(first)
            report.distributions = distributions(first, points: points)
            report.mrmc = mrmc(first)
        case .yesNo, .choice:
            let categories: [String]
            if case let .choice(options) = question.kind { categories = options } else { categories = ["yes", "no"] }
            for source in sources {
                for organ in organs + ["all"] {
                    let values = first.filter { $0.source == source && (organ == "all" || $0.organ == organ) }.map(\.value)
                    if values.isEmpty, organ != "all" { continue }
                    report.summaries.append(Summary(source: source, organ: organ, n: values.count,
                                                    proportions: Self.proportions(values, categories: categories)))
                }
            }
        case .preference:
            for organ in organs + ["all"] {
                let values = first.filter { organ == "all" || $0.organ == organ }.map(\.value)
                if values.isEmpty, organ != "all" { continue }
                report.summaries.append(Summary(source: "preferred", organ: organ, n: values.count,
                                                proportions: Self.proportions(values, categories: sources)))
            }
        case .ranking:
            // The mean rank (1 = best) of each source.
            for source in sources {
                for organ in organs + ["all"] {
                    let ranks = first.filter { organ == "all" || $0.organ == organ }.compactMap { rating -> Double? in
                        let order = rating.value.split(separator: ">").map(String.init)
                        return order.firstIndex(of: source).map { Double($0 + 1) }
                    }
                    if ranks.isEmpty, organ != "all" { continue }
                    report.summaries.append(Self.ordinalSummary(source: source, organ: organ, values: ranks))
                }
            }
        }
        return report
    }

    static func ordinalSummary(source: String, organ: String, values: [Double]) -> Summary {
        guard let d = Descriptive(values) else { return Summary(source: source, organ: organ, n: 0) }
        let q1 = quantile(values, 0.25), q3 = quantile(values, 0.75)
        return Summary(source: source, organ: organ, n: d.count, mean: d.mean, sd: d.count > 1 ? d.standardDeviation : nil,
                       median: d.median, q1: q1, q3: q3, iqr: q3 - q1)
    }

    /// The p-quantile with linear interpolation between order statistics (numpy's default).
    static func quantile(_ values: [Double], _ p: Double) -> Double {
        let sorted = values.sorted()
        let position = p * Double(sorted.count - 1)
        let lower = Int(position.rounded(.down)), upper = min(lower + 1, sorted.count - 1)
        return sorted[lower] + (position - Double(lower)) * (sorted[upper] - sorted[lower])
    }

    static func proportions(_ values: [String], categories: [String]) -> [Proportion] {
        let total = values.count
        return categories.map { category in
            let count = values.filter { $0 == category }.count
            return Proportion(category: category, count: count, proportion: total == 0 ? 0 : Double(count) / Double(total))
        }
    }

    // MARK: - Comparisons

    /// (source, reader, case) → rating of first showings.
    static func table(_ ratings: [Rating]) -> [String: [String: [String: Double]]] {
        var table: [String: [String: [String: Double]]] = [:]
        for rating in ratings where !rating.isRepeat {
            guard let value = Double(rating.value) else { continue }
            table[rating.source, default: [:]][rating.reader, default: [:]][rating.caseId] = value
        }
        return table
    }

    /// Per-case differences first − second, each the mean over the readers who rated both.
    static func perCaseDifferences(_ table: [String: [String: [String: Double]]], _ first: String,
                                   _ second: String) -> [(caseId: String, difference: Double)] {
        var sums: [String: (Double, Int)] = [:]
        for (reader, ratings) in table[first] ?? [:] {
            for (caseId, a) in ratings {
                guard let b = table[second]?[reader]?[caseId] else { continue }
                let entry = sums[caseId] ?? (0, 0)
                sums[caseId] = (entry.0 + a - b, entry.1 + 1)
            }
        }
        return sums.keys.sorted().map { ($0, sums[$0]!.0 / Double(sums[$0]!.1)) }
    }

    func comparisons(_ question: QuestionDefinition) -> [Comparison] {
        guard let points = Self.points(question.kind), question.kind != .text else { return [] }
        let ratings = ratings(question.key)
        let table = Self.table(ratings)
        var result = pairs.map { first, second in
            let perCase = Self.perCaseDifferences(table, first, second)
            var comparison = Self.compare(question: question.key, first: first, second: second,
                                          differences: perCase.map(\.difference))
            comparison.byOrgan = (organs + ["all"]).compactMap { organ in
                Self.pairedDifference(organ: organ, perCase.filter { organ == "all" || caseOrgans[$0.caseId] == organ }
                    .map(\.difference))
            }
            return comparison
        }
        if case .relative = question.kind, comparator == nil {
            let middle = Double(points + 1) / 2
            for source in sources {
                var sums: [String: (Double, Int)] = [:]
                for (_, cases) in table[source] ?? [:] {
                    for (caseId, value) in cases {
                        let entry = sums[caseId] ?? (0, 0)
                        sums[caseId] = (entry.0 + value - middle, entry.1 + 1)
                    }
                }
                let differences = sums.keys.sorted().map { sums[$0]!.0 / Double(sums[$0]!.1) }
                var comparison = Self.compare(question: question.key, first: source,
                                              second: "middle point (\(Int(middle)))", differences: differences)
                comparison.hypothesis = "H1 \(source) rated above the middle point"
                result.append(comparison)
            }
        }
        return result
    }

    /// Mean and 95 % paired-t interval (mean ± t(0.975, n − 1)·sd/√n); no interval for n < 2.
    static func pairedDifference(organ: String, _ differences: [Double]) -> PairedDifference? {
        guard let d = Descriptive(differences) else { return nil }
        var result = PairedDifference(organ: organ, cases: d.count, mean: d.mean)
        if d.count > 1 {
            let half = StudentT(degreesOfFreedom: Double(d.count - 1)).quantile(0.975) * d.standardDeviation
                / Double(d.count).squareRoot()
            result.lower = d.mean - half
            result.upper = d.mean + half
        }
        return result
    }

    func distributions(_ ratings: [Rating], points: Int) -> [RatingDistribution] {
        func counts(_ subset: [Rating]) -> [Int] {
            var counts = [Int](repeating: 0, count: points)
            for rating in subset {
                if let value = Int(rating.value), (1...points).contains(value) { counts[value - 1] += 1 }
            }
            return counts
        }
        var result: [RatingDistribution] = []
        for source in sources {
            let own = ratings.filter { $0.source == source }
            for organ in organs + ["all"] {
                let subset = own.filter { organ == "all" || $0.organ == organ }
                if subset.isEmpty, organ != "all" { continue }
                result.append(RatingDistribution(source: source, organ: organ, reader: "all readers", counts: counts(subset)))
            }
            for reader in readers {
                result.append(RatingDistribution(source: source, organ: "all", reader: reader,
                                                 counts: counts(own.filter { $0.reader == reader })))
            }
        }
        return result
    }

    static func compare(question: String, first: String, second: String, differences: [Double]) -> Comparison {
        var comparison = Comparison(question: question, first: first, second: second, alternative: "greater",
                                    hypothesis: "H1 \(first) rated higher", cases: differences.count)
        guard !differences.isEmpty else {
            comparison.reason = "no case has ratings of both"
            return comparison
        }
        comparison.meanDifference = differences.reduce(0, +) / Double(differences.count)
        if let w = WilcoxonSignedRank.test(differences, alternative: .greater, method: .automatic) {
            comparison.wilcoxonStatistic = w.statistic
            comparison.wilcoxonP = w.pValue
            comparison.wilcoxonNonZero = w.count
            comparison.wilcoxonMethod = w.exact
                ? "exact" : "normal approximation, tie-corrected variance, no continuity correction"
        } else {
            comparison.reason = "every per-case difference is zero"
        }
        if let s = SignTest.test(differences, alternative: .greater) {
            comparison.signPositives = s.positives
            comparison.signNegatives = s.negatives
            comparison.signZeros = s.zeros
            comparison.signP = s.pValue
        }
        return comparison
    }

    // MARK: - Agreement

    /// Units (case, source) of first showings → reader → rating.
    static func units(_ ratings: [Rating]) -> [(key: String, ratings: [String: Double])] {
        var units: [String: [String: Double]] = [:]
        for rating in ratings where !rating.isRepeat {
            guard let value = Double(rating.value) else { continue }
            units[rating.caseId + "|" + rating.source, default: [:]][rating.reader] = value
        }
        return units.keys.sorted().map { ($0, units[$0]!) }
    }

    func interReader(_ ratings: [Rating], points: Int, images: String) -> InterReaderAgreement {
        let units = Self.units(ratings)
        let scale = Array(1...points)
        let tooFew = "needs at least two readers"
        var pairs: [ReaderPairKappa] = []
        for i in readers.indices {
            for j in readers.indices where j > i {
                let shared = units.filter { $0.ratings[readers[i]] != nil && $0.ratings[readers[j]] != nil }
                let a = shared.map { Int($0.ratings[readers[i]]!) }, b = shared.map { Int($0.ratings[readers[j]]!) }
                pairs.append(ReaderPairKappa(
                    first: readers[i], second: readers[j], units: shared.count,
                    kappa: Estimate(CohenKappa.kappa(a, b, labels: scale, weighting: .quadratic),
                                    reason: shared.isEmpty ? "no unit rated by both" : "undefined: no variation in the ratings")))
            }
        }
        let complete = units.filter { unit in readers.allSatisfy { unit.ratings[$0] != nil } }
        let matrix = complete.map { unit in readers.map { unit.ratings[$0]! } }
        guard readers.count >= 2 else {
            return InterReaderAgreement(images: images, readers: readers.count, completeUnits: complete.count, cohenQuadratic: pairs,
                                        fleiss: .notAvailable(tooFew), krippendorffOrdinal: .notAvailable(tooFew),
                                        icc21: .notAvailable(tooFew), icc2k: .notAvailable(tooFew))
        }
        let fleiss = FleissKappa.kappa(ratings: matrix.map { $0.map { Int($0) } }, categories: scale)
        let alpha = KrippendorffAlpha.alpha(casesByReaders: units.map { unit in readers.map { unit.ratings[$0] } },
                                            level: .ordinal, valueDomain: scale.map(Double.init))
        let icc = IntraclassCorrelation.compute(matrix)
        let iccReason = complete.count < 2 ? "needs at least two units rated by every reader"
            : "undefined: every rating is the same"
        let single = icc?[.singleAbsolute], average = icc?[.averageAbsolute]
        return InterReaderAgreement(
            images: images, readers: readers.count, completeUnits: complete.count, cohenQuadratic: pairs,
            fleiss: Estimate(fleiss, reason: complete.isEmpty ? "no unit rated by every reader"
                                 : "undefined: everyone used one category"),
            krippendorffOrdinal: Estimate(alpha, reason: "undefined: no unit rated twice, or no variation"),
            icc21: Estimate(single?.icc, lower: single?.lower, upper: single?.upper, reason: iccReason),
            icc2k: Estimate(average?.icc, lower: average?.lower, upper: average?.upper, reason: iccReason))
    }

    /// Pairs (first showing, repeat) of one reader's ratings of the same image of the same case.
    static func repeatPairs(_ ratings: [Rating], reader: String) -> [(Int, Int)] {
        var first: [String: Int] = [:], again: [String: Int] = [:]
        for rating in ratings where rating.reader == reader {
            guard let value = Int(rating.value) else { continue }
            let key = rating.caseId + "|" + rating.source
            if rating.isRepeat { again[key] = value } else { first[key] = value }
        }
        return again.keys.sorted().compactMap { key in first[key].map { ($0, again[key]!) } }
    }

    func intraReader(_ ratings: [Rating], points: Int) -> IntraReaderAgreement {
        let scale = Array(1...points)
        func kappa(_ name: String, _ pairs: [(Int, Int)]) -> ReaderKappa {
            ReaderKappa(reader: name, pairs: pairs.count,
                        kappa: Estimate(CohenKappa.kappa(pairs.map(\.0), pairs.map(\.1), labels: scale, weighting: .quadratic),
                                        reason: pairs.isEmpty ? "no repeated case" : "undefined: no variation in the ratings"))
        }
        let perReader = readers.map { kappa($0, Self.repeatPairs(ratings, reader: $0)) }
        let pooled = kappa("all readers", readers.flatMap { Self.repeatPairs(ratings, reader: $0) })
        return IntraReaderAgreement(perReader: perReader, pooled: pooled)
    }

    // MARK: - VGC and MRMC

    func visualGrading(_ ratings: [Rating]) -> [VisualGrading] {
        let table = Self.table(ratings)
        return pairs.map { source, comparator in
            let perReader = readers.map { reader in
                let e = Array((table[source]?[reader] ?? [:]).values), l = Array((table[comparator]?[reader] ?? [:]).values)
                return ReaderValue(reader: reader, value: Estimate(VisualGradingAUC.auc(enhanced: e, reference: l),
                                                                   reason: "the reader rated none of one of the two"))
            }
            let defined = perReader.compactMap(\.value.value)
            let pooled = defined.count == readers.count && !defined.isEmpty
                ? Estimate(defined.reduce(0, +) / Double(defined.count), reason: "")
                : .notAvailable("undefined for at least one reader")
            return VisualGrading(source: source, comparator: comparator, perReader: perReader, meanOfReaders: pooled)
        }
    }

    func mrmc(_ ratings: [Rating]) -> [MRMCAnalysis] {
        let table = Self.table(ratings)
        var analyses: [MRMCAnalysis] = []
        // Mean rating: every rated source is a treatment.
        let treatments = sources
        let cases = Set(ratings.map(\.caseId)).sorted().filter { caseId in
            treatments.allSatisfy { t in readers.allSatisfy { table[t]?[$0]?[caseId] != nil } }
        }
        var mean = MRMCAnalysis(figureOfMerit: "mean rating", treatments: treatments, readers: readers.count,
                                cases: cases.count)
        if readers.count < 2 || treatments.count < 2 || cases.count < 2 {
            mean.reason = "needs at least two readers, two rated images and two cases rated by every reader for every image"
        } else {
            let values = treatments.map { t in readers.map { r in cases.map { table[t]![r]![$0]! } } }
            let result = ObuchowskiRockette.analyze(treatments: treatments.count, readers: readers.count,
                                                    cases: cases.count) { i, j, omitted in
                let x = values[i][j]
                let total = x.reduce(0, +) - (omitted.map { x[$0] } ?? 0)
                return total / Double(x.count - (omitted == nil ? 0 : 1))
            }
            Self.fill(&mean, result, treatments, pairs: pairs)
        }
        analyses.append(mean)
        // AUC_VGC: each model against the same comparator is a treatment.
        if let comparator, pairs.contains(where: { $0.second == comparator }) {
            let models = pairs.filter { $0.second == comparator }.map(\.first)
            let vgcCases = Set(ratings.map(\.caseId)).sorted().filter { caseId in
                (models + [comparator]).allSatisfy { t in readers.allSatisfy { table[t]?[$0]?[caseId] != nil } }
            }
            var vgc = MRMCAnalysis(figureOfMerit: "AUC_VGC vs \(comparator)", treatments: models, readers: readers.count,
                                   cases: vgcCases.count)
            if readers.count < 2 || models.count < 2 || vgcCases.count < 2 {
                vgc.reason = "needs at least two readers, two models compared with \(comparator) and two complete cases"
            } else {
                let e = models.map { t in readers.map { r in vgcCases.map { table[t]![r]![$0]! } } }
                let l = readers.map { r in vgcCases.map { table[comparator]![r]![$0]! } }
                let result = ObuchowskiRockette.analyze(treatments: models.count, readers: readers.count,
                                                        cases: vgcCases.count) { i, j, omitted in
                    let keep = vgcCases.indices.filter { $0 != omitted }
                    return VisualGradingAUC.auc(enhanced: keep.map { e[i][j][$0] }, reference: keep.map { l[j][$0] }) ?? .nan
                }
                // Differences between models in the direction the study compares them, if it does.
                var modelPairs: [(first: String, second: String)] = []
                for i in models.indices {
                    for j in models.indices where j > i {
                        let reversed = pairs.contains { $0.first == models[j] && $0.second == models[i] }
                        modelPairs.append(reversed ? (models[j], models[i]) : (models[i], models[j]))
                    }
                }
                Self.fill(&vgc, result, models, pairs: modelPairs)
            }
            analyses.append(vgc)
        }
        return analyses
    }

    /// The analysis's differences, one per pair in the pair's direction (a difference the
    /// analysis made the other way round is negated, its interval mirrored).
    static func fill(_ analysis: inout MRMCAnalysis, _ result: ObuchowskiRockette.Result?, _ treatments: [String],
                     pairs: [(first: String, second: String)]) {
        guard let result, result.f.isFinite else {
            analysis.reason = "undefined: no variation between readers and cases"
            return
        }
        analysis.treatmentMeans = result.treatmentMeans
        analysis.f = result.f
        analysis.numeratorDF = result.numeratorDF
        analysis.denominatorDF = result.denominatorDF
        analysis.p = result.pValue
        analysis.differences = pairs.compactMap { pair in
            for d in result.differences {
                let first = treatments[d.first], second = treatments[d.second]
                if (first, second) == pair {
                    return MRMCDifference(first: first, second: second, estimate: d.estimate, lower: d.lower,
                                          upper: d.upper, p: d.pValue)
                }
                if (second, first) == pair {
                    return MRMCDifference(first: second, second: first, estimate: -d.estimate, lower: -d.upper,
                                          upper: -d.lower, p: d.pValue)
                }
            }
            return nil
        }
    }
}
