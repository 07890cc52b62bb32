import ArgumentParser
import Dataset
import Foundation
import ReaderStudy

struct StudyCreateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "create",
        abstract: "Create a reader study from a dataset and one or more models.",
        discussion: """
            Without --file, the study uses the default questions (anatomical fidelity, \
            hallucinated and lost structures, artifacts, image quality, diagnostic \
            confidence, comment). A study file (TOML) gives full control: case lists, \
            calibration cases, repeats and questions:

              name = "pilot"                  dataset = "/data/usenhance"
              mode = "blinded"                seed = 7
              repeat_fraction = 0.1           calibration = ["0001", "0417"]
              include_high = true             (blinded: the high image as one more candidate)
              comparisons = [["unet", "high"]]   (each "first vs second"; default:
                each model vs the rated reference, then vs each later model)
              [models]    unet = "models/unet.safetensors"   (compared in this order)
              [cases]     organs = ["thyroid"]   split = "test"   per_organ = 10   (or ids = […])
              [[questions]]  key = "fidelity"  prompt = "…"  kind = "likert"  points = 5
                             anchors = { 1 = "…", 5 = "…" }   required = true   per_case = false
              kinds: likert, yes_no, choice (options = […]), text, relative (odd points;
              the middle means equivalent to the reference), preference, ranking.
              [[questions]] replace the defaults unless include_default_questions = true.

            Examples:
              usreview study create fidelity --dataset ~/data/usenhance --model unet=models/unet.safetensors --per-organ 20
              usreview study create pilot --file pilot.toml
            """
    )

    @Argument(help: "The study's name (letters, digits, '.', '_', '-').")
    var name: String

    @Option(help: "The dataset folder (as for usreview index).", completion: .directory)
    var dataset: String?

    @Option(name: .customLong("model"), help: "A model under study as NAME=WEIGHTS (repeat for several).")
    var models: [String] = []

    @Option(help: "open (panels labelled LOW/ENHANCED/HIGH) or blinded (candidates A, B, … in a random order per case and reader).")
    var mode: StudyMode = .blinded

    @Option(help: "Cases per organ, drawn with the seed (default: all cases).", transform: NumericRange.studyPerOrgan.parse)
    var perOrgan: Int?

    @Option(name: .customLong("organ"), help: "Only this organ (repeat for several).")
    var organs: [Organ] = []

    @Option(help: "Only cases of this split: train, validation or test.")
    var split: Split?

    @Option(help: "Share of cases shown a second time, for intra-reader agreement (0 to 1).")
    var repeatFraction: Double = 0

    @Option(help: "Seed for the case draw and every reader's order.")
    var seed: UInt64 = StudyDefinition.defaultSeed

    @Option(help: "A study file (TOML); the other study options are then not used.", completion: .file())
    var file: String?

    @Option(help: "Generator threads for rendering the enhanced panels (default: all cores).",
            transform: NumericRange.threads.parse)
    var threads: Int?

    @OptionGroup var database: StudyDatabaseOptions

    func validate() throws {
        if file == nil {
            guard dataset != nil else { throw ValidationError("Give the dataset with --dataset DIR (or a study file with --file).") }
            guard !models.isEmpty else {
                throw ValidationError("Name at least one model with --model NAME=WEIGHTS (or a study file with --file).")
            }
            for model in models where model.split(separator: "=", maxSplits: 1).count != 2 {
                throw ValidationError("--model \(model): expected NAME=WEIGHTS, e.g. unet=models/unet.safetensors.")
            }
        }
        guard (0...1).contains(repeatFraction) else { throw ValidationError("--repeat-fraction must lie between 0 and 1.") }
    }

    func run() throws {
        let definition: StudyDefinition
        if let file {
            definition = try StudyDefinition.load(URL(fileURLWithPath: file), name: name)
        } else {
            definition = StudyDefinition(
                name: name, datasetPath: URL(fileURLWithPath: dataset!).standardized.path,
                models: models.map { spec in
                    let parts = spec.split(separator: "=", maxSplits: 1).map(String.init)
                    return ModelSpec(name: parts[0], weights: URL(fileURLWithPath: parts[1]).standardized.path)
                },
                cases: CaseSelection(organs: organs.isEmpty ? nil : organs, split: split, perOrgan: perOrgan),
                mode: mode, seed: seed, repeatFraction: repeatFraction)
            try definition.validate()
        }
        for model in definition.models {
            guard FileManager.default.fileExists(atPath: model.weights) else {
                throw ValidationError("The weights file of model \(model.name) does not exist: \(model.weights).")
            }
            try requireRegularFileIfPresent(model.weights, "the weights of model \(model.name)")
        }
        let (index, _) = try DatasetIndex.load(URL(fileURLWithPath: definition.datasetPath))
        let calibration = try definition.calibration.isEmpty
            ? [] : CaseSelection(ids: definition.calibration).select(from: index.cases, seed: definition.seed)
        let calibrationInOrder = definition.calibration.compactMap { id in calibration.first { $0.id == id } }
        let cases = try definition.cases.select(from: index.cases, seed: definition.seed,
                                                excluding: Set(definition.calibration))
        let store = try database.coordinatorStore()
        // Every panel is rendered here, once: readers get these images, never the models.
        let renderer = try GeneratorPanelRenderer(models: definition.models, threads: threads)
        let bar = ProgressBar(label: "rendering panels")
        let snapshot = try store.createStudy(definition, cases: cases, calibration: calibrationInOrder, renderer: renderer, now: Date(),
                                             progress: bar.update)
        bar.finish()
        let organs = Dictionary(grouping: snapshot.cases.filter { !$0.isCalibration }, by: \.organ)
            .sorted { $0.key < $1.key }.map { "\($0.key.rawValue) \($0.value.count)" }.joined(separator: ", ")
        printText("Created study \(definition.name) in \(store.location): \(cases.count) cases (\(organs)), "
              + "\(calibration.count) calibration, \(definition.models.count) model(s), \(definition.mode.rawValue), "
              + "\(definition.questions.count) questions, seed \(definition.seed).")
    }
}

extension StudyMode: ExpressibleByArgument {}
extension Organ: ExpressibleByArgument {}
extension Split: ExpressibleByArgument {}
