import Foundation

/// What can go wrong with a study database. Each message names the file and says what
/// to do; usreview never overwrites a file it refuses.
public indirect enum StudyStoreError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The file is not SQLite at all (a text file, an image …).
    case notSQLite(path: String)
    /// An SQLite database of another application.
    case foreignDatabase(path: String, detail: String)
    /// A usreview database that SQLite cannot read.
    case corrupt(path: String, reason: String)
    /// Written by a newer usreview, with migrations this one does not know.
    case newerSchema(path: String, unknown: [String])
    /// Opened read-only, but the database has not been brought up to date yet.
    case needsUpgrade(path: String)
    case cannotOpen(path: String, reason: String)
    /// The file or its folder cannot be written (permissions, read-only medium).
    case readOnly(path: String, reason: String)
    /// The disk (or the database's size limit) is full.
    case diskFull(path: String)
    /// Any other failed write; nothing of the transaction was kept.
    case writeFailed(path: String, reason: String)
    /// `--db` names a file in a folder that does not exist (and creating it was not asked for).
    case noFolder(path: String, folder: String)
    /// A reader's answer set could not be stored (`readOnly`, `diskFull` or
    /// `writeFailed` inside); the form still holds the answers.
    case answersNotSaved(StudyStoreError)
    case studyNotFound(name: String, path: String, known: [String])
    case studyExists(name: String, path: String)
    case readerNotFound(reader: String, study: String)
    /// `read` with a name the coordinator has not enrolled (a typo must not enrol anyone).
    case readerNotEnrolled(reader: String, study: String, enrolled: [String])
    case readerDisabled(reader: String, study: String)
    case readerAlreadyEnrolled(reader: String, study: String)
    /// A reader's client never migrates: the coordinator upgrades the file.
    case readerNeedsUpgrade(path: String)
    case badReaderName(String)
    /// The reader has finalised: answers can no longer be revised.
    case readerFinalised(reader: String, study: String)
    /// Another session holds the reader's lease (`ReaderStudyStore.acquireLease`).
    case readerBusy(reader: String, study: String, holder: String, until: Date)
    /// A coordinator's command run by a reader (on a server, the database refused it).
    case coordinatorOnly(action: String, location: String)
    /// A study made before panel images were stored at creation: it cannot be read blinded.
    case notFrozen(study: String, location: String)
    case imageNotFound(id: String, location: String)

    public var description: String {
        switch self {
        case let .notSQLite(path):
            return "\(path) is not a usreview study database (not an SQLite file). It was left untouched; choose another file with --db."
        case let .foreignDatabase(path, detail):
            return "\(path) is an SQLite database of another application (\(detail)). It was left untouched; choose another file with --db."
        case let .corrupt(path, reason):
            return "\(path) is damaged and cannot be read (\(reason)). It was left untouched; restore it from a backup or choose another file with --db."
        case let .newerSchema(path, unknown):
            return "\(path) was written by a newer usreview (unknown changes: \(unknown.joined(separator: ", "))). Update usreview to open it."
        case let .needsUpgrade(path):
            return "\(path) was made by an older usreview and must be upgraded before it can be read; run usreview study status on it once, which upgrades it."
        case let .cannotOpen(path, reason):
            return "Cannot open \(path): \(reason)."
        case let .readOnly(path, reason):
            return "Cannot write to \(path): it is read-only (\(reason)). Nothing was changed; fix the permissions or the disk and try again."
        case let .diskFull(path):
            return "Cannot write to \(path): the disk is full. Nothing was changed; free some space and try again."
        case let .writeFailed(path, reason):
            return "Cannot write to \(path): \(reason). Nothing was changed; try again."
        case let .noFolder(path, folder):
            return "Cannot create \(path): the folder \(folder) does not exist. Check the path, create the folder, or add --create-folders."
        case let .answersNotSaved(cause):
            switch cause {
            case let .readOnly(path, reason):
                return "Cannot save to \(path): it is read-only (\(reason)). Your answers are kept; fix the permissions or the disk and submit again."
            case let .diskFull(path):
                return "Cannot save to \(path): the disk is full. Your answers are kept; free some space and submit again."
            case let .writeFailed(path, reason):
                return "Cannot save to \(path): \(reason). Your answers are kept; submit again."
            default:
                return cause.description
            }
        case let .studyNotFound(name, path, known):
            let list = known.isEmpty ? "it holds no study yet" : "it holds: " + known.joined(separator: ", ")
            return "There is no study '\(name)' in \(path) (\(list)). Create it with usreview study create, or choose the file with --db."
        case let .studyExists(name, path):
            return "A study named '\(name)' already exists in \(path); choose another name or another file with --db."
        case let .readerNotFound(reader, study):
            return "Reader '\(reader)' has not started study '\(study)'."
        case let .readerNotEnrolled(reader, study, enrolled):
            let list = enrolled.isEmpty ? "no reader is enrolled yet" : "enrolled: " + enrolled.joined(separator: ", ")
            return "'\(reader)' is not enrolled in study '\(study)' (\(list)). Check the spelling, or ask the study coordinator to run usreview study readers add \(reader)."
        case let .readerDisabled(reader, study):
            return "Reader '\(reader)' was disabled in study '\(study)' by the study coordinator; their answers are kept. Ask the coordinator if this is a mistake."
        case let .readerAlreadyEnrolled(reader, study):
            return "Reader '\(reader)' is already enrolled in study '\(study)'."
        case let .readerNeedsUpgrade(path):
            return "\(path) was made by an older usreview; the study coordinator must upgrade it first (usreview study status on it does). Reading never changes a study file's schema."
        case let .badReaderName(name):
            return "'\(name)' cannot be a reader's name: use 1 to 64 letters, digits, '.', '_' or '-' (initials or an ID)."
        case let .readerFinalised(reader, study):
            return "Reader '\(reader)' has finalised study '\(study)'; answers can no longer be changed."
        case let .readerBusy(reader, study, holder, until):
            let time = until.formatted(.iso8601.year().month().day().time(includingFractionalSeconds: false).timeSeparator(.colon))
            return "Reader '\(reader)' is already reading study '\(study)' in another session (\(holder)). Quit that one first; if it was cut off, its lease runs out at \(time) UTC and you can start again then."
        case let .coordinatorOnly(action, location):
            return "Only the study coordinator can \(action) (\(location)); a reader's login may rate cases and nothing else."
        case let .notFrozen(study, location):
            return "Study '\(study)' in \(location) was created by an older usreview that did not store its panel images; it cannot be read by this version. The coordinator can export its answers and create it again."
        case let .imageNotFound(id, location):
            return "The panel image \(id) is missing from \(location); the study is damaged — ask the study coordinator."
        }
    }
}

/// A study file (TOML) or a study definition that cannot be used.
public enum StudyDefinitionError: Error, Equatable, Sendable, CustomStringConvertible {
    case unreadable(path: String, reason: String)
    case malformed(path: String, reason: String)
    case invalid(path: String, reason: String)
    case badQuestion(key: String, reason: String)
    case unknownCases(ids: [String])
    case noCases(reason: String)

    public var description: String {
        switch self {
        case let .unreadable(path, reason):
            return "Cannot read the study file \(path): \(reason)."
        case let .malformed(path, reason):
            return "The study file \(path) is not valid TOML for a study: \(reason). The format is described in the doc comment of StudyDefinition.load and in usreview study create --help."
        case let .invalid(path, reason):
            return "The study file \(path): \(reason)."
        case let .badQuestion(key, reason):
            return "Question '\(key)': \(reason)."
        case let .unknownCases(ids):
            let shown = ids.count <= 8 ? ids.joined(separator: ", ") : ids.prefix(8).joined(separator: ", ") + ", …"
            return "The dataset has no case(s) \(shown); check the IDs (4 digits, like 0838) and the dataset folder."
        case let .noCases(reason):
            return "The study would have no cases: \(reason)."
        }
    }
}

/// An answer that cannot be accepted; the pending answers are kept.
public enum AnswerError: Error, Equatable, Sendable, CustomStringConvertible {
    case unknownQuestion(key: String, known: [String])
    case unknownPanel(label: String, candidates: [String])
    case invalidValue(question: String, value: String, expected: String)
    case missingRequired([String])
    case noCurrentCase
    /// A mark its question cannot take (wrong category, confidence, place).
    case invalidMark(question: String, reason: String)
    /// The question is not asked for this case, given the other answers (`when`).
    case notAsked(question: String, condition: String)

    public var description: String {
        switch self {
        case let .unknownQuestion(key, known):
            return "There is no question '\(key)' in this study (questions: \(known.joined(separator: ", ")))."
        case let .unknownPanel(label, candidates):
            return "There is no panel '\(label)' to rate (panels: \(candidates.joined(separator: ", ")))."
        case let .invalidValue(question, value, expected):
            return "'\(value)' is not an answer to '\(question)': expected \(expected)."
        case let .missingRequired(items):
            return "Answer these before submitting: \(items.joined(separator: ", "))."
        case .noCurrentCase:
            return "There is no case on screen: every case has been answered."
        case let .invalidMark(question, reason):
            return "A mark for '\(question)' cannot be stored: \(reason)."
        case let .notAsked(question, condition):
            return "'\(question)' is asked only when \(condition)."
        }
    }
}
