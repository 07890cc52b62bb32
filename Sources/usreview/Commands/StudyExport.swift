import ArgumentParser
import Dataset
import Foundation
import ReaderStudy

struct StudyExportCommand: ParsableCommand {
    enum Format: String, ExpressibleByArgument, CaseIterable { case csv, json }

    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Export a study's answers in long format: one row per answer.",
        discussion: """
            Columns: study, reader, case_id, organ, low_device, high_device, split, \
            panel_label (A, B, … when blinded), model (unblinded), panel_position, question, \
            value, value_unblinded, started_at, submitted_at (ISO 8601, UTC), duration_ms, \
            is_repeat, is_calibration, revision, is_latest. CSV follows RFC 4180 (UTF-8, CRLF). \
            The database is opened read-only: exporting never changes it.

            Marks (--marks FILE, one row per mark, beside the answers) have the header \
            \(MarkExportRow.columnNames.joined(separator: ",")) — x, y, width, height in the \
            source image's pixels from the top left, width and height empty for a point, \
            confidence 1 to 5, model unblinded; `study import --marks` reads the same file. \
            With --format json the output is one object {"answers": [...], "marks": [...]}.
            """
    )

    @Option(help: "The study's name.")
    var study: String

    @Option(help: "csv or json.")
    var format: Format = .csv

    @Option(help: "Write to this file (atomically) instead of standard output.", completion: .file())
    var out: String?

    @Option(help: "Also write the marks, as CSV, to this file (atomically).", completion: .file())
    var marks: String?

    @Flag(help: "Include answers (and marks) replaced by later revisions (the audit trail).")
    var allRevisions = false

    @OptionGroup var database: StudyDatabaseOptions

    func validate() throws {
        if marks != nil, format == .json {
            throw ValidationError("--marks writes the marks as CSV; with --format json they are the output's \"marks\" array.")
        }
        if let marks, let out, URL(fileURLWithPath: marks).standardizedFileURL == URL(fileURLWithPath: out).standardizedFileURL {
            throw ValidationError("--marks and --out name the same file; give the marks a file of their own.")
        }
    }

    func run() throws {
        for output in [out, marks].compactMap({ $0 }) {
            try OutputGuard.check(output: URL(fileURLWithPath: output), inputs: database.inputFiles)
        }
        let store = try database.coordinatorStore(readOnly: true)
        let (rows, markRows) = format == .json || marks != nil
            ? try ReaderStudy.StudyExport.answersAndMarks(from: store, study: study, allRevisions: allRevisions)
            : (try ReaderStudy.StudyExport.rows(from: store, study: study, allRevisions: allRevisions), [])
        let data = format == .csv ? Data(ReaderStudy.StudyExport.csv(rows).utf8)
            : try ReaderStudy.StudyExport.json(answers: rows, marks: markRows)
        if let marks {
            try AtomicFile.write(Data(ReaderStudy.StudyExport.marksCSV(markRows).utf8), to: URL(fileURLWithPath: marks))
            printError("Wrote \(markRows.count) marks to \(marks).")
        }
        let summary = format == .json ? "Wrote \(rows.count) answers and \(markRows.count) marks to \(out ?? "")."
            : "Wrote \(rows.count) answers to \(out ?? "")."
        try emitDocument(data, isJSON: format == .json, to: out, summary: summary)
    }
}
