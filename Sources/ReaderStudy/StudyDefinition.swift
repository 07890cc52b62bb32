import Dataset
import Foundation
import TOMLKit

/// A generator under study.
public struct ModelSpec: Codable, Equatable, Sendable {
    public var name: String
    public var weights: String
    public init(name: String, weights: String) {
        self.name = name
        self.weights = weights
    }
}

/// One paired comparison of a study, "first vs second": every statistic of the pair
/// (paired tests, sign test, AUC_VGC, MRMC differences) is first − second, H1 first rated higher.
public struct ComparisonSpec: Codable, Equatable, Sendable {
    public var first: String
    public var second: String
    public init(_ first: String, _ second: String) {
        self.first = first
        self.second = second
    }
}

/// Which dataset cases a study reads.
public struct CaseSelection: Codable, Equatable, Sendable {
    /// Only these organs (nil: all).
    public var organs: [Organ]?
    /// Only cases of this split (nil: any).
    public var split: Split?
    /// Exactly these case IDs (then organs, split and perOrgan must be unset).
    public var ids: [String]?
    /// At most this many cases per organ, drawn with the study seed (nil: all).
    public var perOrgan: Int?

    public init(organs: [Organ]? = nil, split: Split? = nil, ids: [String]? = nil, perOrgan: Int? = nil) {
        self.organs = organs
        self.split = split
        self.ids = ids
        self.perOrgan = perOrgan
    }

    /// The selected cases in ID order. The per-organ draw shuffles each organ's cases
    /// with a generator keyed by the seed and the organ, so a seed replays exactly.
    public func select(from cases: [Case], seed: UInt64, excluding excluded: Set<String> = []) throws -> [Case] {
        if let ids {
            let byID = Dictionary(cases.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
            let unknown = ids.filter { byID[$0] == nil }
            if !unknown.isEmpty { throw StudyDefinitionError.unknownCases(ids: unknown) }
            var seen = Set<String>()
            let chosen = ids.filter { seen.insert($0).inserted && !excluded.contains($0) }.map { byID[$0]! }
            if chosen.isEmpty { throw StudyDefinitionError.noCases(reason: "the ID list is empty") }
            return chosen.sorted { $0.id < $1.id }
        }
        var pool = cases.filter { !excluded.contains($0.id) }
        if let organs { pool = pool.filter { organs.contains($0.organ) } }
        if let split { pool = pool.filter { $0.split == split } }
        if let perOrgan {
            var drawn: [Case] = []
            for (index, organ) in Organ.allCases.enumerated() {
                var ofOrgan = pool.filter { $0.organ == organ }.sorted { $0.id < $1.id }
                var generator = SplitMix64(state: SplitMix64.combine(SplitMix64.combine(seed, 0x5E1EC7), UInt64(index)))
                generator.shuffle(&ofOrgan)
                drawn += ofOrgan.prefix(perOrgan)
            }
            pool = drawn
        }
        if pool.isEmpty {
            var filters: [String] = []
            if let organs { filters.append("organs " + organs.map(\.rawValue).joined(separator: ", ")) }
            if let split { filters.append("split \(split.rawValue)") }
            throw StudyDefinitionError.noCases(reason: filters.isEmpty
                ? "the dataset has no cases" : "no case matches " + filters.joined(separator: " and "))
        }
        return pool.sorted { $0.id < $1.id }
    }
}

/// Everything that defines a study; stored with it as JSON.
public struct StudyDefinition: Codable, Equatable, Sendable {
    public var name: String
    public var datasetPath: String
    public var models: [ModelSpec]
    public var cases: CaseSelection
    public var mode: StudyMode
    public var seed: UInt64
    public var questions: [QuestionDefinition]
    /// Case IDs shown first to every reader, in this order, and kept out of results.
    public var calibration: [String]
    /// The share of cases shown a second time, later, for intra-reader agreement.
    public var repeatFraction: Double
    /// Blinded mode: the high-quality image joins the models as one more unlabelled
    /// candidate — a real image among the enhanced ones, so blinding holds even with a
    /// single model and ratings have a real-image yardstick.
    public var includeHighAsCandidate: Bool
    /// The comparisons the report makes, in this order and direction; nil: each model
    /// against the rated reference (or, without one, each model against each later one),
    /// in the order the models are defined.
    public var comparisons: [ComparisonSpec]?

    public static let defaultSeed: UInt64 = 2023

    public init(name: String, datasetPath: String, models: [ModelSpec], cases: CaseSelection = CaseSelection(),
                mode: StudyMode = .blinded, seed: UInt64 = defaultSeed,
                questions: [QuestionDefinition] = QuestionDefinition.defaults,
                calibration: [String] = [], repeatFraction: Double = 0, includeHighAsCandidate: Bool = true,
                comparisons: [ComparisonSpec]? = nil) {
        self.name = name
        self.datasetPath = datasetPath
        self.models = models
        self.cases = cases
        self.mode = mode
        self.seed = seed
        self.questions = questions
        self.calibration = calibration
        self.repeatFraction = repeatFraction
        self.includeHighAsCandidate = includeHighAsCandidate
        self.comparisons = comparisons
    }

    /// Checks names, questions and numbers; `path` names the study file in messages.
    public func validate(path: String = "(command line)") throws {
        func invalid(_ reason: String) -> StudyDefinitionError { .invalid(path: path, reason: reason) }
        let allowed = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "_-."))
        guard !name.isEmpty, name.unicodeScalars.allSatisfy(allowed.contains) else {
            throw invalid("the study name '\(name)' must be letters, digits, '.', '_' or '-'")
        }
        guard !models.isEmpty else { throw invalid("name at least one model (NAME=WEIGHTS)") }
        for model in models where model.name.isEmpty || !model.name.unicodeScalars.allSatisfy(allowed.contains)
            || ["low", "high"].contains(model.name.lowercased()) {
            throw invalid("the model name '\(model.name)' must be letters, digits, '.', '_' or '-', and not low or high")
        }
        if Set(models.map(\.name)).count != models.count { throw invalid("two models have the same name") }
        guard (0...1).contains(repeatFraction) else { throw invalid("repeat_fraction must lie between 0 and 1") }
        if let perOrgan = cases.perOrgan, perOrgan < 1 { throw invalid("per_organ must be at least 1") }
        if cases.ids != nil, cases.organs != nil || cases.split != nil || cases.perOrgan != nil {
            throw invalid("an explicit case ID list cannot be combined with organs, split or per_organ")
        }
        guard !questions.isEmpty else { throw invalid("define at least one question") }
        if Set(questions.map(\.key)).count != questions.count { throw invalid("two questions have the same key") }
        for question in questions { try question.validate() }
        try validateConditions(invalid)
        try validateComparisons(invalid)
    }

    /// A `when` names an earlier question and one of its valid answers; a question asked
    /// per case cannot depend on one asked per candidate (which candidate's answer?).
    private func validateConditions(_ invalid: (String) -> StudyDefinitionError) throws {
        for (index, question) in questions.enumerated() {
            guard let condition = question.when else { continue }
            let label = "question '\(question.key)': when"
            guard let target = questions[..<index].first(where: { $0.key == condition.question }) else {
                if questions.contains(where: { $0.key == condition.question }) {
                    throw invalid("\(label) names '\(condition.question)', which comes later; a condition must name an earlier question")
                }
                throw invalid("\(label) names '\(condition.question)', which is not a question of this study")
            }
            switch target.kind {
            case .yesNo, .choice, .likert, .relative:
                break
            default:
                // Free text has no fixed answers; labels are drawn per reader and case.
                throw invalid("\(label) names '\(target.key)', whose answers cannot be a condition (use a yes/no, choice or scale question)")
            }
            do {
                _ = try target.validated(condition.answer, candidates: [])
            } catch {
                throw invalid("\(label): '\(condition.answer)' is not an answer to '\(target.key)' (\(error))")
            }
            if question.perCase, !target.perCase {
                throw invalid("\(label) names '\(target.key)', asked per candidate, but '\(question.key)' is asked once per case")
            }
        }
    }

    /// The study's questions with each `when` answer in canonical form ("Yes" → "yes").
    static func canonicalConditions(_ questions: [QuestionDefinition]) -> [QuestionDefinition] {
        questions.map { question in
            var question = question
            if let condition = question.when, let target = questions.first(where: { $0.key == condition.question }),
               let canonical = try? target.validated(condition.answer, candidates: []) {
                question.when = QuestionCondition(question: condition.question, answer: canonical)
            }
            return question
        }
    }

    /// Each comparison names two different rated images: models, or high when it is a
    /// blinded candidate. LOW is the reference readers judge against and is never rated.
    private func validateComparisons(_ invalid: (String) -> StudyDefinitionError) throws {
        guard let comparisons else { return }
        guard !comparisons.isEmpty else { throw invalid("comparisons is empty: list at least one pair, or leave it out") }
        let highRated = mode == .blinded && includeHighAsCandidate
        let rated = models.map(\.name) + (highRated ? ["high"] : [])
        var seen = Set<String>()
        for pair in comparisons {
            let label = "comparison [\"\(pair.first)\", \"\(pair.second)\"]"
            for name in [pair.first, pair.second] where !rated.contains(name) {
                if name == "low" {
                    throw invalid("\(label): low is the reference shown to readers and is never rated; "
                        + "compare with " + (highRated ? "high or another model" : "another model"))
                }
                if name == "high" {
                    throw invalid("\(label): high is rated only in a blinded study with include_high = true")
                }
                throw invalid("\(label): '\(name)' is not a model of this study (\(rated.joined(separator: ", ")))")
            }
            if pair.first == pair.second { throw invalid("\(label) compares an image with itself") }
            guard seen.insert(pair.first + "\u{0}" + pair.second).inserted,
                  !seen.contains(pair.second + "\u{0}" + pair.first) else {
                throw invalid("\(label) is listed twice (in one direction or the other)")
            }
        }
    }

    /// The definition as stored with the study.
    public func json() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: try encoder.encode(self), as: UTF8.self)
    }
}

// MARK: - Study files

extension StudyDefinition {
    /// Reads a study file (TOML). `name` overrides the file's `name`; relative paths in
    /// the file are taken relative to the file's folder.
    ///
    /// ```toml
    /// name = "fidelity-2026"
    /// dataset = "/data/usenhance"
    /// mode = "blinded"            # or "open"
    /// seed = 7
    /// repeat_fraction = 0.1
    /// calibration = ["0001", "0417"]
    ///
    /// comparisons = [["unet", "high"]]   # optional: each "first vs second", in this order
    ///
    /// [models]                    # compared in this order, not alphabetically
    /// unet = "models/unet.safetensors"
    ///
    /// [cases]                     # organs / split / per_organ, or ids
    /// organs = ["thyroid", "liver"]
    /// split = "test"
    /// per_organ = 10
    ///
    /// [[questions]]               # replaces the default questions
    /// key = "fidelity"
    /// prompt = "Are the structures of the source preserved?"
    /// kind = "likert"             # likert, yes_no, choice, text, relative, preference, ranking, marks
    /// points = 5
    /// anchors = { 1 = "Structures lost or invented", 5 = "Every structure preserved" }
    ///
    /// [[questions]]               # asked only after a "yes" (for the same candidate)
    /// key = "where"
    /// prompt = "Mark what the image invented"
    /// kind = "marks"
    /// categories = ["hallucinated"]   # default: hallucinated, lost, distorted, artifact
    /// required = true             # at least one mark
    /// when = { question = "hallucinated", answer = "yes" }
    /// ```
    public static func load(_ url: URL, name: String? = nil) throws -> StudyDefinition {
        let text: String
        do {
            text = try String(contentsOf: url, encoding: .utf8)
        } catch {
            throw StudyDefinitionError.unreadable(path: url.path, reason: error.localizedDescription)
        }
        return try parse(text, path: url.path, baseFolder: url.deletingLastPathComponent(), name: name)
    }

    public static func parse(_ text: String, path: String, baseFolder: URL, name: String? = nil) throws -> StudyDefinition {
        let file: StudyFile
        do {
            var decoder = TOMLDecoder()
            decoder.strictDecoding = true
            file = try decoder.decode(StudyFile.self, from: text)
        } catch let error as TOMLParseError {
            throw StudyDefinitionError.malformed(path: path, reason: "line \(error.source.begin.line): \(error.description)")
        } catch let error as UnexpectedKeysError {
            let keys = error.keys.keys.sorted().joined(separator: ", ")
            throw StudyDefinitionError.malformed(path: path, reason: "unknown key(s) \(keys)")
        } catch let DecodingError.keyNotFound(key, context) {
            let at = (context.codingPath + [key]).map(\.stringValue).joined(separator: ".")
            throw StudyDefinitionError.malformed(path: path, reason: "'\(at)' is missing")
        } catch let DecodingError.typeMismatch(_, context), let DecodingError.valueNotFound(_, context),
                let DecodingError.dataCorrupted(context) {
            let at = context.codingPath.map(\.stringValue).joined(separator: ".")
            throw StudyDefinitionError.malformed(path: path, reason: "'\(at)': \(context.debugDescription)")
        } catch {
            throw StudyDefinitionError.malformed(path: path, reason: "\(error)")
        }
        func resolve(_ value: String) -> String {
            let expanded = (value as NSString).expandingTildeInPath
            return expanded.hasPrefix("/") ? expanded : baseFolder.appendingPathComponent(expanded).standardized.path
        }
        func invalid(_ reason: String) -> StudyDefinitionError { .invalid(path: path, reason: reason) }
        guard let studyName = name ?? file.name else { throw invalid("give the study a name (name = \"…\")") }
        if let name, let inFile = file.name, name != inFile {
            throw invalid("it names the study '\(inFile)' but the command line names it '\(name)'; give the same name, or leave one out")
        }
        guard let mode = StudyMode(rawValue: file.mode ?? "blinded") else {
            throw invalid("mode must be open or blinded, not '\(file.mode!)'")
        }
        var selection = CaseSelection()
        if let cases = file.cases {
            if let organs = cases.organs {
                selection.organs = try organs.map { name in
                    guard let organ = Organ(rawValue: name.lowercased()) else {
                        throw invalid("unknown organ '\(name)' (known: \(Organ.allCases.map(\.rawValue).joined(separator: ", ")))")
                    }
                    return organ
                }
            }
            if let split = cases.split {
                guard let value = Split(rawValue: split) else { throw invalid("split must be train, validation or test") }
                selection.split = value
            }
            selection.ids = cases.ids
            selection.perOrgan = cases.per_organ
        }
        var questions = file.include_default_questions == false || file.questions != nil ? [] : QuestionDefinition.defaults
        if file.include_default_questions == true, file.questions != nil { questions = QuestionDefinition.defaults }
        for entry in file.questions ?? [] {
            questions.append(try entry.definition(invalid))
        }
        let definition = StudyDefinition(
            name: studyName,
            datasetPath: resolve(file.dataset),
            models: TOMLKeyOrder.ordered(Array((file.models ?? [:]).keys), table: "models", in: text)
                .map { ModelSpec(name: $0, weights: resolve(file.models![$0]!)) },
            cases: selection,
            mode: mode,
            seed: file.seed.map { UInt64(bitPattern: $0) } ?? defaultSeed,
            questions: canonicalConditions(questions),
            calibration: file.calibration ?? [],
            repeatFraction: file.repeat_fraction ?? 0,
            includeHighAsCandidate: file.include_high ?? true,
            comparisons: try file.comparisons.map { pairs in
                try pairs.map { pair in
                    guard pair.count == 2 else {
                        throw invalid("each comparison is a pair [\"first\", \"second\"], not \(pair.count) names")
                    }
                    return ComparisonSpec(pair[0], pair[1])
                }
            })
        try definition.validate(path: path)
        return definition
    }
}

/// The study file as written (snake_case keys).
private struct StudyFile: Decodable {
    var name: String?
    var dataset: String
    var mode: String?
    var seed: Int64?
    var repeat_fraction: Double?
    var include_high: Bool?
    var calibration: [String]?
    var models: [String: String]?
    var comparisons: [[String]]?
    var cases: Cases?
    var include_default_questions: Bool?
    var questions: [QuestionEntry]?

    struct Cases: Decodable {
        var organs: [String]?
        var split: String?
        var ids: [String]?
        var per_organ: Int?
    }

    struct QuestionEntry: Decodable {
        var key: String
        var prompt: String
        var kind: String
        var points: Int?
        var anchors: [String: String]?
        var options: [String]?
        var required: Bool?
        var per_case: Bool?
        var categories: [String]?
        var when: Condition?

        struct Condition: Decodable {
            var question: String
            var answer: String
        }

        func definition(_ invalid: (String) -> StudyDefinitionError) throws -> QuestionDefinition {
            func anchorList() throws -> [Anchor] {
                try (anchors ?? [:]).map { key, text in
                    guard let point = Int(key) else { throw invalid("question '\(self.key)': anchor key '\(key)' is not a number") }
                    return Anchor(point, text)
                }.sorted { $0.point < $1.point }
            }
            let questionKind: QuestionKind
            switch kind.lowercased() {
            case "likert": questionKind = .likert(points: points ?? 5, anchors: try anchorList())
            case "yes_no", "yesno", "yes-no": questionKind = .yesNo
            case "choice":
                guard let options else { throw invalid("question '\(key)': a choice needs options = [\"…\", …]") }
                questionKind = .choice(options: options)
            case "text": questionKind = .text
            case "relative": questionKind = .relative(points: points ?? 5, anchors: try anchorList())
            case "preference": questionKind = .preference
            case "ranking": questionKind = .ranking
            case "marks": questionKind = .marks(categories: categories ?? QuestionKind.defaultMarkCategories)
            default:
                throw invalid("question '\(key)': unknown kind '\(kind)' (likert, yes_no, choice, text, relative, preference, ranking, marks)")
            }
            if categories != nil, questionKind.isMarks == false {
                throw invalid("question '\(key)': categories are for a marks question")
            }
            if questionKind.isMarks, per_case == true {
                throw invalid("question '\(key)': marks are placed on a candidate image, so per_case cannot be true")
            }
            let definition = QuestionDefinition(key: key, prompt: prompt, kind: questionKind,
                                                required: required ?? (questionKind != .text), perCase: per_case,
                                                when: when.map { QuestionCondition(question: $0.question, answer: $0.answer) })
            try definition.validate()
            return definition
        }
    }
}
