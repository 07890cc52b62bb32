import Foundation

/// The report's marks section: how often readers marked each category on each rated
/// image, and whether two readers marked the same places. Present only when the study
/// has marks questions.
///
/// A reading is one reader's first showing of one rated image of one case (calibration
/// cases and repeats left out); it exists when the reader answered that candidate.
public struct MarksReport: Codable, Equatable, Sendable {
    /// Two points match within this many source-image pixels.
    public var matchRadius: Double
    /// Two boxes match at this IoU or more.
    public var minimumIoU: Double
    /// Bootstrap replicates of each pooled interval.
    public var bootstrapReplicates: Int
    /// The categories of the study's marks questions, in question order.
    public var categories: [String]
    /// Readings in the analysis.
    public var readings: Int
    /// Per rated image × organ (then organ "all") × category: each reader, then "all readers".
    public var shares: [MarkShare]
    /// One per rated image, in the order of the report's `sources`.
    public var agreement: [MarkLocalisationAgreement]
}

/// The share of readings with at least one mark of a category.
public struct MarkShare: Codable, Equatable, Sendable {
    /// The rated image ("unet", "high").
    public var model: String
    /// An organ, or "all".
    public var organ: String
    public var category: String
    /// A reader, or "all readers" (pooled).
    public var reader: String
    public var readings: Int
    /// Readings with at least one mark of the category.
    public var marked: Int
    /// The share marked/readings: per reader with its 95 % Wilson interval; pooled with
    /// a 95 % percentile bootstrap interval over cases.
    public var share: Estimate
    /// Marks of the category, and their mean per reading.
    public var marks: Int
    public var marksPerReading: Double?
}

/// Localisation agreement between readers on one rated image.
public struct MarkLocalisationAgreement: Codable, Equatable, Sendable {
    public var model: String
    public var pairs: [ReaderPairMarkAgreement]
    /// The mean of the pairs' agreements (pairs where neither placed a mark are left out).
    public var meanOfPairs: Estimate
}

/// 2m / (nA + nB) of two readers, pooled over the readings of this image both read.
public struct ReaderPairMarkAgreement: Codable, Equatable, Sendable {
    public var first: String
    public var second: String
    /// Cases both readers read on this image.
    public var readings: Int
    /// m: matched pairs of marks.
    public var matched: Int
    /// nA and nB: each reader's marks on those readings.
    public var firstMarks: Int
    public var secondMarks: Int
    public var agreement: Estimate
}
