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
            """
    )

    @Option(help: "The study's name.")
    var study: String

    @Argument(help: "The CSV file.", completion: .file())
    var file: String

    @OptionGroup var database: StudyDatabaseOptions

    func run() throws {
        try database.requireExisting()
        let store = try database.coordinatorStore()
        let summary = try StudyImport.importFile(URL(fileURLWithPath: file), into: store, study: study)
        try store.close()
        printText("Imported \(summary.answers) answers in \(summary.submissions) answer sets "
              + "(\(summary.alreadyPresent) already present).")
    }
}
