import Dataset
import Foundation
import ReaderStudy
@testable import ReviewTUI
import Testing

/// A real study database in a temporary folder: cases 0001–0003 in the study, 0417 only
/// in the dataset; `rate` submits answer sets as a reader through `ReadingSession`.
private final class StudyFixture {
    let folder: URL
    let url: URL
    let store: SQLiteStudyStore
    let dataset: [Case]

    init(mode: StudyMode = .open) throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("usreview-ratings-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        url = folder.appendingPathComponent("study.sqlite")
        store = try SQLiteStudyStore(url: url)
        dataset = [1, 2, 3, 417].map { number in
            let id = String(format: "%04d", number)
            return Case(id: id, organ: number < 417 ? .thyroid : .carotid,
                        devices: DevicePair(low: "portable", high: "cart"),
                        lowPath: URL(fileURLWithPath: "/l/\(id).png"), highPath: URL(fileURLWithPath: "/h/\(id).png"),
                        split: .test)
        }
        let definition = StudyDefinition(
            name: "pilot", datasetPath: folder.path, models: [ModelSpec(name: "unet", weights: "/m/unet.safetensors")],
            mode: mode,
            questions: [QuestionDefinition(key: "fidelity", prompt: "Anatomical fidelity", kind: .likert(points: 5, anchors: []))],
            includeHighAsCandidate: false)
        _ = try store.createStudy(definition, cases: Array(dataset.prefix(3)), calibration: [])
        try store.enrol(readers: ["alice", "bob", "carol"], inStudy: "pilot")
    }

    deinit { try? FileManager.default.removeItem(at: folder) }

    /// Submits `count` answer sets as `reader`; the IDs of the cases rated.
    @discardableResult
    func rate(_ reader: String, count: Int) throws -> Set<String> {
        let session = try ReadingSession(store: store, study: "pilot", reader: reader)
        var rated = Set<String>()
        for _ in 0..<count {
            guard let current = session.current else { break }
            for slot in session.allSlots {
                try session.answer(slot.question, panel: slot.panel.isEmpty ? nil : slot.panel, value: "4")
            }
            try session.submit()
            rated.insert(current.studyCase.caseId)
        }
        return rated
    }
}

private func run(_ state: AppState, _ keys: [Key]) -> AppState {
    keys.reduce(state) { reduce($0, .key($1)) }
}

private func listed(_ state: AppState) -> [String] { state.visibleIndices.map { state.cases[$0].id } }

@Suite struct StudyRatingsTests {
    @Test func loadsWhichCasesEachReaderRated() throws {
        let fixture = try StudyFixture()
        let alice = try fixture.rate("alice", count: 1)
        let bob = try fixture.rate("bob", count: 2)
        // carol is enrolled and has rated nothing.

        let mine = try StudyRatings.load(from: fixture.store, study: "pilot", reader: "alice")
        #expect(mine.readers == ["alice", "bob", "carol"])
        #expect(mine.caseIDs == ["0001", "0002", "0003"])
        let aliceCase = try #require(alice.first)
        #expect(mine.status(of: aliceCase) == .rated)
        #expect(mine.status(of: "0417") == .notInStudy)
        #expect(mine.columnText(for: "0417") == "—")
        for id in mine.caseIDs where id != aliceCase {
            #expect(mine.status(of: id) == .notRated)
        }
        let raters = (alice.contains(aliceCase) ? 1 : 0) + (bob.contains(aliceCase) ? 1 : 0)
        #expect(mine.columnText(for: aliceCase) == "✓ rated (\(raters)/3)")
        #expect(mine.heading == "rated (alice)")

        // Without a reader, any reader's answer set makes a case rated.
        let anyone = try StudyRatings.load(from: fixture.store, study: "pilot", reader: nil)
        for id in anyone.caseIDs {
            #expect(anyone.status(of: id) == (alice.union(bob).contains(id) ? .rated : .notRated))
        }
        let unrated = try #require(anyone.caseIDs.subtracting(alice.union(bob)).first)
        #expect(anyone.columnText(for: unrated) == "0/3 readers")
        #expect(anyone.heading == "rated")

        let stranger = try StudyRatings.load(from: fixture.store, study: "pilot", reader: "dave")
        #expect(!stranger.readerEnrolled)
        #expect(stranger.caseIDs.allSatisfy { stranger.status(of: $0) == .notRated })
    }

    @Test func statusFilterGainsRatedAndNotRatedWithAStudy() throws {
        let fixture = try StudyFixture()
        let rated = try fixture.rate("alice", count: 2)
        var state = AppState(cases: fixture.dataset, hasModel: true)

        // Without a study, e cycles the work statuses only.
        let plain = run(state, Array(repeating: .character("e"), count: 3))
        #expect(plain.filter.status == .notYet)
        #expect(run(plain, [.character("e")]).filter.status == nil)

        state = reduce(state, .ratings(try StudyRatings.load(from: fixture.store, study: "pilot", reader: "alice")))
        state = run(state, Array(repeating: .character("e"), count: 4))
        #expect(state.filter.status == .rated)
        #expect(Set(listed(state)) == rated)
        #expect(rated.contains(state.selectedCase?.id ?? ""))  // the selection follows the filter
        #expect(state.filter.summary == "status rated")

        state = run(state, [.character("e")])
        #expect(state.filter.status == .notRated)
        #expect(Set(listed(state)) == Set(["0001", "0002", "0003"]).subtracting(rated))  // 0417 is not in the study

        state = run(state, [.character("e")])
        #expect(state.filter.status == nil)
        #expect(listed(state).count == 4)
    }

    @Test func ratingsReadAgainOnlyWhenTheStudyChanged() throws {
        let fixture = try StudyFixture()
        try fixture.rate("alice", count: 1)
        let source = try StudyRatingsSource(url: fixture.url, study: "pilot", reader: "alice")
        #expect(source.ratings.ratedBy.values.reduce(0) { $0 + $1.count } == 1)
        #expect(try source.refreshIfChanged() == nil)

        // Another reading session (here: this process; usually another terminal) submits.
        try fixture.rate("alice", count: 1)
        let fresh = try #require(try source.refreshIfChanged())
        #expect(fresh.caseIDs.count { fresh.status(of: $0) == .rated } == 2)
        #expect(source.ratings == fresh)
        #expect(try source.refreshIfChanged() == nil)

        // A "not rated" list loses the case rated meanwhile; the selection moves with it.
        var state = AppState(cases: fixture.dataset, hasModel: true)
        state = reduce(state, .ratings(try StudyRatings.load(from: fixture.store, study: "pilot", reader: "bob")))
        state = run(state, Array(repeating: .character("e"), count: 5))
        #expect(listed(state).count == 3)
        let first = try #require(state.selectedCase?.id)
        var rated = try #require(state.ratings)
        rated.readers.append("bob")
        rated.ratedBy[first, default: []].insert("bob")
        state = reduce(state, .ratings(rated))
        #expect(!listed(state).contains(first))
        #expect(state.selectedCase?.id != first)
    }

    @Test func unknownStudyIsAnErrorThatNamesIt() throws {
        let fixture = try StudyFixture()
        #expect(throws: (any Error).self) { try StudyRatingsSource(url: fixture.url, study: "nosuch", reader: nil) }
        do {
            _ = try StudyRatingsSource(url: fixture.url, study: "nosuch", reader: nil)
        } catch {
            #expect("\(error)".contains("nosuch"))
        }
    }

    /// The review app shows model names and metrics beside every case: on a blinded
    /// study it would unblind a reader, so the ratings source refuses it and says where
    /// the progress counts are.
    @Test func blindedStudyIsRefusedWithWhereToLook() throws {
        let fixture = try StudyFixture(mode: .blinded)
        try fixture.rate("alice", count: 1)
        #expect(throws: StudyRatingsError.blinded(study: "pilot", path: fixture.url.path)) {
            try StudyRatingsSource(url: fixture.url, study: "pilot", reader: "alice")
        }
        let message = StudyRatingsError.blinded(study: "pilot", path: fixture.url.path).description
        #expect(message.contains("study status --study pilot"))
        let open = try StudyFixture(mode: .open)
        #expect(try StudyRatingsSource(url: open.url, study: "pilot", reader: nil).ratings.study == "pilot")
    }

    @Test func browserShowsTheRatedColumnOnlyWithAStudy() throws {
        let fixture = try StudyFixture()
        let rated = try fixture.rate("alice", count: 1)
        let context = ViewContext(datasetName: "ds", modelName: nil, modelError: nil, graphics: .halfBlocks,
                                  lpipsInstalled: false)
        func text(_ state: AppState) -> String {
            let screen = Views.draw(state, results: { _ in nil }, context: context, size: TerminalGraphicsSize.make(160, 30))
            return (0..<screen.rows).map(screen.line).joined(separator: "\n")
        }
        var state = AppState(cases: fixture.dataset, hasModel: true)
        #expect(!text(state).contains("rated"))

        state = reduce(state, .ratings(try StudyRatings.load(from: fixture.store, study: "pilot", reader: "alice")))
        let screen = text(state)
        #expect(screen.contains("rated (alice)"))
        let ratedID = try #require(rated.first)
        let line = try #require(screen.split(separator: "\n").first { $0.contains(ratedID) })
        #expect(line.contains("✓ rated"))
        let outside = try #require(screen.split(separator: "\n").first { $0.contains("0417") })
        #expect(outside.contains("—"))
    }
}
