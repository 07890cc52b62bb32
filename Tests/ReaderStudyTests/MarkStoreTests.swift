import Dataset
import Foundation
@testable import ReaderStudy
import XCTest

/// Marks in both stores (the conformance suite's `forEachStore`): stored with their
/// answer set, read back, exported unblinded, revised as a whole, refused whole when a
/// client sends what the study cannot take, and carried through export and import.
final class MarkStoreTests: XCTestCase {
    static let models = ["unet", "gan"]
    let start = Date(timeIntervalSince1970: 1_800_000_000)

    /// 3 cases, blinded, the default questions (hallucinated → hallucinated_marks), 16×16 images.
    @discardableResult
    func makeStudy(_ store: any CoordinatorStudyStore, readers: [String] = ["alice"]) throws -> ReadingStudy {
        try store.createStudy(definition("pilot", models: Self.models, seed: 42), cases: syntheticCases(3), calibration: [],
                              renderer: SyntheticPanelRenderer(models: Self.models), now: start, progress: { _, _ in })
        _ = try store.enrol(readers: readers, inStudy: "pilot", now: start)
        return try store.readingStudy(named: "pilot")
    }

    /// "hallucinated" yes on the first candidate (no on the others), its marks question
    /// answered with the number of `marks`, which are all on that candidate.
    func markedSet(_ state: ReaderState, position: Int, marks: [PendingMark], count: String? = nil,
                   at offset: TimeInterval) -> AnswerSet {
        let presentation = state.presentations[position]
        let labels = state.panels[presentation.id!]!.filter { !$0.isReference }.map(\.label)
        var answers = labels.map { PendingAnswer(questionKey: "hallucinated", panelLabel: $0, value: $0 == labels[0] ? "yes" : "no") }
        answers.append(PendingAnswer(questionKey: "hallucinated_marks", panelLabel: labels[0], value: count ?? String(marks.count)))
        return AnswerSet(readerId: state.reader.id!, presentationId: presentation.id!, answers: answers,
                         startedAt: start.addingTimeInterval(offset), submittedAt: start.addingTimeInterval(offset + 5),
                         durationMs: 5000, movesCursorTo: position, marks: marks)
    }

    func mark(_ label: String, _ shape: MarkShape, category: String = "hallucinated", confidence: Int = 4) -> PendingMark {
        PendingMark(questionKey: "hallucinated_marks", panelLabel: label, category: category, shape: shape, confidence: confidence)
    }

    func testMarksAreStoredWithTheirSetReadBackAndExportedUnblindedThroughRevisions() throws {
        try forEachStore { store, kind in
            let reading = try makeStudy(store)
            let state = try store.openReading(reader: "alice", in: reading)
            let presentation = state.presentations[0]
            let label = state.panels[presentation.id!]!.first { !$0.isReference }!.label
            let placed = [mark(label, .point(x: 3, y: 4), confidence: 5), mark(label, .box(x: 1, y: 2, width: 15, height: 14))]
            let first = markedSet(state, position: 0, marks: placed, at: 0)
            let stored = try store.submit(first)
            XCTAssertEqual(try store.marks(submissionId: stored.id!).map(\.mark), placed, "\(kind): in the order placed")
            XCTAssertEqual(try store.marks(submissionId: stored.id!).map(\.ordinal), [0, 1], "\(kind)")
            XCTAssertEqual(try store.submit(first), stored, "\(kind): a retry returns the stored set")
            XCTAssertEqual(try store.marks(submissionId: stored.id!).count, 2, "\(kind): and stores no mark again")

            let model = try store.presentations(ofStudy: "pilot", reader: "alice")
                .first { $0.listPosition == 1 && $0.panelLabel == label }!.shows
            var exported = try store.exportMarks(study: "pilot", allRevisions: false)
            XCTAssertEqual(exported.map(\.model), [model, model], "\(kind): the model behind \(label)")
            XCTAssertEqual(exported.map { [$0.x, $0.y] }, [[3, 4], [1, 2]], "\(kind)")
            XCTAssertEqual(exported.map(\.width), [nil, 15], "\(kind)")
            XCTAssertEqual(exported.map(\.height), [nil, 14], "\(kind)")
            XCTAssertEqual(exported.map(\.shape), ["point", "box"], "\(kind)")
            XCTAssertEqual(exported.map(\.confidence), [5, 4], "\(kind)")
            XCTAssertEqual(exported[0].caseId, reading.cases.first { $0.id == presentation.studyCaseId }!.caseId, "\(kind)")
            XCTAssertEqual(exported[0].submittedAt, first.submittedAt, "\(kind)")

            // A revision stores its own marks; the earlier set keeps its two.
            let revised = try store.submit(markedSet(state, position: 0, marks: [mark(label, .point(x: 15, y: 15))], at: 30))
            XCTAssertEqual(revised.revision, 2, "\(kind)")
            XCTAssertEqual(try store.marks(submissionId: stored.id!).map(\.mark), placed, "\(kind): the revision keeps the earlier marks")
            exported = try store.exportMarks(study: "pilot", allRevisions: false)
            XCTAssertEqual(exported.map { [$0.x, $0.y, $0.revision] }, [[15, 15, 2]], "\(kind): the latest set's marks")
            let all = try store.exportMarks(study: "pilot", allRevisions: true)
            XCTAssertEqual(all.map(\.revision), [1, 1, 2], "\(kind)")
            XCTAssertEqual(all.map(\.isLatest), [false, false, true], "\(kind)")
        }
    }

    func testAHostileSetOfMarksIsRefusedWholeAndNothingIsStored() throws {
        try forEachStore { store, kind in
            let reading = try makeStudy(store)
            let state = try store.openReading(reader: "alice", in: reading)
            let panels = state.panels[state.presentations[0].id!]!
            let candidates = panels.filter { !$0.isReference }.map(\.label)
            let reference = try XCTUnwrap(panels.first { $0.isReference }?.label)
            let cases: [(String, AnswerSet)] = [
                ("wrong category", markedSet(state, position: 0, marks: [mark(candidates[0], .point(x: 1, y: 1), category: "lost")], at: 0)),
                ("outside the image", markedSet(state, position: 0, marks: [mark(candidates[0], .point(x: 16, y: 0))], at: 0)),
                ("a box reaching outside", markedSet(state, position: 0, marks: [mark(candidates[0], .box(x: 10, y: 0, width: 7, height: 1))], at: 0)),
                ("the reference panel", markedSet(state, position: 0, marks: [mark(reference, .point(x: 1, y: 1))], at: 0)),
                ("confidence 0", markedSet(state, position: 0, marks: [mark(candidates[0], .point(x: 1, y: 1), confidence: 0)], at: 0)),
                ("a count that disagrees", markedSet(state, position: 0, marks: [mark(candidates[0], .point(x: 1, y: 1))], count: "2", at: 0)),
                ("a panel whose hallucinated is no", markedSet(state, position: 0, marks: [mark(candidates[0], .point(x: 1, y: 1)),
                                                                                            mark(candidates[1], .point(x: 1, y: 1))],
                                                                 count: "1", at: 0)),
                ("more marks than an answer set holds", markedSet(state, position: 0, marks: Array(
                    repeating: mark(candidates[0], .point(x: 1, y: 1)), count: PendingMark.limitPerAnswerSet + 1), at: 0)),
                ("not a marks question", markedSet(state, position: 0, marks: [PendingMark(
                    questionKey: "quality", panelLabel: candidates[0], category: "hallucinated", shape: .point(x: 1, y: 1))], count: "0", at: 0)),
            ]
            for (what, set) in cases {
                XCTAssertThrowsError(try store.submit(set), "\(kind): \(what)") { error in
                    switch error as? AnswerError {
                    case .invalidMark?, .notAsked?: break
                    default: XCTFail("\(kind): \(what): \(error)")
                    }
                }
            }
            XCTAssertTrue(try store.history(presentationId: state.presentations[0].id!).isEmpty, "\(kind): no answer set stored")
            XCTAssertTrue(try store.exportMarks(study: "pilot", allRevisions: true).isEmpty, "\(kind): no mark stored")
            XCTAssertTrue(try store.exportRows(study: "pilot", allRevisions: true).isEmpty, "\(kind): no answer stored")
            // The same set with its mark inside the image is taken.
            _ = try store.submit(markedSet(state, position: 0, marks: [mark(candidates[0], .box(x: 9, y: 0, width: 7, height: 16))], at: 0))
            XCTAssertEqual(try store.exportMarks(study: "pilot", allRevisions: true).count, 1, "\(kind)")
        }
    }

    /// Answers and marks exported from a SQLite file import into a fresh SQLite file and a
    /// PostgreSQL copy of the study and export again the same; twice is a no-op.
    func testAnswersAndMarksRoundTripThroughExportAndImport() throws {
        let folder = try temporaryFolder(self)
        let source = try SQLiteStudyStore(url: folder.appendingPathComponent("site.sqlite"))
        let reading = try makeStudy(source, readers: ["alice", "bob"])
        for (index, reader) in ["alice", "bob"].enumerated() {
            let state = try source.openReading(reader: reader, in: reading)
            for position in 0..<2 {
                let label = state.panels[state.presentations[position].id!]!.first { !$0.isReference }!.label
                let marks = [mark(label, .point(x: index, y: position), confidence: 2),
                             mark(label, .box(x: 2, y: 3, width: 4 + index, height: 5))]
                _ = try source.submit(markedSet(state, position: position, marks: Array(marks.prefix(position + 1)),
                                                at: Double(100 * index + 10 * position)))
            }
            // A revision with a formula-like comment (neutralised text) and no marks.
            var revision = markedSet(state, position: 0, marks: [], at: Double(100 * index + 50))
            revision.answers.append(PendingAnswer(questionKey: "comment", panelLabel: "", value: "=cmd|' /C calc'!A0"))
            _ = try source.submit(revision)
        }
        let answersCSV = StudyExport.csv(try source.exportRows(study: "pilot", allRevisions: true))
        let marks = try source.exportMarks(study: "pilot", allRevisions: true)
        let marksCSV = StudyExport.marksCSV(marks)
        XCTAssertEqual(marks.count, 6)
        XCTAssertTrue(marksCSV.hasPrefix(MarkExportRow.columnNames.joined(separator: ",") + "\r\n"), marksCSV)
        XCTAssertTrue(marksCSV.contains(",point,0,0,,,2,"), "a point has empty width and height: \(marksCSV)")
        try source.close()
        try forEachStore { store, kind in
            try makeStudy(store, readers: ["alice", "bob"])
            let summary = try StudyImport.importCSV(answersCSV, marks: marksCSV, into: store, study: "pilot",
                                                    source: "answers.csv", marksSource: "marks.csv")
            XCTAssertEqual(summary.submissions, 6, "\(kind)")
            XCTAssertEqual(summary.marks, 6, "\(kind)")
            XCTAssertEqual(StudyExport.csv(try store.exportRows(study: "pilot", allRevisions: true)), answersCSV, "\(kind)")
            XCTAssertEqual(StudyExport.marksCSV(try store.exportMarks(study: "pilot", allRevisions: true)), marksCSV,
                           "\(kind): the same marks, unblinded models and times included")
            let again = try StudyImport.importCSV(answersCSV, marks: marksCSV, into: store, study: "pilot")
            XCTAssertEqual(again.submissions, 0, "\(kind)")
            XCTAssertEqual(again.alreadyPresent, 6, "\(kind)")
            XCTAssertEqual(try store.exportMarks(study: "pilot", allRevisions: true).count, 6, "\(kind): nothing stored twice")
            // Marks of an already stored set that differ from the stored ones: refused.
            var moved = marks
            moved[0].x += 1
            XCTAssertThrowsError(try StudyImport.importCSV(answersCSV, marks: StudyExport.marksCSV(moved), into: store, study: "pilot",
                                                           source: "answers.csv", marksSource: "marks.csv")) { error in
                guard case let .badRow(path, _, _, reason)? = error as? StudyImportError else { return XCTFail("\(kind): \(error)") }
                XCTAssertEqual(path, "answers.csv", "\(kind)")
                XCTAssertTrue(reason.contains("other marks"), "\(kind): \(reason)")
            }
        }
    }

    func testAMarksFileIsCheckedRowByRowAndNothingIsStoredOnAnError() throws {
        let folder = try temporaryFolder(self)
        let source = try SQLiteStudyStore(url: folder.appendingPathComponent("site.sqlite"))
        let reading = try makeStudy(source)
        let state = try source.openReading(reader: "alice", in: reading)
        let label = state.panels[state.presentations[0].id!]!.first { !$0.isReference }!.label
        _ = try source.submit(markedSet(state, position: 0, marks: [mark(label, .point(x: 1, y: 1)), mark(label, .point(x: 2, y: 2))], at: 0))
        let answersCSV = StudyExport.csv(try source.exportRows(study: "pilot", allRevisions: true))
        let marks = try source.exportMarks(study: "pilot", allRevisions: true)
        try source.close()
        let fresh = try SQLiteStudyStore(url: folder.appendingPathComponent("fresh.sqlite"))
        try makeStudy(fresh)
        func refused(_ rows: [MarkExportRow], column: String?, _ text: String, line: Int = 3,
                     file: StaticString = #filePath, testLine: UInt = #line) {
            XCTAssertThrowsError(try StudyImport.importCSV(answersCSV, marks: StudyExport.marksCSV(rows), into: fresh, study: "pilot",
                                                           source: "a.csv", marksSource: "m.csv"), file: file, line: testLine) { error in
                let message = "\(error)"
                XCTAssertTrue(message.contains("m.csv, row 2 (line \(line))"), message, file: file, line: testLine)
                if let column { XCTAssertTrue(message.contains("column \(column)"), message, file: file, line: testLine) }
                XCTAssertTrue(message.contains(text), message, file: file, line: testLine)
            }
        }
        var bad = marks
        bad[1].category = "lost"
        refused(bad, column: "category", "not one of hallucinated")
        bad = marks; bad[1].x = 16
        refused(bad, column: nil, "outside the 16×16 image")
        bad = marks; bad[1].confidence = 0
        refused(bad, column: "confidence", "not a whole number from 1")
        bad = marks; bad[1].model = "nonexistent"
        refused(bad, column: "model", "not 'nonexistent'")
        bad = marks; bad[1].panelLabel = "REFERENCE"
        refused(bad, column: "panel_label", "not a candidate panel")
        bad = marks; bad[1].question = "quality"
        refused(bad, column: "question", "not a marks question")
        bad = marks; bad[1].submittedAt += 1
        refused(bad, column: "submitted_at", "differs from the submitted_at of its answer set")
        bad = marks; bad[1].revision = 2
        refused(bad, column: nil, "no answer set")
        bad = marks; bad[1].shape = "box"
        refused(bad, column: "width", "not a whole number from 1")
        // One mark fewer than the answer counts: named as the answer set's row in the answers file.
        XCTAssertThrowsError(try StudyImport.importCSV(answersCSV, marks: StudyExport.marksCSV([marks[0]]), into: fresh,
                                                       study: "pilot", source: "a.csv", marksSource: "m.csv")) { error in
            XCTAssertTrue("\(error)".contains("a.csv, row 1"), "\(error)")
            XCTAssertTrue("\(error)".contains("has 1 mark but the answer says 2"), "\(error)")
        }
        XCTAssertThrowsError(try StudyImport.importCSV(answersCSV, marks: "study,reader\r\n", into: fresh, study: "pilot")) { error in
            XCTAssertEqual(error as? StudyImportError, .badMarksHeader(path: "(marks)", expected: MarkExportRow.columnNames.joined(separator: ",")))
        }
        XCTAssertTrue(try fresh.exportRows(study: "pilot", allRevisions: true).isEmpty, "nothing stored")
        XCTAssertTrue(try fresh.exportMarks(study: "pilot", allRevisions: true).isEmpty, "nothing stored")
        // An answer to a question its set did not ask (hallucinated is no) is refused.
        let hidden = answersCSV.replacingOccurrences(of: ",hallucinated,yes,yes,", with: ",hallucinated,no,no,")
        XCTAssertNotEqual(hidden, answersCSV)
        XCTAssertThrowsError(try StudyImport.importCSV(hidden, into: fresh, study: "pilot", source: "a.csv")) { error in
            XCTAssertTrue("\(error)".contains("'hallucinated_marks' is asked only when 'hallucinated' is answered 'yes'"), "\(error)")
        }
        let summary = try StudyImport.importCSV(answersCSV, marks: StudyExport.marksCSV(marks), into: fresh, study: "pilot")
        XCTAssertEqual(summary.marks, 2)
        try fresh.close()
    }

    /// A revisited case shows its latest set's marks; a submit without changes stores them again.
    func testRevisitingACaseLoadsItsMarks() throws {
        let folder = try temporaryFolder(self)
        let store = try SQLiteStudyStore(url: folder.appendingPathComponent("s.sqlite"))
        defer { try? store.close() }
        try makeStudy(store)
        let clock = ManualClock()
        let session = try ReadingSession(store: store, study: "pilot", reader: "alice", leaseHolder: "test", now: clock.function)
        let position = session.current!.position
        let label = session.current!.candidates[0].label
        try fillForm(session)
        try session.answer("hallucinated", panel: label, value: "yes")
        try session.addMark(mark(label, .point(x: 7, y: 8)), imageWidth: 16, imageHeight: 16)
        try session.addMark(mark(label, .box(x: 0, y: 0, width: 2, height: 3)), imageWidth: 16, imageHeight: 16)
        try session.submit()
        XCTAssertTrue(session.marks.isEmpty, "the next case starts without marks")
        try session.revisit(position: position)
        XCTAssertEqual(session.marks, [mark(label, .point(x: 7, y: 8)), mark(label, .box(x: 0, y: 0, width: 2, height: 3))])
        XCTAssertEqual(session.pending[AnswerSlot(question: "hallucinated_marks", panel: label)], "2")
        session.removeMark(at: 0)
        let revision = try session.submit()
        XCTAssertEqual(try store.marks(submissionId: revision.id!).map(\.mark), [mark(label, .box(x: 0, y: 0, width: 2, height: 3))])
        try session.close()
    }

    /// Backup copies marks; merge carries them with their answer sets.
    func testBackupAndMergeCarryMarks() throws {
        let folder = try temporaryFolder(self)
        let url = folder.appendingPathComponent("site.sqlite")
        let store = try SQLiteStudyStore(url: url)
        let reading = try makeStudy(store)
        let state = try store.openReading(reader: "alice", in: reading)
        let label = state.panels[state.presentations[0].id!]!.first { !$0.isReference }!.label
        _ = try store.submit(markedSet(state, position: 0, marks: [mark(label, .point(x: 5, y: 6)), mark(label, .box(x: 1, y: 1, width: 3, height: 2))], at: 0))
        let expected = StudyExport.marksCSV(try store.exportMarks(study: "pilot", allRevisions: true))
        let backup = folder.appendingPathComponent("backup.sqlite")
        try store.backup(to: backup)
        try store.close()
        let copy = try SQLiteStudyStore(url: backup, options: .init(readOnly: true))
        XCTAssertEqual(StudyExport.marksCSV(try copy.exportMarks(study: "pilot", allRevisions: true)), expected)
        try copy.close()
        let merged = folder.appendingPathComponent("merged.sqlite")
        try SQLiteStudyStore.merge(from: [url], into: merged)
        try SQLiteStudyStore.merge(from: [backup], into: merged)
        let target = try SQLiteStudyStore(url: merged, options: .init(readOnly: true))
        XCTAssertEqual(StudyExport.marksCSV(try target.exportMarks(study: "pilot", allRevisions: true)), expected,
                       "merged once, the second merge found the set present")
        try target.close()
    }
}

/// A store whose answers export lets a reader submit a revision first (once): the race
/// between `study export`'s two reads, made to happen.
private final class RevisingStore: CoordinatorStudyStore, @unchecked Sendable {
    let inner: SQLiteStudyStore
    var pending: AnswerSet?
    init(_ inner: SQLiteStudyStore, revision: AnswerSet) { self.inner = inner; pending = revision }

    func exportRows(study name: String, allRevisions: Bool) throws -> [ExportRow] {
        if let set = pending { pending = nil; _ = try inner.submit(set) }
        return try inner.exportRows(study: name, allRevisions: allRevisions)
    }
    var location: String { inner.location }
    func readingStudy(named name: String) throws -> ReadingStudy { try inner.readingStudy(named: name) }
    func openReading(reader name: String, in study: ReadingStudy) throws -> ReaderState { try inner.openReading(reader: name, in: study) }
    func panelImage(id: String) throws -> ReaderStudy.PanelImage { try inner.panelImage(id: id) }
    func submit(_ set: AnswerSet) throws -> Submission { try inner.submit(set) }
    func recordSkip(readerId: Int64, position: Int) throws { try inner.recordSkip(readerId: readerId, position: position) }
    func finalise(readerId: Int64, now: Date) throws { try inner.finalise(readerId: readerId, now: now) }
    func latestAnswers(presentationId: Int64) throws -> (Submission, [Answer])? { try inner.latestAnswers(presentationId: presentationId) }
    func marks(submissionId: Int64) throws -> [StoredMark] { try inner.marks(submissionId: submissionId) }
    func acquireLease(readerId: Int64, holder: String, duration: TimeInterval, now: Date) throws -> ReadingLease {
        try inner.acquireLease(readerId: readerId, holder: holder, duration: duration, now: now)
    }
    func releaseLease(readerId: Int64, holder: String) throws { try inner.releaseLease(readerId: readerId, holder: holder) }
    func close() throws { try inner.close() }
    func createStudy(_ definition: StudyDefinition, cases: [Case], calibration: [Case], renderer: any PanelRenderer, now: Date,
                     progress: (Int, Int) -> Void) throws -> StudySnapshot {
        try inner.createStudy(definition, cases: cases, calibration: calibration, renderer: renderer, now: now, progress: progress)
    }
    func studyNames() throws -> [String] { try inner.studyNames() }
    func study(named name: String) throws -> StudySnapshot { try inner.study(named: name) }
    func enrol(readers names: [String], inStudy study: String, now: Date) throws -> [Enrolment] {
        try inner.enrol(readers: names, inStudy: study, now: now)
    }
    func readers(ofStudy study: String) throws -> [EnrolledReader] { try inner.readers(ofStudy: study) }
    func disable(reader name: String, inStudy study: String, now: Date) throws { try inner.disable(reader: name, inStudy: study, now: now) }
    func presentations(ofStudy study: String, reader: String?) throws -> [PresentationRow] {
        try inner.presentations(ofStudy: study, reader: reader)
    }
    func exportMarks(study name: String, allRevisions: Bool) throws -> [MarkExportRow] {
        try inner.exportMarks(study: name, allRevisions: allRevisions)
    }
    func status(ofStudy name: String) throws -> StudyStatus { try inner.status(ofStudy: name) }
    func history(presentationId: Int64) throws -> [(Submission, [Answer])] { try inner.history(presentationId: presentationId) }
    func importAnswerSets(_ sets: [ImportedAnswerSet], study: String) throws -> ImportSummary {
        try inner.importAnswerSets(sets, study: study)
    }
}

extension MarkStoreTests {
    /// A revision submitted between the export's reads: the marks file still belongs to
    /// the answers file (the latest set's marks, which the answers file holds).
    func testAnExportsAnswersAndMarksAgreeWhenASetArrivesBetweenItsReads() throws {
        let store = try SQLiteStudyStore(url: try temporaryFolder(self).appendingPathComponent("s.sqlite"))
        defer { try? store.close() }
        let reading = try makeStudy(store)
        let state = try store.openReading(reader: "alice", in: reading)
        let label = state.panels[state.presentations[0].id!]!.first { !$0.isReference }!.label
        _ = try store.submit(markedSet(state, position: 0, marks: [mark(label, .point(x: 1, y: 1))], at: 0))
        let racing = RevisingStore(store, revision: markedSet(state, position: 0, marks: [mark(label, .point(x: 9, y: 9)),
                                                                                          mark(label, .point(x: 8, y: 8))], at: 30))
        let (answers, marks) = try StudyExport.answersAndMarks(from: racing, study: "pilot")
        XCTAssertNil(racing.pending, "the revision arrived between the reads")
        XCTAssertEqual(Set(answers.map(\.revision)), [2])
        XCTAssertEqual(marks.map { [$0.x, $0.revision] }, [[9, 2], [8, 2]], "the marks of the set the answers file holds")
    }
}

extension MarkStoreTests {
    /// `study report` on a store counts the marks the store holds (latest sets), on every backend.
    func testTheReportFromAStoreCountsItsMarks() throws {
        try forEachStore { store, kind in
            let reading = try makeStudy(store)
            let state = try store.openReading(reader: "alice", in: reading)
            let label = state.panels[state.presentations[0].id!]!.first { !$0.isReference }!.label
            _ = try store.submit(markedSet(state, position: 0, marks: [mark(label, .point(x: 1, y: 1))], at: 0))
            _ = try store.submit(markedSet(state, position: 0, marks: [mark(label, .point(x: 1, y: 1)), mark(label, .point(x: 5, y: 5))],
                                           at: 30))
            let model = try store.presentations(ofStudy: "pilot", reader: "alice")
                .first { $0.listPosition == 1 && $0.panelLabel == label }!.shows
            let report = try StudyReport.make(from: store, study: "pilot")
            let shares = try XCTUnwrap(report.marks, "\(kind)").shares
            let share = try XCTUnwrap(shares.first { $0.model == model && $0.organ == "all" && $0.category == "hallucinated"
                && $0.reader == "alice" }, "\(kind): \(shares)")
            XCTAssertEqual(share.marks, 2, "\(kind): the revision's two marks, not the first set's one")
            XCTAssertEqual(share.marked, 1, "\(kind)")
        }
    }
}
