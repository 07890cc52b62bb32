import Foundation
import GRDB
import UntrustedText

/// One answer as exported: long format, one row per answer.
public struct ExportRow: Codable, Equatable, Sendable {
    public var study: String
    public var reader: String
    public var caseId: String
    public var organ: String
    public var lowDevice: String
    public var highDevice: String
    public var split: String
    /// The panel's label on screen ("A", "ENHANCED"); "" for a question about the case.
    public var panelLabel: String
    /// The image behind the label — the model name, or "low" / "high" — unblinded.
    public var model: String
    /// 1 = leftmost; 0 for a question about the case.
    public var panelPosition: Int
    public var question: String
    public var value: String
    /// For preference and ranking, the value with labels replaced by model names.
    public var valueUnblinded: String
    public var startedAt: Date
    public var submittedAt: Date
    public var durationMs: Int64
    public var isRepeat: Bool
    public var isCalibration: Bool
    public var revision: Int
    /// False for answers a later revision replaced.
    public var isLatest: Bool

    enum CodingKeys: String, CodingKey, CaseIterable {
        case study, reader
        case caseId = "case_id"
        case organ
        case lowDevice = "low_device"
        case highDevice = "high_device"
        case split
        case panelLabel = "panel_label"
        case model
        case panelPosition = "panel_position"
        case question, value
        case valueUnblinded = "value_unblinded"
        case startedAt = "started_at"
        case submittedAt = "submitted_at"
        case durationMs = "duration_ms"
        case isRepeat = "is_repeat"
        case isCalibration = "is_calibration"
        case revision
        case isLatest = "is_latest"
    }
}

/// Marks kept changing between the reads of an export (readers submitting all along).
public struct StudyExportChanged: Error, Equatable, Sendable, CustomStringConvertible {
    public var study: String
    public var location: String
    public var tries: Int

    public var description: String {
        "The marks of study '\(study)' at \(location) changed during each of \(tries) reads (readers are submitting); "
            + "nothing was written. Export again."
    }
}

/// Reads a study's answers for analysis. Only reads: exporting never changes the file
/// (open the store with `readOnly: true` to make that a guarantee).
public enum StudyExport {
    /// Every answer of the study's latest revisions (or of all revisions, for the audit
    /// trail), ordered by reader, list position, revision and form order.
    public static func rows(from store: any CoordinatorStudyStore, study name: String,
                            allRevisions: Bool = false) throws -> [ExportRow] {
        try store.exportRows(study: name, allRevisions: allRevisions)
    }

    /// RFC 4180 through `CSVTable`: a header line, CRLF line ends, UTF-8; times in ISO
    /// 8601 UTC with milliseconds. Text columns (`textColumns`) are neutralised against
    /// spreadsheet formulas; numbers, times and booleans are written as they are.
    public static func csv(_ rows: [ExportRow]) -> String {
        let formatter = isoFormatter()
        let cells: [[CSVCell]] = rows.map { row in
            [
                .text(row.study), .text(row.reader), .text(row.caseId), .text(row.organ), .text(row.lowDevice),
                .text(row.highDevice), .text(row.split), .text(row.panelLabel), .text(row.model),
                .number(String(row.panelPosition)), .text(row.question), .text(row.value), .text(row.valueUnblinded),
                .number(timestamp(row.startedAt, formatter)), .number(timestamp(row.submittedAt, formatter)),
                .number(String(row.durationMs)), .number(row.isRepeat ? "true" : "false"),
                .number(row.isCalibration ? "true" : "false"), .number(String(row.revision)),
                .number(row.isLatest ? "true" : "false"),
            ]
        }
        return CSVTable.render(header: ExportRow.CodingKeys.allCases.map(\.rawValue), rows: cells)
    }

    /// For preference and ranking, `value` with panel labels replaced by the names of
    /// the images behind them; other answers as they are.
    static func unblindedValue(_ value: String, kind: QuestionKind?, panels: [String: Panel]) -> String {
        switch kind {
        case .preference?:
            return panels[value]?.source.resultName ?? value
        case .ranking?:
            return value.split(separator: ">").map { panels[String($0)]?.source.resultName ?? String($0) }
                .joined(separator: ">")
        default:
            return value
        }
    }

    /// The export's columns that hold text (from readers, the study file or the dataset)
    /// and are therefore neutralised on export and restored on import.
    public static let textColumns: Set<String> = [
        "study", "reader", "case_id", "organ", "low_device", "high_device", "split", "panel_label", "model",
        "question", "value", "value_unblinded",
    ]

    /// Every mark of the study's latest answer sets (or of all), unblinded, ordered by
    /// reader, list position, revision and the order placed.
    public static func marks(from store: any CoordinatorStudyStore, study name: String,
                             allRevisions: Bool = false) throws -> [MarkExportRow] {
        try store.exportMarks(study: name, allRevisions: allRevisions)
    }

    /// The answers and the marks as of one moment, though each is its own read: the marks
    /// are read before and after the answers, and again until the two agree, so a set
    /// submitted meanwhile (a new revision hides the marks it replaces) cannot leave a
    /// marks file whose sets the answers file lacks. Marks are append-only, so equal reads
    /// mean nothing changed them in between.
    public static func answersAndMarks(from store: any CoordinatorStudyStore, study name: String,
                                       allRevisions: Bool = false) throws -> (answers: [ExportRow], marks: [MarkExportRow]) {
        var before = try marks(from: store, study: name, allRevisions: allRevisions)
        for _ in 0..<Self.consistentReadTries {
            let answers = try rows(from: store, study: name, allRevisions: allRevisions)
            let after = try marks(from: store, study: name, allRevisions: allRevisions)
            if after == before { return (answers, after) }
            before = after
        }
        throw StudyExportChanged(study: name, location: store.location, tries: Self.consistentReadTries)
    }

    static let consistentReadTries = 10

    /// The marks file (`study export --marks`): `MarkExportRow.columnNames` as the
    /// header, written as `csv` writes the answers; width and height are empty for a point.
    public static func marksCSV(_ rows: [MarkExportRow]) -> String {
        let formatter = isoFormatter()
        let cells: [[CSVCell]] = rows.map { row in
            [
                .text(row.study), .text(row.reader), .text(row.caseId), .text(row.organ), .text(row.panelLabel),
                .text(row.model), .text(row.question), .text(row.category), .text(row.shape), .number(String(row.x)),
                .number(String(row.y)), .number(row.width.map(String.init) ?? ""), .number(row.height.map(String.init) ?? ""),
                .number(String(row.confidence)), .number(row.isRepeat ? "true" : "false"),
                .number(row.isCalibration ? "true" : "false"), .number(String(row.revision)),
                .number(row.isLatest ? "true" : "false"), .number(timestamp(row.startedAt, formatter)),
                .number(timestamp(row.submittedAt, formatter)),
            ]
        }
        return CSVTable.render(header: MarkExportRow.columnNames, rows: cells)
    }

    /// The marks file's columns that hold text, neutralised on export and restored on import.
    public static let markTextColumns: Set<String> = [
        "study", "reader", "case_id", "organ", "panel_label", "model", "question", "category", "shape",
    ]

    /// One object, `{"answers": [...], "marks": [...]}`: arrays of row objects with the
    /// CSV files' column names (a point's mark has no width or height); times as in the CSV.
    public static func json(answers: [ExportRow], marks: [MarkExportRow]) throws -> Data {
        struct Document: Encodable {
            var answers: [ExportRow]
            var marks: [MarkExportRow]
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let formatter = isoFormatter()
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(timestamp(date, formatter))
        }
        return try encoder.encode(Document(answers: answers, marks: marks))
    }

    /// `date` to the nearest millisecond. The formatter truncates, and a stored
    /// 17.431 s reads back as 17.43099…, which would print as .430.
    static func timestamp(_ date: Date, _ formatter: Date.ISO8601FormatStyle) -> String {
        let milliseconds = (date.timeIntervalSinceReferenceDate * 1000).rounded()
        return formatter.format(Date(timeIntervalSinceReferenceDate: (milliseconds + 0.25) / 1000))
    }

    static func isoFormatter() -> Date.ISO8601FormatStyle {
        Date.ISO8601FormatStyle(includingFractionalSeconds: true, timeZone: TimeZone(identifier: "UTC")!)
    }
}
