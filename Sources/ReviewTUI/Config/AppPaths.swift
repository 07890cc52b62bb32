import Foundation

/// usreview's XDG folders for configuration and state, computed from an explicit
/// environment so tests never touch the real home folder.
public struct AppPaths: Sendable {
    /// $XDG_CONFIG_HOME/usreview (default ~/.config/usreview).
    public let config: URL
    /// $XDG_STATE_HOME/usreview (default ~/.local/state/usreview).
    public let state: URL

    public init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        func base(_ variable: String, _ fallback: String) -> URL {
            if let value = environment[variable], value.hasPrefix("/") {
                return URL(fileURLWithPath: value, isDirectory: true).appendingPathComponent("usreview", isDirectory: true)
            }
            let home = environment["HOME"].map { URL(fileURLWithPath: $0, isDirectory: true) }
                ?? FileManager.default.homeDirectoryForCurrentUser
            return home.appendingPathComponent(fallback, isDirectory: true).appendingPathComponent("usreview", isDirectory: true)
        }
        config = base("XDG_CONFIG_HOME", ".config")
        state = base("XDG_STATE_HOME", ".local/state")
    }

    public var configFile: URL { config.appendingPathComponent("config.toml") }
    public var logFile: URL { state.appendingPathComponent("usreview.log") }
}
