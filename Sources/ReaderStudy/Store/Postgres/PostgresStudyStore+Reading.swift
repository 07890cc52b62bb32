import Dataset
import Foundation

/// What a reader's login does: everything here runs under row-level security as that
/// reader (the coordinator, as owner, runs it unrestricted).
extension PostgresStudyStore {
    public func readingStudy(named name: String) throws -> ReadingStudy {
        try call { db in
            guard let row = try db.execute("SELECT id, mode FROM usreview.study WHERE name = $1", [name]).rows.first,
                  let id = row[0].flatMap({ Int64($0) }), let mode = row[1].flatMap(StudyMode.init(rawValue:)) else {
                throw StudyStoreError.studyNotFound(name: name, path: location, known: try visibleStudyNames(db))
            }
            let questions = try db.execute("SELECT definition::text FROM usreview.question WHERE study_id = $1 ORDER BY position",
                                           [String(id)]).rows.map { row in
                try JSONDecoder().decode(QuestionDefinition.self, from: Data((row[0] ?? "").utf8))
            }
            let cases = try db.execute("""
                SELECT id, case_id, organ, low_device, high_device, is_calibration FROM usreview.study_case
                WHERE study_id = $1 ORDER BY position
                """, [String(id)]).rows.map { row in
                ReadingCase(id: PostgresValues.int64(row[0]), caseId: row[1] ?? "", organ: Organ(rawValue: row[2] ?? "") ?? .thyroid,
                            lowDevice: row[3] ?? "", highDevice: row[4] ?? "", isCalibration: PostgresValues.bool(row[5]))
            }
            return ReadingStudy(id: id, name: name, mode: mode, questions: questions, cases: cases)
        }
    }

    /// The reader's list, panels and answered revisions. What a label shows is the key:
    /// the panels (label, place, image ID) are in `ReaderState.panels`.
    public func openReading(reader name: String, in study: ReadingStudy) throws -> ReaderState {
        try call { db in
            let studyId = String(study.id)
            guard let row = try db.execute("""
                SELECT id, extract(epoch FROM enrolled_at)::float8, extract(epoch FROM finalised_at)::float8,
                       extract(epoch FROM disabled_at)::float8, cursor
                FROM usreview.reader WHERE study_id = $1 AND name = $2
                """, [studyId, name]).rows.first else {
                throw StudyStoreError.readerNotEnrolled(reader: name, study: study.name,
                                                        enrolled: try activeReaderNames(db, studyId: study.id))
            }
            let reader = Reader(id: PostgresValues.int64(row[0]), studyId: study.id, name: name,
                                enrolledAt: PostgresValues.date(row[1]) ?? Date(timeIntervalSince1970: 0),
                                finalisedAt: PostgresValues.date(row[2]), disabledAt: PostgresValues.date(row[3]),
                                cursor: PostgresValues.int(row[4]))
            if reader.isDisabled { throw StudyStoreError.readerDisabled(reader: name, study: study.name) }
            let readerId = String(reader.id!)
            let presentations = try db.execute("""
                SELECT id, study_case_id, position, is_repeat, is_calibration FROM usreview.presentation
                WHERE reader_id = $1 ORDER BY position
                """, [readerId]).rows.map { row in
                Presentation(id: PostgresValues.int64(row[0]), readerId: reader.id!, studyCaseId: PostgresValues.int64(row[1]),
                             position: PostgresValues.int(row[2]), isRepeat: PostgresValues.bool(row[3]),
                             isCalibration: PostgresValues.bool(row[4]))
            }
            var panels: [Int64: [ShownPanel]] = [:]
            for row in try db.execute("""
                SELECT pa.presentation_id, pa.label, pa.position, pa.is_reference, pa.image_id::text
                FROM usreview.panel pa JOIN usreview.presentation p ON p.id = pa.presentation_id
                WHERE p.reader_id = $1 ORDER BY pa.presentation_id, pa.position
                """, [readerId]).rows {
                panels[PostgresValues.int64(row[0]), default: []].append(ShownPanel(
                    label: row[1] ?? "", position: PostgresValues.int(row[2]), isReference: PostgresValues.bool(row[3]),
                    imageId: row[4] ?? ""))
            }
            if presentations.contains(where: { panels[$0.id!] == nil }) {
                throw StudyStoreError.notFrozen(study: study.name, location: location)
            }
            var latest: [Int64: Int] = [:]
            for row in try db.execute("""
                SELECT s.presentation_id, max(s.revision) FROM usreview.submission s
                JOIN usreview.presentation p ON p.id = s.presentation_id WHERE p.reader_id = $1 GROUP BY s.presentation_id
                """, [readerId]).rows {
                latest[PostgresValues.int64(row[0])] = PostgresValues.int(row[1])
            }
            return ReaderState(reader: reader, presentations: presentations, latestRevision: latest, panels: panels)
        }
    }

    public func panelImage(id: String) throws -> PanelImage {
        try call { db in
            let rows: [[String?]]
            do {
                rows = try db.execute("SELECT width, height, png FROM usreview.panel_image WHERE id = $1::uuid", [id]).rows
            } catch let error as PostgresError where error.sqlState == "22P02" {
                rows = []  // not a UUID: no such image
            }
            guard let row = rows.first, let png = PostgresValues.data(hex: row[2] ?? "") else {
                throw StudyStoreError.imageNotFound(id: id, location: location)
            }
            return PanelImage(width: PostgresValues.int(row[0]), height: PostgresValues.int(row[1]), png: png)
        }
    }

    /// One transaction: the next revision, its answers in form order and its marks (checked
    /// under the reader's role first), the resume point.
    /// A retry with a stored client token returns that submission and stores nothing.
    @discardableResult
    public func submit(_ set: AnswerSet) throws -> Submission {
        do {
            return try transaction { db in
                let token = set.clientToken.uuidString.lowercased()
                guard let reader = try db.execute("""
                    SELECT r.name, s.name, r.disabled_at IS NOT NULL, r.finalised_at IS NOT NULL,
                           (SELECT id FROM usreview.submission WHERE client_token = $2::uuid),
                           \(Self.markContextColumns(studyId: "r.study_id", presentationId: "$3::bigint", panels: !set.marks.isEmpty))
                    FROM usreview.reader r JOIN usreview.study s ON s.id = r.study_id WHERE r.id = $1
                    """, [String(set.readerId), token] + (set.marks.isEmpty ? [] : [String(set.presentationId)])).rows.first else {
                    throw StudyStoreError.readerNotFound(reader: "#\(set.readerId)", study: "")
                }
                if let stored = reader[4].flatMap({ Int64($0) }) {
                    return try submissions(db, where: "s.id = $1", [String(stored)])[0]
                }
                if PostgresValues.bool(reader[2]) { throw StudyStoreError.readerDisabled(reader: reader[0] ?? "", study: reader[1] ?? "") }
                if PostgresValues.bool(reader[3]) { throw StudyStoreError.readerFinalised(reader: reader[0] ?? "", study: reader[1] ?? "") }
                if let problem = try firstMarkProblem(set.marks, answers: set.answers, context: (reader[5], reader[6])) {
                    throw problem.error
                }
                let inserted = try db.execute("""
                    INSERT INTO usreview.submission (presentation_id, reader_role, revision, client_token, started_at,
                                                     submitted_at, duration_ms)
                    SELECT p.id, p.reader_role,
                           1 + coalesce((SELECT max(revision) FROM usreview.submission WHERE presentation_id = p.id), 0),
                           $3::uuid, $4::timestamptz, $5::timestamptz, $6::bigint
                    FROM usreview.presentation p WHERE p.id = $1 AND p.reader_id = $2
                    RETURNING id, revision
                    """, [String(set.presentationId), String(set.readerId), token, PostgresValues.timestamp(set.startedAt),
                          PostgresValues.timestamp(set.submittedAt), String(set.durationMs)]).rows
                guard let row = inserted.first else {
                    throw StudyStoreError.writeFailed(path: location, reason: "presentation \(set.presentationId) is not in reader #\(set.readerId)'s list")
                }
                let submissionId = PostgresValues.int64(row[0])
                try insertAnswersAndMarks(db, set.answers, set.marks, submissionId: String(submissionId))
                if let cursor = set.movesCursorTo {
                    try db.execute("UPDATE usreview.reader SET cursor = $2 WHERE id = $1", [String(set.readerId), String(cursor)])
                }
                return Submission(id: submissionId, presentationId: set.presentationId, revision: PostgresValues.int(row[1]),
                                  startedAt: set.startedAt, submittedAt: set.submittedAt, durationMs: set.durationMs)
            }
        } catch let error as StudyStoreError {
            switch error {
            case .readOnly, .diskFull, .writeFailed: throw StudyStoreError.answersNotSaved(error)
            default: throw error
            }
        }
    }

    public func recordSkip(readerId: Int64, position: Int) throws {
        try call { db in
            try db.execute("UPDATE usreview.reader SET cursor = $2 WHERE id = $1 AND finalised_at IS NULL",
                           [String(readerId), String(position)])
        }
    }

    public func finalise(readerId: Int64, now: Date) throws {
        try call { db in
            try db.execute("UPDATE usreview.reader SET finalised_at = $2 WHERE id = $1 AND finalised_at IS NULL",
                           [String(readerId), PostgresValues.timestamp(now)])
        }
    }

    public func latestAnswers(presentationId: Int64) throws -> (Submission, [Answer])? {
        try call { db in
            guard let submission = try submissions(db, where: """
                s.presentation_id = $1 AND s.revision = (SELECT max(revision) FROM usreview.submission WHERE presentation_id = $1)
                """, [String(presentationId)]).first else { return nil }
            return (submission, try answers(db, submissionId: submission.id!))
        }
    }

    public func history(presentationId: Int64) throws -> [(Submission, [Answer])] {
        try call("read a presentation's history") { db in
            try requireCoordinator(db)
            return try submissions(db, where: "s.presentation_id = $1", [String(presentationId)]).map { submission in
                (submission, try answers(db, submissionId: submission.id!))
            }
        }
    }

    /// Takes or renews the lease in one statement, on the server's clock: readers at two
    /// sites whose clocks disagree must still agree on when a lease has run out. `now`
    /// moves that clock by how far it lies from this machine's (0 in use; tests pass a
    /// later `now` to let a lease expire).
    public func acquireLease(readerId: Int64, holder: String, duration: TimeInterval, now: Date) throws -> ReadingLease {
        try call { db in
            let shift = String(now.timeIntervalSinceNow)
            let taken = try db.execute("""
                INSERT INTO usreview.reader_lease AS l (reader_id, reader_role, holder, acquired_at, expires_at)
                SELECT r.id, r.role, $2, now() + make_interval(secs => $3::float8),
                       now() + make_interval(secs => $3::float8 + $4::float8)
                FROM usreview.reader r WHERE r.id = $1
                ON CONFLICT (reader_id) DO UPDATE
                  SET holder = excluded.holder, expires_at = excluded.expires_at,
                      acquired_at = CASE WHEN l.holder = excluded.holder THEN l.acquired_at ELSE excluded.acquired_at END
                  WHERE l.holder = excluded.holder OR l.expires_at <= excluded.acquired_at
                RETURNING extract(epoch FROM expires_at)::float8
                """, [String(readerId), holder, shift, String(duration)])
            if let row = taken.rows.first {
                return ReadingLease(holder: holder, expiresAt: PostgresValues.date(row[0]) ?? now.addingTimeInterval(duration))
            }
            guard let row = try db.execute("""
                SELECT l.holder, extract(epoch FROM l.expires_at)::float8, r.name, s.name
                FROM usreview.reader_lease l JOIN usreview.reader r ON r.id = l.reader_id JOIN usreview.study s ON s.id = r.study_id
                WHERE l.reader_id = $1
                """, [String(readerId)]).rows.first else {
                throw StudyStoreError.readerNotFound(reader: "#\(readerId)", study: "")
            }
            throw StudyStoreError.readerBusy(reader: row[2] ?? "", study: row[3] ?? "", holder: row[0] ?? "",
                                             until: PostgresValues.date(row[1]) ?? now.addingTimeInterval(duration))
        }
    }

    public func releaseLease(readerId: Int64, holder: String) throws {
        try call { db in
            try db.execute("DELETE FROM usreview.reader_lease WHERE reader_id = $1 AND holder = $2", [String(readerId), holder])
        }
    }

    func submissions(_ db: PostgresConnection, where condition: String, _ parameters: [String?]) throws -> [Submission] {
        try db.execute("""
            SELECT s.id, s.presentation_id, s.revision, extract(epoch FROM s.started_at)::float8,
                   extract(epoch FROM s.submitted_at)::float8, s.duration_ms
            FROM usreview.submission s WHERE \(condition) ORDER BY s.revision
            """, parameters).rows.map { row in
            Submission(id: PostgresValues.int64(row[0]), presentationId: PostgresValues.int64(row[1]),
                       revision: PostgresValues.int(row[2]), startedAt: PostgresValues.date(row[3]) ?? Date(timeIntervalSince1970: 0),
                       submittedAt: PostgresValues.date(row[4]) ?? Date(timeIntervalSince1970: 0),
                       durationMs: PostgresValues.int64(row[5]))
        }
    }

    func answers(_ db: PostgresConnection, submissionId: Int64) throws -> [Answer] {
        try db.execute("""
            SELECT question_key, panel_label, value FROM usreview.answer WHERE submission_id = $1 ORDER BY ordinal
            """, [String(submissionId)]).rows.map { row in
            Answer(id: nil, submissionId: submissionId, questionKey: row[0] ?? "", panelLabel: row[1] ?? "", value: row[2] ?? "")
        }
    }
}
