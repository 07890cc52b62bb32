import ArgumentParser
import Foundation
import ReaderStudy

struct StudyBackupCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backup",
        abstract: "Write a consistent copy of the study database, even while readers are writing.",
        discussion: """
            Uses SQLite's online backup; the copy is written to a temporary file and renamed into \
            place. The database is opened read-only; --out may not be the database itself. A \
            temporary file left by a killed backup is removed by the next backup to the same file.
            """
    )

    @Option(help: "The study's name (checked to exist; the whole database is copied).")
    var study: String

    @Option(help: "The backup file.", completion: .file())
    var out: String

    @OptionGroup var database: StudyDatabaseOptions

    func run() throws {
        if database.server != nil {
            throw ValidationError("usreview study backup copies a study file; back up a server with pg_dump (README: Multi-site studies).")
        }
        let store = try database.open(readOnly: true)
        _ = try store.study(named: study)
        try store.backup(to: URL(fileURLWithPath: (out as NSString).expandingTildeInPath))
        printText("Backed up \(database.url.path) to \(out).")
    }
}
