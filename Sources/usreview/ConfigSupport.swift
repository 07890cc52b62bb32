import Foundation
import ReviewTUI

/// The settings in force for a command: the config file (`$XDG_CONFIG_HOME/usreview/config.toml`)
/// under the command line's flags. Unknown keys in the file are warnings (on stderr, before
/// any screen is taken, and in the log); bad values are errors naming the key and line.
func effectiveConfig(flags: ConfigValues, paths: AppPaths = AppPaths(), log: AppLog? = nil,
                     printWarnings: Bool = true) throws -> EffectiveConfig {
    let file = try ConfigFile.load(paths.configFile)
    var config = EffectiveConfig(file: file, configPath: paths.configFile.path, flags: flags)
    config.defaultToDemoModel(DemoModel.locate(in: demoModelSearchFolders()))
    for warning in config.warnings {
        if printWarnings { printError("warning: " + warning) }
        log?.warning(warning)
    }
    return config
}

/// The folders searched for a theme by name, for this executable and environment.
func themeSearchFolders() -> [URL] {
    ThemeLoader.searchFolders(environment: ProcessInfo.processInfo.environment,
                              executable: Bundle.main.executableURL)
}

/// The folders searched for the shipped demo model, for this executable and environment.
func demoModelSearchFolders() -> [URL] {
    DemoModel.searchFolders(environment: ProcessInfo.processInfo.environment,
                            executable: Bundle.main.executableURL)
}
