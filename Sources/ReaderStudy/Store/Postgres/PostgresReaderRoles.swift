import Foundation

/// What the coordinator hands a reader: their own login, so that the server knows who
/// is asking and row-level security can answer for them.
public struct ReaderCredentials: Equatable, Sendable {
    public var reader: String
    public var role: String
    public var password: String
}

public enum PostgresReaderRoleError: Error, Equatable, Sendable, CustomStringConvertible {
    /// PostgreSQL identifiers hold at most 63 bytes.
    case roleNameTooLong(study: String, reader: String)
    case roleExists(role: String)

    public var description: String {
        switch self {
        case let .roleNameTooLong(study, reader):
            return "The reader role for '\(reader)' in study '\(study)' would be longer than PostgreSQL's 63 bytes; use a shorter reader or study name. No reader was enrolled."
        case let .roleExists(role):
            // Disabling a reader keeps its role, so only another name or DROP ROLE frees it.
            return "The server already has a role named \(role): roles are shared by every database of the server, so another enrolment already made it (a study of the same name in another database or in a dropped one, or names such as a_b + c and a + b_c). Choose another study or reader name, or, if that study is gone, ask the server's administrator to run DROP ROLE \(PostgresSchema.quoteIdentifier(role)). No reader was enrolled."
        }
    }
}

/// Reader logins on the study server: created by the coordinator (who needs CREATEROLE),
/// one per reader and study, members of the database's reader group.
public enum PostgresReaderRoles {
    /// "usreview_<study>_<reader>": roles are cluster-wide, so the study's name is in it.
    public static func roleName(study: String, reader: String) throws -> String {
        let name = "usreview_\(study)_\(reader)"
        guard name.utf8.count <= 63 else { throw PostgresReaderRoleError.roleNameTooLong(study: study, reader: reader) }
        return name
    }

    /// Creates the reader's login with a generated password and their `reader` row, in one
    /// transaction: a failure leaves neither.
    public static func enrol(reader: String, studyId: Int64, studyName: String,
                             on connection: PostgresConnection) throws -> ReaderCredentials {
        try connection.transaction { db in
            try createLogin(reader: reader, studyId: studyId, studyName: studyName, enrolledAt: nil, on: db).credentials
        }
    }

    /// `enrol` inside the caller's transaction: the login and the `reader` row; returns
    /// the row's ID too.
    static func createLogin(reader: String, studyId: Int64, studyName: String, enrolledAt: Date?,
                            on db: PostgresConnection) throws -> (credentials: ReaderCredentials, readerId: Int64) {
        let role = try roleName(study: studyName, reader: reader)
        let password = generatedPassword()
        let database = try db.execute("SELECT current_database()").rows[0][0] ?? ""
        if try !db.execute("SELECT 1 FROM pg_roles WHERE rolname = $1", [role]).rows.isEmpty {
            throw PostgresReaderRoleError.roleExists(role: role)
        }
        // Identifiers and the verifier cannot be parameters; both are quoted here. The
        // verifier, not the password, crosses the wire, so no server log holds the password.
        let verifier = try db.scramVerifier(password: password, role: role)
        try db.execute("""
            CREATE ROLE \(PostgresSchema.quoteIdentifier(role)) LOGIN PASSWORD \(PostgresSchema.quoteLiteral(verifier)) \
            IN ROLE \(PostgresSchema.quoteIdentifier(PostgresSchema.readerGroup(database: database)))
            """)
        let id = try db.execute("""
            INSERT INTO usreview.reader (study_id, name, role, enrolled_at) VALUES ($1, $2, $3, coalesce($4::timestamptz, now()))
            RETURNING id
            """, [String(studyId), reader, role, enrolledAt.map(PostgresValues.timestamp)]).rows[0][0] ?? ""
        return (ReaderCredentials(reader: reader, role: role, password: password), Int64(id) ?? 0)
    }

    /// Closes a reader's login and marks them disabled; their answers stay.
    public static func disable(reader: String, studyId: Int64, on connection: PostgresConnection) throws {
        try connection.transaction { db in
            let rows = try db.execute("""
                UPDATE usreview.reader SET disabled_at = now() WHERE study_id = $1 AND name = $2 RETURNING role
                """, [String(studyId), reader]).rows
            for row in rows { try db.execute("ALTER ROLE \(PostgresSchema.quoteIdentifier(row[0] ?? "")) NOLOGIN") }
        }
    }

    /// 24 characters from a 62-letter alphabet: about 143 bits, from the system's CSPRNG.
    static func generatedPassword() -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")
        var generator = SystemRandomNumberGenerator()
        return String((0..<24).map { _ in alphabet[Int(generator.next(upperBound: UInt64(alphabet.count)))] })
    }
}

/// "One reader, one session": a lease row per reader, held, renewed and expiring. A row
/// rather than an advisory lock, which any role could take and a reconnect would lose.
public enum PostgresReaderLease {
    public enum Outcome: Equatable, Sendable {
        case acquired
        /// Someone else holds it: where, and until when (the server's clock, ISO 8601).
        case heldElsewhere(holder: String, until: String)
    }

    /// Takes or renews the lease for `seconds`. `holder` says where this session is
    /// ("host pid 1234"), so a refused second session can tell the reader where the first is.
    public static func acquire(readerId: Int64, holder: String, seconds: Int,
                               on connection: PostgresConnection) throws -> Outcome {
        // Twice at most: the holder may give the lease up between the two statements.
        for _ in 0..<2 {
            let taken = try connection.execute("""
                INSERT INTO usreview.reader_lease AS l (reader_id, holder, expires_at)
                VALUES ($1, $2, now() + make_interval(secs => $3::int))
                ON CONFLICT (reader_id) DO UPDATE
                  SET holder = excluded.holder, expires_at = excluded.expires_at,
                      acquired_at = CASE WHEN l.holder = excluded.holder THEN l.acquired_at ELSE now() END
                  WHERE l.holder = excluded.holder OR l.expires_at < now()
                RETURNING holder
                """, [String(readerId), holder, String(seconds)])
            if !taken.rows.isEmpty { return .acquired }
            let current = try connection.execute("""
                SELECT holder, to_char(expires_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')
                FROM usreview.reader_lease WHERE reader_id = $1
                """, [String(readerId)])
            if let row = current.rows.first { return .heldElsewhere(holder: row[0] ?? "?", until: row[1] ?? "?") }
        }
        return .heldElsewhere(holder: "another session", until: "?")
    }

    /// Gives the lease up (on quit), so the next session need not wait for it to expire.
    public static func release(readerId: Int64, holder: String, on connection: PostgresConnection) throws {
        try connection.execute("DELETE FROM usreview.reader_lease WHERE reader_id = $1 AND holder = $2",
                               [String(readerId), holder])
    }
}
