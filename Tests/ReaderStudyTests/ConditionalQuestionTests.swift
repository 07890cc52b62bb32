import Foundation
@testable import ReaderStudy
import XCTest

/// Marks questions and `when` conditions: the study file, its checks, and which places
/// of the form a session asks and stores.
final class ConditionalQuestionTests: XCTestCase {
    private func parse(_ questions: String) throws -> StudyDefinition {
        try StudyDefinition.parse("""
            name = "marks"
            dataset = "/data"
            [models]
            unet = "unet.safetensors"
            \(questions)
            """, path: "/studies/marks.toml", baseFolder: URL(fileURLWithPath: "/studies"))
    }

    private func refusal(_ questions: String) -> String {
        do {
            _ = try parse(questions)
            return "accepted"
        } catch {
            return "\(error)"
        }
    }

    func testStudyFileReadsMarksQuestionsAndConditions() throws {
        let definition = try parse("""
            [[questions]]
            key = "invented"
            prompt = "Invented?"
            kind = "yes_no"
            [[questions]]
            key = "where"
            prompt = "Mark it"
            kind = "marks"
            required = true
            when = { question = "invented", answer = "Yes" }
            [[questions]]
            key = "anything"
            prompt = "Mark anything"
            kind = "marks"
            required = false
            """)
        XCTAssertEqual(definition.questions.map(\.key), ["invented", "where", "anything"])
        let marks = definition.questions[1]
        XCTAssertEqual(marks.markCategories, QuestionKind.defaultMarkCategories)
        XCTAssertFalse(marks.perCase)
        XCTAssertTrue(marks.required)
        // The condition's answer is stored in the canonical form answers are compared in.
        XCTAssertEqual(marks.when, QuestionCondition(question: "invented", answer: "yes"))
        XCTAssertFalse(definition.questions[2].required)
    }

    func testBadConditionsAndMarksQuestionsAreRefusedWithTheQuestionNamed() {
        let yesNo = """
            [[questions]]
            key = "invented"
            prompt = "Invented?"
            kind = "yes_no"
            """
        XCTAssertTrue(refusal(yesNo + """

            [[questions]]
            key = "where"
            prompt = "Mark it"
            kind = "marks"
            when = { question = "nosuch", answer = "yes" }
            """).contains("question 'where': when names 'nosuch', which is not a question of this study"))
        XCTAssertTrue(refusal("""
            [[questions]]
            key = "where"
            prompt = "Mark it"
            kind = "marks"
            when = { question = "invented", answer = "yes" }
            """ + "\n" + yesNo).contains("which comes later"))
        XCTAssertTrue(refusal(yesNo + """

            [[questions]]
            key = "where"
            prompt = "Mark it"
            kind = "marks"
            when = { question = "invented", answer = "perhaps" }
            """).contains("'perhaps' is not an answer to 'invented'"))
        XCTAssertTrue(refusal("""
            [[questions]]
            key = "note"
            prompt = "Note"
            kind = "text"
            [[questions]]
            key = "where"
            prompt = "Mark it"
            kind = "marks"
            when = { question = "note", answer = "x" }
            """).contains("whose answers cannot be a condition"))
        // Which candidate's answer would a question asked once per case follow?
        XCTAssertTrue(refusal(yesNo + """

            [[questions]]
            key = "why"
            prompt = "Why?"
            kind = "text"
            per_case = true
            when = { question = "invented", answer = "yes" }
            """).contains("asked per candidate, but 'why' is asked once per case"))
        XCTAssertTrue(refusal("""
            [[questions]]
            key = "where"
            prompt = "Mark it"
            kind = "marks"
            categories = ["hallucinated", "hallucinated"]
            """).contains("the categories must differ"))
        XCTAssertTrue(refusal("""
            [[questions]]
            key = "where"
            prompt = "Mark it"
            kind = "marks"
            categories = ["bad name"]
            """).contains("letters, digits"))
        XCTAssertTrue(refusal("""
            [[questions]]
            key = "where"
            prompt = "Mark it"
            kind = "marks"
            per_case = true
            """).contains("per_case cannot be true"))
        XCTAssertTrue(refusal(yesNo + """

            categories = ["a"]
            """).contains("categories are for a marks question"))
    }

    func testAskedPlacesFollowTheAnswersOfTheSameCandidate() {
        let questions = QuestionDefinition.defaults
        let none = AnswerSlot.asked(questions, candidates: ["A", "B"], answers: [:])
        XCTAssertFalse(none.contains { $0.question.hasSuffix("_marks") })
        let answers: [AnswerSlot: String] = [
            AnswerSlot(question: "hallucinated", panel: "B"): "yes",
            AnswerSlot(question: "hallucinated", panel: "A"): "no",
            AnswerSlot(question: "lost", panel: "A"): "yes",
        ]
        let asked = AnswerSlot.asked(questions, candidates: ["A", "B"], answers: answers)
        let marks = asked.filter { $0.question.hasSuffix("_marks") }
        XCTAssertEqual(marks, [AnswerSlot(question: "hallucinated_marks", panel: "B"),
                               AnswerSlot(question: "lost_marks", panel: "A")])
        // In form order: B's hallucinated marks right after the hallucinated answers.
        let index = asked.firstIndex(of: AnswerSlot(question: "hallucinated_marks", panel: "B"))!
        XCTAssertEqual(asked[index - 1], AnswerSlot(question: "hallucinated", panel: "B"))
    }

    func testMarksAreTheAnswerAndHiddenQuestionsAreNotSubmitted() throws {
        let url = try temporaryFolder(self).appendingPathComponent("s.sqlite")
        try makeStudyFile(at: url, cases: 2, models: ["unet"])
        let store = try SQLiteStudyStore(url: url)
        let session = try enrolledSession(store: store, study: "pilot", reader: "ann")
        let label = try XCTUnwrap(session.current?.candidates.first?.label)
        XCTAssertEqual(session.markQuestions(panel: label), [])

        try session.answer("hallucinated", panel: label, value: "Y")
        XCTAssertEqual(session.markQuestions(panel: label).map(\.key), ["hallucinated_marks"])
        XCTAssertThrowsError(try session.answer("hallucinated_marks", panel: label, value: "1"))
        let mark = PendingMark(questionKey: "hallucinated_marks", panelLabel: label, category: "hallucinated",
                               shape: .point(x: 10, y: 20), confidence: 4)
        XCTAssertThrowsError(try session.addMark(PendingMark(questionKey: "hallucinated_marks", panelLabel: label,
                                                             category: "lost", shape: .point(x: 1, y: 1)))) { error in
            XCTAssertEqual(error as? AnswerError,
                           .invalidMark(question: "hallucinated_marks", reason: "category 'lost' is not one of hallucinated"))
        }
        XCTAssertThrowsError(try session.addMark(mark, imageWidth: 10, imageHeight: 10))
        XCTAssertEqual(try session.addMark(mark, imageWidth: 64, imageHeight: 64), 0)
        try session.addMark(PendingMark(questionKey: "hallucinated_marks", panelLabel: label, category: "hallucinated",
                                        shape: .box(x: 0, y: 0, width: 5, height: 3)))
        XCTAssertEqual(session.pending[AnswerSlot(question: "hallucinated_marks", panel: label)], "2")
        session.removeMark(at: 0)
        XCTAssertEqual(session.pending[AnswerSlot(question: "hallucinated_marks", panel: label)], "1")
        XCTAssertEqual(session.marks.map(\.shape), [.box(x: 0, y: 0, width: 5, height: 3)])

        // "no" hides the marks question: its answer is kept on the form but not asked.
        try session.answer("hallucinated", panel: label, value: "no")
        XCTAssertFalse(session.allSlots.contains(AnswerSlot(question: "hallucinated_marks", panel: label)))
        XCTAssertEqual(session.marks.count, 1)
        try fillForm(session, variant: 0)
        let presentation = try XCTUnwrap(session.current?.presentation.id)
        try session.submit()
        let (_, answers) = try XCTUnwrap(store.latestAnswers(presentationId: presentation))
        XCTAssertFalse(answers.contains { $0.questionKey == "hallucinated_marks" })
        XCTAssertEqual(answers.first { $0.questionKey == "hallucinated" }?.value, "no")
    }

    func testASessionHoldsAtMostTheLimitOfMarks() throws {
        let url = try temporaryFolder(self).appendingPathComponent("s.sqlite")
        try makeStudyFile(at: url, cases: 1, models: ["unet"])
        let session = try enrolledSession(store: try SQLiteStudyStore(url: url), study: "pilot", reader: "ann")
        let label = try XCTUnwrap(session.current?.candidates.first?.label)
        try session.answer("hallucinated", panel: label, value: "yes")
        let mark = PendingMark(questionKey: "hallucinated_marks", panelLabel: label, category: "hallucinated",
                               shape: .point(x: 1, y: 1))
        for _ in 0..<PendingMark.limitPerAnswerSet { try session.addMark(mark) }
        XCTAssertThrowsError(try session.addMark(mark)) { error in
            XCTAssertEqual(error as? AnswerError, .invalidMark(
                question: "hallucinated_marks", reason: "a case holds at most \(PendingMark.limitPerAnswerSet) marks"))
        }
        XCTAssertEqual(session.marks.count, PendingMark.limitPerAnswerSet)
    }

    func testMoveAndBoxGeometryStayInsideTheImage() {
        XCTAssertEqual(MarkShape.point(x: 2, y: 3).moved(dx: -5, dy: 100, within: 64, 48), .point(x: 0, y: 47))
        XCTAssertEqual(MarkShape.box(x: 50, y: 0, width: 10, height: 4).moved(dx: 10, dy: -1, within: 64, 48),
                       .box(x: 54, y: 0, width: 10, height: 4))
        XCTAssertEqual(MarkShape.box(corner: (x: 9, y: 2), corner: (x: 3, y: 7)), .box(x: 3, y: 2, width: 7, height: 6))
    }
}
