import Foundation

extension PostgresStudyStore {
    /// Enrols readers, all or nothing: for each, a login role with a generated password,
    /// the `reader` row, and the list drawn by `Randomization.plan` from the study's seed
    /// (the same lists as on SQLite), each panel pointing at its frozen image.
    public func enrol(readers names: [String], inStudy study: String, now: Date) throws -> [Enrolment] {
        for name in names { try ReaderName.validate(name) }
        let action = "enrol readers"
        let snapshot = try call(action) { _ in try self.study(named: study) }
        let options = try call { _ in try PostgresConnection.options(of: uri) }
        return try transaction(action) { db in
            let database = try db.execute("SELECT current_database()").rows[0][0] ?? ""
            return try names.map { name in
                if try !db.execute("SELECT 1 FROM usreview.reader WHERE study_id = $1 AND name = $2",
                                   [String(snapshot.studyId), name]).rows.isEmpty {
                    throw StudyStoreError.readerAlreadyEnrolled(reader: name, study: study)
                }
                let (credentials, readerId) = try PostgresReaderRoles.createLogin(
                    reader: name, studyId: snapshot.studyId, studyName: study, enrolledAt: now, on: db)
                let plan = Randomization.plan(cases: snapshot.cases, models: snapshot.modelNames, mode: snapshot.study.mode,
                                              includeHighAsCandidate: snapshot.definition.includeHighAsCandidate,
                                              repeatFraction: snapshot.study.repeatFraction,
                                              studySeed: snapshot.study.seedValue, reader: name)
                for (position, planned) in plan.enumerated() {
                    let studyCaseId = String(snapshot.cases[planned.caseIndex].id!)
                    let presentationId = try db.execute("""
                        INSERT INTO usreview.presentation (reader_id, reader_role, study_case_id, position, is_repeat, is_calibration)
                        VALUES ($1, $2, $3, $4, $5, $6) RETURNING id
                        """, [String(readerId), credentials.role, studyCaseId, String(position),
                              planned.isRepeat ? "true" : "false", planned.isCalibration ? "true" : "false"]).rows[0][0]
                    for panel in planned.panels {
                        // The panel and its key row in one statement; none when the image
                        // was never frozen.
                        let stored = try db.execute("""
                            WITH shown AS (
                              INSERT INTO usreview.panel (presentation_id, reader_role, label, position, is_reference, image_id)
                              SELECT $1::bigint, $2::name, $3::text, $4::int, $5::bool, k.image_id
                              FROM usreview.panel_image_key k WHERE k.study_case_id = $6::bigint AND k.source = $7::text
                              RETURNING presentation_id, label)
                            INSERT INTO usreview.panel_key (presentation_id, label, source) SELECT presentation_id, label, $7::text FROM shown
                            """, [presentationId, credentials.role, panel.label, String(panel.position),
                                  panel.isReference ? "true" : "false", studyCaseId, PostgresValues.source(panel.source)])
                        guard stored.affected == 1 else { throw StudyStoreError.notFrozen(study: study, location: location) }
                    }
                }
                let reader = EnrolledReader(name: name, enrolledAt: now, disabledAt: nil, finalisedAt: nil, cases: plan.count)
                return Enrolment(reader: reader, connection: Self.readerURI(options: options, database: database,
                                                                          role: credentials.role, password: credentials.password))
            }
        }
    }

    /// Every enrolled reader, disabled ones included, in name order.
    public func readers(ofStudy study: String) throws -> [EnrolledReader] {
        try call("list a study's readers") { db in
            let studyId = try keyedStudyId(db, named: study)
            return try db.execute("""
                SELECT r.name, extract(epoch FROM r.enrolled_at)::float8, extract(epoch FROM r.disabled_at)::float8,
                       extract(epoch FROM r.finalised_at)::float8,
                       (SELECT count(*) FROM usreview.presentation p WHERE p.reader_id = r.id)
                FROM usreview.reader r WHERE r.study_id = $1 ORDER BY r.name
                """, [String(studyId)]).rows.map { row in
                EnrolledReader(name: row[0] ?? "", enrolledAt: PostgresValues.date(row[1]) ?? Date(timeIntervalSince1970: 0),
                               disabledAt: PostgresValues.date(row[2]), finalisedAt: PostgresValues.date(row[3]),
                               cases: PostgresValues.int(row[4]))
            }
        }
    }

    /// Marks the reader disabled and closes their login (NOLOGIN); their answers stay.
    public func disable(reader name: String, inStudy study: String, now: Date) throws {
        try transaction("disable a reader") { db in
            let studyId = try keyedStudyId(db, named: study)
            let roles = try db.execute("""
                UPDATE usreview.reader SET disabled_at = coalesce(disabled_at, $3::timestamptz)
                WHERE study_id = $1 AND name = $2 RETURNING role
                """, [String(studyId), name, PostgresValues.timestamp(now)]).rows
            guard let role = roles.first?[0] else {
                throw StudyStoreError.readerNotEnrolled(reader: name, study: study,
                                                        enrolled: try activeReaderNames(db, studyId: studyId))
            }
            try db.execute("ALTER ROLE \(PostgresSchema.quoteIdentifier(role)) NOLOGIN")
        }
    }

    /// The coordinator's connection options with the reader's role and password: host,
    /// port, sslmode and the rest kept, every part percent-encoded. Socket folders and
    /// host lists go in the query, as libpq reads them there.
    static func readerURI(options: [String: String], database: String, role: String, password: String) -> String {
        var unreserved = CharacterSet.alphanumerics.intersection(CharacterSet(charactersIn: Unicode.Scalar(0)..<Unicode.Scalar(128)))
        unreserved.insert(charactersIn: "-._~")
        func encoded(_ text: String) -> String { text.addingPercentEncoding(withAllowedCharacters: unreserved) ?? text }
        var authority = ""
        var query: [(String, String)] = []
        let host = options["host"]
        let simpleHost = host.map { !$0.isEmpty && !$0.hasPrefix("/") && !$0.hasPrefix("@") && !$0.contains(",") } ?? false
        if let host, simpleHost {
            authority = host.contains(":") ? "[\(host)]" : encoded(host)
            if let port = options["port"] {
                if port.contains(",") { query.append(("port", port)) } else { authority += ":" + encoded(port) }
            }
        } else {
            if let host { query.append(("host", host)) }
            if let port = options["port"] { query.append(("port", port)) }
        }
        for (key, value) in options.sorted(by: { $0.key < $1.key })
        where !["user", "password", "host", "port", "dbname"].contains(key) {
            query.append((key, value))
        }
        let tail = query.isEmpty ? "" : "?" + query.map { encoded($0.0) + "=" + encoded($0.1) }.joined(separator: "&")
        return "postgresql://" + encoded(role) + ":" + encoded(password) + "@" + authority + "/" + encoded(database) + tail
    }
}
