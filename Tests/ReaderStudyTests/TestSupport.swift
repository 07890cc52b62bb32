import Dataset
import GRDB
import Foundation
@testable import ReaderStudy
import XCTest

/// A fresh folder per test, removed afterwards.
func temporaryFolder(_ test: XCTestCase) throws -> URL {
    let folder = FileManager.default.temporaryDirectory
        .appendingPathComponent("usreview-study-tests-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    test.addTeardownBlock { try? FileManager.default.removeItem(at: folder) }
    return folder
}

/// Cases with USEnhance IDs spread over the organs (no images).
func syntheticCases(_ count: Int, firstNumber: Int = 1, step: Int = 97) -> [Case] {
    (0..<count).map { index in
        let number = (firstNumber - 1 + index * step) % 1500 + 1
        let organ = Organ(caseID: number)!
        let id = String(format: "%04d", number)
        return Case(id: id, organ: organ, devices: DeviceTable.paperTable1[organ],
                    lowPath: URL(fileURLWithPath: "/data/\(organ.rawValue)/low_quality/\(id).png"),
                    highPath: URL(fileURLWithPath: "/data/\(organ.rawValue)/high_quality/\(id).png"), split: .test)
    }
}

func definition(_ name: String = "pilot", models: [String] = ["unet"], mode: StudyMode = .blinded,
                questions: [QuestionDefinition] = QuestionDefinition.defaults, repeatFraction: Double = 0,
                seed: UInt64 = 7) -> StudyDefinition {
    StudyDefinition(name: name, datasetPath: "/data", models: models.map { ModelSpec(name: $0, weights: "/models/\($0).st") },
                    mode: mode, seed: seed, questions: questions, repeatFraction: repeatFraction)
}

/// A database file holding one study of `cases` synthetic cases, `readers` enrolled;
/// closed on return.
@discardableResult
func makeStudyFile(at url: URL, cases: Int = 10, models: [String] = ["unet"], mode: StudyMode = .blinded,
                   repeatFraction: Double = 0, readers: [String] = []) throws -> StudySnapshot {
    let store = try SQLiteStudyStore(url: url)
    let snapshot = try store.createStudy(definition(models: models, mode: mode, repeatFraction: repeatFraction),
                                         cases: syntheticCases(cases))
    if !readers.isEmpty { try store.enrol(readers: readers, inStudy: snapshot.study.name) }
    try store.close()
    return snapshot
}

/// Answers every question of the current case with example values.
func fillForm(_ session: ReadingSession, variant: Int = 1, comment: String? = nil) throws {
    let labels = session.current!.candidates.map(\.label)
    for slot in session.allSlots {
        let question = session.questions.first { $0.key == slot.question }!
        if question.markCategories != nil { continue }  // marks are placed, not typed
        let value = question.key == "comment" && comment != nil
            ? comment! : question.exampleValue(candidates: labels, variant: variant)
        try session.answer(slot.question, panel: slot.panel.isEmpty ? nil : slot.panel, value: value)
    }
}

/// A clock the test moves by hand.
final class ManualClock: @unchecked Sendable {
    var now = Date(timeIntervalSince1970: 1_800_000_000)  // 2027-01-15T08:00:00Z
    func advance(_ seconds: TimeInterval) { now += seconds }
    var function: () -> Date { { self.now } }
}

func fileBytes(_ url: URL) throws -> Data { try Data(contentsOf: url) }

/// The `usreview` binary built beside the test bundle (or `USREVIEW_BINARY`), for tests
/// that need a real process (crashes, SIGKILL).
func usreviewBinary(for test: XCTestCase) throws -> URL {
    if let path = ProcessInfo.processInfo.environment["USREVIEW_BINARY"] { return URL(fileURLWithPath: path) }
    var candidates: [URL] = []
    if let executable = Bundle.main.executableURL { candidates.append(executable.deletingLastPathComponent()) }
    candidates.append(Bundle.main.bundleURL.deletingLastPathComponent())
    candidates.append(Bundle(for: type(of: test)).bundleURL.deletingLastPathComponent())
    for folder in candidates {
        let binary = folder.appendingPathComponent("usreview")
        if FileManager.default.isExecutableFile(atPath: binary.path) { return binary }
    }
    throw XCTSkip("usreview binary not found beside the tests (looked in \(candidates.map(\.path))); set USREVIEW_BINARY")
}

/// The coordinator enrols `reader` if they are not yet, then the reader opens the study:
/// the two steps of a real study, for tests about what follows.
func enrolledSession(store: SQLiteStudyStore, study: String, reader: String,
                     now: @escaping () -> Date = Date.init) throws -> ReadingSession {
    if try store.readers(ofStudy: study).contains(where: { $0.name == reader }) == false {
        try store.enrol(readers: [reader], inStudy: study, now: now())
    }
    return try ReadingSession(store: store, study: study, reader: reader, now: now)
}

extension SQLiteStudyStore {
    /// A study of synthetic cases, frozen with `SyntheticPanelRenderer` (no model runs).
    @discardableResult
    func createStudy(_ definition: StudyDefinition, cases: [Case], calibration: [Case] = [],
                     now: Date = Date()) throws -> StudySnapshot {
        try createStudy(definition, cases: cases, calibration: calibration,
                        renderer: SyntheticPanelRenderer(models: definition.models.map(\.name)), now: now)
    }

    /// A presentation's panels with what each shows (the coordinator's key), left to right.
    func keyedPanels(of presentationId: Int64) throws -> [Panel] {
        try read { db in
            let studyId = try Int64.fetchOne(db, sql: """
                SELECT r.studyId FROM presentation p JOIN reader r ON r.id = p.readerId WHERE p.id = ?
                """, arguments: [presentationId])!
            return try Self.keyedPanels(db, studyId: studyId)[presentationId] ?? []
        }
    }

    /// What each label of a presentation shows.
    func key(of presentationId: Int64) throws -> [String: Panel] {
        Dictionary(try keyedPanels(of: presentationId).map { ($0.label, $0) }, uniquingKeysWith: { a, _ in a })
    }
}

extension ReadingSession {
    /// A session with the tests' lease holder: sessions of one test renew one lease.
    convenience init(store: any ReaderStudyStore, study: String, reader: String, now: @escaping () -> Date = Date.init) throws {
        try self.init(store: store, study: study, reader: reader, leaseHolder: "tests", now: now)
    }

    /// The session's store as the coordinator's (the tests play both roles on one file).
    var sqlite: SQLiteStudyStore { store as! SQLiteStudyStore }
    var snapshot: StudySnapshot { try! sqlite.study(named: study.name) }
}
