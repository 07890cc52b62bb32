import Foundation
import ReaderStudy

/// Which of the dataset's cases a reader study has rated, for the browser's "rated"
/// column and the status filter (`usreview review --study NAME [--reader NAME]`).
///
/// The review app only reports ratings; they are made in study mode (`usreview read`),
/// often in another terminal or by other readers, so the browser reads them from the
/// study database at start-up and again whenever the file has changed
/// (`StudyRatingsSource`). A case is rated by a reader once they submitted an answer
/// set for it; calibration showings do not count (they are practice, left out of the
/// report), so a case shown only for calibration is "not in the study".
public struct StudyRatings: Equatable, Sendable {
    public enum Status: Equatable, Sendable {
        /// The study does not read this case: the column shows "—", neither filter lists it.
        case notInStudy
        case rated
        case notRated
    }

    public var study: String
    /// Whose ratings make a case "rated" (the filter and the ✓); nil: any reader's.
    public var reader: String?
    /// Readers enrolled in the study, in name order.
    public var readers: [String]
    /// Case ID → the readers who rated it.
    public var ratedBy: [String: Set<String>]
    /// The IDs of the cases the study reads (calibration-only cases left out).
    public var caseIDs: Set<String>

    public init(study: String, reader: String?, readers: [String], ratedBy: [String: Set<String>], caseIDs: Set<String>) {
        self.study = study
        self.reader = reader
        self.readers = readers
        self.ratedBy = ratedBy
        self.caseIDs = caseIDs
    }

    /// Whether `reader` has started the study (a name not enrolled may be a typo).
    public var readerEnrolled: Bool { reader.map(readers.contains) ?? true }

    public func status(of caseID: String) -> Status {
        guard caseIDs.contains(caseID) else { return .notInStudy }
        let raters = ratedBy[caseID] ?? []
        if let reader { return raters.contains(reader) ? .rated : .notRated }
        return raters.isEmpty ? .notRated : .rated
    }

    /// The browser's cell: "—" outside the study; with a reader "✓ rated" / "not rated",
    /// then how many of the enrolled readers rated it when several are; without one
    /// "2/3 readers".
    public func columnText(for caseID: String) -> String {
        let status = status(of: caseID)
        guard status != .notInStudy else { return "—" }
        let count = "\(ratedBy[caseID]?.count ?? 0)/\(readers.count)"
        guard reader != nil else { return "\(count) reader\(readers.count == 1 ? "" : "s")" }
        let mine = status == .rated ? "✓ rated" : "not rated"
        return readers.count > 1 ? "\(mine) (\(count))" : mine
    }

    /// The column's heading: "rated (alice)" or "rated".
    public var heading: String { reader.map { "rated (\($0))" } ?? "rated" }
}

extension StudyRatings {
    /// Reads `study`'s ratings from `store`: the study's cases, then each reader's
    /// showings and which of them have an answer set — one indexed read per reader who
    /// answered anything.
    public static func load(from store: SQLiteStudyStore, study: String, reader: String?) throws -> StudyRatings {
        let snapshot = try store.study(named: study)
        let status = try store.status(ofStudy: study)
        var caseOf = [Int64: String]()
        var caseIDs = Set<String>()
        for item in snapshot.cases {
            if let id = item.id { caseOf[id] = item.caseId }
            if !item.isCalibration { caseIDs.insert(item.caseId) }
        }
        var ratedBy = [String: Set<String>]()
        for progress in status.readers where progress.answered > 0 {
            guard let state = try store.readerState(reader: progress.reader, studyId: snapshot.studyId) else { continue }
            for presentation in state.presentations where !presentation.isCalibration {
                guard let id = presentation.id, state.latestRevision[id] != nil,
                      let caseID = caseOf[presentation.studyCaseId] else { continue }
                ratedBy[caseID, default: []].insert(progress.reader)
            }
        }
        return StudyRatings(study: study, reader: reader, readers: status.readers.map(\.reader).sorted(),
                            ratedBy: ratedBy, caseIDs: caseIDs)
    }
}

/// The study database behind the browser's "rated" column: opened read-only once, read
/// at start-up, and read again only when the file changed — the size and modification
/// time of the database and of its write-ahead log (every commit grows or touches the log; a checkpoint touches the
/// database), so the run loop can ask every few seconds for next to nothing.
public final class StudyRatingsSource {
    public let url: URL
    public let study: String
    public let reader: String?
    private let store: SQLiteStudyStore
    private var signature: [Int64]
    public private(set) var ratings: StudyRatings

    /// Opens the database and reads the ratings; throws what `SQLiteStudyStore` and
    /// `StudyRatings.load` throw (no such file, no such study), with their messages, and
    /// `StudyRatingsError.blinded` for a blinded study.
    ///
    /// A blinded study is refused rather than shown with its counts only: the review app
    /// puts model names and metrics beside every case, so a reader who opened it on their
    /// own study would see which model made which image. The coordinator's question —
    /// how far each reader got — is answered by `usreview study status`, without images.
    public init(url: URL, study: String, reader: String?) throws {
        self.url = url
        self.study = study
        self.reader = reader
        store = try SQLiteStudyStore(url: url, options: SQLiteStudyStore.Options(readOnly: true))
        if try store.study(named: study).definition.mode == .blinded {
            try? store.close()
            throw StudyRatingsError.blinded(study: study, path: url.path)
        }
        signature = Self.signature(of: url)
        ratings = try StudyRatings.load(from: store, study: study, reader: reader)
    }

    /// The ratings read again when the database changed since the last read; nil when
    /// it did not. A failed read throws and is tried again at the next call.
    public func refreshIfChanged() throws -> StudyRatings? {
        let now = Self.signature(of: url)
        guard now != signature else { return nil }
        let fresh = try StudyRatings.load(from: store, study: study, reader: reader)
        signature = now
        guard fresh != ratings else { return nil }
        ratings = fresh
        return fresh
    }

    /// Size and modification time (µs) of the database and of its `-wal` file.
    static func signature(of url: URL) -> [Int64] {
        [url.path, url.path + "-wal"].flatMap { path -> [Int64] in
            guard let attributes = try? FileManager.default.attributesOfItem(atPath: path) else { return [-1, -1] }
            let size = (attributes[.size] as? NSNumber)?.int64Value ?? -1
            let modified = (attributes[.modificationDate] as? Date).map { Int64($0.timeIntervalSince1970 * 1e6) } ?? -1
            return [size, modified]
        }
    }
}

public enum StudyRatingsError: Error, Equatable, CustomStringConvertible {
    case blinded(study: String, path: String)

    public var description: String {
        switch self {
        case let .blinded(study, _):
            return "Study '\(study)' is blinded: the review app shows model names and metrics beside each case, which "
                + "would unblind its readers. Follow its progress with usreview study status --study \(study), and read it "
                + "with usreview read --study \(study) --reader NAME."
        }
    }
}
