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
        subcommands: [StudyCreateCommand.self, StudyReadersCommand.self, StudyPresentationsCommand.self, StudyStatusCommand.self, StudyExportCommand.self,
                      StudyReportCommand.self, StudyImportCommand.self,
                      StudyBackupCommand.self, StudyMergeCommand.self, StudyBenchCommand.self, StudySimulateReaderCommand.self]
    )
}

/// The study database, shared by every `study` subcommand.
struct StudyDatabaseOptions: ParsableArguments {
    @Option(name: .customLong("db"), help: "The study database file. Default: $XDG_DATA_HOME/usreview/usreview.sqlite.",
            completion: .file())
    var path: String?

    @Flag(help: "Create the folder of --db when it does not exist (the default file's folder is always created).")
    var createFolders = false

    func validate() throws {
        // Not a file name: without this, SQLite would make a folder named "postgres:".
        if let path, path.hasPrefix("postgres://") || path.hasPrefix("postgresql://") {
            throw ValidationError("""
                --db \(path.split(separator: "@").last.map { "…@" + $0 } ?? ""): this usreview's study commands \
                work on SQLite files only; the PostgreSQL study server (docs/ARCHITECTURE.md) is not wired \
                to them yet. Give a file path.
                """)
        }
        if let path { try requireRegularFileIfPresent((path as NSString).expandingTildeInPath, "--db") }
    }

    var url: URL { path.map { URL(fileURLWithPath: ($0 as NSString).expandingTildeInPath) } ?? SQLiteStudyStore.defaultURL }

    /// Read-only for commands that only read (status, export, report, backup's source):
    /// they work on a read-only file and never change it.
    func open(readOnly: Bool = false) throws -> SQLiteStudyStore {
        try SQLiteStudyStore(url: url, options: SQLiteStudyStore.Options(readOnly: readOnly, createFolder: path == nil || createFolders))
    }

    /// For commands that need a study already there (reading, importing): a missing file is
    /// a mistyped --db, so say so rather than make an empty database.
    func requireExisting() throws {
        guard FileManager.default.fileExists(atPath: url.path) else {
            throw ValidationError("There is no study database at \(url.path); create the study with usreview study create, or choose the file with --db.")
        }
    }

    /// A reader's client: never migrates, and refuses a file the coordinator has not upgraded.
    func openForReading() throws -> SQLiteStudyStore {
        try SQLiteStudyStore(url: url, options: SQLiteStudyStore.Options(migrates: false))
    }
}
