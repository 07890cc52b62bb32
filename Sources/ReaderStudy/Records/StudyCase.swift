import Dataset
import Foundation
import GRDB

/// A dataset case as the study saw it when it was created: organ, devices, split and
/// image paths are copied, so results stay interpretable if the dataset moves or is
/// re-split later.
public struct StudyCase: Codable, Identifiable, Equatable, Sendable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "studyCase"

    public var id: Int64?
    public var studyId: Int64
    /// The 4-digit USEnhance case ID ("0838").
    public var caseId: String
    public var organ: Organ
    public var lowDevice: String
    public var highDevice: String
    public var split: Split?
    public var lowPath: String
    public var highPath: String?
    /// Calibration cases are shown first and kept out of the results.
    public var isCalibration: Bool
    /// Order of the case in the study's list (before any reader's randomisation).
    public var position: Int
    /// SHA-256 of the LOW and HIGH files at creation (nil: made before v3, or no HIGH).
    public var lowSha256: String?
    public var highSha256: String?

    public enum Columns {
        public static let id = Column(CodingKeys.id)
        public static let studyId = Column(CodingKeys.studyId)
        public static let caseId = Column(CodingKeys.caseId)
        public static let position = Column(CodingKeys.position)
    }

    public init(id: Int64? = nil, studyId: Int64, from source: Case, isCalibration: Bool, position: Int) {
        self.id = id
        self.studyId = studyId
        caseId = source.id
        organ = source.organ
        lowDevice = source.devices.low
        highDevice = source.devices.high
        split = source.split
        lowPath = source.lowPath.path
        highPath = source.highPath?.path
        self.isCalibration = isCalibration
        self.position = position
    }

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

extension Organ: DatabaseValueConvertible {}
extension Split: DatabaseValueConvertible {}
