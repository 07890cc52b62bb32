import Dataset
import Foundation
@testable import ReaderStudy
import XCTest

enum StoreKind: String, CaseIterable { case sqlite, postgres }

/// A fresh store of one backend for one test, and how to remove it afterwards.
struct StoreUnderTest {
    var store: any CoordinatorStudyStore
    var cleanUp: () -> Void
}

/// The backends the conformance suite runs on: each makes a fresh, empty store.
enum StoreFactories {
    static var all: [(kind: StoreKind, make: (XCTestCase) throws -> StoreUnderTest?)] { [
        (.sqlite, { test in
            let store = try SQLiteStudyStore(url: try temporaryFolder(test).appendingPathComponent("study.sqlite"))
            return StoreUnderTest(store: store, cleanUp: { try? store.close() })
        }),
        (.postgres, { _ in try PostgresTestDatabase.make()?.storeUnderTest }),
    ] }
}

/// A fresh database on the test cluster (scripts/with-postgres), owned by a fresh
/// coordinator role with CREATEROLE and nothing more; dropped afterwards with every
/// reader role the test made. nil when no cluster runs (outside CI).
final class PostgresTestDatabase {
    /// A blinded study of one synthetic case and one model, frozen by `SyntheticPanelRenderer`.
    func createOneCaseStudy(_ name: String, now: Date) throws {
        let definition = StudyDefinition(name: name, datasetPath: "/data", models: [ModelSpec(name: "net", weights: "/m.st")],
                                         mode: .blinded, seed: 7, questions: QuestionDefinition.defaults)
        let cases = [Case(id: "0001", organ: .thyroid, devices: DeviceTable.paperTable1[.thyroid],
                          lowPath: URL(fileURLWithPath: "/data/low.png"), highPath: URL(fileURLWithPath: "/data/high.png"),
                          split: .test)]
        try store.createStudy(definition, cases: cases, calibration: [], renderer: SyntheticPanelRenderer(models: ["net"]),
                              now: now, progress: { _, _ in })
    }

    let superuser: PostgresConnection
    let database: String
    let coordinatorRole: String
    let url: String
    let store: PostgresStudyStore

    /// `make()`, or the test skipped with how to get a cluster.
    static func required() throws -> PostgresTestDatabase {
        guard let made = try make() else {
            throw XCTSkip("USREVIEW_TEST_POSTGRES_URL is not set: run the tests through scripts/with-postgres")
        }
        return made
    }

    static func make() throws -> PostgresTestDatabase? {
        guard let server = ProcessInfo.processInfo.environment["USREVIEW_TEST_POSTGRES_URL"], !server.isEmpty else {
            if ProcessInfo.processInfo.environment["CI"] == "true" {
                XCTFail("USREVIEW_TEST_POSTGRES_URL is not set in CI: run the tests through scripts/with-postgres")
            }
            return nil
        }
        return try PostgresTestDatabase(server: server)
    }

    init(server: String) throws {
        guard let components = URLComponents(string: server), let host = components.host, let port = components.port else {
            throw XCTSkip("unexpected test URL")
        }
        superuser = try PostgresConnection(uri: server)
        let suffix = String(UInt32.random(in: 0...UInt32.max), radix: 36)
        database = "conf_\(suffix)"
        coordinatorRole = "coord_\(suffix)"
        let password = PostgresReaderRoles.generatedPassword()
        try superuser.execute("CREATE ROLE \(coordinatorRole) LOGIN CREATEROLE PASSWORD '\(password)'")
        try superuser.execute("CREATE DATABASE \(database) OWNER \(coordinatorRole)")
        url = "postgresql://\(coordinatorRole):\(password)@\(host):\(port)/\(database)?sslmode=prefer&application_name=conformance"
        store = try PostgresStudyStore(url: url, as: .coordinator)
    }

    var storeUnderTest: StoreUnderTest { StoreUnderTest(store: store, cleanUp: { self.drop() }) }

    func drop() {
        try? store.close()
        let readers = (try? superuser.execute("""
            SELECT r.rolname FROM pg_auth_members m JOIN pg_roles r ON r.oid = m.member JOIN pg_roles g ON g.oid = m.roleid
            WHERE g.rolname = $1
            """, [PostgresSchema.readerGroup(database: database)]).rows.compactMap { $0[0] }) ?? []
        _ = try? superuser.execute("DROP DATABASE IF EXISTS \(database) WITH (FORCE)")
        for role in readers { _ = try? superuser.execute("DROP ROLE IF EXISTS \(PostgresSchema.quoteIdentifier(role))") }
        _ = try? superuser.execute("DROP ROLE IF EXISTS \(PostgresSchema.quoteIdentifier(PostgresSchema.readerGroup(database: database)))")
        _ = try? superuser.execute("DROP ROLE IF EXISTS \(coordinatorRole)")
        superuser.close()
    }
}

extension XCTestCase {
    /// Runs `body` on a fresh store of every backend available: SQLite always (once the
    /// lead adds it), PostgreSQL whenever the test set-up started a cluster.
    func forEachStore(_ body: (any CoordinatorStudyStore, StoreKind) throws -> Void) throws {
        var ran = 0
        for (kind, make) in StoreFactories.all {
            guard let made = try make(self) else { continue }
            defer { made.cleanUp() }
            ran += 1
            do {
                try body(made.store, kind)
            } catch {
                XCTFail("\(kind): \(error)")
            }
        }
        if ran == 0 { throw XCTSkip("no study store to test: run through scripts/with-postgres") }
    }
}

/// One suite, every backend: what the protocols' doc comments promise.
final class StoreConformanceTests: XCTestCase {
    static let models = ["unet", "gan"]
    let renderer = SyntheticPanelRenderer(models: StoreConformanceTests.models)
    let start = Date(timeIntervalSince1970: 1_800_000_000)

    /// 4 cases (the first for calibration), blinded, HIGH as a candidate, repeats.
    @discardableResult
    func makeStudy(_ store: any CoordinatorStudyStore, name: String = "pilot", repeatFraction: Double = 0.5,
                   progress: (Int, Int) -> Void = { _, _ in }) throws -> StudySnapshot {
        let cases = syntheticCases(4)
        var study = definition(name, models: Self.models, repeatFraction: repeatFraction, seed: 42)
        study.calibration = [cases[0].id]
        return try store.createStudy(study, cases: cases, calibration: [cases[0]], renderer: renderer, now: start,
                                     progress: progress)
    }

    func answers(_ labels: [String], fidelity: String) -> [PendingAnswer] {
        labels.map { PendingAnswer(questionKey: "fidelity", panelLabel: $0, value: fidelity) }
            + [PendingAnswer(questionKey: "comment", panelLabel: "", value: "note \(fidelity)")]
    }

    func answerSet(_ state: ReaderState, position: Int, fidelity: String, at offset: TimeInterval) -> AnswerSet {
        let presentation = state.presentations[position]
        let labels = state.panels[presentation.id!]!.filter { !$0.isReference }.map(\.label)
        return AnswerSet(readerId: state.reader.id!, presentationId: presentation.id!,
                         answers: answers(labels, fidelity: fidelity), startedAt: start.addingTimeInterval(offset),
                         submittedAt: start.addingTimeInterval(offset + 5), durationMs: 5000, movesCursorTo: position)
    }

    func testCreateFreezesEachImageOnceAndPanelsRoundTripBitForBit() throws {
        try forEachStore { store, kind in
            var calls: [(Int, Int)] = []
            let snapshot = try makeStudy(store) { calls.append(($0, $1)) }
            XCTAssertEqual(calls.last.map { $0.0 }, calls.last.map { $0.1 }, "\(kind): progress reaches its total")
            XCTAssertGreaterThanOrEqual(calls.count, 4 * 4, "\(kind): one call per image")
            _ = try store.enrol(readers: ["alice", "bob"], inStudy: "pilot", now: start)
            let reading = try store.readingStudy(named: "pilot")
            let rows = try store.presentations(ofStudy: "pilot", reader: nil)
            var imageBySource: [String: String] = [:]
            for reader in ["alice", "bob"] {
                let state = try store.openReading(reader: reader, in: reading)
                for presentation in state.presentations {
                    let caseId = snapshot.cases.first { $0.id == presentation.studyCaseId }!.caseId
                    for panel in state.panels[presentation.id!] ?? [] {
                        let shows = rows.first { $0.reader == reader && $0.listPosition == presentation.position + 1
                            && $0.panelLabel == panel.label }!.shows
                        let key = caseId + "|" + shows
                        if let seen = imageBySource[key] {
                            XCTAssertEqual(seen, panel.imageId, "\(kind): one image per case and source, \(key)")
                        }
                        imageBySource[key] = panel.imageId
                    }
                }
            }
            XCTAssertEqual(imageBySource.count, 4 * 4, "\(kind): low, high, unet, gan for each of the 4 cases")
            XCTAssertEqual(Set(imageBySource.values).count, imageBySource.count, "\(kind): distinct sources, distinct images")
            for (key, id) in imageBySource {
                let parts = key.split(separator: "|").map(String.init)
                let item = syntheticCases(4).first { $0.id == parts[0] }!
                let source: ImageSource = parts[1] == "low" ? .low : parts[1] == "high" ? .high : .model(parts[1])
                let expected = try renderer.render(item, source: source)!.image
                XCTAssertEqual(try store.panelImage(id: id), expected, "\(kind): \(key) bytes as rendered")
            }
            XCTAssertThrowsError(try store.panelImage(id: UUID().uuidString)) { error in
                guard case .imageNotFound? = error as? StudyStoreError else { return XCTFail("\(kind): \(error)") }
            }
            XCTAssertThrowsError(try store.panelImage(id: "not-an-id")) { error in
                guard case .imageNotFound? = error as? StudyStoreError else { return XCTFail("\(kind): \(error)") }
            }
        }
    }

    func testCreatingAStudyThatFailsStoresNothing() throws {
        struct Broken: PanelRenderer {
            let inner: SyntheticPanelRenderer
            func modelDigests() throws -> [String: String] { try inner.modelDigests() }
            func render(_ item: Case, source: ImageSource) throws -> (image: PanelImage, sourceDigest: String)? {
                if item.id == syntheticCases(4)[2].id, source == .model("gan") { throw CocoaError(.fileReadCorruptFile) }
                return try inner.render(item, source: source)
            }
        }
        try forEachStore { store, kind in
            XCTAssertThrowsError(try store.createStudy(definition("broken", models: Self.models), cases: syntheticCases(4),
                                                       calibration: [], renderer: Broken(inner: renderer), now: start,
                                                       progress: { _, _ in }), "\(kind)")
            XCTAssertEqual(try store.studyNames(), [], "\(kind): nothing of the failed study is kept")
            try makeStudy(store)
            XCTAssertThrowsError(try makeStudy(store)) { error in
                guard case .studyExists? = error as? StudyStoreError else { return XCTFail("\(kind): \(error)") }
            }
        }
    }

    func testTheStudyAndTheReadersViewOfIt() throws {
        try forEachStore { store, kind in
            let snapshot = try makeStudy(store)
            XCTAssertEqual(try store.studyNames(), ["pilot"], "\(kind)")
            XCTAssertEqual(snapshot.definition.seed, 42, "\(kind)")
            XCTAssertEqual(snapshot.study.seedValue, 42, "\(kind)")
            XCTAssertEqual(snapshot.study.repeatFraction, 0.5, "\(kind)")
            XCTAssertEqual(snapshot.modelNames, Self.models, "\(kind)")
            XCTAssertEqual(snapshot.models.map(\.weightsPath), ["/models/unet.st", "/models/gan.st"], "\(kind)")
            XCTAssertEqual(snapshot.cases.map(\.caseId), syntheticCases(4).map(\.id), "\(kind): calibration first, then study order")
            XCTAssertEqual(snapshot.cases.map(\.isCalibration), [true, false, false, false], "\(kind)")
            XCTAssertEqual(snapshot.cases.map(\.lowPath), syntheticCases(4).map(\.lowPath.path), "\(kind)")
            XCTAssertEqual(snapshot.questions, QuestionDefinition.defaults, "\(kind)")
            XCTAssertEqual(try store.study(named: "pilot"), snapshot, "\(kind): read back as created")
            let reading = try store.readingStudy(named: "pilot")
            XCTAssertEqual(reading.id, snapshot.studyId, "\(kind)")
            XCTAssertEqual(reading.mode, .blinded, "\(kind)")
            XCTAssertEqual(reading.questions, snapshot.questions, "\(kind)")
            XCTAssertEqual(reading.cases.map(\.id), snapshot.cases.map(\.id), "\(kind)")
            XCTAssertEqual(reading.cases.map(\.caseId), snapshot.cases.map(\.caseId), "\(kind)")
            XCTAssertEqual(reading.cases.map(\.lowDevice), snapshot.cases.map(\.lowDevice), "\(kind)")
            XCTAssertEqual(reading.cases.map(\.isCalibration), snapshot.cases.map(\.isCalibration), "\(kind)")
            for call in [{ _ = try store.readingStudy(named: "pilto") }, { _ = try store.study(named: "pilto") }] {
                XCTAssertThrowsError(try call()) { error in
                    XCTAssertEqual(error as? StudyStoreError,
                                   .studyNotFound(name: "pilto", path: store.location, known: ["pilot"]), "\(kind)")
                }
            }
        }
    }

    func testEnrolmentDrawsTheListsOfRandomizationPlanAllOrNothing() throws {
        try forEachStore { store, kind in
            let snapshot = try makeStudy(store)
            let enrolled = try store.enrol(readers: ["bob", "alice"], inStudy: "pilot", now: start)
            XCTAssertEqual(enrolled.map(\.reader.name), ["bob", "alice"], "\(kind)")
            XCTAssertEqual(enrolled.map { $0.connection != nil }, [kind == .postgres, kind == .postgres], "\(kind)")
            let rows = try store.presentations(ofStudy: "pilot", reader: "alice")
            let plan = Randomization.plan(cases: snapshot.cases, models: Self.models, mode: .blinded, includeHighAsCandidate: true,
                                          repeatFraction: 0.5, studySeed: 42, reader: "alice")
            XCTAssertEqual(enrolled[1].reader.cases, plan.count, "\(kind)")
            XCTAssertTrue(plan.contains { $0.isRepeat }, "the plan has repeats to check")
            var expected: [PresentationRow] = []
            for (position, planned) in plan.enumerated() {
                let studyCase = snapshot.cases[planned.caseIndex]
                for panel in planned.panels {
                    expected.append(PresentationRow(
                        study: "pilot", reader: "alice", listPosition: position + 1, caseId: studyCase.caseId,
                        organ: studyCase.organ.rawValue, isRepeat: planned.isRepeat, isCalibration: planned.isCalibration,
                        panelPosition: panel.position, panelLabel: panel.label, isReference: panel.isReference,
                        shows: panel.source.resultName))
                }
            }
            XCTAssertEqual(rows, expected, "\(kind): the stored list is the drawn one")
            XCTAssertEqual(try store.presentations(ofStudy: "pilot", reader: nil).map(\.reader).uniqued(), ["alice", "bob"], "\(kind)")
            XCTAssertThrowsError(try store.enrol(readers: ["carol", "alice"], inStudy: "pilot", now: start)) { error in
                XCTAssertEqual(error as? StudyStoreError, .readerAlreadyEnrolled(reader: "alice", study: "pilot"), "\(kind)")
            }
            XCTAssertThrowsError(try store.enrol(readers: ["dave", "x y"], inStudy: "pilot", now: start)) { error in
                XCTAssertEqual(error as? StudyStoreError, .badReaderName("x y"), "\(kind)")
            }
            XCTAssertEqual(try store.readers(ofStudy: "pilot").map(\.name), ["alice", "bob"], "\(kind): carol and dave not enrolled")
            XCTAssertThrowsError(try store.presentations(ofStudy: "pilot", reader: "carol")) { error in
                XCTAssertEqual(error as? StudyStoreError,
                               .readerNotEnrolled(reader: "carol", study: "pilot", enrolled: ["alice", "bob"]), "\(kind)")
            }
        }
    }

    func testReadersDisableAndOpeningErrors() throws {
        try forEachStore { store, kind in
            try makeStudy(store)
            _ = try store.enrol(readers: ["bob", "alice"], inStudy: "pilot", now: start)
            let reading = try store.readingStudy(named: "pilot")
            XCTAssertThrowsError(try store.openReading(reader: "alcie", in: reading)) { error in
                XCTAssertEqual(error as? StudyStoreError,
                               .readerNotEnrolled(reader: "alcie", study: "pilot", enrolled: ["alice", "bob"]), "\(kind)")
            }
            try store.disable(reader: "bob", inStudy: "pilot", now: start.addingTimeInterval(60))
            let readers = try store.readers(ofStudy: "pilot")
            XCTAssertEqual(readers.map(\.name), ["alice", "bob"], "\(kind): disabled readers are listed")
            XCTAssertEqual(readers.map(\.disabledAt), [nil, start.addingTimeInterval(60)], "\(kind)")
            XCTAssertEqual(readers.map(\.enrolledAt), [start, start], "\(kind)")
            XCTAssertEqual(readers[0].cases, try store.openReading(reader: "alice", in: reading).presentations.count, "\(kind)")
            XCTAssertThrowsError(try store.openReading(reader: "bob", in: reading)) { error in
                XCTAssertEqual(error as? StudyStoreError, .readerDisabled(reader: "bob", study: "pilot"), "\(kind)")
            }
            XCTAssertThrowsError(try store.disable(reader: "carol", inStudy: "pilot", now: start)) { error in
                XCTAssertEqual(error as? StudyStoreError,
                               .readerNotEnrolled(reader: "carol", study: "pilot", enrolled: ["alice"]), "\(kind)")
            }
        }
    }

    func testSubmitRevisionsIdempotentRetriesSkipsAndFinalising() throws {
        try forEachStore { store, kind in
            try makeStudy(store)
            _ = try store.enrol(readers: ["alice"], inStudy: "pilot", now: start)
            let reading = try store.readingStudy(named: "pilot")
            var state = try store.openReading(reader: "alice", in: reading)
            XCTAssertEqual(state.reader.cursor, -1, "\(kind)")
            XCTAssertEqual(state.panels.count, state.presentations.count, "\(kind): every presentation has its panels")
            let first = answerSet(state, position: 0, fidelity: "4", at: 0)
            let stored = try store.submit(first)
            XCTAssertEqual(stored.revision, 1, "\(kind)")
            XCTAssertEqual(stored.startedAt, first.startedAt, "\(kind)")
            let retried = try store.submit(first)
            XCTAssertEqual(retried, stored, "\(kind): a retry returns the stored submission")
            XCTAssertEqual(try store.history(presentationId: first.presentationId).count, 1, "\(kind): and stores nothing")
            let revision = try store.submit(answerSet(state, position: 0, fidelity: "2", at: 30))
            XCTAssertEqual(revision.revision, 2, "\(kind)")
            let latest = try XCTUnwrap(store.latestAnswers(presentationId: first.presentationId), "\(kind)")
            XCTAssertEqual(latest.0, revision, "\(kind)")
            XCTAssertEqual(latest.1.map { [$0.questionKey, $0.panelLabel, $0.value] },
                           answers(["A", "B", "C"], fidelity: "2").map { [$0.questionKey, $0.panelLabel, $0.value] },
                           "\(kind): answers in form order")
            let history = try store.history(presentationId: first.presentationId)
            XCTAssertEqual(history.map(\.0.revision), [1, 2], "\(kind)")
            XCTAssertEqual(history[0].1.map(\.value), answers(["A", "B", "C"], fidelity: "4").map(\.value), "\(kind)")
            XCTAssertNil(try store.latestAnswers(presentationId: state.presentations[1].id!), "\(kind)")
            try store.recordSkip(readerId: state.reader.id!, position: 2)
            state = try store.openReading(reader: "alice", in: reading)
            XCTAssertEqual(state.reader.cursor, 2, "\(kind): a skip moves the resume point")
            XCTAssertEqual(state.latestRevision, [first.presentationId: 2], "\(kind)")
            try store.finalise(readerId: state.reader.id!, now: start.addingTimeInterval(100))
            try store.finalise(readerId: state.reader.id!, now: start.addingTimeInterval(200))
            state = try store.openReading(reader: "alice", in: reading)
            XCTAssertEqual(state.reader.finalisedAt, start.addingTimeInterval(100), "\(kind): finalising twice keeps the first")
            XCTAssertThrowsError(try store.submit(answerSet(state, position: 1, fidelity: "3", at: 300))) { error in
                XCTAssertEqual(error as? StudyStoreError, .readerFinalised(reader: "alice", study: "pilot"), "\(kind)")
            }
            try store.recordSkip(readerId: state.reader.id!, position: 5)
            XCTAssertEqual(try store.openReading(reader: "alice", in: reading).reader.cursor, 2, "\(kind): closed after finalising")
        }
    }

    func testTheLeaseIsHeldRenewedExpiresAndIsReleased() throws {
        try forEachStore { store, kind in
            try makeStudy(store)
            _ = try store.enrol(readers: ["alice"], inStudy: "pilot", now: start)
            let id = try store.openReading(reader: "alice", in: store.readingStudy(named: "pilot")).reader.id!
            // The server's clock (shifted by `now`) differs from this one by the call's duration.
            let held = try store.acquireLease(readerId: id, holder: "ws1 pid 1", duration: 60, now: start)
            XCTAssertEqual(held.holder, "ws1 pid 1", "\(kind)")
            XCTAssertEqual(held.expiresAt.timeIntervalSince1970, start.addingTimeInterval(60).timeIntervalSince1970,
                           accuracy: 1, "\(kind)")
            XCTAssertThrowsError(try store.acquireLease(readerId: id, holder: "ws2 pid 2", duration: 60,
                                                        now: start.addingTimeInterval(30))) { error in
                guard case let .readerBusy(reader, study, holder, until)? = error as? StudyStoreError else {
                    return XCTFail("\(kind): \(error)")
                }
                XCTAssertEqual([reader, study, holder], ["alice", "pilot", "ws1 pid 1"], "\(kind)")
                XCTAssertEqual(until.timeIntervalSince1970, held.expiresAt.timeIntervalSince1970, accuracy: 0.001, "\(kind)")
            }
            let renewed = try store.acquireLease(readerId: id, holder: "ws1 pid 1", duration: 60, now: start.addingTimeInterval(50))
            XCTAssertEqual(renewed.expiresAt.timeIntervalSince1970, start.addingTimeInterval(110).timeIntervalSince1970,
                           accuracy: 1, "\(kind): renewing extends")
            XCTAssertThrowsError(try store.acquireLease(readerId: id, holder: "ws2 pid 2", duration: 60,
                                                        now: start.addingTimeInterval(100)), "\(kind): still held") { _ in }
            let taken = try store.acquireLease(readerId: id, holder: "ws2 pid 2", duration: 60, now: start.addingTimeInterval(111))
            XCTAssertEqual(taken.holder, "ws2 pid 2", "\(kind): an expired lease is taken over")
            try store.releaseLease(readerId: id, holder: "ws1 pid 1")
            XCTAssertThrowsError(try store.acquireLease(readerId: id, holder: "ws3", duration: 60,
                                                        now: start.addingTimeInterval(120)), "\(kind): a non-holder's release does nothing") { _ in }
            try store.releaseLease(readerId: id, holder: "ws2 pid 2")
            XCTAssertEqual(try store.acquireLease(readerId: id, holder: "ws3", duration: 60, now: start.addingTimeInterval(121)).holder,
                           "ws3", "\(kind): released")
        }
    }

    /// Answers exported from one store (a SQLite file here) come back whole through
    /// `study import` into another store of the same study, on every backend; a second import
    /// stores nothing, and a revision stored with another time is refused, nothing stored.
    func testAnExportImportsIntoAnotherStoreOfTheSameStudy() throws {
        let folder = try temporaryFolder(self)
        defer { try? FileManager.default.removeItem(at: folder) }
        let source = try SQLiteStudyStore(url: folder.appendingPathComponent("site.sqlite"))
        try makeStudy(source)
        _ = try source.enrol(readers: ["alice", "bob"], inStudy: "pilot", now: start)
        let reading = try source.readingStudy(named: "pilot")
        for (index, reader) in ["alice", "bob"].enumerated() {
            let state = try source.openReading(reader: reader, in: reading)
            for position in 0..<3 {
                _ = try source.submit(answerSet(state, position: position, fidelity: "\(position + 2)", at: Double(100 * index + 10 * position)))
            }
            _ = try source.submit(answerSet(state, position: 1, fidelity: "5", at: Double(100 * index + 50)))
        }
        let exported = try source.exportRows(study: "pilot", allRevisions: true)
        let csv = StudyExport.csv(exported)
        XCTAssertEqual(Set(exported.map(\.revision)), [1, 2])
        try forEachStore { store, kind in
            try makeStudy(store)
            _ = try store.enrol(readers: ["alice", "bob"], inStudy: "pilot", now: start)
            let summary = try StudyImport.importCSV(csv, into: store, study: "pilot", source: "site.csv")
            XCTAssertEqual(summary, ImportSummary(submissions: 8, answers: exported.count, alreadyPresent: 0), "\(kind)")
            XCTAssertEqual(StudyExport.csv(try store.exportRows(study: "pilot", allRevisions: true)), csv,
                           "\(kind): the same export, unblinded columns and times included")
            let again = try StudyImport.importCSV(csv, into: store, study: "pilot", source: "site.csv")
            XCTAssertEqual(again, ImportSummary(submissions: 0, answers: 0, alreadyPresent: 8), "\(kind)")
            // Another submit time for a stored revision: refused with its row, and nothing of the file stored.
            var moved = exported
            moved[moved.count - 1].submittedAt = moved[moved.count - 1].submittedAt.addingTimeInterval(60)
            let last = moved.lastIndex { $0.reader == moved[moved.count - 1].reader && $0.caseId == moved[moved.count - 1].caseId
                && $0.revision == moved[moved.count - 1].revision }!
            for index in moved.indices where moved[index].reader == moved[last].reader && moved[index].caseId == moved[last].caseId
                && moved[index].revision == moved[last].revision { moved[index].submittedAt = moved[last].submittedAt }
            XCTAssertThrowsError(try StudyImport.importCSV(StudyExport.csv(moved), into: store, study: "pilot", source: "site.csv")) { error in
                guard case let .badRow(path, _, _, reason)? = error as? StudyImportError else { return XCTFail("\(kind): \(error)") }
                XCTAssertEqual(path, "site.csv", "\(kind)")
                XCTAssertTrue(reason.contains("another submit time"), "\(kind): \(reason)")
            }
            XCTAssertEqual(try store.exportRows(study: "pilot", allRevisions: true).count, exported.count, "\(kind): nothing more stored")
        }
    }

    func testExportIsUnblindedWithRevisionsAndStatusCountsProgress() throws {
        try forEachStore { store, kind in
            var study = definition("pilot", models: Self.models, seed: 42)
            study.questions = [
                QuestionDefinition(key: "fidelity", prompt: "Fidelity", kind: .likert(points: 5, anchors: [])),
                QuestionDefinition(key: "best", prompt: "Best", kind: .preference),
            ]
            try store.createStudy(study, cases: syntheticCases(3), calibration: [], renderer: renderer, now: start,
                                  progress: { _, _ in })
            _ = try store.enrol(readers: ["bob", "alice"], inStudy: "pilot", now: start)
            let reading = try store.readingStudy(named: "pilot")
            let shows = try store.presentations(ofStudy: "pilot", reader: nil)
            for (index, reader) in ["alice", "bob"].enumerated() {
                let state = try store.openReading(reader: reader, in: reading)
                for position in 0..<(reader == "alice" ? 2 : 1) {
                    let presentation = state.presentations[position]
                    for (revision, value) in ["3", "5"].enumerated() where revision == 0 || position == 0 {
                        _ = try store.submit(AnswerSet(
                            readerId: state.reader.id!, presentationId: presentation.id!,
                            answers: [PendingAnswer(questionKey: "fidelity", panelLabel: "B", value: value),
                                      PendingAnswer(questionKey: "best", panelLabel: "", value: "A")],
                            startedAt: start.addingTimeInterval(Double(index * 100 + position * 10 + revision)),
                            submittedAt: start.addingTimeInterval(Double(index * 100 + position * 10 + revision + 1)),
                            durationMs: 1000, movesCursorTo: position))
                    }
                }
            }
            let latest = try store.exportRows(study: "pilot", allRevisions: false)
            let all = try store.exportRows(study: "pilot", allRevisions: true)
            XCTAssertEqual(latest.count, 2 * 3, "\(kind): alice 2 cases, bob 1, two answers each")
            XCTAssertEqual(all.count, latest.count + 2 * 2, "\(kind): and alice's and bob's first-case revisions")
            XCTAssertEqual(latest.map(\.reader), ["alice", "alice", "alice", "alice", "bob", "bob"], "\(kind)")
            XCTAssertEqual(latest.map(\.question), ["fidelity", "best", "fidelity", "best", "fidelity", "best"], "\(kind)")
            XCTAssertTrue(latest.allSatisfy(\.isLatest), "\(kind)")
            XCTAssertEqual(all.filter { !$0.isLatest }.map(\.value), ["3", "A", "3", "A"], "\(kind)")
            for row in latest {
                let panels = shows.filter { $0.reader == row.reader && $0.caseId == row.caseId }
                if row.question == "fidelity" {
                    XCTAssertEqual(row.model, panels.first { $0.panelLabel == "B" }!.shows, "\(kind): the model behind B")
                    XCTAssertEqual(row.panelPosition, 3, "\(kind)")
                } else {
                    XCTAssertEqual(row.valueUnblinded, panels.first { $0.panelLabel == "A" }!.shows, "\(kind): A unblinded")
                    XCTAssertEqual(row.model, "", "\(kind)")
                }
                XCTAssertEqual(row.split, "test", "\(kind)")
            }
            XCTAssertEqual(Set(latest.map(\.model)).subtracting([""]).isSubset(of: Set(Self.models + ["high"])), true, "\(kind)")
            let status = try store.status(ofStudy: "pilot")
            XCTAssertEqual(status.caseCount, 3, "\(kind)")
            XCTAssertEqual(status.models, Self.models, "\(kind)")
            XCTAssertEqual(status.readers.map(\.reader), ["alice", "bob"], "\(kind)")
            XCTAssertEqual(status.readers.map(\.answered), [2, 1], "\(kind)")
            XCTAssertEqual(status.readers.map(\.revisions), [1, 1], "\(kind)")
            XCTAssertEqual(status.readers.map(\.total), [3, 3], "\(kind)")
            XCTAssertEqual(status.readers[0].lastSubmittedAt, start.addingTimeInterval(11), "\(kind)")
        }
    }
}

private extension Array where Element: Hashable {
    func uniqued() -> [Element] {
        var seen = Set<Element>()
        return filter { seen.insert($0).inserted }
    }
}
