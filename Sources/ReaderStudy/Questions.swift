import Foundation

/// The forms a question can take.
public enum QuestionKind: Codable, Equatable, Sendable {
    /// An n-point scale (1…n) with anchor texts for some or all points.
    case likert(points: Int, anchors: [Anchor])
    case yesNo
    /// One of the listed options.
    case choice(options: [String])
    /// Free text (may be empty when not required).
    case text
    /// An odd n-point scale against the reference whose middle point means
    /// "equivalent to the reference" (1 = much worse … n = much better).
    case relative(points: Int, anchors: [Anchor])
    /// Forced choice: the label of the preferred candidate.
    case preference
    /// Every candidate's label once, best first, joined by ">" ("B>A>C").
    case ranking
    /// Places on the candidate image, each with one of these categories and a
    /// confidence (`PendingMark`). The answer stored is the number of marks; the marks
    /// themselves go to their own table. Required: at least one mark.
    case marks(categories: [String])

    /// The categories of a marks question when a study file names none.
    public static let defaultMarkCategories = ["hallucinated", "lost", "distorted", "artifact"]

    public var isMarks: Bool {
        if case .marks = self { return true }
        return false
    }

    /// Whether the question is about one candidate (asked for each) or the whole case.
    public var isPerCandidate: Bool {
        switch self {
        case .preference, .ranking: return false
        default: return true
        }
    }
}

/// The wording of one point of a scale.
public struct Anchor: Codable, Equatable, Sendable {
    public var point: Int
    public var text: String
    public init(_ point: Int, _ text: String) {
        self.point = point
        self.text = text
    }
}

/// A question as a study defines it.
public struct QuestionDefinition: Codable, Equatable, Sendable {
    /// The short name used in answers and exports; letters, digits, `_` and `-`.
    public var key: String
    /// The question as the reader sees it.
    public var prompt: String
    public var kind: QuestionKind
    /// Required questions must be answered before a case can be submitted.
    public var required: Bool
    /// Asked once per case rather than once per candidate (always true for preference
    /// and ranking; true for the default comment).
    public var perCase: Bool
    /// Asked only when another question has a given answer (nil: always asked).
    public var when: QuestionCondition?

    public init(key: String, prompt: String, kind: QuestionKind, required: Bool = true, perCase: Bool? = nil,
                when: QuestionCondition? = nil) {
        self.key = key
        self.prompt = prompt
        self.kind = kind
        self.required = required
        self.perCase = perCase ?? !kind.isPerCandidate
        if !kind.isPerCandidate { self.perCase = true }
        if case .marks = kind { self.perCase = false }
        self.when = when
    }

    /// The marks question's categories (nil for other kinds).
    public var markCategories: [String]? {
        if case let .marks(categories) = kind { return categories }
        return nil
    }

    /// The default questions: the anatomy first, because that is what the study is for.
    public static let defaults: [QuestionDefinition] = [
        QuestionDefinition(
            key: "fidelity",
            prompt: "Anatomical fidelity: are the structures of the source image preserved?",
            kind: .likert(points: 5, anchors: [
                Anchor(5, "Every structure of the source preserved, nothing added or removed"),
                Anchor(4, "All relevant structures preserved; minor changes of non-diagnostic detail"),
                Anchor(3, "Small structures altered, added or lost; main anatomy intact"),
                Anchor(2, "Relevant structures altered, added or lost; diagnostic use limited"),
                Anchor(1, "Structures lost or invented; not diagnostic"),
            ])),
        QuestionDefinition(key: "hallucinated",
                           prompt: "Does the image show a structure that is not in the source (hallucinated)?",
                           kind: .yesNo),
        // Where: optional, because a diffuse change cannot always be pointed at.
        QuestionDefinition(key: "hallucinated_marks",
                           prompt: "Mark where the image shows a structure that is not in the source",
                           kind: .marks(categories: ["hallucinated"]), required: false,
                           when: QuestionCondition(question: "hallucinated", answer: "yes")),
        QuestionDefinition(key: "lost",
                           prompt: "Is a structure of the source missing from the image (lost)?",
                           kind: .yesNo),
        QuestionDefinition(key: "lost_marks",
                           prompt: "Mark where a structure of the source is missing from the image",
                           kind: .marks(categories: ["lost"]), required: false,
                           when: QuestionCondition(question: "lost", answer: "yes")),
        QuestionDefinition(key: "artifacts", prompt: "Artifacts",
                           kind: .choice(options: ["none", "mild", "severe"])),
        QuestionDefinition(key: "quality", prompt: "Overall image quality",
                           kind: .likert(points: 5, anchors: [Anchor(1, "Very poor"), Anchor(3, "Acceptable"),
                                                              Anchor(5, "Excellent")])),
        QuestionDefinition(key: "confidence", prompt: "Diagnostic confidence with this image",
                           kind: .likert(points: 5, anchors: [Anchor(1, "None"), Anchor(3, "Moderate"),
                                                              Anchor(5, "Full")])),
        QuestionDefinition(key: "comment", prompt: "Comment", kind: .text, required: false, perCase: true),
    ]

    /// Checks an answer and returns it in canonical form ("Yes" → "yes").
    ///
    /// - Parameter candidates: the candidate labels of the presentation, for
    ///   preference and ranking.
    public func validated(_ value: String, candidates: [String]) throws -> String {
        let trimmed = value.trimmingCharacters(in: .whitespacesAndNewlines)
        func invalid(_ expected: String) -> AnswerError {
            .invalidValue(question: key, value: value, expected: expected)
        }
        switch kind {
        case let .likert(points, _), let .relative(points, _):
            guard let point = Int(trimmed), (1...points).contains(point) else {
                throw invalid("a whole number from 1 to \(points)")
            }
            return String(point)
        case .yesNo:
            switch trimmed.lowercased() {
            case "yes", "y": return "yes"
            case "no", "n": return "no"
            default: throw invalid("yes or no")
            }
        case let .choice(options):
            guard let option = options.first(where: { $0.caseInsensitiveCompare(trimmed) == .orderedSame }) else {
                throw invalid("one of " + options.joined(separator: ", "))
            }
            return option
        case .text:
            return value
        case .preference:
            guard let label = candidates.first(where: { $0.caseInsensitiveCompare(trimmed) == .orderedSame }) else {
                throw invalid("one of the panel labels " + candidates.joined(separator: ", "))
            }
            return label
        case .ranking:
            let parts = trimmed.split(separator: ">").map { $0.trimmingCharacters(in: .whitespaces).uppercased() }
            let upper = candidates.map { $0.uppercased() }
            guard parts.count == candidates.count, Set(parts) == Set(upper) else {
                throw invalid("every panel label once, best first, joined by '>' (e.g. "
                              + candidates.joined(separator: ">") + ")")
            }
            return parts.map { part in candidates[upper.firstIndex(of: part)!] }.joined(separator: ">")
        case .marks:
            guard let count = Int(trimmed), count >= (required ? 1 : 0) else {
                throw invalid(required ? "the number of marks, at least 1" : "the number of marks")
            }
            return String(count)
        }
    }

    /// Checks the definition itself (used for study files).
    public func validate() throws -> Void {
        func bad(_ reason: String) -> StudyDefinitionError { .badQuestion(key: key, reason: reason) }
        let allowed = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "_-"))
        guard !key.isEmpty, key.unicodeScalars.allSatisfy(allowed.contains) else {
            throw bad("the key must be letters, digits, '_' or '-'")
        }
        switch kind {
        case let .likert(points, anchors):
            guard (2...11).contains(points) else { throw bad("a Likert scale needs 2 to 11 points") }
            if let anchor = anchors.first(where: { !(1...points).contains($0.point) }) {
                throw bad("anchor \(anchor.point) is outside 1…\(points)")
            }
        case let .relative(points, anchors):
            guard (3...11).contains(points), points % 2 == 1 else {
                throw bad("a relative scale needs an odd number of points (3 to 11), so the middle means equivalent")
            }
            if let anchor = anchors.first(where: { !(1...points).contains($0.point) }) {
                throw bad("anchor \(anchor.point) is outside 1…\(points)")
            }
        case let .choice(options):
            guard options.count >= 2 else { throw bad("a choice needs at least two options") }
            guard Set(options.map { $0.lowercased() }).count == options.count else {
                throw bad("the options must differ")
            }
        case let .marks(categories):
            guard !categories.isEmpty else { throw bad("a marks question needs at least one category") }
            guard Set(categories).count == categories.count else { throw bad("the categories must differ") }
            if let category = categories.first(where: { $0.isEmpty || !$0.unicodeScalars.allSatisfy(allowed.contains) }) {
                throw bad("the category '\(category)' must be letters, digits, '_' or '-'")
            }
            if perCase { throw bad("marks are placed on a candidate image, so a marks question cannot be per case") }
        default:
            break
        }
    }
}


/// "Ask this question only when `question` has the answer `answer`" (a study file's
/// `when = { question = "hallucinated", answer = "yes" }`). For a question asked per
/// candidate, the condition is read for the same candidate.
public struct QuestionCondition: Codable, Equatable, Hashable, Sendable, CustomStringConvertible {
    public var question: String
    /// In the canonical form `QuestionDefinition.validated` gives ("yes").
    public var answer: String

    public init(question: String, answer: String) {
        self.question = question
        self.answer = answer
    }

    public var description: String { "'\(question)' is answered '\(answer)'" }
}
