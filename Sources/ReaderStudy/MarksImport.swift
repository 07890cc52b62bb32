import Foundation
import UntrustedText

// The marks file of `study import --marks`: each row checked against the study before
// anything is stored, as the answers file's rows are (Import.swift).
extension StudyImport {
    /// Checks every row of a marks file against the study and hands each mark to `add`
    /// with its answer set's key ("reader|listPosition|revision") and times; `add` returns
    /// nil when the answers file has no such set, the name of a time column that differs
    /// from the set's, or "" when it took the mark.
    static func readMarks(_ text: String, path: String, study name: String, snapshot: StudySnapshot,
                                  readers: Set<String>, showings: [Showing.Key: Showing], date: (String) -> Date?,
                                  add: (String, Date, Date, PendingMark, (row: Int, line: Int)) -> String?) throws {
        let records: [CSVRecord]
        do { records = try CSVTable.parse(text) } catch {
            throw StudyImportError.unreadable(path: path, reason: error.description)
        }
        let header = MarkExportRow.columnNames
        guard let first = records.first, first.fields == header else {
            throw StudyImportError.badMarksHeader(path: path, expected: header.joined(separator: ","))
        }
        let questions = Dictionary(snapshot.questions.map { ($0.key, $0) }, uniquingKeysWith: { a, _ in a })
        let casesByID = Dictionary(snapshot.cases.map { ($0.caseId, $0) }, uniquingKeysWith: { a, _ in a })
        for (offset, record) in records.dropFirst().enumerated() {
            let rowNumber = offset + 1
            func bad(_ reason: String) -> StudyImportError {
                .badRow(path: path, row: rowNumber, line: record.line, reason: reason)
            }
            func badField(_ column: String, _ reason: String) -> StudyImportError {
                .badField(path: path, row: rowNumber, line: record.line, column: column, reason: reason)
            }
            guard record.fields.count == header.count else {
                throw bad("it has \(record.fields.count) fields, the marks export has \(header.count)")
            }
            let f = zip(header, record.fields).map { StudyExport.markTextColumns.contains($0) ? CSVTable.restored($1) : $1 }
            func field(_ column: String) -> String { f[header.firstIndex(of: column)!] }
            func whole(_ column: String, from minimum: Int) throws -> Int {
                guard let value = Int(field(column)), value >= minimum else {
                    throw badField(column, "'\(field(column))' is not a whole number from \(minimum)")
                }
                return value
            }
            func flag(_ column: String) throws -> Bool {
                switch field(column) {
                case "true": return true
                case "false": return false
                default: throw badField(column, "must be true or false, not '\(field(column))'")
                }
            }
            guard field("study") == name else { throw badField("study", "it belongs to study '\(field("study"))', not '\(name)'") }
            let reader = field("reader")
            guard readers.contains(reader) else {
                throw badField("reader", "unknown reader '\(reader)' (readers must have enrolled in the study)")
            }
            let caseId = field("case_id")
            guard let studyCase = casesByID[caseId] else { throw badField("case_id", "unknown case '\(caseId)' (not a case of the study)") }
            guard field("organ") == studyCase.organ.rawValue else {
                throw badField("organ", "'\(field("organ"))' but the study has '\(studyCase.organ.rawValue)' for case \(caseId)")
            }
            let isRepeat = try flag("is_repeat"), isCalibration = try flag("is_calibration")
            _ = try flag("is_latest")
            guard let showing = showings[Showing.Key(reader: reader, caseId: caseId, isRepeat: isRepeat)] else {
                throw bad("reader '\(reader)' was never shown case \(caseId)\(isRepeat ? " a second time" : "")")
            }
            guard isCalibration == showing.isCalibration else {
                throw badField("is_calibration", "'\(field("is_calibration"))' but this showing of case \(caseId) is "
                               + (showing.isCalibration ? "a calibration case" : "not a calibration case"))
            }
            let label = field("panel_label")
            let candidates = showing.panels.filter { !$0.isReference }
            guard let panel = candidates.first(where: { $0.label == label }) else {
                throw badField("panel_label", "'\(label)' is not a candidate panel of this showing (candidates: "
                               + candidates.map(\.label).joined(separator: ", ") + ")")
            }
            guard panel.source.resultName == field("model") else {
                throw badField("model", "panel \(label) of this showing is \(panel.source.resultName), not '\(field("model"))'")
            }
            let questionKey = field("question")
            guard let question = questions[questionKey], let categories = question.markCategories else {
                let marksQuestions = snapshot.questions.filter { $0.markCategories != nil }.map(\.key)
                throw badField("question", "'\(questionKey)' is not a marks question of the study (marks questions: "
                               + marksQuestions.joined(separator: ", ") + ")")
            }
            guard categories.contains(field("category")) else {
                throw badField("category", "'\(field("category"))' is not one of " + categories.joined(separator: ", "))
            }
            let x = try whole("x", from: 0), y = try whole("y", from: 0)
            let shape: MarkShape
            switch field("shape") {
            case "point":
                for column in ["width", "height"] where !field(column).isEmpty {
                    throw badField(column, "must be empty for a point")
                }
                shape = .point(x: x, y: y)
            case "box":
                shape = .box(x: x, y: y, width: try whole("width", from: 1), height: try whole("height", from: 1))
            default:
                throw badField("shape", "must be point or box, not '\(field("shape"))'")
            }
            let confidence = try whole("confidence", from: 1)
            guard PendingMark.confidenceRange.contains(confidence) else { throw badField("confidence", "\(confidence) is not 1 to 5") }
            let revision = try whole("revision", from: 1)
            guard let startedAt = date(field("started_at")) else { throw badField("started_at", "'\(field("started_at"))' is not an ISO 8601 time") }
            guard let submittedAt = date(field("submitted_at")) else {
                throw badField("submitted_at", "'\(field("submitted_at"))' is not an ISO 8601 time")
            }
            let mark = PendingMark(questionKey: questionKey, panelLabel: label, category: field("category"), shape: shape,
                                   confidence: confidence)
            switch add("\(reader)|\(showing.listPosition)|\(revision)", startedAt, submittedAt, mark, (rowNumber, record.line)) {
            case nil:
                throw bad("the answers file has no answer set of reader '\(reader)' for this showing of case \(caseId) "
                          + "at revision \(revision)")
            case let column? where !column.isEmpty:
                throw badField(column, "'\(field(column))' differs from the \(column) of its answer set in the answers file")
            default:
                break
            }
        }
    }
}
