import Foundation

/// Where usreview keeps files of its own, per the XDG base directory spec.
public enum UserFolders {
    /// $XDG_CACHE_HOME/usreview (default ~/.cache/usreview): things that can be remade,
    /// like the demo dataset and enhanced images.
    public static var cache: URL { base("XDG_CACHE_HOME", fallback: ".cache") }

    /// $XDG_DATA_HOME/usreview (default ~/.local/share/usreview): things that cannot,
    /// like ratings and split files of read-only datasets.
    public static var data: URL { base("XDG_DATA_HOME", fallback: ".local/share") }

    private static func base(_ variable: String, fallback: String) -> URL {
        let environment = ProcessInfo.processInfo.environment
        if let value = environment[variable], value.hasPrefix("/") {
            return URL(fileURLWithPath: value, isDirectory: true).appendingPathComponent("usreview", isDirectory: true)
        }
        let home = environment["HOME"].map { URL(fileURLWithPath: $0, isDirectory: true) }
            ?? FileManager.default.homeDirectoryForCurrentUser
        return home.appendingPathComponent(fallback, isDirectory: true).appendingPathComponent("usreview", isDirectory: true)
    }
}
