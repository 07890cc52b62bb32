import Dataset
import Foundation
import GRDB

/// A study with everything needed to read it, loaded in one read.
public struct StudySnapshot: Equatable, Sendable {
    public var study: Study
    public var definition: StudyDefinition
    public var models: [StudyModel]
    public var questions: [QuestionDefinition]
    public var cases: [StudyCase]

    public var studyId: Int64 { study.id! }
    public var modelNames: [String] { models.map(\.name) }
}

/// One reader's progress, for `study status`.
public struct ReaderProgress: Equatable, Sendable {
    public var reader: String
    /// Presentations with at least one submitted answer set.
    public var answered: Int
    public var total: Int
    /// Answer sets beyond the first (revisions).
    public var revisions: Int
    public var lastSubmittedAt: Date?
    public var finalisedAt: Date?
}

public struct StudyStatus: Equatable, Sendable {
    public var study: Study
    public var caseCount: Int
    public var calibrationCount: Int
    public var models: [String]
    public var readers: [ReaderProgress]
}

extension SQLiteStudyStore {
    /// Stores a new study and freezes it, in one transaction: its definition, models,
    /// questions and cases, and every image a panel can show (LOW, HIGH when the case has
    /// one, each model's enhancement) rendered once by `renderer` under a random ID.
    /// `cases` are the selected cases; `calibration` those shown first.
    @discardableResult
    public func createStudy(_ definition: StudyDefinition, cases: [Case], calibration: [Case] = [],
                            renderer: any PanelRenderer, now: Date = Date(),
                            progress: (Int, Int) -> Void = { _, _ in }) throws -> StudySnapshot {
        try definition.validate()
        guard !cases.isEmpty else { throw StudyDefinitionError.noCases(reason: "the case list is empty") }
        let calibrationIDs = Set(calibration.map(\.id))
        let json = try definition.json()
        let digests = try renderer.modelDigests()
        let sources: [ImageSource] = [.low, .high] + definition.models.map { .model($0.name) }
        let ordered = calibration + cases.filter { !calibrationIDs.contains($0.id) }
        let total = ordered.count * sources.count
        try write { db in
            if try Study.filter(Study.Columns.name == definition.name).fetchCount(db) > 0 {
                throw StudyStoreError.studyExists(name: definition.name, path: path)
            }
            var study = Study(id: nil, name: definition.name, datasetPath: definition.datasetPath, mode: definition.mode,
                              seed: Int64(bitPattern: definition.seed), repeatFraction: definition.repeatFraction,
                              definition: json, createdAt: now)
            try study.insert(db)
            let studyId = study.id!
            for (position, model) in definition.models.enumerated() {
                var record = StudyModel(id: nil, studyId: studyId, name: model.name, weightsPath: model.weights,
                                        position: position, weightsSha256: digests[model.name])
                try record.insert(db)
            }
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            for (position, question) in definition.questions.enumerated() {
                var record = Question(id: nil, studyId: studyId, key: question.key, position: position,
                                      definition: String(decoding: try encoder.encode(question), as: UTF8.self))
                try record.insert(db)
            }
            var done = 0
            for (position, source) in ordered.enumerated() {
                var record = StudyCase(studyId: studyId, from: source, isCalibration: calibrationIDs.contains(source.id),
                                       position: position)
                var images: [(PanelImage, ImageSource, String)] = []
                for imageSource in sources {
                    if let (image, digest) = try renderer.render(source, source: imageSource) {
                        images.append((image, imageSource, digest))
                        switch imageSource {
                        case .low: record.lowSha256 = digest
                        case .high: record.highSha256 = digest
                        case .model: break
                        }
                    }
                    done += 1
                    progress(done, total)
                }
                try record.insert(db)
                for (image, imageSource, digest) in images {
                    let id = UUID().uuidString.lowercased()
                    try PanelImageRecord(id: id, width: image.width, height: image.height, png: image.png).insert(db)
                    try PanelImageKeyRecord(imageId: id, studyCaseId: record.id!, source: imageSource.resultName,
                                            pngSha256: SHA256.hex(image.png), sourceSha256: digest).insert(db)
                }
            }
        }
        return try study(named: definition.name)
    }

    /// The names of the studies in this file.
    public func studyNames() throws -> [String] {
        try read { db in try String.fetchAll(db, sql: "SELECT name FROM study ORDER BY name") }
    }

    public func study(named name: String) throws -> StudySnapshot {
        try read { db in try loadStudy(db, named: name) }
    }

    func loadStudy(_ db: Database, named name: String) throws -> StudySnapshot {
        guard let study = try Study.filter(Study.Columns.name == name).fetchOne(db) else {
            throw StudyStoreError.studyNotFound(name: name, path: path,
                                                known: try String.fetchAll(db, sql: "SELECT name FROM study ORDER BY name"))
        }
        let studyId = study.id!
        let definition = try JSONDecoder().decode(StudyDefinition.self, from: Data(study.definition.utf8))
        let models = try StudyModel.filter(StudyModel.Columns.studyId == studyId).order(StudyModel.Columns.position).fetchAll(db)
        let questions = try Question.filter(Question.Columns.studyId == studyId).order(Question.Columns.position)
            .fetchAll(db).map { try $0.decoded() }
        let cases = try StudyCase.filter(StudyCase.Columns.studyId == studyId).order(StudyCase.Columns.position).fetchAll(db)
        return StudySnapshot(study: study, definition: definition, models: models, questions: questions, cases: cases)
    }

    /// Readers and their progress.
    public func status(ofStudy name: String) throws -> StudyStatus {
        try read { db in
            guard let study = try Study.filter(Study.Columns.name == name).fetchOne(db) else {
                throw StudyStoreError.studyNotFound(name: name, path: path,
                                                    known: try String.fetchAll(db, sql: "SELECT name FROM study ORDER BY name"))
            }
            let studyId = study.id!
            let caseCount = try StudyCase.filter(StudyCase.Columns.studyId == studyId).fetchCount(db)
            let calibrationCount = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM studyCase WHERE studyId = ? AND isCalibration",
                                                    arguments: [studyId]) ?? 0
            let models = try String.fetchAll(db, sql: "SELECT name FROM studyModel WHERE studyId = ? ORDER BY position",
                                             arguments: [studyId])
            let rows = try Row.fetchAll(db, SQLRequest<Row>(literal: """
                SELECT r.name, r.finalisedAt,
                       (SELECT COUNT(*) FROM presentation p WHERE p.readerId = r.id) AS total,
                       (SELECT COUNT(DISTINCT s.presentationId) FROM submission s
                          JOIN presentation p ON p.id = s.presentationId WHERE p.readerId = r.id) AS answered,
                       (SELECT COUNT(*) FROM submission s
                          JOIN presentation p ON p.id = s.presentationId WHERE p.readerId = r.id AND s.revision > 1) AS revisions,
                       (SELECT MAX(s.submittedAt) FROM submission s
                          JOIN presentation p ON p.id = s.presentationId WHERE p.readerId = r.id) AS lastSubmittedAt
                FROM reader r WHERE r.studyId = \(studyId) ORDER BY r.name
                """))
            let readers = rows.map { row in
                ReaderProgress(reader: row["name"], answered: row["answered"], total: row["total"], revisions: row["revisions"],
                               lastSubmittedAt: row["lastSubmittedAt"], finalisedAt: row["finalisedAt"])
            }
            return StudyStatus(study: study, caseCount: caseCount, calibrationCount: calibrationCount, models: models,
                               readers: readers)
        }
    }
}
