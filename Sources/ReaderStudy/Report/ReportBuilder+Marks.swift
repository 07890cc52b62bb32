import Dataset
import Foundation
import Statistics

/// The marks section of the report (MarksReport.swift says what it holds).
extension ReportBuilder {
    /// One reading: a reader's first showing of one rated image of one case.
    struct MarkReading: Hashable {
        var reader: String
        var caseId: String
        var model: String
    }

    static let bootstrapReplicates = 2000

    static func marksMethods(_ matcher: MarkMatcher) -> [String] {
        [
            "Marks: a reading is a reader's first showing of a rated image of a case (calibration cases and repeats "
                + "left out), counted when the reader answered that candidate. Per image, organ and category: the share "
                + "of readings with at least one mark, per reader with a 95% Wilson score interval, and pooled over "
                + "readers with a 95% percentile bootstrap interval over cases (all readings of a case resampled "
                + "together, \(bootstrapReplicates) replicates, SplitMix64 seeded from the study seed); marks per reading "
                + "is the mean count.",
            "Localisation agreement per image and reader pair, on the cases both read (readings paired by case and "
                + "image, never by label): two marks of one category match when two points lie within "
                + "\(ReportBuilder.radiusText(matcher.radius)) px, a point lies inside a box, or two boxes overlap with "
                + "IoU ≥ \(matcher.minimumIoU); one-to-one, greedy, cheapest pair first (points by distance / radius, "
                + "boxes by 1 − IoU, a point in a box by its distance to the box's centre / half the diagonal; ties by "
                + "mark order); agreement 2m / (nA + nB) pooled over the cases, and its mean over the pairs.",
        ]
    }

    static func radiusText(_ radius: Double) -> String {
        radius == radius.rounded() ? String(Int(radius)) : String(radius)
    }

    /// The categories of the study's marks questions, each once, in question order.
    var markCategories: [String] {
        var seen = Set<String>()
        return snapshot.questions.flatMap { question -> [String] in
            guard case let .marks(categories) = question.kind else { return [] }
            return categories.filter { seen.insert($0).inserted }
        }
    }

    /// A reading with its organ and its count of marks of each category (in `markCategories` order).
    struct CountedReading {
        var reading: MarkReading
        var organ: String
        var counts: [Int]
    }

    /// Nil for a study without marks questions.
    func marksReport() -> MarksReport? {
        let categories = markCategories
        guard !categories.isEmpty else { return nil }
        // Readings from the answers: first showings of rated images, no calibration.
        var readingOrgans: [MarkReading: String] = [:]
        for row in rows where !row.isCalibration && !row.isRepeat && sources.contains(row.model) {
            readingOrgans[MarkReading(reader: row.reader, caseId: row.caseId, model: row.model)] = row.organ
        }
        // Marks of those readings, in a fixed order so matching does not depend on the store's.
        var marksByReading: [MarkReading: [MarkMatcher.Mark]] = [:]
        for row in marks where !row.isCalibration && !row.isRepeat {
            let reading = MarkReading(reader: row.reader, caseId: row.caseId, model: row.model)
            guard readingOrgans[reading] != nil, let shape = row.markShape else { continue }
            marksByReading[reading, default: []].append(MarkMatcher.Mark(category: row.category, shape: shape))
        }
        marksByReading = marksByReading.mapValues { $0.sorted(by: Self.markOrder) }
        // Counted once, so the many subsets below only add integers.
        let counted = readingOrgans.map { reading, organ in
            let marks = marksByReading[reading] ?? []
            return CountedReading(reading: reading, organ: organ,
                                  counts: categories.map { category in marks.filter { $0.category == category }.count })
        }

        var shares: [MarkShare] = []
        for model in sources {
            let ofModel = counted.filter { $0.reading.model == model }
            for organ in organs + ["all"] {
                let subset = organ == "all" ? ofModel : ofModel.filter { $0.organ == organ }
                if subset.isEmpty, organ != "all" { continue }
                let byReader = Dictionary(grouping: subset, by: \.reading.reader)
                let byCase = Dictionary(grouping: subset, by: \.reading.caseId)
                let cases = byCase.keys.sorted().map { byCase[$0]! }
                for (index, category) in categories.enumerated() {
                    shares += markShares(byReader: byReader, cases: cases, all: subset, category: index,
                                         names: (model, organ, category))
                }
            }
        }
        let agreement = sources.map { model in
            localisationAgreement(model: model, readings: readingOrgans.keys.filter { $0.model == model },
                                  marks: marksByReading)
        }
        return MarksReport(matchRadius: matcher.radius, minimumIoU: matcher.minimumIoU,
                           bootstrapReplicates: Self.bootstrapReplicates, categories: categories,
                           readings: readingOrgans.count, shares: shares, agreement: agreement)
    }

    /// Category, then points before boxes, then position and size.
    static func markOrder(_ a: MarkMatcher.Mark, _ b: MarkMatcher.Mark) -> Bool {
        func key(_ mark: MarkMatcher.Mark) -> [Int] {
            [mark.shape.size == nil ? 0 : 1, mark.shape.x, mark.shape.y, mark.shape.size?.width ?? 0, mark.shape.size?.height ?? 0]
        }
        if a.category != b.category { return a.category < b.category }
        return key(a).lexicographicallyPrecedes(key(b))
    }

    /// Each reader's share with its Wilson interval, then the pooled share with its
    /// bootstrap interval over cases (`cases`: the readings of each case, in case order).
    func markShares(byReader: [String: [CountedReading]], cases: [[CountedReading]], all: [CountedReading],
                    category k: Int, names: (model: String, organ: String, category: String)) -> [MarkShare] {
        func share(reader: String, _ subset: [CountedReading], interval: (Int, Int) -> (Double, Double)?) -> MarkShare {
            let marked = subset.filter { $0.counts[k] > 0 }.count
            let total = subset.reduce(0) { $0 + $1.counts[k] }
            let bounds = interval(marked, subset.count)
            return MarkShare(model: names.model, organ: names.organ, category: names.category, reader: reader,
                             readings: subset.count, marked: marked,
                             share: Estimate(subset.isEmpty ? nil : Double(marked) / Double(subset.count),
                                             lower: bounds?.0, upper: bounds?.1, reason: "no readings"),
                             marks: total, marksPerReading: subset.isEmpty ? nil : Double(total) / Double(subset.count))
        }
        var result = readers.map { reader in
            share(reader: reader, byReader[reader] ?? []) { marked, n in
                WilsonInterval(successes: marked, trials: n).map { ($0.lower, $0.upper) }
            }
        }
        // Units of the bootstrap: the cases, each with its readings marked and read.
        let units = cases.map { readings in (marked: readings.filter { $0.counts[k] > 0 }.count, readings: readings.count) }
        var generator = SplitMix64(state: Self.bootstrapSeed(snapshot.study.seedValue, names.model, names.organ,
                                                             names.category))
        result.append(share(reader: "all readers", all) { _, _ in
            PercentileBootstrap.interval(units: units, replicates: Self.bootstrapReplicates,
                                         below: { generator.below($0) }) { sample in
                var marked = 0, read = 0
                for unit in sample {
                    marked += unit.marked
                    read += unit.readings
                }
                return read > 0 ? Double(marked) / Double(read) : nil
            }.map { ($0.lower, $0.upper) }
        })
        return result
    }

    /// One generator per interval, keyed by the study seed and what the interval is of, so
    /// a report replays exactly and one interval does not move when another is added.
    static func bootstrapSeed(_ seed: UInt64, _ parts: String...) -> UInt64 {
        var key = SplitMix64.combine(seed, 0x4D41_524B_53)  // "MARKS"
        for byte in parts.joined(separator: "\u{1F}").utf8 { key = SplitMix64.combine(key, UInt64(byte)) }
        return key
    }

    /// Per reader pair, the marks of the cases both read on this image matched one to one.
    func localisationAgreement(model: String, readings: [MarkReading],
                               marks: [MarkReading: [MarkMatcher.Mark]]) -> MarkLocalisationAgreement {
        let casesOf = Dictionary(grouping: readings, by: \.reader).mapValues { Set($0.map(\.caseId)) }
        var pairs: [ReaderPairMarkAgreement] = []
        for i in readers.indices {
            for j in readers.indices where j > i {
                let shared = (casesOf[readers[i]] ?? []).intersection(casesOf[readers[j]] ?? []).sorted()
                var counts = MarkAgreementCounts()
                for caseId in shared {
                    counts.add(marks[MarkReading(reader: readers[i], caseId: caseId, model: model)] ?? [],
                               marks[MarkReading(reader: readers[j], caseId: caseId, model: model)] ?? [], matcher: matcher)
                }
                pairs.append(ReaderPairMarkAgreement(
                    first: readers[i], second: readers[j], readings: shared.count, matched: counts.matched,
                    firstMarks: counts.first, secondMarks: counts.second,
                    agreement: Estimate(counts.agreement, reason: shared.isEmpty ? "no case read by both"
                                            : "neither placed a mark")))
            }
        }
        let defined = pairs.compactMap(\.agreement.value)
        let mean: Estimate
        if readers.count < 2 {
            mean = .notAvailable("needs at least two readers")
        } else if defined.isEmpty {
            mean = .notAvailable("no reader pair placed a mark")
        } else {
            mean = Estimate(defined.reduce(0, +) / Double(defined.count), reason: "")
        }
        return MarkLocalisationAgreement(model: model, pairs: pairs, meanOfPairs: mean)
    }
}
