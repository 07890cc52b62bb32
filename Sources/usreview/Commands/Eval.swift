import ArgumentParser
import Dataset
import Enhancer
import Foundation
import Metrics

struct Eval: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Score a dataset: low vs high, and with a model enhanced vs high, per case and per organ.",
        discussion: """
            Per case: SSIM, PSNR, LNCC and (with its weights) LPIPS of LOW vs HIGH — the \
            reference-low baseline of the paper's Table 2 — and, with --model, of ENHANCED vs \
            HIGH. Summaries per organ and overall (mean ± sd) with the one-sided Wilcoxon \
            signed-rank p-value of enhanced vs low (greater for SSIM/PSNR/LNCC, less for LPIPS).

            Examples:
              usreview eval --dataset ~/data/usenhance --split test
              usreview eval --dataset ~/data/usenhance --model g.safetensors --csv cases.csv --json
            """
    )

    @Option(help: "A USEnhance folder; default: the embedded demo dataset.", completion: .directory)
    var dataset: String?

    @Option(help: "Generator weights; without it only the low-vs-high baseline is scored.")
    var model: String?

    @Option(help: "Which split: train, validation, test, or all.")
    var split: String = "test"

    @Option(help: "Also write one CSV row per case to this file.")
    var csv: String?

    @Flag(help: "Print JSON instead of the table.")
    var json = false

    @Flag(name: .customLong("no-lpips"), help: "Leave LPIPS out even when its weights are installed.")
    var noLPIPS = false

    @Option(name: .customLong("lncc-window"), help: "LNCC box window: odd, 3 to 31 (9 is the usual; 11 the other common choice).", transform: NumericRange.lnccWindow.parse)
    var lnccWindow: Int = 9

    @OptionGroup var datasetOptions: DatasetOptions
    @OptionGroup var modelOptions: ModelOptions

    func validate() throws {
        guard split == "all" || Split(userText: split) != nil else {
            throw ValidationError("--split must be train, validation, test or all.")
        }
    }

    func run() throws {
        let folder = try dataset.map { URL(fileURLWithPath: $0) } ?? DemoDataset.ensure()
        let (index, _) = try datasetOptions.load(folder)
        let chosen = Split(userText: split)
        let cases = index.cases.filter { chosen == nil || $0.split == chosen }
        if let csv {
            try OutputGuard.check(output: URL(fileURLWithPath: csv),
                                  inputs: cases.flatMap { [$0.lowPath] + ($0.highPath.map { [$0] } ?? []) } + (model.map { [URL(fileURLWithPath: $0)] } ?? []))
        }
        let generator = try model.map(modelOptions.load)
        let lpips = noLPIPS ? nil : try LPIPS.loadInstalled()
        let bar = ProgressBar(label: "eval")
        let evaluation = try Evaluation.run(cases, splitName: split, generator: generator,
                                            modelName: model.map { URL(fileURLWithPath: $0).lastPathComponent },
                                            scorer: PairScorer(lnccWindow: lnccWindow, lpips: lpips)) { bar.update($0, $1) }
        bar.finish()
        if let csv { try AtomicFile.write(Data(evaluation.csv().utf8), to: URL(fileURLWithPath: csv)) }
        if json { printJSON(try evaluation.json()) } else { printText(evaluation.text()) }
        // The others are scored and printed; the exit status says the run is incomplete.
        if !evaluation.failures.isEmpty {
            evaluation.failures.forEach { printError("error: \($0)") }
            throw ExitCode(1)
        }
    }
}
