import Foundation

/// What a store checks of an answer set's marks before storing any of them: a client
/// may be hostile (or old), so the store does not trust what `ReadingSession` checked.
/// Both stores and `study import` call `firstProblem`, so the rules are one.
public enum MarkChecks {
    /// A panel of the showing as the checks need it: whether it is rated, and the size
    /// of its frozen image.
    public struct PanelSize: Equatable, Sendable {
        public var label: String
        public var isReference: Bool
        public var width: Int
        public var height: Int

        public init(label: String, isReference: Bool, width: Int, height: Int) {
            self.label = label
            self.isReference = isReference
            self.width = width
            self.height = height
        }
    }

    /// The first thing wrong with `marks` as part of an answer set with `answers`, or
    /// nil: each mark's question exists and is a marks question taking its category, is
    /// asked (its `when` is met by the answers), the panel is a candidate of the showing,
    /// the shape lies inside that panel's image and the confidence is 1–5; and each
    /// marks question's answer for a panel is the number of its marks there (no answer:
    /// none). `mark` is the index of the mark at fault (nil for a count). `panels` may be
    /// empty for a set without marks: its marks answers are then checked to be 0.
    public static func firstProblem(_ marks: [PendingMark], answers: [PendingAnswer], questions: [QuestionDefinition],
                                    panels: [PanelSize]) -> (mark: Int?, error: AnswerError)? {
        let byKey = Dictionary(questions.map { ($0.key, $0) }, uniquingKeysWith: { first, _ in first })
        let candidates = panels.filter { !$0.isReference }.map(\.label)
        var given: [AnswerSlot: String] = [:]
        for answer in answers { given[AnswerSlot(question: answer.questionKey, panel: answer.panelLabel)] = answer.value }
        let asked = Set(AnswerSlot.asked(questions, candidates: candidates, answers: given))
        if marks.count > PendingMark.limitPerAnswerSet {
            return (PendingMark.limitPerAnswerSet, .invalidMark(question: marks[PendingMark.limitPerAnswerSet].questionKey,
                reason: "an answer set holds at most \(PendingMark.limitPerAnswerSet) marks"))
        }
        for (index, mark) in marks.enumerated() {
            func invalid(_ reason: String) -> (Int?, AnswerError) { (index, .invalidMark(question: mark.questionKey, reason: reason)) }
            guard let question = byKey[mark.questionKey] else { return invalid("the study has no question '\(mark.questionKey)'") }
            guard question.markCategories != nil else { return invalid("'\(mark.questionKey)' is not a marks question") }
            guard let panel = panels.first(where: { $0.label == mark.panelLabel }), !panel.isReference else {
                return invalid("'\(mark.panelLabel)' is not a candidate panel of this case (candidates: "
                               + candidates.joined(separator: ", ") + ")")
            }
            do {
                try mark.validate(question: question, imageWidth: panel.width, imageHeight: panel.height)
            } catch let error as AnswerError {
                return (index, error)
            } catch {
                return invalid("\(error)")
            }
            if !asked.contains(AnswerSlot(question: mark.questionKey, panel: mark.panelLabel)), let condition = question.when {
                return (index, .notAsked(question: mark.questionKey, condition: condition.description))
            }
        }
        // Every place that has a marks answer or marks: the two agree. (A set without
        // marks is checked without its panels: each marks answer must then be 0.)
        var places = Set(marks.map { AnswerSlot(question: $0.questionKey, panel: $0.panelLabel) })
        for answer in answers where byKey[answer.questionKey]?.markCategories != nil {
            places.insert(AnswerSlot(question: answer.questionKey, panel: answer.panelLabel))
        }
        let order = Dictionary(questions.enumerated().map { ($1.key, $0) }, uniquingKeysWith: { first, _ in first })
        for place in places.sorted(by: { (order[$0.question] ?? 0, $0.panel) < (order[$1.question] ?? 0, $1.panel) }) {
            let count = marks.filter { $0.questionKey == place.question && $0.panelLabel == place.panel }.count
            let answer = given[place]
            guard answer.map({ Int($0) == count }) ?? (count == 0) else {
                return (nil, .invalidMark(question: place.question, reason:
                    "panel \(place.panel) has \(count) mark\(count == 1 ? "" : "s") but the answer says \(answer ?? "none")"))
            }
        }
        return nil
    }
}
