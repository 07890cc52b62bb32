import Foundation
import GRDB

extension SQLiteStudyStore {
    /// Every answer, unblinded (the key joined in), ordered by reader, list position,
    /// revision and form order: one read.
    public func exportRows(study name: String, allRevisions: Bool = false) throws -> [ExportRow] {
        try read { db in
            let snapshot = try loadStudy(db, named: name)
            let kinds = Dictionary(snapshot.questions.map { ($0.key, $0.kind) }, uniquingKeysWith: { first, _ in first })
            let cursor = try Row.fetchCursor(db, SQLRequest<Row>(literal: """
                SELECT r.name AS reader, sc.caseId, sc.organ, sc.lowDevice, sc.highDevice, sc.split,
                       p.id AS presentationId, p.isRepeat, p.isCalibration,
                       a.questionKey, a.panelLabel, a.value,
                       s.startedAt, s.submittedAt, s.durationMs, s.revision,
                       (SELECT MAX(s2.revision) FROM submission s2 WHERE s2.presentationId = s.presentationId) AS latest
                FROM answer a
                JOIN submission s ON s.id = a.submissionId
                JOIN presentation p ON p.id = s.presentationId
                JOIN reader r ON r.id = p.readerId
                JOIN studyCase sc ON sc.id = p.studyCaseId
                WHERE r.studyId = \(snapshot.studyId)
                ORDER BY r.name, p.position, s.revision, a.id
                """))
            let keyed = try Self.keyedPanels(db, studyId: snapshot.studyId)
            var panelsByPresentation: [Int64: [String: Panel]] = [:]
            var rows: [ExportRow] = []
            while let row = try cursor.next() {
                let revision: Int = row["revision"]
                let latest: Int = row["latest"]
                if !allRevisions, revision != latest { continue }
                let presentationId: Int64 = row["presentationId"]
                let panels: [String: Panel]
                if let known = panelsByPresentation[presentationId] {
                    panels = known
                } else {
                    let decoded = keyed[presentationId] ?? []
                    panels = Dictionary(decoded.map { ($0.label, $0) }, uniquingKeysWith: { first, _ in first })
                    panelsByPresentation[presentationId] = panels
                }
                let label: String = row["panelLabel"]
                let questionKey: String = row["questionKey"]
                let value: String = row["value"]
                let unblinded = StudyExport.unblindedValue(value, kind: kinds[questionKey], panels: panels)
                rows.append(ExportRow(
                    study: snapshot.study.name, reader: row["reader"], caseId: row["caseId"], organ: row["organ"],
                    lowDevice: row["lowDevice"], highDevice: row["highDevice"], split: (row["split"] as String?) ?? "",
                    panelLabel: label, model: panels[label]?.source.resultName ?? "",
                    panelPosition: panels[label]?.position ?? 0, question: questionKey, value: value,
                    valueUnblinded: unblinded, startedAt: row["startedAt"], submittedAt: row["submittedAt"],
                    durationMs: row["durationMs"], isRepeat: row["isRepeat"], isCalibration: row["isCalibration"],
                    revision: revision, isLatest: revision == latest))
            }
            return rows
        }
    }

    /// Every mark, unblinded, ordered by reader, list position, revision and the order
    /// placed: one read.
    public func exportMarks(study name: String, allRevisions: Bool = false) throws -> [MarkExportRow] {
        try read { db in
            let snapshot = try loadStudy(db, named: name)
            // The key of each mark's own panel only (a study's marks are few, its panels many).
            let cursor = try Row.fetchCursor(db, SQLRequest<Row>(literal: """
                SELECT r.name AS reader, sc.caseId, sc.organ, p.isRepeat, p.isCalibration, k.source,
                       m.questionKey, m.panelLabel, m.category, m.shape, m.x, m.y, m.width, m.height, m.confidence,
                       s.startedAt, s.submittedAt, s.revision,
                       (SELECT MAX(s2.revision) FROM submission s2 WHERE s2.presentationId = s.presentationId) AS latest
                FROM mark m
                JOIN submission s ON s.id = m.submissionId
                JOIN presentation p ON p.id = s.presentationId
                JOIN reader r ON r.id = p.readerId
                JOIN studyCase sc ON sc.id = p.studyCaseId
                LEFT JOIN panelKey k ON k.presentationId = p.id AND k.label = m.panelLabel
                WHERE r.studyId = \(snapshot.studyId)
                ORDER BY r.name, p.position, s.revision, m.ordinal
                """))
            var rows: [MarkExportRow] = []
            while let row = try cursor.next() {
                let revision: Int = row["revision"]
                let latest: Int = row["latest"]
                if !allRevisions, revision != latest { continue }
                let label: String = row["panelLabel"]
                let source: String? = row["source"]
                let model = source.map { ImageSource(storedName: $0).resultName } ?? ""
                let x: Int = row["x"], y: Int = row["y"], kind: String = row["shape"]
                let width: Int? = row["width"], height: Int? = row["height"]
                let shape = MarkShape(kind: kind, x: x, y: y, width: width, height: height) ?? .point(x: x, y: y)
                let reader: String = row["reader"], caseId: String = row["caseId"], organ: String = row["organ"]
                let question: String = row["questionKey"], category: String = row["category"]
                let confidence: Int = row["confidence"], isRepeat: Bool = row["isRepeat"]
                let isCalibration: Bool = row["isCalibration"]
                let startedAt: Date = row["startedAt"], submittedAt: Date = row["submittedAt"]
                rows.append(MarkExportRow(
                    study: snapshot.study.name, reader: reader, caseId: caseId, organ: organ, panelLabel: label, model: model,
                    question: question, category: category, shape: shape, confidence: confidence, isRepeat: isRepeat,
                    isCalibration: isCalibration, revision: revision, isLatest: revision == latest, startedAt: startedAt,
                    submittedAt: submittedAt))
            }
            return rows
        }
    }
}
