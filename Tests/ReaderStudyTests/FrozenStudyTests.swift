import Dataset
import Enhancer
import Foundation
import GRDB
@testable import ReaderStudy
import XCTest

/// Studies frozen at creation: every panel image stored once, the key apart from what a
/// reader reads, and the upgrade of files made before (v2).
final class FrozenStudyTests: XCTestCase {
    func testCreationStoresEveryImageOnceWithItsDigests() throws {
        let url = try temporaryFolder(self).appendingPathComponent("s.sqlite")
        let cases = syntheticCases(5)
        let withoutHigh = Case(id: cases[4].id, organ: cases[4].organ, devices: cases[4].devices, lowPath: cases[4].lowPath,
                               highPath: nil, split: cases[4].split)
        let renderer = SyntheticPanelRenderer(models: ["unet", "resnet"])
        let store = try SQLiteStudyStore(url: url)
        var reported: [(Int, Int)] = []
        try store.createStudy(definition(models: ["unet", "resnet"]), cases: Array(cases.prefix(4)) + [withoutHigh],
                              renderer: renderer, progress: { reported.append(($0, $1)) })
        try store.enrol(readers: ["ann", "bob"], inStudy: "pilot")
        XCTAssertEqual(reported.last?.0, reported.last?.1)
        XCTAssertEqual(reported.count, 5 * 4)
        try store.pool.read { db in
            // 4 cases × (low, high, unet, resnet) + 1 case without high × 3.
            XCTAssertEqual(try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM panelImage"), 4 * 4 + 3)
            XCTAssertEqual(try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM panelImageKey"), 4 * 4 + 3)
            // Both readers' panels point at the same images: one per (case, source).
            let used = try Int.fetchOne(db, sql: "SELECT COUNT(DISTINCT imageId) FROM panel")!
            XCTAssertLessThanOrEqual(used, 4 * 4 + 3)
            XCTAssertEqual(try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM panel WHERE imageId IS NULL"), 0)
            // Every panel's image is the one its key names, of its own case.
            let mismatched = try Int.fetchOne(db, sql: """
                SELECT COUNT(*) FROM panel pa
                JOIN panelKey k ON k.presentationId = pa.presentationId AND k.label = pa.label
                JOIN presentation p ON p.id = pa.presentationId
                JOIN panelImageKey ik ON ik.imageId = pa.imageId
                WHERE ik.studyCaseId != p.studyCaseId OR ik.source != k.source
                """)
            XCTAssertEqual(mismatched, 0)
            XCTAssertEqual(try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM panel"),
                           try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM panelKey"))
            // Digests: the models', each source file's, each stored PNG's.
            let models = try Row.fetchAll(db, sql: "SELECT name, weightsSha256 FROM studyModel ORDER BY position")
            let digests = try renderer.modelDigests()
            XCTAssertEqual(models.map { $0["weightsSha256"] as String? }, [digests["unet"], digests["resnet"]])
            for row in try Row.fetchAll(db, sql: """
                SELECT c.caseId, c.lowSha256, c.highSha256, k.source, k.pngSha256, k.sourceSha256, i.png, i.width
                FROM panelImageKey k JOIN studyCase c ON c.id = k.studyCaseId JOIN panelImage i ON i.id = k.imageId
                """) {
                let item = try XCTUnwrap(cases.first { $0.id == row["caseId"] as String })
                let source = ImageSource(storedName: row["source"])
                let expected = try XCTUnwrap(renderer.render(item, source: source))
                XCTAssertEqual(row["png"] as Data, expected.image.png, "\(item.id) \(source)")
                XCTAssertEqual(row["pngSha256"] as String, SHA256.hex(expected.image.png))
                XCTAssertEqual(row["sourceSha256"] as String, expected.sourceDigest)
                if source == .low { XCTAssertEqual(row["lowSha256"] as String?, expected.sourceDigest) }
                if source == .high { XCTAssertEqual(row["highSha256"] as String?, expected.sourceDigest) }
            }
            XCTAssertNil(try String.fetchOne(db, sql: "SELECT highSha256 FROM studyCase WHERE caseId = ?",
                                             arguments: [withoutHigh.id]) ?? nil)
        }
        // The reader's panels come with image IDs that open the stored images.
        let session = try ReadingSession(store: store, study: "pilot", reader: "ann")
        let panel = try XCTUnwrap(session.current?.panels.first)
        XCTAssertEqual(try store.panelImage(id: panel.imageId).width, 16)
        XCTAssertThrowsError(try store.panelImage(id: "no-such-image")) { error in
            XCTAssertEqual(error as? StudyStoreError, .imageNotFound(id: "no-such-image", location: url.path))
        }
        try store.close()
    }

    func testAFailedRenderingStoresNothing() throws {
        struct Failing: PanelRenderer {
            var inner = SyntheticPanelRenderer(models: ["unet"])
            func modelDigests() throws -> [String: String] { try inner.modelDigests() }
            func render(_ item: Case, source: ImageSource) throws -> (image: PanelImage, sourceDigest: String)? {
                if item.id == "0098", source == .model("unet") { throw PNGError.notPNG(path: item.lowPath.path, reason: "simulated") }
                return try inner.render(item, source: source)
            }
        }
        let url = try temporaryFolder(self).appendingPathComponent("s.sqlite")
        let store = try SQLiteStudyStore(url: url)
        XCTAssertThrowsError(try store.createStudy(definition(), cases: syntheticCases(3), renderer: Failing()))
        XCTAssertEqual(try store.studyNames(), [])
        try store.pool.read { db in XCTAssertEqual(try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM panelImage"), 0) }
        try store.close()
    }

    /// The honest form of "a reader's client never reads the key": every statement the
    /// reader's methods run is compiled again and the tables and columns it reads (SQLite's
    /// authorizer, through GRDB's `databaseRegion`) are checked.
    func testTheReadersMethodsNeverReadTheKey() throws {
        let url = try temporaryFolder(self).appendingPathComponent("s.sqlite")
        try makeStudyFile(at: url, cases: 4, models: ["unet", "resnet"], readers: ["ann", "bob"])
        final class Statements: @unchecked Sendable {
            let lock = NSLock()
            var sql: [String] = []
            func add(_ text: String) { lock.withLock { sql.append(text) } }
            func take() -> [String] { lock.withLock { defer { sql = [] }; return sql } }
        }
        let statements = Statements()
        var options = SQLiteStudyStore.Options(migrates: false)
        options.traceStatement = { statements.add($0) }
        let store = try SQLiteStudyStore(url: url, options: options)
        _ = statements.take()  // opening: the schema version check

        let reader: any ReaderStudyStore = store
        let clock = ManualClock()
        let session = try ReadingSession(store: reader, study: "pilot", reader: "ann", leaseHolder: "ann@ws1", now: clock.function)
        try fillForm(session)
        // A mark too: its checks read the study's questions and the panels' image sizes.
        let label = session.current!.candidates[0].label
        try session.answer("hallucinated", panel: label, value: "yes")
        try session.addMark(PendingMark(questionKey: "hallucinated_marks", panelLabel: label, category: "hallucinated",
                                        shape: .point(x: 1, y: 1)))
        let submission = try session.submit()
        XCTAssertEqual(try reader.marks(submissionId: submission.id!).count, 1)
        XCTAssertThrowsError(try ReadingSession(store: reader, study: "pilot", reader: "ann", leaseHolder: "ann@ws2"))
        XCTAssertThrowsError(try reader.openReading(reader: "nobody", in: session.study))
        for panel in session.current?.panels ?? [] { _ = try reader.panelImage(id: panel.imageId) }
        try session.skip()
        try session.revisitPrevious()
        _ = try reader.latestAnswers(presentationId: submission.presentationId)
        try session.renewLease()
        try session.finalise()
        try session.close()
        let run = statements.take()
        XCTAssertGreaterThan(run.count, 15)
        XCTAssertGreaterThanOrEqual(run.filter { $0.lowercased().contains("mark") }.count, 3, "stores, reads back, loads on revisit")

        let allowed: [String: Set<String>] = [
            "study": ["id", "name", "mode"],
            "studycase": ["id", "studyid", "caseid", "organ", "lowdevice", "highdevice", "iscalibration", "position"],
        ]
        let forbiddenTables: Set<String> = ["studymodel", "panelkey", "panelimagekey", "meta"]
        let checker = try DatabaseQueue(path: url.path, configuration: { var c = Configuration(); c.readonly = true; return c }())
        var checked = 0
        for sql in run {
            let verb = sql.uppercased().split(separator: " ").first.map(String.init) ?? ""
            if ["BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE", "PRAGMA"].contains(verb) { continue }
            for table in forbiddenTables {
                XCTAssertFalse(sql.lowercased().contains(table), "the reader ran \(sql)")
            }
            let region = try checker.read { db in try db.makeStatement(sql: sql).databaseRegion.description }
            for part in Self.regionParts(region) {
                XCTAssertFalse(forbiddenTables.contains(part.table), "\(sql) reads \(region)")
                if let columns = allowed[part.table] {
                    XCTAssertNotNil(part.columns, "\(sql) reads every column of \(part.table)")
                    XCTAssertTrue(Set(part.columns ?? []).isSubset(of: columns), "\(sql) reads \(region)")
                }
            }
            checked += 1
        }
        XCTAssertGreaterThan(checked, 10)
        try checker.close()
        try store.close()
    }

    /// "study(id,name),reader(*)" → [(study, [id, name]), (reader, nil)], lowercased.
    static func regionParts(_ description: String) -> [(table: String, columns: [String]?)] {
        var parts: [(String, [String]?)] = []
        var rest = Substring(description.lowercased())
        while let open = rest.firstIndex(of: "(") {
            let table = rest[..<open].trimmingCharacters(in: CharacterSet(charactersIn: ", "))
            let close = rest[open...].firstIndex(of: ")")!
            let inside = rest[rest.index(after: open)..<close]
            parts.append((table, inside == "*" ? nil : inside.split(separator: ",").map(String.init)))
            rest = rest[rest.index(after: close)...]
            if rest.hasPrefix("[") { rest = rest[(rest.firstIndex(of: "]").map { rest.index(after: $0) } ?? rest.endIndex)...] }
        }
        return parts
    }

    func testARetriedSubmitStoresNothingNew() throws {
        let url = try temporaryFolder(self).appendingPathComponent("s.sqlite")
        try makeStudyFile(at: url, cases: 3, readers: ["ann"])
        let store = try SQLiteStudyStore(url: url)
        let session = try ReadingSession(store: store, study: "pilot", reader: "ann")
        let current = try XCTUnwrap(session.current)
        let set = AnswerSet(readerId: session.state.reader.id!, presentationId: current.presentation.id!,
                            answers: [PendingAnswer(questionKey: "comment", panelLabel: "", value: "first")],
                            startedAt: Date(), submittedAt: Date(), durationMs: 5, movesCursorTo: current.position)
        let first = try store.submit(set)
        let retry = try store.submit(set)  // the reply was lost; the client sends it again
        // The stored submission (times as stored: to the millisecond).
        XCTAssertEqual([retry.id, Int64(retry.revision)], [first.id, 1])
        XCTAssertEqual(retry.clientToken, first.clientToken)
        XCTAssertEqual(first.clientToken, set.clientToken.uuidString)
        XCTAssertEqual(try store.history(presentationId: current.presentation.id!).count, 1)
        // A new answer set (a new token) is a revision.
        var second = set
        second.clientToken = UUID()
        XCTAssertEqual(try store.submit(second).revision, 2)
        try store.pool.read { db in
            XCTAssertEqual(try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM answer"), 2)
        }
        try store.close()
    }

    func testOneSessionPerReaderByLease() throws {
        let url = try temporaryFolder(self).appendingPathComponent("s.sqlite")
        try makeStudyFile(at: url, cases: 3, readers: ["ann", "bob"])
        let store = try SQLiteStudyStore(url: url)
        let ann = try XCTUnwrap(store.readerState(reader: "ann", studyId: store.study(named: "pilot").studyId)).reader.id!
        let t0 = Date(timeIntervalSince1970: 1_800_000_000)
        let lease = try store.acquireLease(readerId: ann, holder: "ann@ws1", duration: 120, now: t0)
        XCTAssertEqual(lease, ReadingLease(holder: "ann@ws1", expiresAt: t0 + 120))
        // A second place is refused, naming the first and when its lease ends.
        XCTAssertThrowsError(try store.acquireLease(readerId: ann, holder: "ann@ws2", duration: 120, now: t0 + 60)) { error in
            XCTAssertEqual(error as? StudyStoreError, .readerBusy(reader: "ann", study: "pilot", holder: "ann@ws1", until: t0 + 120))
        }
        // The holder renews; the other place is still refused past the first expiry.
        XCTAssertEqual(try store.acquireLease(readerId: ann, holder: "ann@ws1", duration: 120, now: t0 + 100).expiresAt, t0 + 220)
        XCTAssertThrowsError(try store.acquireLease(readerId: ann, holder: "ann@ws2", duration: 120, now: t0 + 150))
        // Another reader is not affected.
        let bob = try XCTUnwrap(store.readerState(reader: "bob", studyId: store.study(named: "pilot").studyId)).reader.id!
        XCTAssertNoThrow(try store.acquireLease(readerId: bob, holder: "bob@ws3", duration: 120, now: t0 + 150))
        // Expired: the other place takes it; the first one's release leaves it alone.
        XCTAssertEqual(try store.acquireLease(readerId: ann, holder: "ann@ws2", duration: 120, now: t0 + 221).holder, "ann@ws2")
        try store.releaseLease(readerId: ann, holder: "ann@ws1")
        XCTAssertThrowsError(try store.acquireLease(readerId: ann, holder: "ann@ws1", duration: 120, now: t0 + 222))
        try store.releaseLease(readerId: ann, holder: "ann@ws2")
        XCTAssertNoThrow(try store.acquireLease(readerId: ann, holder: "ann@ws1", duration: 120, now: t0 + 223))

        // Sessions take and give back the lease.
        try store.releaseLease(readerId: ann, holder: "ann@ws1")
        let first = try ReadingSession(store: store, study: "pilot", reader: "ann", leaseHolder: "ann@ws1")
        XCTAssertThrowsError(try ReadingSession(store: store, study: "pilot", reader: "ann", leaseHolder: "ann@ws2")) { error in
            guard case .readerBusy(_, _, "ann@ws1", _)? = error as? StudyStoreError else { return XCTFail("\(error)") }
        }
        try first.close()
        XCTAssertNoThrow(try ReadingSession(store: store, study: "pilot", reader: "ann", leaseHolder: "ann@ws2"))
        try store.close()
    }

    /// A v2 file, made as the v2 code did (the v1 and v2 migrations, panels as JSON in the
    /// presentation), with answers: the upgrade keeps every answer exportable unblinded,
    /// and reading it throws `notFrozen`.
    func testUpgradingAVersion2FileKeepsItsAnswersAndRefusesReading() throws {
        let url = try temporaryFolder(self).appendingPathComponent("v2.sqlite")
        let questions = [
            QuestionDefinition(key: "fidelity", prompt: "Fidelity", kind: .likert(points: 5, anchors: [])),
            QuestionDefinition(key: "preferred", prompt: "Preferred", kind: .preference, perCase: true),
        ]
        let old = definition("old", models: ["unet"], questions: questions)
        let t0 = Date(timeIntervalSince1970: 1_800_000_000)
        do {
            let queue = try DatabaseQueue(path: url.path)
            try SQLiteStudyStore.migrator.migrate(queue, upTo: "v2-enrolment")
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            let panels = [Panel(label: "REFERENCE", source: .low, position: 1, isReference: true),
                          Panel(label: "A", source: .model("unet"), position: 2, isReference: false),
                          Panel(label: "B", source: .high, position: 3, isReference: false)]
            let panelsJSON = String(decoding: try encoder.encode(panels), as: UTF8.self)
            try queue.write { db in
                try db.execute(literal: """
                    INSERT INTO study (id, name, datasetPath, mode, seed, repeatFraction, definition, createdAt)
                    VALUES (1, 'old', '/data', 'blinded', 7, 0, \(try old.json()), \(t0));
                    INSERT INTO studyModel (studyId, name, weightsPath, position) VALUES (1, 'unet', '/models/unet.st', 0);
                    INSERT INTO studyCase (id, studyId, caseId, organ, lowDevice, highDevice, split, lowPath, highPath,
                                           isCalibration, position)
                    VALUES (1, 1, '0001', 'thyroid', 'portable', 'cart', 'test', '/data/l.png', '/data/h.png', 0, 0);
                    INSERT INTO reader (id, studyId, name, enrolledAt, cursor) VALUES (1, 1, 'ann', \(t0), 0);
                    INSERT INTO presentation (id, readerId, studyCaseId, position, isRepeat, isCalibration, panels)
                    VALUES (1, 1, 1, 0, 0, 0, \(panelsJSON));
                    INSERT INTO submission (id, presentationId, revision, startedAt, submittedAt, durationMs)
                    VALUES (1, 1, 1, \(t0), \(t0 + 10), 10000), (2, 1, 2, \(t0 + 20), \(t0 + 30), 10000);
                    INSERT INTO answer (submissionId, questionKey, panelLabel, value)
                    VALUES (1, 'fidelity', 'A', '4'), (1, 'fidelity', 'B', '2'), (1, 'preferred', '', 'A'),
                           (2, 'fidelity', 'A', '5'), (2, 'fidelity', 'B', '2'), (2, 'preferred', '', 'B');
                    """)
                for (position, question) in questions.enumerated() {
                    try db.execute(literal: """
                        INSERT INTO question (studyId, key, position, definition)
                        VALUES (1, \(question.key), \(position), \(String(decoding: try encoder.encode(question), as: UTF8.self)))
                        """)
                }
            }
            try queue.close()
        }
        let store = try SQLiteStudyStore(url: url)  // the coordinator's open migrates
        let rows = try store.exportRows(study: "old", allRevisions: true)
        struct Seen: Equatable { var label, model: String; var position: Int; var question, value, unblinded: String; var revision: Int }
        XCTAssertEqual(rows.map { Seen(label: $0.panelLabel, model: $0.model, position: $0.panelPosition, question: $0.question,
                                       value: $0.value, unblinded: $0.valueUnblinded, revision: $0.revision) }, [
            Seen(label: "A", model: "unet", position: 2, question: "fidelity", value: "4", unblinded: "4", revision: 1),
            Seen(label: "B", model: "high", position: 3, question: "fidelity", value: "2", unblinded: "2", revision: 1),
            Seen(label: "", model: "", position: 0, question: "preferred", value: "A", unblinded: "unet", revision: 1),
            Seen(label: "A", model: "unet", position: 2, question: "fidelity", value: "5", unblinded: "5", revision: 2),
            Seen(label: "B", model: "high", position: 3, question: "fidelity", value: "2", unblinded: "2", revision: 2),
            Seen(label: "", model: "", position: 0, question: "preferred", value: "B", unblinded: "high", revision: 2),
        ])
        XCTAssertEqual(rows.map(\.isLatest), [false, false, false, true, true, true])
        XCTAssertEqual(try store.presentations(ofStudy: "old").map(\.shows), ["low", "unet", "high"])
        try store.pool.read { db in
            XCTAssertFalse(try db.columns(in: "presentation").map(\.name).contains("panels"))
            XCTAssertEqual(try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM panel WHERE imageId IS NULL"), 3)
        }
        // Its reader gets a plain refusal, not an empty screen.
        let study = try store.readingStudy(named: "old")
        XCTAssertEqual(study.cases.map(\.caseId), ["0001"])
        XCTAssertThrowsError(try store.openReading(reader: "ann", in: study)) { error in
            XCTAssertEqual(error as? StudyStoreError, .notFrozen(study: "old", location: url.path))
        }
        try store.close()
    }

    /// The real renderer: the demo model on the demo dataset. The stored enhanced panel is
    /// `Generator`'s output pixel for pixel, and the digests are sha256sum's.
    func testTheGeneratorRendererStoresTheGeneratorsPixelsAndTheFilesDigests() throws {
        let model = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("models/phantom_unet256_ngf16_f16.safetensors")
        let folder = try temporaryFolder(self)
        let dataset = try DemoDataset.ensure(at: folder.appendingPathComponent("demo"))
        let (index, _) = try DatasetIndex.load(dataset)
        let item = try XCTUnwrap(index.cases.first { $0.highPath != nil })
        let spec = ModelSpec(name: "demo", weights: model.path)
        let renderer = try GeneratorPanelRenderer(models: [spec], threads: 1)
        let store = try SQLiteStudyStore(url: folder.appendingPathComponent("s.sqlite"))
        try store.createStudy(StudyDefinition(name: "demo", datasetPath: dataset.path, models: [spec]), cases: [item],
                              renderer: renderer)
        let stored = try store.pool.read { db in
            try Row.fetchAll(db, sql: """
                SELECT k.source, k.pngSha256, k.sourceSha256, i.png FROM panelImageKey k JOIN panelImage i ON i.id = k.imageId
                """).reduce(into: [String: Row]()) { $0[$1["source"]] = $1 }
        }
        XCTAssertEqual(Set(stored.keys), ["low", "high", "demo"])
        let expected = try Generator.load(model, threads: 1).enhance(PNGCodec.read(item.lowPath)).image
        let enhanced = try PNGCodec.decode(try XCTUnwrap(stored["demo"])["png"], what: "demo panel")
        XCTAssertEqual(enhanced, expected)
        XCTAssertEqual(try PNGCodec.decode(try XCTUnwrap(stored["low"])["png"], what: "low"), try PNGCodec.read(item.lowPath))
        XCTAssertEqual(stored["low"]?["sourceSha256"], try Self.sha256sum(item.lowPath.path))
        XCTAssertEqual(stored["high"]?["sourceSha256"], try Self.sha256sum(item.highPath!.path))
        XCTAssertEqual(stored["demo"]?["sourceSha256"], try Self.sha256sum(model.path))
        let weights = try store.pool.read { db in try String.fetchOne(db, sql: "SELECT weightsSha256 FROM studyModel") }
        XCTAssertEqual(weights, try Self.sha256sum(model.path))
        try store.close()
    }

    /// The digest coreutils' sha256sum prints.
    static func sha256sum(_ path: String) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/sha256sum")
        process.arguments = [path]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(String(decoding: output, as: UTF8.self).prefix(64))
    }
}
