import Foundation

/// The study store on a PostgreSQL server (libpq): one connection, its calls serialised
/// by a lock. The coordinator's login migrates the schema when it opens the store; a
/// reader's login only checks that the schema is the one this client knows, and the
/// server's roles refuse it everything but its own reading (PostgresSchema).
///
/// Split by responsibility: opening (here), creation (+Creation), enrolment
/// (+Enrolment), reading (+Reading), the coordinator's views (+Export).
public final class PostgresStudyStore: CoordinatorStudyStore, @unchecked Sendable {
    /// Who opens the store: the coordinator migrates, a reader never does.
    public enum Role: Sendable { case coordinator, reader }

    /// The server without its password ("alice@db.example.org:5432/study").
    public let location: String
    /// The URI as given, kept to build readers' connection strings (never shown).
    let uri: String
    let connection: PostgresConnection
    /// One call (and one transaction) at a time on the one connection; recursive, since
    /// some calls resolve a study through another.
    private let lock = NSRecursiveLock()
    /// Calls in progress on this thread's stack (under `lock`): a lost connection is
    /// opened again only by the outermost, never in the middle of a transaction.
    private var depth = 0

    /// A reader's statements fail after this long (a table locked by someone else, a
    /// stalled server): "not saved … try again" on the status bar, never a form stuck on
    /// "saving…". The coordinator's have none: freezing a study writes for minutes.
    public static let readerStatementMilliseconds = 30_000

    /// Whether `text` names a server rather than a file.
    public static func isServerURI(_ text: String) -> Bool {
        text.hasPrefix("postgres://") || text.hasPrefix("postgresql://")
    }

    /// - Throws: `StudyStoreError.cannotOpen` (with libpq's reason) when the server cannot
    ///   be reached; `coordinatorOnly` when a reader's login opens it as the coordinator;
    ///   `readerNeedsUpgrade` / `newerSchema` when the schema is not this client's.
    public init(url: String, as role: Role, timeouts: PostgresTimeouts = PostgresTimeouts()) throws {
        let described = (try? PostgresConnection.describe(uri: url)) ?? "the study server"
        location = described
        uri = url
        var timeouts = timeouts
        if role == .reader, timeouts.statementMilliseconds == nil {
            timeouts.statementMilliseconds = Self.readerStatementMilliseconds
        }
        do {
            connection = try PostgresConnection(uri: url, timeouts: timeouts)
            switch role {
            case .coordinator: try PostgresSchema.migrate(connection)
            case .reader: try PostgresSchema.checkVersion(connection)
            }
        } catch {
            throw PostgresStoreErrors.map(error, server: described, action: "run study create, readers, presentations, status, export or report")
        }
    }

    public func close() throws {
        lock.lock(); defer { lock.unlock() }
        connection.close()
    }

    /// Runs `body` under the lock, errors mapped (`action`: a coordinator-only call).
    @discardableResult
    func call<T>(_ action: String? = nil, _ body: (PostgresConnection) throws -> T) throws -> T {
        lock.lock(); defer { lock.unlock() }
        // A server that restarted since the last call: reconnect, so that "Enter tries
        // again" works once it is back (a submit's client token makes its retry safe).
        if depth == 0 { connection.reconnectIfLost() }
        depth += 1; defer { depth -= 1 }
        do {
            return try body(connection)
        } catch {
            throw PostgresStoreErrors.map(error, server: location, action: action)
        }
    }

    /// `call` in one transaction: all of `body` or nothing.
    @discardableResult
    func transaction<T>(_ action: String? = nil, _ body: (PostgresConnection) throws -> T) throws -> T {
        try call(action) { db in try db.transaction(body) }
    }

    /// The names of the studies this login can see.
    func visibleStudyNames(_ db: PostgresConnection) throws -> [String] {
        try db.execute("SELECT name FROM usreview.study ORDER BY name").rows.compactMap { $0[0] }
    }

    /// The study's ID through its key row: a reader's login is refused here (42501), so
    /// every coordinator call that starts with it is the coordinator's only.
    func keyedStudyId(_ db: PostgresConnection, named name: String) throws -> Int64 {
        let rows = try db.execute("""
            SELECT s.id FROM usreview.study s JOIN usreview.study_key k ON k.study_id = s.id WHERE s.name = $1
            """, [name]).rows
        guard let id = rows.first?[0].flatMap({ Int64($0) }) else {
            throw StudyStoreError.studyNotFound(name: name, path: location, known: try visibleStudyNames(db))
        }
        return id
    }

    /// The readers of a study who may still read, for "not enrolled" messages (a reader's
    /// login sees only itself).
    func activeReaderNames(_ db: PostgresConnection, studyId: Int64) throws -> [String] {
        try db.execute("SELECT name FROM usreview.reader WHERE study_id = $1 AND disabled_at IS NULL ORDER BY name",
                       [String(studyId)]).rows.compactMap { $0[0] }
    }
}
