import ArgumentParser
import Dataset
import Enhancer
import Foundation
import Metrics

struct Eval: ParsableCommand {
    enum Format: String, ExpressibleByArgument, CaseIterable { case text, md, csv, json, html }

    static let configuration = CommandConfiguration(
        abstract: "The seed paper's Table 2 for a dataset: reference low and each model against high, per organ.",
        discussion: """
            Per case: LNCC, SSIM, PSNR and (with its weights) LPIPS of LOW vs HIGH — the \
            "reference low" row — and of each --model's output vs HIGH. The table gives mean ± sd \
            per organ and overall, one row per model in the order given; paired one-sided Wilcoxon \
            signed-rank tests compare each model with low and each later model with the first \
            (higher is better, LPIPS lower), Holm-corrected across the table.

            --model NAME=PATH names a row; a bare PATH takes its name from the file name. Model \
            outputs are cached per model file and image under $XDG_CACHE_HOME/usreview/enhanced \
            (the review app's cache), so a second eval is fast.

            --format: text (default), md (Markdown), csv (the table), json (everything, per case \
            too), html (one self-contained page). --csv FILE writes one row per case and model.

            Examples:
              usreview eval --dataset ~/data/usenhance --split test
              usreview eval --model demo=models/phantom_unet256_ngf16_f16.safetensors --format md
              usreview eval --model a=a.safetensors --model b=b.safetensors --csv cases.csv --format json
            """
    )

    @Option(help: "A USEnhance folder; default: the embedded demo dataset.", completion: .directory)
    var dataset: String?

    @Option(name: .customLong("model"), help: "NAME=PATH or PATH of generator weights; repeat for more rows.")
    var models: [String] = []

    @Option(help: "Which split: train, validation, test, or all.")
    var split: String = "test"

    @Option(help: "Also write one CSV row per case and model to this file.")
    var csv: String?

    @Option(help: "What goes to standard output: text, md, csv, json or html.")
    var format: Format?

    @Flag(help: "The same as --format json.")
    var json = false

    @Option(help: "Also write the figures (SVG) into this folder.", completion: .directory)
    var figures: String?

    @Flag(name: .customLong("no-cache"), help: "Run every model even when its outputs are cached.")
    var noCache = false

    @Flag(name: .customLong("no-lpips"), help: "Leave LPIPS out even when its weights are installed.")
    var noLPIPS = false

    @Option(name: .customLong("lncc-window"), help: "LNCC box window: odd, 3 to 31 (9 is the usual; 11 the other common choice).", transform: NumericRange.lnccWindow.parse)
    var lnccWindow: Int = 9

    @OptionGroup var datasetOptions: DatasetOptions
    @OptionGroup var modelOptions: ModelOptions

    var outputFormat: Format { format ?? (json ? .json : .text) }

    func validate() throws {
        guard split == "all" || Split(userText: split) != nil else {
            throw ValidationError("--split must be train, validation, test or all.")
        }
        if json, let format, format != .json { throw ValidationError("--json and --format \(format.rawValue) disagree.") }
        let names = try models.map { try ModelArgument(parsing: $0).name }
        if Set(names).count != names.count {
            throw ValidationError("Two models are named alike (\(names.joined(separator: ", "))): name them with NAME=PATH.")
        }
    }

    func run() throws {
        let folder = try dataset.map { URL(fileURLWithPath: $0) } ?? DemoDataset.ensure()
        let (index, _) = try datasetOptions.load(folder)
        let chosen = Split(userText: split)
        let cases = index.cases.filter { chosen == nil || $0.split == chosen }
        let arguments = try models.map(ModelArgument.init(parsing:))
        if let csv {
            // Never overwrite an image or model this run reads.
            try OutputGuard.check(output: URL(fileURLWithPath: csv),
                                  inputs: cases.flatMap { [$0.lowPath] + ($0.highPath.map { [$0] } ?? []) }
                                      + arguments.map { URL(fileURLWithPath: $0.path) })
        }
        let evaluated = try arguments.map { model -> EvaluatedModel in
            let url = URL(fileURLWithPath: model.path)
            return EvaluatedModel(name: model.name, path: model.path, generator: try modelOptions.load(model.path),
                                  cache: noCache ? nil : try DiskCache(model: url))
        }
        let lpips = noLPIPS ? nil : try LPIPS.loadInstalled()
        let bar = ProgressBar(label: "eval")
        let evaluation = try Evaluation.run(cases, splitName: split, models: evaluated,
                                            scorer: PairScorer(lnccWindow: lnccWindow, lpips: lpips)) { bar.update($0, $1) }
        bar.finish()
        if let csv { try AtomicFile.write(Data(evaluation.caseCSV().utf8), to: URL(fileURLWithPath: csv)) }
        if let figures { try writeFigures(evaluation.figures(), to: figures) }
        switch outputFormat {
        case .text: printText(evaluation.text(), terminator: "")
        case .md: printText(evaluation.markdown(), terminator: "")
        case .csv: printDocument(Data(evaluation.summaryCSV().utf8))
        case .json: printJSON(try evaluation.json())
        case .html: printDocument(Data(evaluation.html().utf8))
        }
        // The others are scored and printed; the exit status says the run is incomplete.
        if !evaluation.failures.isEmpty {
            evaluation.failures.forEach { printError("error: \($0)") }
            throw ExitCode(1)
        }
    }
}

/// `--model NAME=PATH`, or a bare PATH named by its file name without extension.
struct ModelArgument {
    var name: String
    var path: String

    init(parsing text: String) throws {
        if let equals = text.firstIndex(of: "="), !text[..<equals].contains("/") {
            name = String(text[..<equals])
            path = String(text[text.index(after: equals)...])
        } else {
            path = text
            name = URL(fileURLWithPath: text).deletingPathExtension().lastPathComponent
        }
        // ASCII only: names become CSV cells, JSON keys and figure labels as they are.
        func allowed(_ c: Character) -> Bool { c.isASCII && (c.isLetter || c.isNumber || "._-".contains(c)) }
        guard let first = name.first, first.isASCII, first.isLetter || first.isNumber, name.allSatisfy(allowed),
              !["low", "high"].contains(name.lowercased()) else {
            throw ValidationError("The model name '\(name)' (from '\(text)') must start with a letter or digit and hold "
                + "only letters, digits, '.', '_' or '-', and not be low or high: give one with --model NAME=PATH.")
        }
        guard !path.isEmpty else { throw ValidationError("--model \(text): give the weights file after '='.") }
    }
}
