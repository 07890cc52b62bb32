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
            """
    )

    @Option(help: "The study's name.")
    var study: String

    @Option(help: "csv or json.")
    var format: Format = .csv

    @Option(help: "Write to this file (atomically) instead of standard output.", completion: .file())
    var out: String?

    @Flag(help: "Include answers replaced by later revisions (the audit trail).")
    var allRevisions = false

    @OptionGroup var database: StudyDatabaseOptions

    func run() throws {
        if let out {
            try OutputGuard.check(output: URL(fileURLWithPath: out), inputs: database.inputFiles)
        }
        let store = try database.coordinatorStore(readOnly: true)
        let rows = try ReaderStudy.StudyExport.rows(from: store, study: study, allRevisions: allRevisions)
        let data = format == .csv ? Data(ReaderStudy.StudyExport.csv(rows).utf8) : try ReaderStudy.StudyExport.json(rows)
        try emitDocument(data, isJSON: format == .json, to: out, summary: "Wrote \(rows.count) answers to \(out ?? "").")
    }
}
