import ArgumentParser
import Dataset
import Foundation
import ReviewTUI

struct Review: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Open a dataset for review (default: the embedded demo dataset).",
        discussion: """
            On a terminal this opens the review app: a browser of organs and cases, and a \
            LOW · ENHANCED · HIGH viewer that enhances each case as it is opened (press ? \
            inside for the keys). When stdin or stdout is not a terminal (a pipe, CI) it \
            prints the dataset summary instead. Without --dataset it uses the embedded demo: \
            phantom pairs made on first use in the user cache folder, enhanced (unless a \
            model is chosen) by the shipped demo model, trained on other phantoms \
            (models/README.md).
            """
    )

    @Option(help: "A USEnhance folder; default: the embedded demo dataset.", completion: .directory)
    var dataset: String?

    @Option(help: "A generator (safetensors) to enhance each opened case with; without one the demo dataset gets the shipped demo model and a real dataset's enhanced panel stays empty. Repeat to compare models (m cycles, N shows all).",
            completion: .file(extensions: ["safetensors"]))
    var model: [String] = []

    @Option(help: "Interface colours: a theme name (reading-room, light, high-contrast) or a .toml file. Default: the config file's theme, else reading-room.")
    var theme: String?

    @Option(help: "Images in the viewer: auto (kitty graphics or sixel where the terminal says so, else blocks), kitty, sixel, blocks, quadrants, sextants, ascii. Default: the config file's graphics, else auto.")
    var graphics: String?

    @Option(help: "An open-mode reader study (its name, as given to study create) whose ratings the browser shows: a rated column, and rated / not rated in the e filter. Read again when the study changes. A blinded study is refused: the app shows model names (use study status).")
    var study: String?

    @Option(help: "With --study: the reader whose ratings count as rated (default: any reader's).")
    var reader: String?

    @OptionGroup var datasetOptions: DatasetOptions
    @OptionGroup var modelOptions: ModelOptions
    @OptionGroup var studyDatabase: StudyDatabaseOptions

    func validate() throws {
        if reader != nil, study == nil { throw ValidationError("--reader needs --study (the study whose ratings to show)") }
        for path in model { try requireRegularFileIfPresent(path, "--model") }
        if let graphics, !graphicsModeNames.contains(graphics) {
            throw ValidationError("--graphics '\(graphics)' is not one of \(graphicsModeNames.joined(separator: ", "))")
        }
    }

    func run() throws {
        let paths = AppPaths()
        let log = AppLog(url: paths.logFile)
        let config = try effectiveConfig(
            flags: ConfigValues(theme: theme, graphics: graphics, threads: modelOptions.threads, dataset: dataset, models: model.isEmpty ? nil : model),
            paths: paths, log: log)
        let dataset = config.dataset.value
        let model = config.models.value.first
        log.info("start: usreview review (pid \(getpid())), theme \(config.theme.value)")
        let folder: URL
        if let dataset {
            folder = URL(fileURLWithPath: dataset)
        } else {
            printError("preparing the demo dataset in \(DemoDataset.defaultFolder.path) …")
            folder = try DemoDataset.ensure()
        }
        let (index, source) = try datasetOptions.load(folder)
        // Opened before the terminal check, so a missing or blinded study is refused either way.
        if study != nil, studyDatabase.server != nil {
            throw ValidationError("review --study shows the ratings of an open study in a file; on a study server, follow progress with usreview study status --study NAME --db ….")
        }
        let ratings = try study.map { try StudyRatingsSource(url: studyDatabase.url, study: $0, reader: reader) }
        guard isatty(STDIN_FILENO) != 0, isatty(STDOUT_FILENO) != 0 else {
            printText(IndexReport(index, splitSource: source).text())
            return
        }
        let name = dataset == nil ? "demo dataset" : folder.standardizedFileURL.lastPathComponent
        log.info("dataset opened: \(folder.path) (\(index.cases.count) cases)")
        var app = ReviewApp(index: index, datasetName: name, modelURL: model.map { URL(fileURLWithPath: $0) },
                            threads: config.threads.value)
        let (resolvedTheme, themeError) = ThemeLoader.resolve(config.theme.value, folders: themeSearchFolders())
        app.theme = resolvedTheme
        app.extraModelURLs = config.models.value.dropFirst().map { URL(fileURLWithPath: $0) }
        app.log = log
        app.cacheSize = config.cacheSize.value
        app.graphics = config.graphics.value
        if let ratings { app.ratings = ratings }
        if let themeError {
            log.error("\(themeError); using \(Theme.defaultName)")
            app.startupMessage = "\(themeError) — using \(Theme.defaultName)"
        }
        app.run()
        log.info("quit")
    }
}
