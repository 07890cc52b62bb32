import ArgumentParser
import Foundation
import ReaderStudy

/// `usreview study …`: manage reader studies (the rating panel comes with the app).
struct Study: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Create reader studies, follow their progress and export the answers.",
        discussion: """
            Studies, readers and answers live in one SQLite file: by default \
            $XDG_DATA_HOME/usreview/usreview.sqlite (~/.local/share/usreview/usreview.sqlite); \
            choose another with --db.
            """,
        subcommands: [StudyCreateCommand.self, StudyStatusCommand.self, StudyExportCommand.self,
                      StudyReportCommand.self, StudyImportCommand.self,
                      StudyBackupCommand.self, StudyMergeCommand.self, StudyBenchCommand.self, StudySimulateReaderCommand.self]
    )
}

/// The study database, shared by every `study` subcommand.
struct StudyDatabaseOptions: ParsableArguments {
    @Option(name: .customLong("db"), help: "The study database file. Default: $XDG_DATA_HOME/usreview/usreview.sqlite.",
            completion: .file())
    var path: String?

    func validate() throws {
        if let path { try requireRegularFileIfPresent((path as NSString).expandingTildeInPath, "--db") }
    }

    var url: URL { path.map { URL(fileURLWithPath: ($0 as NSString).expandingTildeInPath) } ?? StudyStore.defaultURL }

    func open(readOnly: Bool = false) throws -> StudyStore {
        try StudyStore(url: url, options: StudyStore.Options(readOnly: readOnly))
    }
}
