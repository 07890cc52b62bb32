import Foundation
import GRDB

/// Reader names are shown on screens, in file names of exports and in PostgreSQL role
/// names, so they are plain: 1 to 64 letters, digits, '.', '_' and '-'.
public enum ReaderName {
    public static func validate(_ name: String) throws {
        let allowed = name.unicodeScalars.allSatisfy {
            ($0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0))) || $0 == "." || $0 == "_" || $0 == "-"
        }
        guard (1...64).contains(name.unicodeScalars.count), allowed else { throw StudyStoreError.badReaderName(name) }
    }
}

/// A reader as the coordinator sees them in `study readers list`.
public struct EnrolledReader: Equatable, Sendable {
    public var name: String
    public var enrolledAt: Date
    public var disabledAt: Date?
    public var finalisedAt: Date?
    /// Presentations in their list.
    public var cases: Int
}

extension SQLiteStudyStore {
    // MARK: - The coordinator's

    /// Enrols readers: validates every name, then draws each reader's case order and panel
    /// placement from the study's seed and stores them (each panel pointing at the image
    /// frozen at creation), all in one transaction. This is the coordinator's act: a
    /// reader's client only opens what was drawn for them.
    ///
    /// - Throws: `badReaderName`, `readerAlreadyEnrolled` (nothing is enrolled then).
    @discardableResult
    public func enrol(readers names: [String], inStudy study: String, now: Date = Date()) throws -> [Enrolment] {
        for name in names { try ReaderName.validate(name) }
        let snapshot = try self.study(named: study)
        try write { db in
            // (studyCaseId, source) → image: the key, read here by the coordinator only.
            var images: [String: String] = [:]
            let keys = try Row.fetchAll(db, SQLRequest<Row>(literal: """
                SELECT k.imageId, k.studyCaseId, k.source FROM panelImageKey k
                JOIN studyCase c ON c.id = k.studyCaseId WHERE c.studyId = \(snapshot.studyId)
                """))
            for row in keys { images["\(row["studyCaseId"] as Int64)|\(row["source"] as String)"] = row["imageId"] }
            for name in names {
                if try Reader.filter(Reader.Columns.studyId == snapshot.studyId && Reader.Columns.name == name).fetchCount(db) > 0 {
                    throw StudyStoreError.readerAlreadyEnrolled(reader: name, study: study)
                }
                let plan = Randomization.plan(cases: snapshot.cases, models: snapshot.modelNames, mode: snapshot.study.mode,
                                              includeHighAsCandidate: snapshot.definition.includeHighAsCandidate,
                                              repeatFraction: snapshot.study.repeatFraction,
                                              studySeed: snapshot.study.seedValue, reader: name)
                var reader = Reader(id: nil, studyId: snapshot.studyId, name: name, enrolledAt: now, finalisedAt: nil,
                                    disabledAt: nil, cursor: -1)
                try reader.insert(db)
                for (position, planned) in plan.enumerated() {
                    let studyCaseId = snapshot.cases[planned.caseIndex].id!
                    var presentation = Presentation(
                        id: nil, readerId: reader.id!, studyCaseId: studyCaseId, position: position,
                        isRepeat: planned.isRepeat, isCalibration: planned.isCalibration)
                    try presentation.insert(db)
                    for panel in planned.panels {
                        // No image: a study made before v3; reading it throws `notFrozen`.
                        let imageId = images["\(studyCaseId)|\(panel.source.resultName)"]
                        try PanelRecord(presentationId: presentation.id!, label: panel.label, position: panel.position,
                                        isReference: panel.isReference, imageId: imageId).insert(db)
                        try PanelKeyRecord(presentationId: presentation.id!, label: panel.label,
                                           source: panel.source.resultName).insert(db)
                    }
                }
            }
        }
        let enrolled = try readers(ofStudy: study)
        return names.compactMap { name in
            enrolled.first { $0.name == name }.map { Enrolment(reader: $0, connection: nil) }
        }
    }

    /// Every enrolled reader of a study, disabled ones included, in name order.
    public func readers(ofStudy study: String) throws -> [EnrolledReader] {
        let snapshot = try self.study(named: study)
        return try read { db in
            try Row.fetchAll(db, SQLRequest<Row>(literal: """
                SELECT r.name, r.enrolledAt, r.disabledAt, r.finalisedAt,
                       (SELECT COUNT(*) FROM presentation p WHERE p.readerId = r.id) AS cases
                FROM reader r WHERE r.studyId = \(snapshot.studyId) ORDER BY r.name
                """)).map { row in
                EnrolledReader(name: row["name"], enrolledAt: row["enrolledAt"], disabledAt: row["disabledAt"],
                               finalisedAt: row["finalisedAt"], cases: row["cases"])
            }
        }
    }

    /// Stops a reader from opening the study again; what they answered stays.
    public func disable(reader name: String, inStudy study: String, now: Date = Date()) throws {
        let snapshot = try self.study(named: study)
        try write { db in
            guard var reader = try Reader.filter(Reader.Columns.studyId == snapshot.studyId && Reader.Columns.name == name)
                .fetchOne(db) else {
                throw StudyStoreError.readerNotEnrolled(reader: name, study: study,
                                                        enrolled: try Self.activeReaderNames(db, studyId: snapshot.studyId))
            }
            guard reader.disabledAt == nil else { return }
            reader.disabledAt = now
            try reader.update(db, columns: [Reader.Columns.disabledAt])
        }
    }

    static func activeReaderNames(_ db: Database, studyId: Int64) throws -> [String] {
        try String.fetchAll(db, SQLRequest(literal: """
            SELECT name FROM reader WHERE studyId = \(studyId) AND disabledAt IS NULL ORDER BY name
            """))
    }
}
