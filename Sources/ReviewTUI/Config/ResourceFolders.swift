import Foundation

/// Where usreview looks for the files it ships beside the binary (`themes/`, `models/`).
///
/// In order: `$XDG_CONFIG_HOME/usreview/NAME` (the user's own), each folder of an
/// override variable (colon-separated), `<prefix>/share/usreview/NAME` next to an
/// installed executable, and `NAME/` of a source checkout holding the executable
/// (`make demo` runs the binary from `.build/`). One list for every kind, so an
/// installed app and a checkout find their files the same way.
public enum ResourceFolders {
    public static func search(_ name: String, overrideVariable: String, environment: [String: String],
                              executable: URL?) -> [URL] {
        var folders = [AppPaths(environment: environment).config.appendingPathComponent(name, isDirectory: true)]
        if let extra = environment[overrideVariable], !extra.isEmpty {
            folders += extra.split(separator: ":").map { URL(fileURLWithPath: String($0), isDirectory: true) }
        }
        guard let executable else { return folders }
        let binFolder = executable.resolvingSymlinksInPath().deletingLastPathComponent()
        folders.append(binFolder.deletingLastPathComponent()
            .appendingPathComponent("share/usreview", isDirectory: true).appendingPathComponent(name, isDirectory: true))
        // A build folder inside a checkout: …/repo/.build/debug/usreview → …/repo/NAME.
        var folder = binFolder
        for _ in 0..<5 {
            folder = folder.deletingLastPathComponent()
            if FileManager.default.fileExists(atPath: folder.appendingPathComponent("Package.swift").path) {
                folders.append(folder.appendingPathComponent(name, isDirectory: true))
                break
            }
        }
        return folders
    }
}
