import ArgumentParser
import Dataset
import Foundation
import ReaderStudy

/// `usreview study presentations`: the coordinator's view of what each reader sees.
struct StudyPresentationsCommand: ParsableCommand {
    enum Format: String, ExpressibleByArgument, CaseIterable { case csv, json }

    static let configuration = CommandConfiguration(
        commandName: "presentations",
        abstract: "Each reader's cases in order, with every panel's label and what it shows (the coordinator's).",
        discussion: """
            One row per panel: study, reader, list_position (1 = first), case_id, organ, \
            is_repeat, is_calibration, panel_position (1 = leftmost), panel_label, \
            is_reference, shows (low, high or the model's name: the key). For printing paper \
            forms, importing answers collected on paper, or checking a reader's screen. \
            The database is opened read-only.

            Example: usreview study presentations --study pilot --reader R01 --format csv
            """
    )

    @Option(help: "The study's name.") var study: String
    @Option(help: "Only this reader.") var reader: String?
    @Option(help: "csv or json.") var format: Format = .csv
    @Option(help: "Write to this file (atomically) instead of standard output.", completion: .file()) var out: String?
    @OptionGroup var database: StudyDatabaseOptions

    func run() throws {
        if let out { try OutputGuard.check(output: URL(fileURLWithPath: out), inputs: database.inputFiles) }
        let rows = try database.coordinatorStore(readOnly: true).presentations(ofStudy: study, reader: reader)
        let data = format == .csv ? Data(PresentationRow.csv(rows).utf8) : try PresentationRow.json(rows)
        try emitDocument(data, isJSON: format == .json, to: out, summary: "Wrote \(rows.count) panels to \(out ?? "").")
    }
}
