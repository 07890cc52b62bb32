import ArgumentParser
import Foundation
import ReviewTUI
import UntrustedText

struct Config: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print the effective configuration and where each value came from.",
        discussion: """
            Settings come from built-in defaults, then the config file \
            ($XDG_CONFIG_HOME/usreview/config.toml, default ~/.config/usreview/config.toml), \
            then command-line flags. The file's keys: theme = "reading-room" (a name or a \
            path), graphics = "auto|kitty|sixel|blocks|quadrants|sextants|ascii", threads = N, \
            dataset = "PATH", models = ["G.safetensors", …], lncc_window = 9, \
            cache_size = 24. Unknown keys are warnings; bad values are errors. \
            Also printed: where themes are searched, the shipped demo model (the default model when the embedded demo dataset is opened without one) and the log file.
            """
    )

    @Option(help: "Show the configuration as `review --theme NAME|PATH` would see it.")
    var theme: String?

    func run() throws {
        let paths = AppPaths()
        let config = try effectiveConfig(flags: ConfigValues(theme: theme), paths: paths)
        printText(config.report())
        // Paths come from flags and the environment: shown escaped, one line each.
        func show(_ line: String) { printText(TerminalText.sanitized(line)) }
        let folders = themeSearchFolders()
        let (resolved, error) = ThemeLoader.resolve(config.theme.value, folders: folders)
        show("theme file:  \(resolved.path ?? "(built-in \(Theme.defaultName))")")
        if let error { show("theme error: \(error) — using \(Theme.defaultName)") }
        show("theme folders: " + folders.map(\.path).joined(separator: ", "))
        let modelFolders = demoModelSearchFolders()
        show("demo model:  \(DemoModel.locate(in: modelFolders)?.path ?? "(not found in " + modelFolders.map(\.path).joined(separator: ", ") + ")")")
        show("log file:    \(paths.logFile.path)")
    }
}
