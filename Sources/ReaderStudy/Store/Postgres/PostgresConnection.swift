import CLibpq
import Foundation

/// Bounds on how long a connection may wait on the network, so a lost server or a dead
/// route turns into an error instead of a reader's client that hangs.
public struct PostgresTimeouts: Sendable, Equatable {
    /// libpq's `connect_timeout`, per host tried.
    public var connectSeconds: Int
    /// TCP keepalives: idle seconds before the first probe, seconds between probes, probes.
    public var keepaliveIdleSeconds: Int
    public var keepaliveIntervalSeconds: Int
    public var keepaliveCount: Int
    /// libpq's `tcp_user_timeout`: how long sent data may stay unacknowledged.
    public var tcpUserTimeoutMilliseconds: Int
    /// The server's `statement_timeout` for this session, nil for the server's own: a
    /// statement stuck behind a lock then fails instead of waiting on forever.
    public var statementMilliseconds: Int?

    public init(connectSeconds: Int = 10, keepaliveIdleSeconds: Int = 30, keepaliveIntervalSeconds: Int = 10,
                keepaliveCount: Int = 3, tcpUserTimeoutMilliseconds: Int = 30_000, statementMilliseconds: Int? = nil) {
        self.connectSeconds = connectSeconds
        self.keepaliveIdleSeconds = keepaliveIdleSeconds
        self.keepaliveIntervalSeconds = keepaliveIntervalSeconds
        self.keepaliveCount = keepaliveCount
        self.tcpUserTimeoutMilliseconds = tcpUserTimeoutMilliseconds
        self.statementMilliseconds = statementMilliseconds
    }

    /// libpq keywords, placed before the URI so that what the URI (or the service file)
    /// says wins; `PGCONNECT_TIMEOUT` in the environment wins over the default too.
    func keywords(environment: [String: String]) -> [(String, String)] {
        var pairs: [(String, String)] = []
        if environment["PGCONNECT_TIMEOUT"] == nil { pairs.append(("connect_timeout", String(connectSeconds))) }
        pairs += [
            ("keepalives", "1"),
            ("keepalives_idle", String(keepaliveIdleSeconds)),
            ("keepalives_interval", String(keepaliveIntervalSeconds)),
            ("keepalives_count", String(keepaliveCount)),
            ("tcp_user_timeout", String(tcpUserTimeoutMilliseconds)),
        ]
        // `options` from PGOPTIONS (or the URI) wins: it would replace ours whole.
        if let statementMilliseconds, environment["PGOPTIONS"] == nil {
            pairs.append(("options", "-c statement_timeout=\(statementMilliseconds)"))
        }
        return pairs
    }
}

/// What went wrong talking to PostgreSQL. The server is named without its password.
public enum PostgresError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The URI itself does not parse (libpq's words).
    case badURI(reason: String)
    case connectionFailed(server: String, reason: String)
    /// A statement failed; `sqlState` is the server's five-character code (42501 for a
    /// privilege the role lacks, 23505 for a duplicate key …).
    case statementFailed(server: String, sqlState: String, message: String)

    public var description: String {
        switch self {
        case let .badURI(reason):
            return "The database URI does not parse: \(reason). Write it as postgresql://USER@HOST:PORT/DATABASE (libpq's conventions)."
        case let .connectionFailed(server, reason):
            return "Cannot connect to the study server \(server): \(reason). Check the address, the password (~/.pgpass or PGPASSFILE) and that the server is running."
        case let .statementFailed(server, sqlState, message):
            return "The study server \(server) refused a request (SQLSTATE \(sqlState)): \(message)."
        }
    }

    /// The server's SQLSTATE, when a statement failed.
    public var sqlState: String? {
        if case let .statementFailed(_, state, _) = self { return state }
        return nil
    }
}

/// Rows as text, the form libpq returns without binary decoding; NULL is nil.
public struct PostgresRows: Sendable, Equatable {
    public var columns: [String]
    public var rows: [[String?]]
    /// Rows changed by an INSERT, UPDATE or DELETE (libpq's `PQcmdTuples`).
    public var affected: Int
}

/// One libpq connection. libpq connections are not thread-safe, so every call holds a
/// lock; callers keep it off the UI thread (every call blocks on the network).
public final class PostgresConnection: @unchecked Sendable {
    /// How the server is named in messages: host, port, database and user, never the password.
    public let server: String
    private let lock = NSLock()
    private var handle: OpaquePointer?

    /// Opens a connection from a `postgres://` or `postgresql://` URI or a `key=value`
    /// string with libpq's conventions: `PGPASSFILE`/`~/.pgpass`, `PGSERVICE`, `sslmode`,
    /// unix-socket hosts (`?host=/run/postgresql`).
    public init(uri: String, timeouts: PostgresTimeouts = PostgresTimeouts(),
                environment: [String: String] = ProcessInfo.processInfo.environment) throws {
        server = try Self.describe(uri: uri)
        let pairs = timeouts.keywords(environment: environment)
            + [("application_name", "usreview"), ("dbname", uri)]
        let connection = Self.withCStrings(pairs.map(\.0)) { keys in
            Self.withCStrings(pairs.map(\.1)) { values in
                PQconnectdbParams(keys, values, 1)
            }
        }
        guard let connection, PQstatus(connection) == CONNECTION_OK else {
            let reason = connection.map { Self.message(PQerrorMessage($0)) } ?? "out of memory"
            PQfinish(connection)
            throw PostgresError.connectionFailed(server: server, reason: reason)
        }
        // libpq prints the server's notices ("NOTICE: … already exists, skipping") on
        // stderr by default: text from a peer, never shown raw, and of no use to a user.
        PQsetNoticeProcessor(connection, { _, _ in }, nil)
        handle = connection
    }

    deinit { PQfinish(handle) }

    /// Closes the connection; later calls fail.
    public func close() {
        lock.lock(); defer { lock.unlock() }
        PQfinish(handle)
        handle = nil
    }

    /// Opens the connection again (libpq's `PQreset`, same options, bounded by the connect
    /// timeout) when libpq has found it lost, e.g. after the server restarted. Call it only
    /// between transactions: what a lost transaction did is gone, never half-continued.
    ///
    /// - Returns: whether the connection is usable now.
    @discardableResult
    public func reconnectIfLost() -> Bool {
        lock.lock(); defer { lock.unlock() }
        guard let handle else { return false }
        if PQstatus(handle) == CONNECTION_OK { return true }
        PQreset(handle)
        return PQstatus(handle) == CONNECTION_OK
    }

    /// The connection options libpq is using (`PQconninfo`), password left out.
    public func settings() -> [String: String] {
        lock.lock(); defer { lock.unlock() }
        guard let handle, let options = PQconninfo(handle) else { return [:] }
        defer { PQconninfoFree(options) }
        return Self.fields(of: options).filter { $0.key != "password" }
    }

    /// Runs one statement with `$1, $2 …` parameters sent apart from the SQL text (never
    /// spliced into it), all as text; nil is NULL.
    @discardableResult
    public func execute(_ sql: String, _ parameters: [String?] = []) throws -> PostgresRows {
        lock.lock(); defer { lock.unlock() }
        guard let handle else {
            throw PostgresError.connectionFailed(server: server, reason: "the connection was closed")
        }
        let result = Self.withOptionalCStrings(parameters) { values in
            PQexecParams(handle, sql, Int32(parameters.count), nil, values, nil, nil, 0)
        }
        defer { PQclear(result) }
        return Self.rows(of: try check(result, handle))
    }

    /// The result when the statement succeeded; otherwise the server's error, or the
    /// connection's when it was lost.
    @discardableResult
    private func check(_ result: OpaquePointer?, _ handle: OpaquePointer) throws -> OpaquePointer {
        guard let result else {
            throw PostgresError.connectionFailed(server: server, reason: Self.message(PQerrorMessage(handle)))
        }
        switch PQresultStatus(result) {
        case PGRES_TUPLES_OK, PGRES_COMMAND_OK:
            return result
        default:
            // A lost connection has no SQLSTATE; say so rather than inventing one.
            guard PQstatus(handle) == CONNECTION_OK else {
                throw PostgresError.connectionFailed(server: server, reason: Self.message(PQerrorMessage(handle)))
            }
            let state = PQresultErrorField(result, Self.sqlStateField).map { String(cString: $0) } ?? "?????"
            // The primary message and its detail, without libpq's "ERROR:  " and line breaks.
            let primary = PQresultErrorField(result, Self.primaryMessageField).map { String(cString: $0) }
            let detail = PQresultErrorField(result, Self.detailField).map { " (" + String(cString: $0) + ")" } ?? ""
            throw PostgresError.statementFailed(server: server, sqlState: state,
                                                message: primary.map { $0 + detail } ?? Self.message(PQresultErrorMessage(result)))
        }
    }

    /// Runs several `;`-separated statements without parameters (libpq's simple query
    /// protocol): for migrations, whose text is the project's own, never a user's.
    public func executeScript(_ sql: String) throws {
        lock.lock(); defer { lock.unlock() }
        guard let handle else {
            throw PostgresError.connectionFailed(server: server, reason: "the connection was closed")
        }
        let result = PQexec(handle, sql)
        defer { PQclear(result) }
        try check(result, handle)
    }

    /// Runs `body` in one transaction: committed when it returns, rolled back when it throws.
    public func transaction<T>(_ body: (PostgresConnection) throws -> T) throws -> T {
        try execute("BEGIN")
        do {
            let value = try body(self)
            try execute("COMMIT")
            return value
        } catch {
            _ = try? execute("ROLLBACK")
            throw error
        }
    }

    /// The SCRAM-SHA-256 verifier of `password` for `role`, computed here by libpq
    /// (`PQencryptPasswordConn`): CREATE ROLE … PASSWORD with it never sends the password
    /// itself, so it cannot reach the server's log.
    public func scramVerifier(password: String, role: String) throws -> String {
        lock.lock(); defer { lock.unlock() }
        guard let handle else {
            throw PostgresError.connectionFailed(server: server, reason: "the connection was closed")
        }
        guard let verifier = PQencryptPasswordConn(handle, password, role, "scram-sha-256") else {
            throw PostgresError.connectionFailed(server: server, reason: Self.message(PQerrorMessage(handle)))
        }
        defer { PQfreemem(verifier) }
        return String(cString: verifier)
    }

    /// The libpq options the connection string itself sets (`PQconninfoParse`, nothing
    /// from the environment's defaults), password included: for building another URI.
    static func options(of uri: String) throws -> [String: String] {
        var error: UnsafeMutablePointer<CChar>?
        guard let options = PQconninfoParse(uri, &error) else {
            let reason = error.map { message($0) } ?? "out of memory"
            PQfreemem(error)
            throw PostgresError.badURI(reason: redacted(reason, uri: uri))
        }
        defer { PQconninfoFree(options) }
        return fields(of: options)
    }

    /// libpq's `PG_DIAG_SQLSTATE` ('C'), spelled out: the header defines it as a character literal.
    private static let sqlStateField = Int32(UInt8(ascii: "C"))
    /// `PG_DIAG_MESSAGE_PRIMARY` ('M') and `PG_DIAG_MESSAGE_DETAIL` ('D').
    private static let primaryMessageField = Int32(UInt8(ascii: "M"))
    private static let detailField = Int32(UInt8(ascii: "D"))

    private static func rows(of result: OpaquePointer) -> PostgresRows {
        let rowCount = Int(PQntuples(result)), columnCount = Int(PQnfields(result))
        let columns = (0..<columnCount).map { String(cString: PQfname(result, Int32($0))) }
        let rows: [[String?]] = (0..<rowCount).map { row in
            (0..<columnCount).map { column in
                PQgetisnull(result, Int32(row), Int32(column)) == 1
                    ? nil : String(cString: PQgetvalue(result, Int32(row), Int32(column)))
            }
        }
        return PostgresRows(columns: columns, rows: rows, affected: Int(String(cString: PQcmdTuples(result))) ?? 0)
    }

    /// "postgres@db.example.org:5432/usreview", from libpq's own parse of the URI, so the
    /// password never reaches a message or a log.
    static func describe(uri: String) throws -> String {
        let fields = try options(of: uri)
        if let service = fields["service"] { return "service \(service)" }
        let host = fields["host"] ?? fields["hostaddr"] ?? "the default socket"
        let port = fields["port"].map { ":" + $0 } ?? ""
        let user = fields["user"].map { $0 + "@" } ?? ""
        let database = fields["dbname"].map { "/" + $0 } ?? ""
        return user + host + port + database
    }

    /// libpq's parse errors quote the URI whole ("… in URI: \"postgresql://alice:PW@[::1\"");
    /// the quote is put back without its password, which must not reach a terminal or a log.
    static func redacted(_ reason: String, uri: String) -> String {
        guard !uri.isEmpty, reason.contains(uri) else { return reason }
        var safe = uri
        if let scheme = safe.range(of: "://") {
            let rest = safe[scheme.upperBound...]
            if let at = rest.lastIndex(of: "@"), let colon = rest[..<at].firstIndex(of: ":") {
                safe.replaceSubrange(safe.index(after: colon)..<at, with: "…")
            }
        }
        if let password = safe.range(of: #"password\s*=\s*('[^']*'|\S*)"#, options: .regularExpression) {
            safe.replaceSubrange(password, with: "password=…")
        }
        return reason.replacingOccurrences(of: uri, with: safe)
    }

    private static func fields(of options: UnsafeMutablePointer<PQconninfoOption>) -> [String: String] {
        var fields: [String: String] = [:]
        var option = options
        while let keyword = option.pointee.keyword {
            if let value = option.pointee.val { fields[String(cString: keyword)] = String(cString: value) }
            option += 1
        }
        return fields
    }

    private static func message(_ text: UnsafePointer<CChar>?) -> String {
        guard let text else { return "no message" }
        // libpq breaks its messages over lines ("…failed: Connection refused\n\tIs the server
        // running…"): one line, for a status bar and for an error that quotes it.
        return String(cString: text).split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
    }

    private static func withCStrings<T>(_ strings: [String], _ body: (UnsafePointer<UnsafePointer<CChar>?>) -> T) -> T {
        let copies = strings.map { strdup($0) } + [nil]
        defer { copies.forEach { free($0) } }
        return copies.map { UnsafePointer($0) }.withUnsafeBufferPointer { body($0.baseAddress!) }
    }

    private static func withOptionalCStrings<T>(_ strings: [String?], _ body: (UnsafePointer<UnsafePointer<CChar>?>?) -> T) -> T {
        let copies = strings.map { $0.map { strdup($0) } ?? nil }
        defer { copies.forEach { free($0) } }
        return copies.map { UnsafePointer($0) }.withUnsafeBufferPointer { body($0.baseAddress) }
    }
}
