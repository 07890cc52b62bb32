import Foundation
import UntrustedText

/// What an import stored.
public struct ImportSummary: Equatable, Sendable {
    /// Answer sets stored.
    public var submissions: Int
    public var answers: Int
    /// Answer sets already in the database (same showing, revision and times): not stored again.
    public var alreadyPresent: Int
    /// Marks stored (with the answer sets stored).
    public var marks = 0
}

/// A CSV that cannot be imported; nothing of it was stored.
public enum StudyImportError: Error, Equatable, Sendable, CustomStringConvertible {
    case unreadable(path: String, reason: String)
    case badHeader(path: String, expected: String)
    /// A marks file whose first line is not `MarkExportRow.columnNames`.
    case badMarksHeader(path: String, expected: String)
    /// `row` counts data rows from 1 (the header is row 0); `line` is the file's line.
    case badRow(path: String, row: Int, line: Int, reason: String)
    /// One field disagrees with the study: `column` is the header's name for it.
    case badField(path: String, row: Int, line: Int, column: String, reason: String)

    public var description: String {
        switch self {
        case let .unreadable(path, reason):
            return "Cannot read \(path): \(reason)."
        case let .badHeader(path, expected):
            return "\(path) is not a usreview answer export: the first line must be the header \(expected). Nothing was imported."
        case let .badMarksHeader(path, expected):
            return "\(path) is not a usreview marks export: the first line must be the header \(expected). Nothing was imported."
        case let .badRow(path, row, line, reason):
            return "\(path), row \(row) (line \(line)): \(reason). Nothing was imported; correct the row and import again."
        case let .badField(path, row, line, column, reason):
            return "\(path), row \(row) (line \(line)), column \(column): \(reason). "
                + "Nothing was imported; correct the row and import again."
        }
    }
}

/// Reads answers in `StudyExport`'s own CSV format (answers collected on paper or in
/// another tool, or a restore) into an existing study whose readers have enrolled.
///
/// Every row is checked before anything is written, every column against the study —
/// the study, a known reader, a case of the study that reader was shown (first showing
/// or repeat as the row says) with the organ, devices and split the study holds for it,
/// calibration as the showing is, a question of the study, a panel of that showing with
/// the model and position the row names, a valid value and its unblinded form, ISO 8601
/// times, whole numbers — and the rows of one answer set must agree on its times. Text
/// cells lose the `'` the export puts before formula-like text. The first bad row stops
/// the import, named by its number, line and (for a field that disagrees) column.
/// All answer sets are stored in one transaction. An answer set already present (same
/// showing, revision and submit time) is skipped, so importing a file twice changes
/// nothing; the same revision with another time is an error.
///
/// A marks file (`study export --marks`, header `MarkExportRow.columnNames`) is read
/// with the answers: each mark is checked against the study the same way (reader, case
/// and showing, the panel a candidate with its model, a marks question and one of its
/// categories, the shape and confidence) and belongs to an answer set of the answers
/// file (same reader, showing and revision, same times); the store then checks that it
/// lies inside the panel's image and that each marks answer counts its marks. An answer
/// to a question the set's own answers did not ask (`when`) is refused.
public enum StudyImport {
    public static func importCSV(_ text: String, marks marksText: String? = nil, into store: any CoordinatorStudyStore,
                                 study name: String, source path: String = "(input)",
                                 marksSource marksPath: String = "(marks)") throws -> ImportSummary {
        let records: [CSVRecord]
        do { records = try CSVTable.parse(text) } catch {
            throw StudyImportError.unreadable(path: path, reason: error.description)
        }
        let header = StudyExportColumns.names
        guard let first = records.first, first.fields == header else {
            throw StudyImportError.badHeader(path: path, expected: header.joined(separator: ","))
        }
        let snapshot = try store.study(named: name)
        let questions = Dictionary(snapshot.questions.map { ($0.key, $0) }, uniquingKeysWith: { a, _ in a })
        let casesByID = Dictionary(snapshot.cases.map { ($0.caseId, $0) }, uniquingKeysWith: { a, _ in a })
        let knownModels = Set(snapshot.modelNames + ["low", "high"])
        // Every showing of every reader, with what each label shows: the coordinator's
        // `study presentations`, not the store's tables.
        let readers = Set(try store.readers(ofStudy: name).map(\.name))
        let showings = Showing.index(try store.presentations(ofStudy: name, reader: nil))
        let formatter = StudyExport.isoFormatter()
        let plainFormatter = Date.ISO8601FormatStyle(timeZone: TimeZone(identifier: "UTC")!)
        func date(_ text: String) -> Date? { (try? formatter.parse(text)) ?? (try? plainFormatter.parse(text)) }

        struct Group {
            var reader: String
            var listPosition: Int
            var revision: Int
            var startedAt: Date
            var submittedAt: Date
            var durationMs: Int64
            var answers: [PendingAnswer]
            var row: Int
            var line: Int
            /// Each answer's row and line.
            var answerRows: [(row: Int, line: Int)]
            var candidates: [String]
            var marks: [PendingMark] = []
            /// Each mark's row and line in the marks file.
            var markRows: [(row: Int, line: Int)] = []
        }
        var groups: [Group] = []
        var groupIndex: [String: Int] = [:]
        for (offset, record) in records.dropFirst().enumerated() {
            let rowNumber = offset + 1
            func bad(_ reason: String) -> StudyImportError {
                .badRow(path: path, row: rowNumber, line: record.line, reason: reason)
            }
            guard record.fields.count == header.count else {
                throw bad("it has \(record.fields.count) fields, the export has \(header.count)")
            }
            let f = zip(header, record.fields).map { StudyExport.textColumns.contains($0) ? CSVTable.restored($1) : $1 }
            func badField(_ column: String, _ reason: String) -> StudyImportError {
                .badField(path: path, row: rowNumber, line: record.line, column: column, reason: reason)
            }
            /// A column that must hold what the study holds.
            func expect(_ index: Int, _ expected: String, _ what: String) throws {
                guard f[index] == expected else {
                    throw badField(header[index], "'\(f[index])' but the study has '\(expected)' as \(what)")
                }
            }
            let (study, reader, caseId, label, model, question, value) = (f[0], f[1], f[2], f[7], f[8], f[10], f[11])
            guard study == name else { throw bad("it belongs to study '\(study)', not '\(name)'") }
            guard readers.contains(reader) else { throw bad("unknown reader '\(reader)' (readers must have enrolled in the study)") }
            guard let studyCase = casesByID[caseId] else { throw bad("unknown case '\(caseId)' (not a case of the study)") }
            try expect(3, studyCase.organ.rawValue, "the organ of case \(caseId)")
            try expect(4, studyCase.lowDevice, "the low-quality device of case \(caseId)")
            try expect(5, studyCase.highDevice, "the high-quality device of case \(caseId)")
            try expect(6, studyCase.split?.rawValue ?? "", "the split of case \(caseId)")
            guard let definition = questions[question] else {
                throw bad("unknown question '\(question)' (questions: \(snapshot.questions.map(\.key).joined(separator: ", ")))")
            }
            func flag(_ text: String, _ column: String) throws -> Bool {
                switch text {
                case "true": return true
                case "false": return false
                default: throw bad("\(column) must be true or false, not '\(text)'")
                }
            }
            let isRepeat = try flag(f[16], "is_repeat")
            let isCalibration = try flag(f[17], "is_calibration")
            _ = try flag(f[19], "is_latest")
            guard let revision = Int(f[18]), revision >= 1 else { throw bad("revision must be a whole number from 1, not '\(f[18])'") }
            guard let duration = Int64(f[15]), duration >= 0 else { throw bad("duration_ms must be a whole number, not '\(f[15])'") }
            guard let startedAt = date(f[13]) else { throw bad("started_at '\(f[13])' is not an ISO 8601 time") }
            guard let submittedAt = date(f[14]) else { throw bad("submitted_at '\(f[14])' is not an ISO 8601 time") }
            guard let presentation = showings[Showing.Key(reader: reader, caseId: studyCase.caseId, isRepeat: isRepeat)] else {
                throw bad("reader '\(reader)' was never shown case \(caseId)\(isRepeat ? " a second time" : "")")
            }
            guard isCalibration == presentation.isCalibration else {
                throw badField("is_calibration", "'\(f[17])' but this showing of case \(caseId) is "
                               + (presentation.isCalibration ? "a calibration case" : "not a calibration case"))
            }
            let panels = presentation.panels
            let candidates = panels.filter { !$0.isReference }.map(\.label)
            if definition.perCase {
                guard label.isEmpty else { throw bad("question '\(question)' is about the whole case; panel_label must be empty") }
                try expect(8, "", "the model of an answer about the whole case")
                try expect(9, "0", "the panel position of an answer about the whole case")
            } else {
                guard let panel = panels.first(where: { $0.label == label && !$0.isReference }) else {
                    throw bad("unknown panel '\(label)' (panels of this showing: \(candidates.joined(separator: ", ")))")
                }
                guard knownModels.contains(model) else { throw bad("unknown model '\(model)'") }
                guard panel.source.resultName == model else {
                    throw bad("panel \(label) of this showing is \(panel.source.resultName), not \(model)")
                }
                try expect(9, String(panel.position), "the position of panel \(label) in this showing")
            }
            let canonical: String
            do {
                canonical = try definition.validated(value, candidates: candidates)
            } catch let error as AnswerError {
                throw bad(error.description)
            }
            let byLabel = Dictionary(panels.map { ($0.label, $0) }, uniquingKeysWith: { first, _ in first })
            // As the export writes it (from the stored, canonical value), or as the file spells the value.
            let unblinded = StudyExport.unblindedValue(canonical, kind: definition.kind, panels: byLabel)
            if f[12] != StudyExport.unblindedValue(value, kind: definition.kind, panels: byLabel) {
                try expect(12, unblinded, "the unblinded form of '\(value)' in this showing")
            }
            let key = "\(reader)|\(presentation.listPosition)|\(revision)"
            if let index = groupIndex[key] {
                let group = groups[index]
                guard group.startedAt == startedAt, group.submittedAt == submittedAt, group.durationMs == duration else {
                    throw bad("its times differ from row \(group.row), an answer of the same answer set")
                }
                guard !group.answers.contains(where: { $0.questionKey == question && $0.panelLabel == label }) else {
                    throw bad("answer '\(question)'\(label.isEmpty ? "" : " (\(label))") appears twice in one answer set")
                }
                groups[index].answers.append(PendingAnswer(questionKey: question, panelLabel: label, value: canonical))
                groups[index].answerRows.append((rowNumber, record.line))
            } else {
                groupIndex[key] = groups.count
                groups.append(Group(reader: reader, listPosition: presentation.listPosition, revision: revision, startedAt: startedAt,
                                    submittedAt: submittedAt, durationMs: duration,
                                    answers: [PendingAnswer(questionKey: question, panelLabel: label, value: canonical)],
                                    row: rowNumber, line: record.line, answerRows: [(rowNumber, record.line)],
                                    candidates: candidates))
            }
        }
        // A hidden question's answer is never stored by a reader's client: refuse it here too.
        for group in groups {
            var given: [AnswerSlot: String] = [:]
            for answer in group.answers { given[AnswerSlot(question: answer.questionKey, panel: answer.panelLabel)] = answer.value }
            let asked = Set(AnswerSlot.asked(snapshot.questions, candidates: group.candidates, answers: given))
            for (answer, place) in zip(group.answers, group.answerRows) {
                guard !asked.contains(AnswerSlot(question: answer.questionKey, panel: answer.panelLabel)),
                      let condition = questions[answer.questionKey]?.when else { continue }
                throw StudyImportError.badRow(path: path, row: place.row, line: place.line,
                                              reason: AnswerError.notAsked(question: answer.questionKey,
                                                                           condition: condition.description).description)
            }
        }
        if let marksText {
            try readMarks(marksText, path: marksPath, study: name, snapshot: snapshot, readers: readers, showings: showings,
                          date: date) { key, startedAt, submittedAt, mark, place in
                guard let index = groupIndex[key] else { return nil }
                guard groups[index].startedAt == startedAt else { return "started_at" }
                guard groups[index].submittedAt == submittedAt else { return "submitted_at" }
                groups[index].marks.append(mark)
                groups[index].markRows.append(place)
                return ""
            }
        }
        do {
            return try store.importAnswerSets(groups.map { group in
                var set = ImportedAnswerSet(reader: group.reader, listPosition: group.listPosition, revision: group.revision,
                                            startedAt: group.startedAt, submittedAt: group.submittedAt,
                                            durationMs: group.durationMs, answers: group.answers, marks: group.marks)
                set.comparesMarks = marksText != nil
                return set
            }, study: name)
        } catch let conflict as ImportConflict {
            let group = groups[conflict.index]
            if let mark = conflict.mark, group.markRows.indices.contains(mark) {
                let place = group.markRows[mark]
                throw StudyImportError.badRow(path: marksPath, row: place.row, line: place.line, reason: conflict.reason)
            }
            throw StudyImportError.badRow(path: path, row: group.row, line: group.line, reason: conflict.reason)
        }
    }

    /// Reads the answers file (and the marks file) and imports them.
    public static func importFile(_ url: URL, marks marksURL: URL? = nil, into store: any CoordinatorStudyStore,
                                  study name: String) throws -> ImportSummary {
        func read(_ url: URL) throws -> String {
            do { return try String(contentsOf: url, encoding: .utf8) } catch {
                throw StudyImportError.unreadable(path: url.path, reason: error.localizedDescription)
            }
        }
        return try importCSV(try read(url), marks: try marksURL.map(read), into: store, study: name, source: url.path,
                             marksSource: marksURL?.path ?? "(marks)")
    }
}

/// One showing of a case to a reader, from `study presentations`: its place in the
/// reader's list and what each of its labels shows.
struct Showing {
    struct Key: Hashable {
        var reader: String
        var caseId: String
        var isRepeat: Bool
    }

    /// 0-based.
    var listPosition: Int
    var isCalibration: Bool
    var panels: [Panel]

    static func index(_ rows: [PresentationRow]) -> [Key: Showing] {
        var showings: [Key: Showing] = [:]
        for row in rows {
            let key = Key(reader: row.reader, caseId: row.caseId, isRepeat: row.isRepeat)
            let source: ImageSource = row.shows == "low" ? .low : row.shows == "high" ? .high : .model(row.shows)
            showings[key, default: Showing(listPosition: row.listPosition - 1, isCalibration: row.isCalibration, panels: [])]
                .panels.append(Panel(label: row.panelLabel, source: source, position: row.panelPosition,
                                     isReference: row.isReference))
        }
        return showings
    }
}

/// The export's column names, in order.
enum StudyExportColumns {
    static var names: [String] { ExportRow.CodingKeys.allCases.map(\.rawValue) }
}
