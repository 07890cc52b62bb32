import Dataset
import Foundation
import GRDB

/// What a merge added.
public struct MergeSummary: Equatable, Sendable {
    public var studiesAdded = 0
    public var readersAdded = 0
    public var submissionsAdded = 0
    /// Answer sets already in the target (same showing and times): not copied again.
    public var submissionsAlreadyPresent = 0
}

public enum StudyMergeError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The same study name with another definition: the answers would not mean the same.
    case conflictingDefinition(study: String, file: String)
    /// The same reader was shown a case with other panels (the study was changed).
    case conflictingPresentation(study: String, reader: String, caseId: String, file: String)

    public var description: String {
        switch self {
        case let .conflictingDefinition(study, file):
            return "Study '\(study)' in \(file) has another definition than the study of that name in the target; "
                + "nothing was merged. Merge only copies of the same study."
        case let .conflictingPresentation(study, reader, caseId, file):
            return "In \(file), reader '\(reader)' of study '\(study)' saw case \(caseId) with other panels than in the "
                + "target; nothing was merged."
        }
    }
}

extension SQLiteStudyStore {
    /// Copies the studies, readers and answers of other study databases into this one,
    /// in one transaction (all or nothing).
    ///
    /// A study that exists here must have the same stored definition (the JSON is
    /// compared); readers are matched by study and name, showings by reader, case and
    /// first/repeat. An answer set is identified by study + reader + case + showing +
    /// submit and display times: one already here is skipped, so merging the same file
    /// twice changes nothing. A copied answer set keeps its revision number when that is
    /// free and otherwise becomes the showing's next revision.
    @discardableResult
    public func merge(from sources: [URL]) throws -> MergeSummary {
        try OutputGuard.check(output: url, inputs: sources)
        return try merge(try Self.mergeContents(of: sources))
    }

    /// Merges `sources` into the database at `target`, as `merge(from:)` does. A target
    /// that does not exist yet is built in a temporary sibling and linked into place
    /// only once the merge succeeded, so a failed merge leaves no file behind; a target
    /// that is one of the sources is refused.
    @discardableResult
    public static func merge(from sources: [URL], into target: URL, options: Options = Options()) throws -> MergeSummary {
        try OutputGuard.check(output: target, inputs: sources)
        let contents = try mergeContents(of: sources)
        if FileManager.default.fileExists(atPath: target.path) {
            let store = try SQLiteStudyStore(url: target, options: options)
            let summary = try store.merge(contents)
            try store.close()
            return summary
        }
        let folder = target.deletingLastPathComponent()
        if !options.createFolder, !FileManager.default.fileExists(atPath: folder.path) {
            throw StudyStoreError.noFolder(path: target.path, folder: folder.path)
        }
        try? FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        removeStaleTemporaries(of: target)
        let temporary = temporarySibling(of: target)
        defer { removeTemporary(temporary) }
        let store = try SQLiteStudyStore(url: temporary, options: options)
        let summary: MergeSummary
        do {
            summary = try store.merge(contents)
            FaultPoint.reach("merge-before-link")
            try store.close()
            try syncFile(temporary)
        } catch {
            try? store.close()
            throw Self.renamed(error, from: temporary.path, to: target.path)
        }
        guard link(temporary.path, target.path) == 0 else {
            let reason = errno == EEXIST ? "another program created it during the merge; merge again"
                : String(cString: strerror(errno))
            throw StudyStoreError.writeFailed(path: target.path, reason: reason)
        }
        syncFolder(of: target)
        return summary
    }

    /// The errors of the temporary file, told of the file the user named.
    private static func renamed(_ error: Error, from temporary: String, to target: String) -> Error {
        guard let error = error as? StudyStoreError else { return error }
        switch error {
        case .diskFull: return StudyStoreError.diskFull(path: target)
        case let .readOnly(_, reason): return StudyStoreError.readOnly(path: target, reason: reason)
        case let .writeFailed(_, reason): return StudyStoreError.writeFailed(path: target, reason: reason)
        default: return error
        }
    }

    static func mergeContents(of sources: [URL]) throws -> [(String, MergeContent)] {
        try sources.map { url -> (String, MergeContent) in
            let source = try SQLiteStudyStore(url: url, options: Options(readOnly: true))
            defer { try? source.close() }
            return (url.path, try source.read { db in try MergeContent(db) })
        }
    }

    private func merge(_ contents: [(String, MergeContent)]) throws -> MergeSummary {
        do {
            return try pool.write { db in
                var summary = MergeSummary()
                for (file, content) in contents {
                    try merge(content, file: file, into: db, summary: &summary)
                }
                return summary
            }
        } catch let error as StudyMergeError {
            throw error
        } catch {
            throw writeError(error)
        }
    }

    private func merge(_ content: MergeContent, file: String, into db: Database, summary: inout MergeSummary) throws {
        for study in content.studies {
            let targetStudyId: Int64
            if let existing = try Study.filter(Study.Columns.name == study.name).fetchOne(db) {
                guard existing.definition == study.definition else {
                    throw StudyMergeError.conflictingDefinition(study: study.name, file: file)
                }
                targetStudyId = existing.id!
            } else {
                var copy = study
                copy.id = nil
                try copy.insert(db)
                targetStudyId = copy.id!
                for var model in content.models where model.studyId == study.id {
                    model.id = nil; model.studyId = targetStudyId; try model.insert(db)
                }
                for var question in content.questions where question.studyId == study.id {
                    question.id = nil; question.studyId = targetStudyId; try question.insert(db)
                }
                for var studyCase in content.cases where studyCase.studyId == study.id {
                    let sourceId = studyCase.id!
                    studyCase.id = nil; studyCase.studyId = targetStudyId; try studyCase.insert(db)
                    // The frozen images keep their IDs: the same image in every copy of a study.
                    for var key in content.imageKeys[sourceId] ?? [] {
                        if let image = content.images[key.imageId] { try image.insert(db, onConflict: .ignore) }
                        key.studyCaseId = studyCase.id!
                        try key.insert(db, onConflict: .ignore)
                    }
                }
                summary.studiesAdded += 1
            }
            let targetCases = try StudyCase.filter(StudyCase.Columns.studyId == targetStudyId).fetchAll(db)
            let caseIdByKey = Dictionary(targetCases.map { ($0.caseId, $0.id!) }, uniquingKeysWith: { a, _ in a })
            let sourceCaseKey = Dictionary(content.cases.map { ($0.id!, $0.caseId) }, uniquingKeysWith: { a, _ in a })
            for reader in content.readers where reader.studyId == study.id {
                var target: Reader
                if let existing = try Reader.filter(Reader.Columns.studyId == targetStudyId && Reader.Columns.name == reader.name)
                    .fetchOne(db) {
                    target = existing
                    if target.finalisedAt == nil, let finalised = reader.finalisedAt {
                        try db.execute(literal: "UPDATE reader SET finalisedAt = \(finalised) WHERE id = \(target.id!)")
                    }
                    if reader.cursor > target.cursor {
                        try db.execute(literal: "UPDATE reader SET cursor = \(reader.cursor) WHERE id = \(target.id!)")
                    }
                } else {
                    target = reader
                    target.id = nil
                    target.studyId = targetStudyId
                    try target.insert(db)
                    summary.readersAdded += 1
                }
                let targetPresentations = try Presentation.filter(Presentation.Columns.readerId == target.id!).fetchAll(db)
                for presentation in content.presentations where presentation.readerId == reader.id {
                    let caseKey = sourceCaseKey[presentation.studyCaseId] ?? ""
                    guard let targetCaseId = caseIdByKey[caseKey] else {
                        throw StudyMergeError.conflictingPresentation(study: study.name, reader: reader.name,
                                                                      caseId: caseKey, file: file)
                    }
                    var targetPresentation: Presentation
                    if let existing = targetPresentations.first(where: {
                        $0.studyCaseId == targetCaseId && $0.isRepeat == presentation.isRepeat
                    }) {
                        guard try MergeContent.panels(db, presentationId: existing.id!) == content.panels(of: presentation.id!) else {
                            throw StudyMergeError.conflictingPresentation(study: study.name, reader: reader.name,
                                                                          caseId: caseKey, file: file)
                        }
                        targetPresentation = existing
                    } else {
                        targetPresentation = presentation
                        targetPresentation.id = nil
                        targetPresentation.readerId = target.id!
                        targetPresentation.studyCaseId = targetCaseId
                        try targetPresentation.insert(db)
                        for var panel in content.panels[presentation.id!] ?? [] {
                            if let imageId = panel.imageId, let image = content.images[imageId] {
                                try image.insert(db, onConflict: .ignore)
                            }
                            panel.presentationId = targetPresentation.id!
                            try panel.insert(db)
                        }
                        for var key in content.panelKeys[presentation.id!] ?? [] {
                            key.presentationId = targetPresentation.id!
                            try key.insert(db)
                        }
                    }
                    let presentationId = targetPresentation.id!
                    let existingSubmissions = try Submission.filter(Submission.Columns.presentationId == presentationId)
                        .fetchAll(db)
                    var revisions = Set(existingSubmissions.map(\.revision))
                    for submission in content.submissions[presentation.id!] ?? [] {
                        if existingSubmissions.contains(where: {
                            $0.submittedAt == submission.submittedAt && $0.startedAt == submission.startedAt
                                && $0.durationMs == submission.durationMs
                        }) {
                            summary.submissionsAlreadyPresent += 1
                            continue
                        }
                        var copy = submission
                        copy.id = nil
                        copy.presentationId = presentationId
                        if revisions.contains(copy.revision) { copy.revision = (revisions.max() ?? 0) + 1 }
                        revisions.insert(copy.revision)
                        try copy.insert(db)
                        for var answer in content.answers[submission.id!] ?? [] {
                            answer.id = nil
                            answer.submissionId = copy.id!
                            try answer.insert(db)
                        }
                        for var mark in content.marks[submission.id!] ?? [] {
                            mark.id = nil
                            mark.submissionId = copy.id!
                            try mark.insert(db)
                        }
                        summary.submissionsAdded += 1
                    }
                }
            }
        }
    }
}

/// Everything of one source database, read in one transaction.
struct MergeContent {
    var studies: [Study]
    var models: [StudyModel]
    var questions: [Question]
    var cases: [StudyCase]
    var readers: [Reader]
    var presentations: [Presentation]
    /// By presentation ID, in revision order.
    var submissions: [Int64: [Submission]]
    /// By submission ID.
    var answers: [Int64: [Answer]]
    /// By submission ID, in the order placed.
    var marks: [Int64: [MarkRecord]]
    /// By presentation ID.
    var panels: [Int64: [PanelRecord]]
    var panelKeys: [Int64: [PanelKeyRecord]]
    /// By image ID.
    var images: [String: PanelImageRecord]
    /// By study case ID.
    var imageKeys: [Int64: [PanelImageKeyRecord]]

    init(_ db: Database) throws {
        studies = try Study.order(Study.Columns.id).fetchAll(db)
        models = try StudyModel.order(StudyModel.Columns.position).fetchAll(db)
        questions = try Question.order(Question.Columns.position).fetchAll(db)
        cases = try StudyCase.order(StudyCase.Columns.position).fetchAll(db)
        readers = try Reader.order(Reader.Columns.id).fetchAll(db)
        presentations = try Presentation.order(Presentation.Columns.position).fetchAll(db)
        submissions = Dictionary(grouping: try Submission.order(Submission.Columns.revision).fetchAll(db), by: \.presentationId)
        answers = Dictionary(grouping: try Answer.order(Column("id")).fetchAll(db), by: \.submissionId)
        marks = Dictionary(grouping: try MarkRecord.order(MarkRecord.Columns.ordinal).fetchAll(db), by: \.submissionId)
        panels = Dictionary(grouping: try PanelRecord.order(Column("position")).fetchAll(db), by: \.presentationId)
        panelKeys = Dictionary(grouping: try PanelKeyRecord.fetchAll(db), by: \.presentationId)
        images = Dictionary(try PanelImageRecord.fetchAll(db).map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        imageKeys = Dictionary(grouping: try PanelImageKeyRecord.fetchAll(db), by: \.studyCaseId)
    }

    /// What a merge compares: each panel's label, place, image and source, left to right.
    struct ComparedPanel: Equatable {
        var label: String
        var position: Int
        var isReference: Bool
        var imageId: String?
        var source: String?
    }

    func panels(of presentationId: Int64) -> [ComparedPanel] {
        let sources = Dictionary((panelKeys[presentationId] ?? []).map { ($0.label, $0.source) }, uniquingKeysWith: { a, _ in a })
        return (panels[presentationId] ?? []).map {
            ComparedPanel(label: $0.label, position: $0.position, isReference: $0.isReference, imageId: $0.imageId,
                          source: sources[$0.label])
        }
    }

    static func panels(_ db: Database, presentationId: Int64) throws -> [ComparedPanel] {
        try Row.fetchAll(db, SQLRequest<Row>(literal: """
            SELECT pa.label, pa.position, pa.isReference, pa.imageId, k.source FROM panel pa
            LEFT JOIN panelKey k ON k.presentationId = pa.presentationId AND k.label = pa.label
            WHERE pa.presentationId = \(presentationId) ORDER BY pa.position
            """)).map { row in
            ComparedPanel(label: row["label"], position: row["position"], isReference: row["isReference"],
                          imageId: row["imageId"], source: row["source"])
        }
    }
}
