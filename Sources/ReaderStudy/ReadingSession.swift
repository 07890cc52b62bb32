import Foundation

/// One place for an answer on the form: a question, about one candidate panel (its
/// label) or about the whole case (`""`).
public struct AnswerSlot: Hashable, Sendable, CustomStringConvertible {
    public var question: String
    public var panel: String
    public init(question: String, panel: String = "") {
        self.question = question
        self.panel = panel
    }
    public var description: String { panel.isEmpty ? question : "\(question) (\(panel))" }
}

/// The case on screen.
public struct PresentedCase: Equatable, Sendable {
    public var presentation: Presentation
    public var studyCase: ReadingCase
    /// Left to right.
    public var panels: [ShownPanel]
    /// 0-based place in the reader's list.
    public var position: Int { presentation.position }
    /// The revision a submit will store (1 for a first answer).
    public var nextRevision: Int
    /// The panels that are rated.
    public var candidates: [ShownPanel] { panels.filter { !$0.isReference } }
}

/// A reader working through a study: identify, see the next case, answer, submit,
/// skip and come back, revise until finalising.
///
/// Every submit is one transaction in the store; the resume point is stored with it,
/// so reopening a session (after quitting or a crash) shows the first unanswered case
/// after the last one submitted or skipped. If a submit fails (read-only file, full
/// disk) the error is thrown and the pending answers stay, for a retry.
///
/// One session per reader at a time: it holds the reader's lease from opening to
/// `close()`, renewed by `renewLease()` (callers renew every ~30 s).
///
/// Not thread-safe: one session belongs to one screen.
public final class ReadingSession {
    /// How long a lease lasts without renewal: a crashed session frees the reader after it.
    public static let leaseDuration: TimeInterval = 120

    public let store: any ReaderStudyStore
    public let study: ReadingStudy
    /// Where this session runs, as the lease names it ("alice@ws12 pid 4242").
    public let leaseHolder: String
    /// False only for a store that cannot be written (see `init`).
    public private(set) var holdsLease = false
    public private(set) var state: ReaderState
    public private(set) var current: PresentedCase?
    /// The answers given on the form and not yet stored.
    public private(set) var pending: [AnswerSlot: String] = [:]
    /// The marks placed on the current case and not yet stored, in the order placed.
    /// A marks question's answer is their number (kept in `pending` by the session).
    public private(set) var marks: [PendingMark] = []
    /// When the current case was displayed.
    public private(set) var displayedAt: Date
    private let now: () -> Date
    private let questionsByKey: [String: QuestionDefinition]
    private let casesByID: [Int64: ReadingCase]

    /// Opens the reader's session on the list the coordinator drew when enrolling them,
    /// and takes the reader's lease.
    ///
    /// - Parameter now: the clock for display, submit and lease times (tests pass their own).
    /// - Throws: `readerBusy` when another session reads as this reader.
    public init(store: any ReaderStudyStore, study: String, reader: String, leaseHolder: String,
                now: @escaping () -> Date = Date.init) throws {
        self.store = store
        self.now = now
        self.leaseHolder = leaseHolder
        self.study = try store.readingStudy(named: study)
        state = try store.openReading(reader: reader, in: self.study)
        questionsByKey = Dictionary(self.study.questions.map { ($0.key, $0) }, uniquingKeysWith: { first, _ in first })
        casesByID = Dictionary(self.study.cases.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        displayedAt = now()
        do {
            _ = try store.acquireLease(readerId: state.reader.id!, holder: leaseHolder, duration: Self.leaseDuration, now: now())
            holdsLease = true
        } catch StudyStoreError.readOnly {
            // A store that cannot be written takes no answers either, so two sessions on
            // it cannot turn answers into revisions: it is opened without a lease (to look).
            holdsLease = false
        }
        try show(nextPosition())
    }

    /// This process as a lease holder: "USER@HOST pid PID".
    public static func localHolder() -> String {
        let user = ProcessInfo.processInfo.userName
        return "\(user)@\(ProcessInfo.processInfo.hostName) pid \(getpid())"
    }

    /// Renews the lease (callers do it every ~30 s while the session lives).
    ///
    /// - Throws: `readerBusy` when the lease expired and another session took it.
    @discardableResult
    public func renewLease() throws -> ReadingLease? {
        guard holdsLease else { return nil }
        return try store.acquireLease(readerId: state.reader.id!, holder: leaseHolder, duration: Self.leaseDuration, now: now())
    }

    /// Gives the lease back; the store stays open (its owner closes it).
    public func close() throws {
        guard holdsLease else { return }
        try store.releaseLease(readerId: state.reader.id!, holder: leaseHolder)
    }

    public var readerName: String { state.reader.name }
    public var questions: [QuestionDefinition] { study.questions }
    public var isFinalised: Bool { state.reader.isFinalised }

    /// n of N: presentations answered at least once, and all of them.
    public var progress: (answered: Int, total: Int) { (state.latestRevision.count, state.presentations.count) }
    public var isComplete: Bool { state.latestRevision.count == state.presentations.count }

    // MARK: - Answering

    /// Sets one answer on the form. `panel` names the candidate for per-candidate
    /// questions (it may be left out when there is only one candidate).
    public func answer(_ questionKey: String, panel: String? = nil, value: String) throws {
        let slot = try self.slot(questionKey, panel: panel)
        let question = questionsByKey[questionKey]!
        if question.markCategories != nil {
            throw AnswerError.invalidValue(question: questionKey, value: value,
                                           expected: "marks placed on the image (addMark), not a typed answer")
        }
        pending[slot] = try question.validated(value, candidates: current!.candidates.map(\.label))
    }

    /// Empties the form, its marks included (a client that keeps its own form hands it
    /// over whole for each submit).
    public func clearForm() {
        pending = [:]
        marks = []
    }

    /// Every place a required question still needs an answer, in form order.
    public var missingRequired: [AnswerSlot] {
        allSlots.filter { slot in
            questionsByKey[slot.question]!.required && (pending[slot] ?? "").isEmpty
        }
    }

    /// Every answer place of the current case that is asked, given the answers on the
    /// form (`QuestionDefinition.when`), in form order.
    public var allSlots: [AnswerSlot] {
        guard let current else { return [] }
        return AnswerSlot.asked(study.questions, candidates: current.candidates.map(\.label), answers: pending)
    }

    // MARK: - Marks

    /// The marks questions asked for `panel` now, each with its categories, in form order:
    /// what a mark placed on that candidate can be.
    public func markQuestions(panel: String) -> [QuestionDefinition] {
        AnswerSlot.markQuestions(study.questions, asked: allSlots, panel: panel)
    }

    /// Adds a mark; returns its index in `marks`. A mark whose question is hidden (its
    /// condition's answer changed) stays on the form, as hidden answers do, but is not
    /// stored.
    ///
    /// - Throws: `invalidMark` for a category, confidence or place the question cannot take.
    @discardableResult
    public func addMark(_ mark: PendingMark, imageWidth: Int? = nil, imageHeight: Int? = nil) throws -> Int {
        try checkMark(mark, imageWidth: imageWidth, imageHeight: imageHeight)
        guard marks.count < PendingMark.limitPerAnswerSet else {
            throw AnswerError.invalidMark(question: mark.questionKey,
                                          reason: "a case holds at most \(PendingMark.limitPerAnswerSet) marks")
        }
        marks.append(mark)
        syncMarkAnswers()
        return marks.count - 1
    }

    public func removeMark(at index: Int) {
        guard marks.indices.contains(index) else { return }
        marks.remove(at: index)
        syncMarkAnswers()
    }

    private func checkMark(_ mark: PendingMark, imageWidth: Int?, imageHeight: Int?) throws {
        let slot = try self.slot(mark.questionKey, panel: mark.panelLabel)
        let question = questionsByKey[mark.questionKey]!
        guard question.markCategories != nil else {
            throw AnswerError.invalidMark(question: mark.questionKey, reason: "'\(mark.questionKey)' is not a marks question")
        }
        var placed = mark
        placed.panelLabel = slot.panel
        try placed.validate(question: question, imageWidth: imageWidth, imageHeight: imageHeight)
    }

    private func syncMarkAnswers() {
        guard let current else { return }
        AnswerSlot.countMarks(marks, questions: study.questions, candidates: current.candidates.map(\.label), into: &pending)
    }

    /// Stores the form as one answer set and moves to the next case.
    ///
    /// - Throws: `AnswerError.missingRequired` when required answers are missing, or
    ///   `StudyStoreError` when the store cannot save; either way the form is kept.
    @discardableResult
    public func submit() throws -> Submission {
        guard let current else { throw AnswerError.noCurrentCase }
        if isFinalised {
            // The store refuses it too; say so before complaining about missing answers.
            throw StudyStoreError.readerFinalised(reader: state.reader.name, study: study.name)
        }
        let missing = missingRequired
        if !missing.isEmpty { throw AnswerError.missingRequired(missing.map(\.description)) }
        let submittedAt = now()
        // A hidden question's answer (and its marks) is not stored.
        let asked = allSlots
        let answers = asked.compactMap { slot in
            pending[slot].map { PendingAnswer(questionKey: slot.question, panelLabel: slot.panel, value: $0) }
        }
        let askedSlots = Set(asked)
        let keptMarks = marks.filter { askedSlots.contains(AnswerSlot(question: $0.questionKey, panel: $0.panelLabel)) }
        let isFirstAnswer = state.latestRevision[current.presentation.id!] == nil
        let set = AnswerSet(readerId: state.reader.id!, presentationId: current.presentation.id!, answers: answers,
                            startedAt: displayedAt, submittedAt: submittedAt,
                            durationMs: max(0, Int64((submittedAt.timeIntervalSince(displayedAt) * 1000).rounded())),
                            movesCursorTo: isFirstAnswer ? current.position : nil, marks: keptMarks)
        let submission = try store.submit(set)
        state.latestRevision[current.presentation.id!] = submission.revision
        if isFirstAnswer { state.reader.cursor = current.position }
        try show(nextPosition())
        return submission
    }

    /// Leaves the current case unanswered for now; it comes back after the others.
    public func skip() throws {
        guard let current else { throw AnswerError.noCurrentCase }
        try store.recordSkip(readerId: state.reader.id!, position: current.position)
        state.reader.cursor = current.position
        try show(nextPosition(after: current.position))
    }

    /// Shows the case at `position` again, its latest answers on the form, to revise it.
    public func revisit(position: Int) throws {
        guard state.presentations.indices.contains(position) else { throw AnswerError.noCurrentCase }
        try show(position)
    }

    /// The answered case just before the one on screen (before the resume point when
    /// every case is answered), or nil when there is none.
    public func previousAnsweredPosition() -> Int? {
        let limit = current?.position ?? state.presentations.count
        return state.presentations.last { $0.position < limit && state.latestRevision[$0.id!] != nil }?.position
    }

    /// Whether the case on screen is an earlier, already answered one (being revised).
    public var isRevisiting: Bool {
        guard let current else { return false }
        return state.latestRevision[current.presentation.id!] != nil
    }

    /// Shows the answered case before the one on screen, its latest answers on the form.
    /// Returns false (and changes nothing) when there is none.
    @discardableResult
    public func revisitPrevious() throws -> Bool {
        guard let position = previousAnsweredPosition() else { return false }
        try show(position)
        return true
    }

    /// Leaves a revisited case: back to the first unanswered case after the resume point.
    public func returnToResumePoint() throws {
        try show(nextPosition())
    }

    /// Closes the reader's answers: no revision is accepted afterwards.
    public func finalise() throws {
        try store.finalise(readerId: state.reader.id!, now: now())
        state.reader.finalisedAt = now()
    }

    // MARK: - Moving through the list

    /// The panels of the case a submit of the one on screen leads to (the next unanswered
    /// case after it), for fetching its images ahead of time; nil when there is none.
    public var upcomingPanels: [ShownPanel]? {
        guard let current, let position = nextPosition(after: current.position), position != current.position else { return nil }
        return state.panels[state.presentations[position].id!]
    }

    /// The first unanswered case after the resume point, else the first unanswered one
    /// (skipped cases come back), else nil.
    private func nextPosition(after cursor: Int? = nil) -> Int? {
        let cursor = cursor ?? state.reader.cursor
        let unanswered = state.presentations.filter { state.latestRevision[$0.id!] == nil }.map(\.position)
        return unanswered.first(where: { $0 > cursor }) ?? unanswered.first
    }

    private func show(_ position: Int?) throws {
        pending = [:]
        marks = []
        displayedAt = now()
        guard let position else {
            current = nil
            return
        }
        let presentation = state.presentations[position]
        let latest = state.latestRevision[presentation.id!]
        current = PresentedCase(presentation: presentation, studyCase: casesByID[presentation.studyCaseId]!,
                                panels: state.panels[presentation.id!] ?? [], nextRevision: (latest ?? 0) + 1)
        if latest != nil, let (submission, answers) = try store.latestAnswers(presentationId: presentation.id!) {
            for answer in answers { pending[AnswerSlot(question: answer.questionKey, panel: answer.panelLabel)] = answer.value }
            // The stored answers already hold each marks question's count of these marks.
            marks = try store.marks(submissionId: submission.id!).map(\.mark)
        }
    }

    private func slot(_ questionKey: String, panel: String?) throws -> AnswerSlot {
        guard let current else { throw AnswerError.noCurrentCase }
        guard let question = questionsByKey[questionKey] else {
            throw AnswerError.unknownQuestion(key: questionKey, known: study.questions.map(\.key))
        }
        if question.perCase { return AnswerSlot(question: questionKey) }
        let labels = current.candidates.map(\.label)
        if let panel, let label = labels.first(where: { $0 == panel })
            ?? labels.first(where: { $0.caseInsensitiveCompare(panel) == .orderedSame }) {
            return AnswerSlot(question: questionKey, panel: label)
        }
        if panel == nil, labels.count == 1 { return AnswerSlot(question: questionKey, panel: labels[0]) }
        throw AnswerError.unknownPanel(label: panel ?? "(none)", candidates: labels)
    }
}

extension AnswerSlot {
    /// The places on the form that are asked, given `answers`, in form order: every
    /// question without a `when`, and each conditional one (per candidate for a question
    /// about candidates) whose condition's answer is given and asked itself.
    public static func asked(_ questions: [QuestionDefinition], candidates: [String],
                             answers: [AnswerSlot: String]) -> [AnswerSlot] {
        var asked = Set<AnswerSlot>()
        var slots: [AnswerSlot] = []
        for question in questions {
            let places = question.perCase ? [AnswerSlot(question: question.key)]
                : candidates.map { AnswerSlot(question: question.key, panel: $0) }
            for place in places {
                if let condition = question.when {
                    // A per-candidate condition is read for the same candidate.
                    let target = questions.first { $0.key == condition.question }
                    let targetSlot = AnswerSlot(question: condition.question, panel: target?.perCase == false ? place.panel : "")
                    guard asked.contains(targetSlot), answers[targetSlot] == condition.answer else { continue }
                }
                asked.insert(place)
                slots.append(place)
            }
        }
        return slots
    }

    /// The marks questions asked (`asked`, from `asked(_:candidates:answers:)`) for
    /// candidate `panel`, in form order: what a mark placed there can be.
    public static func markQuestions(_ questions: [QuestionDefinition], asked: [AnswerSlot],
                                     panel: String) -> [QuestionDefinition] {
        let places = Set(asked)
        return questions.filter { $0.markCategories != nil && places.contains(AnswerSlot(question: $0.key, panel: panel)) }
    }

    /// Sets each marks question's answer on each candidate to the number of its marks
    /// there (none: no answer), as the session stores it and the stores check it.
    public static func countMarks(_ marks: [PendingMark], questions: [QuestionDefinition], candidates: [String],
                                  into answers: inout [AnswerSlot: String]) {
        for question in questions where question.markCategories != nil {
            for panel in candidates {
                let count = marks.filter { $0.questionKey == question.key && $0.panelLabel == panel }.count
                answers[AnswerSlot(question: question.key, panel: panel)] = count > 0 ? String(count) : nil
            }
        }
    }
}

extension QuestionDefinition {
    /// A valid answer, for simulated readers and benchmarks: the scale's middle, "no",
    /// the first option, the candidates in panel order.
    public func exampleValue(candidates: [String], variant: Int = 0) -> String {
        switch kind {
        case let .likert(points, _), let .relative(points, _): return String(1 + abs(variant) % points)
        case .yesNo: return variant % 2 == 0 ? "no" : "yes"
        case let .choice(options): return options[abs(variant) % options.count]
        case .text: return variant == 0 ? "" : "simulated comment \(variant)"
        case .preference: return candidates[abs(variant) % candidates.count]
        case .ranking: return candidates.joined(separator: ">")
        case .marks: return required ? "1" : "0"
        }
    }
}
