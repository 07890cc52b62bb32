import Dataset
import Foundation

// The two roles a study store plays, as protocols, and the values that cross them.
//
// A reader's client holds only a `ReaderStudyStore`: everything it can ask for is
// free of the key (which image or model stands behind a label, the seed, the dataset,
// the model files). The coordinator's commands hold a `CoordinatorStudyStore`, which
// refines it (as GRDB's `DatabaseWriter` refines `DatabaseReader`). Two backends
// implement both: `SQLiteStudyStore` (one file, a single site) and
// `PostgresStudyStore` (a server, where the database's roles enforce the split too).
// One conformance suite (Tests/ReaderStudyTests/StoreConformance.swift) runs on both.

/// A study as a reader's client may know it: no seed, dataset, model or definition.
public struct ReadingStudy: Equatable, Sendable {
    public var id: Int64
    public var name: String
    public var mode: StudyMode
    public var questions: [QuestionDefinition]
    /// Every case of the study, in the study's order (not the reader's).
    public var cases: [ReadingCase]

    public init(id: Int64, name: String, mode: StudyMode, questions: [QuestionDefinition], cases: [ReadingCase]) {
        self.id = id
        self.name = name
        self.mode = mode
        self.questions = questions
        self.cases = cases
    }
}

/// A case as a reader sees it: what it is, never where its files are.
public struct ReadingCase: Equatable, Sendable {
    /// The study case's row ID (`Presentation.studyCaseId` points at it).
    public var id: Int64
    /// The 4-digit USEnhance case ID ("0838").
    public var caseId: String
    public var organ: Organ
    public var lowDevice: String
    public var highDevice: String
    public var isCalibration: Bool

    public init(id: Int64, caseId: String, organ: Organ, lowDevice: String, highDevice: String, isCalibration: Bool) {
        self.id = id
        self.caseId = caseId
        self.organ = organ
        self.lowDevice = lowDevice
        self.highDevice = highDevice
        self.isCalibration = isCalibration
    }
}

/// One panel as a reader's client gets it: a label, a place and an image by an opaque
/// ID. What the label shows (`Panel.source`) is the key and stays with the coordinator.
public struct ShownPanel: Codable, Hashable, Sendable {
    public var label: String
    /// 1 = leftmost.
    public var position: Int
    /// Shown, not rated.
    public var isReference: Bool
    /// The frozen image (`ReaderStudyStore.panelImage(id:)`): a random UUID, the same
    /// for every showing of the same image.
    public var imageId: String

    public init(label: String, position: Int, isReference: Bool, imageId: String) {
        self.label = label
        self.position = position
        self.isReference = isReference
        self.imageId = imageId
    }
}

/// A panel image as frozen at `study create`: 8-bit gray PNG bytes, the same for every
/// reader on every machine.
public struct PanelImage: Equatable, Sendable {
    public var width: Int
    public var height: Int
    public var png: Data

    public init(width: Int, height: Int, png: Data) {
        self.width = width
        self.height = height
        self.png = png
    }
}

/// Who is reading as a reader now: one session per reader at a time. A lease is held,
/// renewed while the session lives, and expires when it dies (a crash, a lost network),
/// so a second session is refused with where the first one is rather than turning the
/// first one's answers into silent revisions.
public struct ReadingLease: Equatable, Sendable {
    /// Where the session runs, as the holder described itself ("alice@ws12 pid 4242").
    public var holder: String
    public var expiresAt: Date

    public init(holder: String, expiresAt: Date) {
        self.holder = holder
        self.expiresAt = expiresAt
    }
}

/// What `study readers add` made: the reader, and for a server the connection string
/// (with a generated password) the coordinator hands to them.
public struct Enrolment: Equatable, Sendable {
    public var reader: EnrolledReader
    /// `postgresql://ROLE:PASSWORD@HOST:PORT/DB` on a server; nil for a file.
    public var connection: String?

    public init(reader: EnrolledReader, connection: String?) {
        self.reader = reader
        self.connection = connection
    }
}

/// Renders the panels of a study once, when it is created: the LOW and HIGH images as
/// stored 8-bit gray, each model's enhancement of LOW. Implemented where the generator
/// lives (`GeneratorPanelRenderer`); tests pass their own.
public protocol PanelRenderer {
    /// SHA-256 (lowercase hex) of each model's weights file, by model name.
    func modelDigests() throws -> [String: String]
    /// The image `source` of `item`, and the SHA-256 of the file it came from (for LOW
    /// and HIGH; the model's digest for an enhancement). nil: the case has no such image
    /// (a case without HIGH).
    func render(_ item: Case, source: ImageSource) throws -> (image: PanelImage, sourceDigest: String)?
}

/// What a reader's client needs, and all it can have: its own list, its panels by
/// opaque ID, its answers. Every method is one round trip or one transaction.
public protocol ReaderStudyStore: AnyObject, Sendable {
    /// Where the store is, for messages: a file path, or the server without a password.
    var location: String { get }

    /// - Throws: `StudyStoreError.studyNotFound`.
    func readingStudy(named name: String) throws -> ReadingStudy

    /// The list drawn for the reader at enrolment, their panels and what is answered.
    ///
    /// - Throws: `readerNotEnrolled` listing the enrolled readers (a typo enrols no
    ///   one), `readerDisabled`, `notFrozen` for a study made before panels were stored.
    func openReading(reader name: String, in study: ReadingStudy) throws -> ReaderState

    /// - Throws: `StudyStoreError.imageNotFound`.
    func panelImage(id: String) throws -> PanelImage

    /// Stores one answer set as the next revision, in one transaction. Idempotent by
    /// `AnswerSet.clientToken`: a retry of a set already stored returns the stored
    /// submission and stores nothing.
    func submit(_ set: AnswerSet) throws -> Submission

    /// Moves the reader's resume point to `position` (a skip).
    func recordSkip(readerId: Int64, position: Int) throws

    /// Closes the reader's answers to revision.
    func finalise(readerId: Int64, now: Date) throws

    /// The latest answer set of a presentation and its answers (nil when unanswered).
    func latestAnswers(presentationId: Int64) throws -> (Submission, [Answer])?

    /// The marks of one answer set (`Submission.id`), in the order placed. On a server a
    /// reader reads only their own.
    func marks(submissionId: Int64) throws -> [StoredMark]

    /// Takes the reader's lease, or renews it when `holder` already has it.
    ///
    /// - Throws: `StudyStoreError.readerBusy` naming the other holder and when its lease
    ///   ends, when another session holds an unexpired lease.
    func acquireLease(readerId: Int64, holder: String, duration: TimeInterval, now: Date) throws -> ReadingLease

    /// Gives the lease back (quitting); nothing happens when `holder` does not hold it.
    func releaseLease(readerId: Int64, holder: String) throws

    func close() throws
}

/// The coordinator's store: creating and freezing studies, enrolling readers, and
/// everything unblinded (export, report, presentations, status).
public protocol CoordinatorStudyStore: ReaderStudyStore {
    /// Creates a study and freezes it: the cases, and every panel image rendered once by
    /// `renderer`, all in one transaction (nothing is stored when anything fails).
    /// `progress(done, total)` is called after each image.
    @discardableResult
    func createStudy(_ definition: StudyDefinition, cases: [Case], calibration: [Case], renderer: any PanelRenderer,
                     now: Date, progress: (Int, Int) -> Void) throws -> StudySnapshot

    func studyNames() throws -> [String]

    /// The whole study, key included.
    func study(named name: String) throws -> StudySnapshot

    /// Draws each reader's list from the study's seed and stores it (on a server, also
    /// creates each reader's login role). All or nothing.
    func enrol(readers names: [String], inStudy study: String, now: Date) throws -> [Enrolment]

    /// Every enrolled reader, disabled ones included, in name order.
    func readers(ofStudy study: String) throws -> [EnrolledReader]

    /// Stops a reader from opening the study again (and from logging in, on a server).
    func disable(reader name: String, inStudy study: String, now: Date) throws

    /// Each reader's cases in list order, every panel with what it shows.
    func presentations(ofStudy study: String, reader: String?) throws -> [PresentationRow]

    /// Every answer, unblinded, ordered by reader, list position, revision and form order.
    func exportRows(study name: String, allRevisions: Bool) throws -> [ExportRow]

    /// Every mark, unblinded (the model behind each panel label), ordered by reader, list
    /// position, revision and the order placed.
    func exportMarks(study name: String, allRevisions: Bool) throws -> [MarkExportRow]

    /// Readers and their progress.
    func status(ofStudy name: String) throws -> StudyStatus

    /// Every answer set of a presentation, oldest first: the audit trail.
    func history(presentationId: Int64) throws -> [(Submission, [Answer])]

    /// Stores answer sets collected elsewhere (paper forms, another tool, a restore), each
    /// as the given revision of a reader's showing, all in one transaction. A set already
    /// stored (same showing and revision, submit time within a millisecond) is counted and
    /// not stored again, so an import can be repeated. Marks are checked as `submit`
    /// checks them (`MarkChecks`) and stored with their set; an already stored set's
    /// marks must be the same.
    ///
    /// - Throws: `ImportConflict` naming the set whose revision is stored with another
    ///   submit time, or whose showing does not exist (nothing is stored then).
    func importAnswerSets(_ sets: [ImportedAnswerSet], study: String) throws -> ImportSummary
}

/// One answer set to import: whose showing (the reader and the 0-based place in their
/// list), which revision, when, and the answers in form order.
public struct ImportedAnswerSet: Equatable, Sendable {
    public var reader: String
    public var listPosition: Int
    public var revision: Int
    public var startedAt: Date
    public var submittedAt: Date
    public var durationMs: Int64
    public var answers: [PendingAnswer]
    /// The set's marks, in the order placed.
    public var marks: [PendingMark]
    /// False when the import carries answers only (no marks file): a set already stored
    /// is then not compared by its marks. A new set is stored with `marks` either way.
    public var comparesMarks = true

    public init(reader: String, listPosition: Int, revision: Int, startedAt: Date, submittedAt: Date, durationMs: Int64,
                answers: [PendingAnswer], marks: [PendingMark] = []) {
        self.marks = marks
        self.reader = reader
        self.listPosition = listPosition
        self.revision = revision
        self.startedAt = startedAt
        self.submittedAt = submittedAt
        self.durationMs = durationMs
        self.answers = answers
    }
}

/// An imported answer set the store cannot take: `index` into the sets given.
public struct ImportConflict: Error, Equatable, Sendable {
    public var index: Int
    public var reason: String
    /// The mark of that set at fault (an index into its `marks`), when it is one mark.
    public var mark: Int? = nil
}
