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
            choose another with --db. For readers at several sites, --db names a PostgreSQL \
            server instead (postgresql://USER@HOST/DB): the coordinator's login runs these \
            commands, and each reader logs in with the line study readers add printed for them.
            """,
        subcommands: [StudyCreateCommand.self, StudyReadersCommand.self, StudyPresentationsCommand.self, StudyStatusCommand.self, StudyExportCommand.self,
                      StudyReportCommand.self, StudyImportCommand.self,
                      StudyBackupCommand.self, StudyMergeCommand.self, StudyBenchCommand.self, StudySimulateReaderCommand.self]
    )
}

/// The study database, shared by every `study` subcommand: a SQLite file (one site), or a
/// PostgreSQL server (`postgres://` or `postgresql://`, libpq's conventions) for readers
/// at several sites.
struct StudyDatabaseOptions: ParsableArguments {
    @Option(name: .customLong("db"), help: ArgumentHelp(
        "The study database: a SQLite file, or a PostgreSQL server as postgresql://USER@HOST[:PORT]/DB (passwords from ~/.pgpass or PGPASSFILE). Default: $XDG_DATA_HOME/usreview/usreview.sqlite.",
        valueName: "file-or-uri"), completion: .file())
    var path: String?

    @Flag(help: "Create the folder of --db when it does not exist (the default file's folder is always created).")
    var createFolders = false

    func validate() throws {
        if server != nil { return }
        if let path { try requireRegularFileIfPresent((path as NSString).expandingTildeInPath, "--db") }
    }

    /// The server's URI when --db names one (never a file name: SQLite would make a folder "postgres:").
    var server: String? { path.flatMap { PostgresStudyStore.isServerURI($0) ? $0 : nil } }

    var url: URL { path.map { URL(fileURLWithPath: ($0 as NSString).expandingTildeInPath) } ?? SQLiteStudyStore.defaultURL }

    /// The files an output must not overwrite: the study file (nothing for a server).
    var inputFiles: [URL] { server == nil ? [url] : [] }

    /// The coordinator's store. A file opens read-only for commands that only read (status,
    /// export, report, presentations): they work on a read-only file and never change it.
    /// On a server, the coordinator's login brings the schema up to date; a reader's login
    /// is refused there ("only the study coordinator can …").
    func coordinatorStore(readOnly: Bool = false) throws -> any CoordinatorStudyStore {
        if let server { return try PostgresStudyStore(url: server, as: .coordinator) }
        return try open(readOnly: readOnly)
    }

    /// A reader's client: never migrates, and refuses a file or server the coordinator has
    /// not upgraded.
    func readerStore() throws -> any ReaderStudyStore {
        if let server { return try PostgresStudyStore(url: server, as: .reader) }
        try requireExisting()
        return try SQLiteStudyStore(url: url, options: SQLiteStudyStore.Options(migrates: false))
    }

    /// The SQLite file. Read-only for commands that only read.
    func open(readOnly: Bool = false) throws -> SQLiteStudyStore {
        try SQLiteStudyStore(url: url, options: SQLiteStudyStore.Options(readOnly: readOnly, createFolder: path == nil || createFolders))
    }

    /// For commands that need a study already there (reading, importing): a missing file is
    /// a mistyped --db, so say so rather than make an empty database.
    func requireExisting() throws {
        guard server == nil else { return }
        guard FileManager.default.fileExists(atPath: url.path) else {
            throw ValidationError("There is no study database at \(url.path); create the study with usreview study create, or choose the file with --db.")
        }
    }
}
