import Foundation

/// The study server's schema on PostgreSQL, one named migration at a time, and the
/// privileges that make blinding the database's job rather than the client's.
///
/// The coordinator's role owns every object (and, as owner, is not bound by row-level
/// security); readers are login roles in the database's reader group. What a reader may
/// read is split from the key by table, not by column or JSON path:
/// - readers (their own rows, by row-level security): `study`, `question`, `study_case`,
///   `reader`, `presentation`, `panel` (label, place, an opaque image ID), `panel_image`,
///   `submission`, `answer`, `mark`, `reader_lease`;
/// - the key, never granted: `study_key` (seed, dataset, full definition), `study_model`
///   (names, paths, hashes), `case_source` (paths, hashes, split), `panel_key`
///   (label → low, high or model), `panel_image_key` (image → case and source).
/// Nothing a reader can read in `pg_catalog` (defaults, policies, function bodies) names
/// the key either: the policies compare roles and IDs only.
public enum PostgresSchema {
    /// The schema every object lives in.
    public static let schemaName = "usreview"

    /// The group role of a database's readers: roles are cluster-wide, so it carries the
    /// database's name.
    public static func readerGroup(database: String) -> String { database + "_reader" }

    /// Migrations in order. A released migration is never edited; the names are shared
    /// with the SQLite store's so `study status` can compare versions across backends.
    static func migrations(readerGroup group: String, database: String) -> [(name: String, sql: String)] {
        let group = quoteIdentifier(group), database = quoteIdentifier(database)
        return [("v1-studies", """
            CREATE TABLE study (
              id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
              name text NOT NULL UNIQUE,
              mode text NOT NULL CHECK (mode IN ('open', 'blinded')),
              created_at timestamptz NOT NULL DEFAULT now());
            CREATE TABLE question (
              study_id bigint NOT NULL REFERENCES study ON DELETE CASCADE,
              key text NOT NULL, position int NOT NULL, definition jsonb NOT NULL,
              PRIMARY KEY (study_id, key));
            CREATE TABLE study_case (
              id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
              study_id bigint NOT NULL REFERENCES study ON DELETE CASCADE,
              case_id text NOT NULL, organ text NOT NULL, low_device text NOT NULL, high_device text NOT NULL,
              is_calibration bool NOT NULL, position int NOT NULL,
              UNIQUE (study_id, case_id));
            CREATE TABLE reader (
              id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
              study_id bigint NOT NULL REFERENCES study ON DELETE CASCADE,
              name text NOT NULL, role name NOT NULL UNIQUE,
              enrolled_at timestamptz NOT NULL DEFAULT now(), disabled_at timestamptz, finalised_at timestamptz,
              cursor int NOT NULL DEFAULT -1,
              UNIQUE (study_id, name));
            CREATE TABLE presentation (
              id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
              reader_id bigint NOT NULL REFERENCES reader ON DELETE CASCADE,
              reader_role name NOT NULL,
              study_case_id bigint NOT NULL REFERENCES study_case ON DELETE CASCADE,
              position int NOT NULL, is_repeat bool NOT NULL, is_calibration bool NOT NULL,
              UNIQUE (reader_id, position));
            CREATE TABLE panel_image (
              id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
              width int NOT NULL, height int NOT NULL, png bytea NOT NULL);
            CREATE TABLE panel (
              presentation_id bigint NOT NULL REFERENCES presentation ON DELETE CASCADE,
              reader_role name NOT NULL,
              label text NOT NULL, position int NOT NULL, is_reference bool NOT NULL,
              image_id uuid NOT NULL REFERENCES panel_image,
              PRIMARY KEY (presentation_id, label));
            CREATE TABLE submission (
              id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
              presentation_id bigint NOT NULL REFERENCES presentation,
              reader_role name NOT NULL DEFAULT current_user,
              revision int NOT NULL,
              client_token uuid NOT NULL UNIQUE,
              started_at timestamptz NOT NULL, submitted_at timestamptz NOT NULL, duration_ms bigint NOT NULL,
              stored_at timestamptz NOT NULL DEFAULT now(),
              UNIQUE (presentation_id, revision));
            CREATE TABLE answer (
              submission_id bigint NOT NULL REFERENCES submission,
              reader_role name NOT NULL DEFAULT current_user,
              question_key text NOT NULL, panel_label text NOT NULL, value text NOT NULL,
              PRIMARY KEY (submission_id, question_key, panel_label));
            CREATE TABLE reader_lease (
              reader_id bigint PRIMARY KEY REFERENCES reader ON DELETE CASCADE,
              reader_role name NOT NULL DEFAULT current_user,
              holder text NOT NULL,
              acquired_at timestamptz NOT NULL DEFAULT now(), expires_at timestamptz NOT NULL);

            CREATE TABLE study_key (
              study_id bigint PRIMARY KEY REFERENCES study ON DELETE CASCADE,
              seed bigint NOT NULL, dataset_path text NOT NULL, definition jsonb NOT NULL);
            CREATE TABLE study_model (
              study_id bigint NOT NULL REFERENCES study ON DELETE CASCADE,
              name text NOT NULL, weights_path text NOT NULL, weights_sha256 text NOT NULL, position int NOT NULL,
              PRIMARY KEY (study_id, name));
            CREATE TABLE case_source (
              study_case_id bigint PRIMARY KEY REFERENCES study_case ON DELETE CASCADE,
              split text, low_path text NOT NULL, low_sha256 text NOT NULL, high_path text, high_sha256 text);
            CREATE TABLE panel_key (
              presentation_id bigint NOT NULL, label text NOT NULL, source text NOT NULL,
              PRIMARY KEY (presentation_id, label),
              FOREIGN KEY (presentation_id, label) REFERENCES panel ON DELETE CASCADE);

            CREATE FUNCTION append_only() RETURNS trigger LANGUAGE plpgsql AS
              $$BEGIN RAISE EXCEPTION '% is append-only: submit a revision', TG_TABLE_NAME USING ERRCODE = '42501'; END$$;
            CREATE TRIGGER submission_append_only BEFORE UPDATE OR DELETE ON submission
              FOR EACH ROW EXECUTE FUNCTION append_only();
            CREATE TRIGGER answer_append_only BEFORE UPDATE OR DELETE ON answer
              FOR EACH ROW EXECUTE FUNCTION append_only();
            CREATE TRIGGER submission_no_truncate BEFORE TRUNCATE ON submission
              FOR EACH STATEMENT EXECUTE FUNCTION append_only();
            CREATE TRIGGER answer_no_truncate BEFORE TRUNCATE ON answer
              FOR EACH STATEMENT EXECUTE FUNCTION append_only();
            CREATE FUNCTION finalised_is_final() RETURNS trigger LANGUAGE plpgsql AS
              $$BEGIN
                IF OLD.finalised_at IS NOT NULL AND NEW.finalised_at IS DISTINCT FROM OLD.finalised_at THEN
                  RAISE EXCEPTION 'a finalised reading cannot be reopened' USING ERRCODE = '42501';
                END IF;
                RETURN NEW;
              END$$;
            CREATE TRIGGER reader_finalised_is_final BEFORE UPDATE ON reader
              FOR EACH ROW EXECUTE FUNCTION finalised_is_final();
            REVOKE EXECUTE ON ALL FUNCTIONS IN SCHEMA usreview FROM PUBLIC;

            REVOKE ALL ON DATABASE \(database) FROM PUBLIC;
            GRANT CONNECT ON DATABASE \(database) TO \(group);
            GRANT USAGE ON SCHEMA usreview TO \(group);
            GRANT SELECT ON schema_migration, study, question, study_case, reader, presentation, panel, panel_image
              TO \(group);
            GRANT UPDATE (cursor, finalised_at) ON reader TO \(group);
            GRANT SELECT, INSERT ON submission, answer TO \(group);
            GRANT SELECT, INSERT, UPDATE, DELETE ON reader_lease TO \(group);

            ALTER TABLE study ENABLE ROW LEVEL SECURITY;
            ALTER TABLE question ENABLE ROW LEVEL SECURITY;
            ALTER TABLE study_case ENABLE ROW LEVEL SECURITY;
            ALTER TABLE reader ENABLE ROW LEVEL SECURITY;
            ALTER TABLE presentation ENABLE ROW LEVEL SECURITY;
            ALTER TABLE panel ENABLE ROW LEVEL SECURITY;
            ALTER TABLE panel_image ENABLE ROW LEVEL SECURITY;
            ALTER TABLE submission ENABLE ROW LEVEL SECURITY;
            ALTER TABLE answer ENABLE ROW LEVEL SECURITY;
            ALTER TABLE reader_lease ENABLE ROW LEVEL SECURITY;
            CREATE POLICY own_reader ON reader TO \(group) USING (role = current_user);
            CREATE POLICY own_study ON study TO \(group) USING (id IN (SELECT study_id FROM reader));
            CREATE POLICY own_study ON question TO \(group) USING (study_id IN (SELECT study_id FROM reader));
            CREATE POLICY own_study ON study_case TO \(group) USING (study_id IN (SELECT study_id FROM reader));
            CREATE POLICY own_reader ON presentation TO \(group) USING (reader_role = current_user);
            CREATE POLICY own_reader ON panel TO \(group) USING (reader_role = current_user);
            CREATE POLICY own_reader ON panel_image TO \(group) USING (id IN (SELECT image_id FROM panel));
            CREATE POLICY own_reader ON submission TO \(group) USING (reader_role = current_user)
              WITH CHECK (reader_role = current_user AND presentation_id IN (
                SELECT p.id FROM presentation p JOIN reader r ON r.id = p.reader_id
                WHERE r.finalised_at IS NULL AND r.disabled_at IS NULL));
            CREATE POLICY own_reader ON answer TO \(group) USING (reader_role = current_user)
              WITH CHECK (reader_role = current_user AND submission_id IN (SELECT id FROM submission));
            CREATE POLICY own_reader ON reader_lease TO \(group) USING (reader_role = current_user)
              WITH CHECK (reader_role = current_user AND reader_id IN (SELECT id FROM reader WHERE disabled_at IS NULL));
            """),
            // Frozen panels: which image is which (case, source), for deduplication at
            // creation and for the coordinator; never granted. Answers keep their form
            // order (the export's order), which v1 left to chance.
            ("v2-frozen", """
            CREATE TABLE panel_image_key (
              image_id uuid PRIMARY KEY REFERENCES panel_image ON DELETE CASCADE,
              study_case_id bigint NOT NULL REFERENCES study_case ON DELETE CASCADE,
              source text NOT NULL, png_sha256 text NOT NULL, source_sha256 text NOT NULL,
              UNIQUE (study_case_id, source));
            ALTER TABLE answer ADD COLUMN ordinal int NOT NULL DEFAULT 0;
            """),
            // A stored answer set is closed: a reader's answers go only into a submission
            // made in the same transaction (its xmin), so no later INSERT adds to an old
            // set, before or after finalising (v1 let any of the reader's own sets grow).
            ("v3-closed-submissions", """
            DROP POLICY own_reader ON answer;
            CREATE POLICY own_reader ON answer TO \(group) USING (reader_role = current_user)
              WITH CHECK (reader_role = current_user AND submission_id IN (
                SELECT id FROM submission WHERE xmin = pg_current_xact_id()::xid));
            """),
            // Marks: where on a candidate image a reader saw something wrong, part of the
            // answer set as its answers are (SQLite's `mark` is the same table). Readers
            // insert and read their own, only into a set made in the same transaction,
            // and never change them; the CHECKs hold against any client.
            ("v4-marks", """
            CREATE TABLE mark (
              id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
              submission_id bigint NOT NULL REFERENCES submission,
              reader_role name NOT NULL DEFAULT current_user,
              ordinal int NOT NULL CHECK (ordinal >= 0 AND ordinal < 100),  -- PendingMark.limitPerAnswerSet
              question_key text NOT NULL, panel_label text NOT NULL, category text NOT NULL,
              shape text NOT NULL CHECK (shape IN ('point', 'box')),
              x int NOT NULL CHECK (x >= 0), y int NOT NULL CHECK (y >= 0), width int, height int,
              confidence int NOT NULL CHECK (confidence BETWEEN 1 AND 5),
              CHECK ((shape = 'point' AND width IS NULL AND height IS NULL)
                     OR (shape = 'box' AND width >= 1 AND height >= 1)),
              UNIQUE (submission_id, ordinal));
            -- What MarkChecks checks in the client, held by the server against any client:
            -- a category of that marks question, a candidate panel of the set's showing,
            -- inside its frozen image. (The count per panel is the client's to check.)
            CREATE FUNCTION mark_is_placed() RETURNS trigger LANGUAGE plpgsql AS
              $$DECLARE
                categories jsonb;
                place record;
              BEGIN
                -- A set the role cannot see is row-level security's to refuse.
                IF NOT EXISTS (SELECT FROM usreview.submission WHERE id = NEW.submission_id) THEN
                  RETURN NEW;
                END IF;
                SELECT q.definition->'kind'->'marks'->'categories' INTO categories
                  FROM usreview.submission s JOIN usreview.presentation p ON p.id = s.presentation_id
                  JOIN usreview.study_case c ON c.id = p.study_case_id
                  JOIN usreview.question q ON q.study_id = c.study_id AND q.key = NEW.question_key
                  WHERE s.id = NEW.submission_id;
                IF categories IS NULL OR jsonb_typeof(categories) <> 'array' OR NOT categories ? NEW.category THEN
                  RAISE EXCEPTION 'a mark''s category must be one of its marks question''s' USING ERRCODE = '23514';
                END IF;
                SELECT pa.is_reference, i.width, i.height INTO place
                  FROM usreview.submission s
                  JOIN usreview.panel pa ON pa.presentation_id = s.presentation_id AND pa.label = NEW.panel_label
                  JOIN usreview.panel_image i ON i.id = pa.image_id
                  WHERE s.id = NEW.submission_id;
                IF NOT FOUND OR place.is_reference THEN
                  RAISE EXCEPTION 'a mark must be on a candidate panel of its showing' USING ERRCODE = '23514';
                END IF;
                IF NEW.x + coalesce(NEW.width, 1) > place.width OR NEW.y + coalesce(NEW.height, 1) > place.height THEN
                  RAISE EXCEPTION 'a mark must lie inside its panel''s image' USING ERRCODE = '23514';
                END IF;
                RETURN NEW;
              END$$;
            CREATE TRIGGER mark_is_placed BEFORE INSERT ON mark FOR EACH ROW EXECUTE FUNCTION mark_is_placed();
            CREATE TRIGGER mark_append_only BEFORE UPDATE OR DELETE ON mark
              FOR EACH ROW EXECUTE FUNCTION append_only();
            CREATE TRIGGER mark_no_truncate BEFORE TRUNCATE ON mark
              FOR EACH STATEMENT EXECUTE FUNCTION append_only();
            GRANT SELECT, INSERT ON mark TO \(group);
            ALTER TABLE mark ENABLE ROW LEVEL SECURITY;
            CREATE POLICY own_reader ON mark TO \(group) USING (reader_role = current_user)
              WITH CHECK (reader_role = current_user AND submission_id IN (
                SELECT id FROM submission WHERE xmin = pg_current_xact_id()::xid));
            """)]
    }

    /// Brings the schema up to date: the coordinator's command only. One transaction under
    /// an advisory lock, so two coordinators starting at once apply each migration once.
    ///
    /// - Throws: `PostgresSchemaError.newerSchema` when the server knows migrations this
    ///   client does not (nothing is changed then).
    public static func migrate(_ connection: PostgresConnection) throws {
        try connection.transaction { db in
            try db.execute("SELECT pg_advisory_xact_lock(hashtext('usreview-migrations'))")
            let database = try db.execute("SELECT current_database()").rows[0][0] ?? ""
            try db.execute("CREATE SCHEMA IF NOT EXISTS usreview")
            try db.execute("SET LOCAL search_path = usreview")
            try db.execute("""
                CREATE TABLE IF NOT EXISTS schema_migration (
                  name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())
                """)
            let group = readerGroup(database: database)
            // PostgreSQL would cut a longer name to 63 bytes, and two databases whose names
            // agree that far would share one group: one's readers could connect to the other.
            guard group.utf8.count <= 63 else {
                throw PostgresSchemaError.databaseNameTooLong(server: db.server, database: database)
            }
            try db.execute("""
                DO $$BEGIN
                  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = \(quoteLiteral(group))) THEN
                    CREATE ROLE \(quoteIdentifier(group)) NOLOGIN;
                  END IF;
                END$$
                """)
            let applied = Set(try db.execute("SELECT name FROM schema_migration").rows.compactMap { $0[0] })
            let known = migrations(readerGroup: group, database: database)
            let unknown = applied.subtracting(known.map(\.name)).sorted()
            guard unknown.isEmpty else { throw PostgresSchemaError.newerSchema(server: db.server, unknown: unknown) }
            for migration in known where !applied.contains(migration.name) {
                try db.executeScript(migration.sql)
                try db.execute("INSERT INTO schema_migration (name) VALUES ($1)", [migration.name])
            }
        }
    }

    /// A reader's check before anything else: the server's schema must be exactly the one
    /// this client knows. Readers never migrate.
    public static func checkVersion(_ connection: PostgresConnection) throws {
        let applied: Set<String>
        do {
            applied = Set(try connection.execute("SELECT name FROM usreview.schema_migration").rows.compactMap { $0[0] })
        } catch let error as PostgresError where error.sqlState == "42P01" || error.sqlState == "3F000" {
            throw PostgresSchemaError.noSchema(server: connection.server)
        }
        let known = Set(migrations(readerGroup: "", database: "").map(\.name))
        if !applied.subtracting(known).isEmpty {
            throw PostgresSchemaError.newerSchema(server: connection.server, unknown: applied.subtracting(known).sorted())
        }
        if !known.subtracting(applied).isEmpty {
            throw PostgresSchemaError.olderSchema(server: connection.server, missing: known.subtracting(applied).sorted())
        }
    }

    /// `"name"` with inner quotes doubled: for identifiers, which cannot be parameters.
    public static func quoteIdentifier(_ name: String) -> String {
        "\"" + name.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    /// `'text'` with inner quotes doubled (standard_conforming_strings is on since 9.1).
    static func quoteLiteral(_ text: String) -> String {
        "'" + text.replacingOccurrences(of: "'", with: "''") + "'"
    }
}

public enum PostgresSchemaError: Error, Equatable, Sendable, CustomStringConvertible {
    case noSchema(server: String)
    case newerSchema(server: String, unknown: [String])
    case olderSchema(server: String, missing: [String])
    /// The readers' group role (`DATABASE_reader`) would not fit PostgreSQL's 63 bytes.
    case databaseNameTooLong(server: String, database: String)

    public var description: String {
        switch self {
        case let .noSchema(server):
            return "The study server \(server) holds no usreview studies yet, or this role may not see them; ask the study coordinator."
        case let .newerSchema(server, unknown):
            return "The study server \(server) was set up by a newer usreview (unknown changes: \(unknown.joined(separator: ", "))). Upgrade usreview on this machine."
        case let .olderSchema(server, missing):
            return "The study server \(server) runs an older schema (missing: \(missing.joined(separator: ", "))). Ask the study coordinator to upgrade it with usreview study status."
        case let .databaseNameTooLong(server, database):
            return "The study database \(database) on \(server) has a name of \(database.utf8.count) bytes; its readers' group role (\(database)_reader) must fit PostgreSQL's 63, so use a database name of at most 56 bytes (ALTER DATABASE … RENAME TO …)."
        }
    }
}
