import Dataset
import Foundation
import GRDB

/// The SQLite file that holds studies, readers and answers.
///
/// One `DatabasePool` in WAL mode: readers never block the writer, and several
/// processes (two readers on one shared file) take turns through SQLite's locks with a
/// busy timeout. Every submitted answer set is one IMMEDIATE transaction, so a crash
/// keeps either all of it or none of it.
///
/// Opening an existing file first checks that it is a usreview database — by the
/// SQLite header's application_id, or for a file whose header is not yet checkpointed,
/// by the `meta` table — and refuses anything else before SQLite writes a byte to it.
public final class SQLiteStudyStore: CoordinatorStudyStore {
    /// "USRV": written into the SQLite header by the first migration.
    public static let applicationID: Int32 = 0x5553_5256
    /// The `meta` table's `format` row.
    public static let formatName = "usreview-study-database"
    /// The default file: `$XDG_DATA_HOME/usreview/usreview.sqlite`.
    public static var defaultURL: URL { UserFolders.data.appendingPathComponent("usreview.sqlite") }

    /// How hard a commit waits for the disk.
    public enum Durability: Sendable {
        /// fsync on every commit: a committed answer survives a power cut (the default).
        case full
        /// Commits survive a crash of usreview but not of the machine.
        case normal
        /// No fsync at all: for building benchmark fixtures only.
        case none
    }

    public struct Options: Sendable {
        /// Open without any write: no migration, no journal-mode change (export).
        public var readOnly = false
        /// How long to wait for another process's write before giving up.
        public var busyTimeout: TimeInterval = 10
        public var durability = Durability.full
        /// Whether opening may bring the schema up to date: the coordinator's commands
        /// migrate, a reader's client never does (it refuses an out-of-date file instead).
        public var migrates = true
        /// Caps the database at this many pages; writes beyond fail as a full disk
        /// would (tests use it to simulate one).
        public var maxPageCount: Int?
        /// Create the file's folder when it does not exist (otherwise that is an error:
        /// a mistyped --db should not scatter new folders).
        public var createFolder = false
        /// Called with the SQL of every statement run (tests check what a reader's
        /// methods read).
        var traceStatement: (@Sendable (String) -> Void)?

        public init(readOnly: Bool = false, busyTimeout: TimeInterval = 10, durability: Durability = .full,
                    maxPageCount: Int? = nil, createFolder: Bool = false, migrates: Bool = true) {
            self.readOnly = readOnly
            self.createFolder = createFolder
            self.migrates = migrates
            self.busyTimeout = busyTimeout
            self.durability = durability
            self.maxPageCount = maxPageCount
        }
    }

    public let url: URL
    public let options: Options
    let pool: DatabasePool
    var path: String { url.path }

    /// Opens (or creates) the study database at `url`.
    ///
    /// - Throws: `StudyStoreError` — a foreign, non-SQLite or damaged file is refused
    ///   and left byte-for-byte unchanged.
    public init(url: URL, options: Options = Options()) throws {
        self.url = url
        self.options = options
        let state = try Self.inspect(url)
        if options.readOnly || !options.migrates, state != .ours {
            throw state == .absent || state == .empty
                ? StudyStoreError.cannotOpen(path: url.path, reason: "there is no study database there yet")
                : StudyStoreError.foreignDatabase(path: url.path, detail: "unrecognised")
        }
        if state == .absent || state == .empty {
            let folder = url.deletingLastPathComponent()
            if !FileManager.default.fileExists(atPath: folder.path) {
                guard options.createFolder else { throw StudyStoreError.noFolder(path: url.path, folder: folder.path) }
                do {
                    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
                } catch {
                    throw StudyStoreError.readOnly(path: url.path, reason: "cannot create its folder: \(error.localizedDescription)")
                }
            }
            try Self.createFile(at: url, replacing: state == .empty)
        }
        var configuration = Configuration()
        configuration.foreignKeysEnabled = true
        configuration.readonly = options.readOnly
        configuration.busyMode = .timeout(options.busyTimeout)
        configuration.label = "usreview-study"
        let synchronous: String
        switch options.durability {
        case .full: synchronous = "FULL"
        case .normal: synchronous = "NORMAL"
        case .none: synchronous = "OFF"
        }
        let maxPageCount = options.maxPageCount
        let readOnly = options.readOnly
        let traceStatement = options.traceStatement
        configuration.prepareDatabase { db in
            if let traceStatement {
                db.trace { event in
                    if case let .statement(statement) = event { traceStatement(statement.sql) }
                }
            }
            if !readOnly {
                try db.execute(sql: "PRAGMA synchronous = " + synchronous)
            }
            if let maxPageCount {
                try db.execute(sql: "PRAGMA max_page_count = " + String(maxPageCount))
            }
        }
        var opened: DatabasePool
        do {
            do {
                opened = try DatabasePool(path: url.path, configuration: configuration)
                if options.readOnly { _ = try opened.read { db in try db.tableExists("meta") } }
            } catch let error as DatabaseError
                        where options.readOnly && [.SQLITE_CANTOPEN, .SQLITE_READONLY].contains(error.resultCode)
                        && !FileManager.default.fileExists(atPath: url.path + "-wal") {
                // A WAL database needs its -wal and -shm files, which a reader cannot
                // create on a read-only medium or beside a file it may not write. With no
                // -wal file, no connection is open and the last one checkpointed
                // everything into the file on close, so it is read as an immutable file.
                opened = try DatabasePool(path: Self.immutableURI(url.path), configuration: configuration)
            }
        } catch let error as DatabaseError
                    where options.readOnly && [.SQLITE_CANTOPEN, .SQLITE_READONLY].contains(error.resultCode) {
            throw StudyStoreError.cannotOpen(path: url.path, reason: "its write-ahead log (\(url.lastPathComponent)-wal) holds "
                + "changes that cannot be read from a read-only place; open it once where it can be written, or copy "
                + "it together with its -wal file")
        } catch {
            throw Self.openingError(error, path: url.path)
        }
        pool = opened
        try prepareSchema()
    }

    private func prepareSchema() throws {
        let migrator = Self.migrator
        do {
            let applied = try pool.read { db -> [String] in
                guard try db.tableExists("grdb_migrations") else { return [] }
                return try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations")
            }
            let unknown = applied.filter { !migrator.migrations.contains($0) }
            if !unknown.isEmpty { throw StudyStoreError.newerSchema(path: path, unknown: unknown) }
            if options.readOnly || !options.migrates {
                if Set(applied) != Set(migrator.migrations) {
                    throw options.migrates ? StudyStoreError.needsUpgrade(path: path) : StudyStoreError.readerNeedsUpgrade(path: path)
                }
            } else {
                try migrator.migrate(pool)
            }
            let format = try pool.read { db in
                try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'format'")
            }
            guard format == Self.formatName else {
                throw StudyStoreError.foreignDatabase(path: path, detail: "its meta table names another format")
            }
        } catch let error as StudyStoreError {
            throw error
        } catch {
            throw Self.openingError(error, path: path)
        }
    }

    // MARK: - Recognising the file

    enum FileState: Equatable { case absent, empty, ours }

    /// Decides from the file's bytes (and, for an un-checkpointed new file, a read-only
    /// look inside) whether it may be opened for writing.
    static func inspect(_ url: URL) throws -> FileState {
        let path = url.path
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { return .absent }
        if isDirectory.boolValue {
            throw StudyStoreError.cannotOpen(path: path, reason: "it is a folder; give a file name such as \(path)/usreview.sqlite")
        }
        let header: Data
        do {
            let handle = try FileHandle(forReadingFrom: url)
            defer { try? handle.close() }
            header = try handle.read(upToCount: 100) ?? Data()
        } catch {
            throw StudyStoreError.cannotOpen(path: path, reason: error.localizedDescription)
        }
        if header.isEmpty { return .empty }
        let magic = Data("SQLite format 3\0".utf8)
        guard header.count == 100, header.prefix(16) == magic else { throw StudyStoreError.notSQLite(path: path) }
        let bytes = [UInt8](header)
        let applicationID = Int32(bitPattern: bytes[68..<72].reduce(UInt32(0)) { $0 << 8 | UInt32($1) })
        if applicationID == Self.applicationID { return .ours }
        if applicationID != 0 {
            throw StudyStoreError.foreignDatabase(path: path,
                                                  detail: "application id 0x" + String(UInt32(bitPattern: applicationID), radix: 16))
        }
        // application_id 0: an empty SQLite file, another program's database, or a new
        // usreview database whose first commit is still only in the WAL file.
        var configuration = Configuration()
        configuration.readonly = true
        let tables: [String]
        let format: String?
        var unfinishedMigrations = -1
        do {
            let queue = try DatabaseQueue(path: path, configuration: configuration)
            (tables, format) = try queue.read { db in
                let tables = try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
                let format = tables.contains("meta")
                    ? try? String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'format'") : nil
                return (tables, format)
            }
            if tables == ["grdb_migrations"] {
                unfinishedMigrations = try queue.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM grdb_migrations") ?? -1 }
            }
            try queue.close()
        } catch {
            throw openingError(error, path: path)
        }
        if format == Self.formatName { return .ours }
        if tables.isEmpty { return .empty }
        // An older usreview created its migrations table before the first migration (in
        // WAL mode, outside that migration's transaction): killed in between, it left a
        // file with an empty grdb_migrations table and nothing else. Finish that creation.
        if tables == ["grdb_migrations"], unfinishedMigrations == 0 { return .empty }
        let shown = tables.prefix(5).joined(separator: ", ") + (tables.count > 5 ? ", …" : "")
        throw StudyStoreError.foreignDatabase(path: path, detail: "tables \(shown)")
    }

    /// An SQLite URI filename for `path` that opens it read-only without locks or a
    /// shared-memory file (SQLite's `immutable` parameter).
    static func immutableURI(_ path: String) -> String {
        var encoded = ""
        for character in path.unicodeScalars {
            switch character {
            case "%", "?", "#": encoded += String(format: "%%%02X", character.value)
            default: encoded.unicodeScalars.append(character)
            }
        }
        return "file:" + encoded + "?immutable=1"
    }

    static func openingError(_ error: Error, path: String) -> StudyStoreError {
        if let error = error as? StudyStoreError { return error }
        guard let error = error as? DatabaseError else {
            return .cannotOpen(path: path, reason: "\(error)")
        }
        switch error.resultCode {
        case .SQLITE_NOTADB, .SQLITE_CORRUPT:
            return .corrupt(path: path, reason: error.message ?? "\(error.resultCode)")
        case .SQLITE_READONLY, .SQLITE_PERM, .SQLITE_CANTOPEN:
            return .readOnly(path: path, reason: error.message ?? "\(error.resultCode)")
        case .SQLITE_FULL:
            return .diskFull(path: path)
        default:
            return .cannotOpen(path: path, reason: error.message ?? "\(error.resultCode)")
        }
    }

    /// Turns a failed write into a `StudyStoreError` that names the file and the cause.
    func writeError(_ error: Error) -> Error {
        if error is StudyStoreError || error is AnswerError || error is ImportConflict { return error }
        guard let error = error as? DatabaseError else { return StudyStoreError.writeFailed(path: path, reason: "\(error)") }
        switch error.resultCode {
        case .SQLITE_FULL:
            return StudyStoreError.diskFull(path: path)
        case .SQLITE_READONLY, .SQLITE_PERM, .SQLITE_CANTOPEN, .SQLITE_AUTH:
            return StudyStoreError.readOnly(path: path, reason: error.message ?? "\(error.resultCode)")
        case .SQLITE_CORRUPT, .SQLITE_NOTADB:
            return StudyStoreError.corrupt(path: path, reason: error.message ?? "\(error.resultCode)")
        default:
            return StudyStoreError.writeFailed(path: path, reason: error.message ?? "\(error.resultCode)")
        }
    }

    /// One write transaction, with SQLite's errors turned into `StudyStoreError`.
    func write<T>(_ updates: (Database) throws -> T) throws -> T {
        do {
            return try pool.write(updates)
        } catch {
            throw writeError(error)
        }
    }

    /// One IMMEDIATE transaction: takes the write lock before reading, so what it read
    /// cannot change before it writes (leases, idempotent submits).
    func writeImmediate<T>(_ updates: (Database) throws -> T) throws -> T {
        do {
            return try pool.writeWithoutTransaction { db in
                var value: T?
                try db.inTransaction(.immediate) {
                    value = try updates(db)
                    return .commit
                }
                return value!
            }
        } catch {
            throw writeError(error)
        }
    }

    func read<T>(_ value: (Database) throws -> T) throws -> T {
        do {
            return try pool.read(value)
        } catch let error as StudyStoreError {
            throw error
        } catch {
            throw Self.openingError(error, path: path)
        }
    }

    /// Copies the WAL into the main file (so the file alone holds everything, and its
    /// header shows the application id) and closes the connections. GRDB closes its
    /// writer before its read-only readers, so SQLite's own checkpoint-on-close would
    /// not run.
    public func close() throws {
        if !options.readOnly {
            try? pool.writeWithoutTransaction { db in _ = try db.checkpoint(.truncate) }
        }
        try pool.close()
    }
}
