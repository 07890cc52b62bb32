import Dataset
import Foundation
@testable import ReaderStudy
import XCTest

final class DefinitionTests: XCTestCase {
    private let base = URL(fileURLWithPath: "/studies")

    func testStudyFileWithEveryQuestionKind() throws {
        let toml = """
            name = "fidelity-2026"
            dataset = "data/usenhance"
            mode = "blinded"
            seed = 11
            repeat_fraction = 0.1
            include_high = false
            calibration = ["0001", "0417"]

            [models]
            unet = "models/unet.safetensors"
            resnet = "/abs/resnet.safetensors"

            [cases]
            organs = ["thyroid", "liver"]
            split = "test"
            per_organ = 10

            [[questions]]
            key = "fidelity"
            prompt = "Are the structures of the source preserved?"
            kind = "likert"
            points = 5
            anchors = { 1 = "Structures lost or invented, not diagnostic", 5 = "Every structure preserved" }

            [[questions]]
            key = "hallucinated"
            prompt = "Invented structure?"
            kind = "yes_no"

            [[questions]]
            key = "artifacts"
            prompt = "Artifacts"
            kind = "choice"
            options = ["none", "mild", "severe"]

            [[questions]]
            key = "vs_reference"
            prompt = "Compared with the reference"
            kind = "relative"
            points = 7

            [[questions]]
            key = "best"
            prompt = "Which image is best?"
            kind = "preference"

            [[questions]]
            key = "order"
            prompt = "Rank the images"
            kind = "ranking"

            [[questions]]
            key = "note"
            prompt = "Comment"
            kind = "text"
            per_case = true
            """
        let definition = try StudyDefinition.parse(toml, path: "/studies/f.toml", baseFolder: base)
        XCTAssertEqual(definition.name, "fidelity-2026")
        XCTAssertEqual(definition.datasetPath, "/studies/data/usenhance")
        // In the order the file writes them (the report's comparisons follow it), not alphabetical.
        XCTAssertEqual(definition.models, [ModelSpec(name: "unet", weights: "/studies/models/unet.safetensors"),
                                           ModelSpec(name: "resnet", weights: "/abs/resnet.safetensors")])
        XCTAssertEqual(definition.cases, CaseSelection(organs: [.thyroid, .liver], split: .test, perOrgan: 10))
        XCTAssertEqual(definition.mode, .blinded)
        XCTAssertEqual(definition.seed, 11)
        XCTAssertEqual(definition.repeatFraction, 0.1)
        XCTAssertFalse(definition.includeHighAsCandidate)
        XCTAssertEqual(definition.calibration, ["0001", "0417"])
        XCTAssertEqual(definition.questions.map(\.key), ["fidelity", "hallucinated", "artifacts", "vs_reference", "best", "order", "note"])
        XCTAssertEqual(definition.questions[0].kind, .likert(points: 5, anchors: [
            Anchor(1, "Structures lost or invented, not diagnostic"), Anchor(5, "Every structure preserved")]))
        XCTAssertEqual(definition.questions[3].kind, .relative(points: 7, anchors: []))
        XCTAssertTrue(definition.questions[4].perCase)
        XCTAssertTrue(definition.questions[6].perCase)
        XCTAssertFalse(definition.questions[6].required)
        XCTAssertFalse(definition.questions[1].perCase)
    }

    func testMinimalFileUsesDefaults() throws {
        let definition = try StudyDefinition.parse("dataset = \"/d\"\n[models]\nunet = \"/u\"\n", path: "s.toml",
                                                   baseFolder: base, name: "cli-name")
        XCTAssertEqual(definition.name, "cli-name")
        XCTAssertEqual(definition.mode, .blinded)
        XCTAssertEqual(definition.questions, QuestionDefinition.defaults)
        XCTAssertEqual(definition.seed, StudyDefinition.defaultSeed)
    }

    /// `study create NAME --file F`: a NAME other than the file's `name` is an error
    /// naming both, not a silent override; the same name, or a file without one, is fine.
    func testCommandLineNameMustMatchTheFilesName() throws {
        let toml = "name = \"from-file\"\ndataset = \"/d\"\n[models]\nunet = \"/u\"\n"
        XCTAssertThrowsError(try StudyDefinition.parse(toml, path: "/s/f.toml", baseFolder: base, name: "other")) { error in
            guard case let .invalid(path, reason)? = error as? StudyDefinitionError else { return XCTFail("\(error)") }
            XCTAssertEqual(path, "/s/f.toml")
            XCTAssertTrue(reason.contains("'from-file'") && reason.contains("'other'"), reason)
        }
        XCTAssertEqual(try StudyDefinition.parse(toml, path: "/s/f.toml", baseFolder: base, name: "from-file").name, "from-file")
        XCTAssertEqual(try StudyDefinition.parse(toml, path: "/s/f.toml", baseFolder: base).name, "from-file")
    }

    func testBadFilesNameTheFileAndTheProblem() {
        func message(_ toml: String) -> String {
            do {
                _ = try StudyDefinition.parse(toml, path: "/s/bad.toml", baseFolder: base, name: "x")
                return "no error"
            } catch {
                return "\(error)"
            }
        }
        let models = "\n[models]\nunet = \"/u\"\n"
        XCTAssertTrue(message("dataset = ").contains("/s/bad.toml"))
        XCTAssertTrue(message("dataset = \"/d\"\nmode = \"sideways\"" + models).contains("mode must be open or blinded"))
        XCTAssertTrue(message("dataset = \"/d\"\ncolour = 3" + models).contains("colour"))
        XCTAssertTrue(message("dataset = \"/d\"").contains("at least one model"))
        XCTAssertTrue(message("mode = \"open\"" + models).contains("dataset"))
        XCTAssertTrue(message("dataset = \"/d\"\n[[questions]]\nkey = \"q\"\nprompt = \"p\"\nkind = \"relative\"\npoints = 4" + models)
            .contains("odd number"))
        XCTAssertTrue(message("dataset = \"/d\"\n[[questions]]\nkey = \"q\"\nprompt = \"p\"\nkind = \"dance\"" + models)
            .contains("unknown kind"))
        XCTAssertTrue(message("dataset = \"/d\"\n[cases]\nids = [\"0001\"]\nper_organ = 3" + models).contains("cannot be combined"))
    }

    func testCaseSelectionIsReproducibleAndChecksIDs() throws {
        let cases = syntheticCases(300, step: 5)
        let selection = CaseSelection(organs: [.thyroid, .carotid], perOrgan: 4)
        let drawn = try selection.select(from: cases, seed: 1)
        XCTAssertEqual(drawn, try selection.select(from: cases, seed: 1))
        XCTAssertNotEqual(drawn.map(\.id), try selection.select(from: cases, seed: 2).map(\.id))
        XCTAssertEqual(drawn.filter { $0.organ == .thyroid }.count, 4)
        XCTAssertEqual(drawn.filter { $0.organ == .carotid }.count, 4)
        XCTAssertEqual(drawn.map(\.id), drawn.map(\.id).sorted())
        let excluded = try selection.select(from: cases, seed: 1, excluding: [drawn[0].id])
        XCTAssertFalse(excluded.contains { $0.id == drawn[0].id })

        let explicit = CaseSelection(ids: [cases[3].id, cases[1].id])
        XCTAssertEqual(try explicit.select(from: cases, seed: 0).map(\.id), [cases[1].id, cases[3].id])
        XCTAssertThrowsError(try CaseSelection(ids: ["9999"]).select(from: cases, seed: 0)) { error in
            XCTAssertEqual(error as? StudyDefinitionError, .unknownCases(ids: ["9999"]))
        }
        XCTAssertThrowsError(try CaseSelection(split: .validation).select(from: cases, seed: 0))
    }

    func testDefaultQuestionsAndAnswerValidation() throws {
        let keys = QuestionDefinition.defaults.map(\.key)
        XCTAssertEqual(keys, ["fidelity", "hallucinated", "hallucinated_marks", "lost", "lost_marks", "artifacts", "quality",
                              "confidence", "comment"])
        guard case let .likert(points, anchors) = QuestionDefinition.defaults[0].kind else { return XCTFail() }
        XCTAssertEqual(points, 5)
        XCTAssertEqual(anchors.first { $0.point == 5 }?.text, "Every structure of the source preserved, nothing added or removed")
        XCTAssertTrue(anchors.first { $0.point == 1 }!.text.contains("Structures lost or invented"))

        let ranking = QuestionDefinition(key: "r", prompt: "", kind: .ranking)
        XCTAssertEqual(try ranking.validated("c > a>B", candidates: ["A", "B", "C"]), "C>A>B")
        XCTAssertThrowsError(try ranking.validated("A>B", candidates: ["A", "B", "C"]))
        XCTAssertThrowsError(try ranking.validated("A>A>B", candidates: ["A", "B", "C"]))
        let relative = QuestionDefinition(key: "v", prompt: "", kind: .relative(points: 5, anchors: []))
        XCTAssertEqual(try relative.validated(" 3 ", candidates: []), "3")
        XCTAssertThrowsError(try relative.validated("0", candidates: []))
        let choice = QuestionDefinition(key: "a", prompt: "", kind: .choice(options: ["none", "mild", "severe"]))
        XCTAssertEqual(try choice.validated("Mild", candidates: []), "mild")
    }
}
