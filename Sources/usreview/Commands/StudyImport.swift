import ArgumentParser
import Foundation
import ReaderStudy

struct StudyImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Import answers from a CSV in the format of study export.",
        discussion: """
            For answers collected on paper or in another tool, or a restore. Every row is checked \
            (known reader, case, question, panel and model; a valid value; ISO 8601 times); the first \
            bad row is named with the reason and nothing is imported. Readers must have enrolled. \
            Answer sets already in the database are skipped, so importing twice changes nothing.

            --marks FILE imports the marks of those answer sets, in the format of study export \
            --marks: the header must be \(MarkExportRow.columnNames.joined(separator: ",")). Each mark \
            must belong to an answer set of the answers file (reader, case, revision and times), lie \
            inside its panel's image, and each marks answer must equal its panel's number of marks.
            """
    )

    @Option(help: "The study's name.")
    var study: String

    @Argument(help: "The CSV file.", completion: .file())
    var file: String

    @Option(help: "The marks CSV (study export --marks) of these answers.", completion: .file())
    var marks: String?

    @OptionGroup var database: StudyDatabaseOptions

    func run() throws {
        try database.requireExisting()
        let store = try database.coordinatorStore()
        let summary = try StudyImport.importFile(URL(fileURLWithPath: file), marks: marks.map { URL(fileURLWithPath: $0) },
                                                 into: store, study: study)
        try store.close()
        printText("Imported \(summary.answers) answers and \(summary.marks) marks in \(summary.submissions) answer sets "
              + "(\(summary.alreadyPresent) already present).")
    }
}
