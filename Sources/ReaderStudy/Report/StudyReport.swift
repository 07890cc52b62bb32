import Foundation

/// The results of a study, as `usreview study report` prints them (Markdown) or writes
/// them (JSON). Built by `StudyReport.make`; every number comes from the `Statistics`
/// module. Undefined statistics are nil with a reason beside them, never NaN.
///
/// What goes in:
/// - latest revisions only; calibration cases never;
/// - first showings for everything but intra-reader agreement, which pairs a case's first
///   showing with its repeat;
/// - the rated images ("sources"): every model, and in blinded studies the high-quality
///   image when it was shown as a candidate. In open studies LOW and HIGH are shown as
///   references and not rated, so there is no rated comparator: comparisons are between
///   models, and a relative-scale question is tested against its middle point
///   ("equivalent to the reference") instead.
public struct StudyReport: Codable, Equatable, Sendable {
    public var study: String
    public var mode: String
    public var readers: [String]
    /// Rated images in order: the models (study order), then "high", then "low" if rated.
    public var sources: [String]
    /// The rated comparator every model is measured against (blinded: "high"), or nil.
    public var comparator: String?
    public var comparatorNote: String
    public var cases: Int
    /// Answers left out: calibration answers, and repeat showings (used only for
    /// intra-reader agreement).
    public var excludedCalibrationAnswers: Int
    public var repeatAnswers: Int
    public var questions: [QuestionReport]
    /// Every paired comparison of the report, Holm-adjusted as one family.
    public var comparisons: [Comparison]
    public var methods: [String]
    /// Where readers marked what: only for studies with marks questions.
    public var marks: MarksReport? = nil
}

/// A value that may be undefined, with the reason when it is.
public struct Estimate: Codable, Equatable, Sendable {
    public var value: Double?
    public var lower: Double?
    public var upper: Double?
    /// Why there is no value ("fewer than two readers").
    public var reason: String?

    public init(_ value: Double?, lower: Double? = nil, upper: Double? = nil, reason: String) {
        let finite = value.flatMap { $0.isFinite ? $0 : nil }
        self.value = finite
        self.lower = lower.flatMap { $0.isFinite ? $0 : nil }
        self.upper = upper.flatMap { $0.isFinite ? $0 : nil }
        self.reason = finite == nil ? reason : nil
    }

    public static func notAvailable(_ reason: String) -> Estimate { Estimate(nil, reason: reason) }
}

public struct QuestionReport: Codable, Equatable, Sendable {
    public var key: String
    /// likert, relative, yes_no, choice, preference, ranking.
    public var kind: String
    /// Scale points of ordinal questions.
    public var points: Int?
    /// Per source × organ, then per source over all organs (organ "all").
    public var summaries: [Summary]
    /// Pooled over every rated image (labelled so).
    public var interReader: InterReaderAgreement?
    /// One per rated image, in the order of `sources`.
    public var interReaderByImage: [InterReaderAgreement]
    public var intraReader: IntraReaderAgreement?
    public var visualGrading: [VisualGrading]
    public var mrmc: [MRMCAnalysis]
    /// Ordinal questions: how often each scale point was given (first showings), per
    /// source × organ over all readers, and per source × reader over all organs.
    public var distributions: [RatingDistribution]
}

/// Counts of ratings 1…points of one source, in one organ ("all") by one reader ("all readers").
public struct RatingDistribution: Codable, Equatable, Sendable {
    public var source: String
    public var organ: String
    public var reader: String
    public var counts: [Int]
}

/// The paired mean difference first − second in one organ ("all": every case), with its
/// 95 % paired-t interval over the per-case differences.
public struct PairedDifference: Codable, Equatable, Sendable {
    public var organ: String
    public var cases: Int
    public var mean: Double
    public var lower: Double?
    public var upper: Double?
}

public struct Summary: Codable, Equatable, Sendable {
    public var source: String
    public var organ: String
    /// Ratings (reader × case) summarised.
    public var n: Int
    public var mean: Double?
    public var sd: Double?
    public var median: Double?
    public var q1: Double?
    public var q3: Double?
    public var iqr: Double?
    /// yes/no, choice and preference answers.
    public var proportions: [Proportion]?
}

public struct Proportion: Codable, Equatable, Sendable {
    public var category: String
    public var count: Int
    public var proportion: Double
}

/// A paired comparison of two sources by case: the readers' ratings are averaged per
/// case first, then the per-case differences (first − second) are tested one-sided.
public struct Comparison: Codable, Equatable, Sendable {
    public var question: String
    public var first: String
    /// The second source, or "middle point (N)" for a relative scale tested against its middle.
    public var second: String
    /// "greater": H1 says the first is rated higher.
    public var alternative: String
    /// The alternative in words: "H1 unet rated higher".
    public var hypothesis: String
    /// Cases with both ratings.
    public var cases: Int
    public var meanDifference: Double?
    public var wilcoxonStatistic: Double?
    public var wilcoxonP: Double?
    public var wilcoxonNonZero: Int?
    /// "exact" or "normal approximation, tie-corrected variance, no continuity correction".
    public var wilcoxonMethod: String?
    public var wilcoxonHolmP: Double?
    public var signPositives: Int?
    public var signNegatives: Int?
    public var signZeros: Int?
    public var signP: Double?
    public var signHolmP: Double?
    public var reason: String?
    /// The mean difference per organ and over all cases, with 95 % paired-t intervals.
    public var byOrgan: [PairedDifference] = []
}

public struct ReaderPairKappa: Codable, Equatable, Sendable {
    public var first: String
    public var second: String
    public var units: Int
    public var kappa: Estimate
}

/// Agreement between readers on one ordinal question, for one rated image (the units are
/// the cases, as papers report it) or pooled over all (units: (case, image) pairs).
public struct InterReaderAgreement: Codable, Equatable, Sendable {
    /// The rated image ("unet", "high"), or "pooled over all rated images".
    public var images: String
    public var readers: Int
    /// Units rated by every reader (Fleiss' kappa and the ICC use only these).
    public var completeUnits: Int
    public var cohenQuadratic: [ReaderPairKappa]
    public var fleiss: Estimate
    public var krippendorffOrdinal: Estimate
    /// ICC(2,1) = ICC(A,1), absolute agreement, single reader, with its 95% interval.
    public var icc21: Estimate
    /// ICC(2,k) = ICC(A,k), the mean of k readers.
    public var icc2k: Estimate
}

public struct ReaderKappa: Codable, Equatable, Sendable {
    public var reader: String
    public var pairs: Int
    public var kappa: Estimate
}

/// Agreement of each reader with themself on repeated cases (quadratic-weighted kappa).
public struct IntraReaderAgreement: Codable, Equatable, Sendable {
    public var perReader: [ReaderKappa]
    /// All readers' pairs together.
    public var pooled: ReaderKappa
}

/// AUC_VGC per reader of one comparison "source vs comparator" (Båth & Månsson 2007):
/// P(source rated higher) + ½·P(tie).
public struct VisualGrading: Codable, Equatable, Sendable {
    public var source: String
    public var comparator: String
    public var perReader: [ReaderValue]
    /// The pooled AUC_VGC: the mean of the readers' AUCs.
    public var meanOfReaders: Estimate
}

public struct ReaderValue: Codable, Equatable, Sendable {
    public var reader: String
    public var value: Estimate
}

/// Obuchowski–Rockette–Hillis analysis of a per-reader figure of merit, readers and
/// cases random.
public struct MRMCAnalysis: Codable, Equatable, Sendable {
    /// "mean rating" or "AUC_VGC vs <comparator>".
    public var figureOfMerit: String
    public var treatments: [String]
    public var readers: Int
    public var cases: Int
    public var treatmentMeans: [Double]?
    public var f: Double?
    public var numeratorDF: Double?
    public var denominatorDF: Double?
    public var p: Double?
    public var differences: [MRMCDifference]?
    public var reason: String?
}

public struct MRMCDifference: Codable, Equatable, Sendable {
    public var first: String
    public var second: String
    public var estimate: Double
    public var lower: Double
    public var upper: Double
    public var p: Double
}
