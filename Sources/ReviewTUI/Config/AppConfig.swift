import Foundation
import UntrustedText

/// A bad config file: names the file, the line (0: none, as for an unreadable file),
/// the key path and what is wrong. Control characters from the file are shown escaped.
public struct ConfigError: Error, Equatable, Sendable, CustomStringConvertible {
    public let path: String
    public let line: Int
    public let key: String?
    public let reason: String
    public var description: String {
        TerminalText.sanitized("config \(path)\(line > 0 ? ", line \(line)" : "")\(key.map { ", key '\($0)'" } ?? ""): \(reason)")
    }
}

/// Where an effective setting came from.
public enum SettingSource: Equatable, Sendable, CustomStringConvertible {
    case builtIn
    case file(path: String, line: Int)
    case flag(String)
    /// The shipped demo model, chosen because the embedded demo dataset is open.
    case demoModel

    public var description: String {
        switch self {
        case .builtIn: return "default"
        case .demoModel: return "default for the embedded demo (models/README.md)"
        case let .file(path, line): return "\(path):\(line)"
        case let .flag(name): return "command line (\(name))"
        }
    }
}

public struct Setting<Value: Equatable & Sendable>: Equatable, Sendable {
    public var value: Value
    public var source: SettingSource
    public init(_ value: Value, _ source: SettingSource) {
        self.value = value
        self.source = source
    }
}

/// The graphics modes a config file or flag may ask for.
public let graphicsModeNames = ["auto", "kitty", "sixel", "blocks", "quadrants", "sextants", "ascii"]

/// The settings of `config.toml`, each optional (absent: not set in the file), or of the
/// command line's flags.
public struct ConfigValues: Equatable, Sendable {
    public var theme: String?
    public var graphics: String?
    public var threads: Int?
    public var dataset: String?
    public var models: [String]?
    public var lnccWindow: Int?
    public var cacheSize: Int?
    public init(theme: String? = nil, graphics: String? = nil, threads: Int? = nil, dataset: String? = nil,
                models: [String]? = nil, lnccWindow: Int? = nil, cacheSize: Int? = nil) {
        self.theme = theme
        self.graphics = graphics
        self.threads = threads
        self.dataset = dataset
        self.models = models
        self.lnccWindow = lnccWindow
        self.cacheSize = cacheSize
    }
}

/// The config file as read: its values, the line of each key, and warnings (unknown keys).
public struct ConfigFile: Equatable, Sendable {
    public var path: String
    public var values = ConfigValues()
    public var lines: [String: Int] = [:]
    public var warnings: [String] = []

    /// The keys a config file may set.
    public static let keys = ["theme", "graphics", "threads", "dataset", "models", "lncc_window", "cache_size"]
    static let maxUnknownKeyWarnings = 10

    public init(path: String) { self.path = path }

    /// Reads `url`; a missing file is an empty config (nil), a bad value throws.
    public static func load(_ url: URL) throws(ConfigError) -> ConfigFile? {
        guard FileManager.default.fileExists(atPath: url.path) else { return nil }
        let text: String
        do { text = try TOMLDocument.readText(url) } catch {
            throw ConfigError(path: url.path, line: 0, key: nil, reason: "cannot read it: \(error.reason)")
        }
        return try parse(text, path: url.path)
    }

    public static func parse(_ text: String, path: String) throws(ConfigError) -> ConfigFile {
        let document: TOMLDocument
        do { document = try TOMLDocument(parsing: text) } catch {
            throw ConfigError(path: path, line: error.line, key: nil, reason: "\(error.reason) (column \(error.column))")
        }
        var file = ConfigFile(path: path)
        var unknown: [TOMLEntry] = []
        for entry in document.entries {
            func bad(_ reason: String) -> ConfigError {
                ConfigError(path: path, line: document.line(of: entry), key: entry.dottedKey, reason: reason)
            }
            func string() throws(ConfigError) -> String {
                guard case let .string(value) = entry.value else { throw bad("must be a string, not \(entry.value.typeName)") }
                try refuseControlCharacters(value)
                return value
            }
            // Paths and names end up on screen and in other commands' messages.
            func refuseControlCharacters(_ value: String) throws(ConfigError) {
                if value.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
                    throw bad("\"\(value)\" contains a control character; remove it")
                }
            }
            func integer(_ range: ClosedRange<Int>) throws(ConfigError) -> Int {
                guard case let .integer(value) = entry.value else { throw bad("must be an integer, not \(entry.value.typeName)") }
                guard range.contains(value) else { throw bad("\(value) is out of range \(range.lowerBound)…\(range.upperBound)") }
                return value
            }
            guard entry.table.isEmpty, keys.contains(entry.key) else {
                unknown.append(entry)
                continue
            }
            file.lines[entry.key] = document.line(of: entry)
            switch entry.key {
            case "theme":
                let value = try string()
                guard !value.isEmpty else { throw bad("must not be empty") }
                file.values.theme = value
            case "graphics":
                let value = try string()
                guard graphicsModeNames.contains(value) else { throw bad("'\(value)' is not one of \(graphicsModeNames.joined(separator: ", "))") }
                file.values.graphics = value
            case "threads": file.values.threads = try integer(1...1024)
            case "dataset":
                let value = try string()
                guard !value.isEmpty else { throw bad("must not be empty") }
                file.values.dataset = (value as NSString).expandingTildeInPath
            case "models":
                switch entry.value {
                case let .string(one):
                    try refuseControlCharacters(one)
                    file.values.models = [(one as NSString).expandingTildeInPath]
                case let .strings(many):
                    for path in many { try refuseControlCharacters(path) }
                    file.values.models = many.map { ($0 as NSString).expandingTildeInPath }
                default: throw bad("must be an array of paths, like [\"~/models/G.safetensors\"]")
                }
            case "lncc_window":
                let value = try integer(3...101)
                guard value % 2 == 1 else { throw bad("\(value) must be odd") }
                file.values.lnccWindow = value
            case "cache_size": file.values.cacheSize = try integer(1...100_000)
            default: break
            }
        }
        // A few warnings by line; finding a line takes a few parses, so not for thousands.
        let shown = unknown.prefix(maxUnknownKeyWarnings).map { (document.line(of: $0), $0) }.sorted { $0.0 < $1.0 }
        for (line, entry) in shown {
            file.warnings.append(TerminalText.sanitized(
                "config \(path), line \(line): unknown key '\(entry.dottedKey)' ignored (known: \(keys.joined(separator: ", ")))"))
        }
        if unknown.count > shown.count {
            file.warnings.append(TerminalText.sanitized("config \(path): \(unknown.count - shown.count) more unknown keys ignored"))
        }
        return file
    }
}

/// The settings in force: built-in defaults, overridden by the config file, overridden
/// by command-line flags.
public struct EffectiveConfig: Equatable, Sendable {
    public var configPath: String
    public var theme: Setting<String>
    public var graphics: Setting<String>
    public var threads: Setting<Int?>
    public var dataset: Setting<String?>
    public var models: Setting<[String]>
    public var lnccWindow: Setting<Int>
    public var cacheSize: Setting<Int>
    public var warnings: [String]

    public static let defaultLNCCWindow = 9
    public static let defaultCacheSize = 24

    /// Each flag set in `flags` wins over the file; each value of `file` over the default.
    public init(file: ConfigFile?, configPath: String, flags: ConfigValues) {
        self.configPath = configPath
        warnings = file?.warnings ?? []
        func pick<V>(_ key: String, _ flag: String, _ builtIn: V, _ fromFile: V?, _ fromFlag: V?) -> Setting<V> {
            if let fromFlag { return Setting(fromFlag, .flag(flag)) }
            if let fromFile, let file { return Setting(fromFile, .file(path: file.path, line: file.lines[key] ?? 0)) }
            return Setting(builtIn, .builtIn)
        }
        let values = file?.values ?? ConfigValues()
        theme = pick("theme", "--theme", Theme.defaultName, values.theme, flags.theme)
        graphics = pick("graphics", "--graphics", "auto", values.graphics, flags.graphics)
        threads = pick("threads", "--threads", nil, values.threads.map { Optional($0) }, flags.threads.map { Optional($0) })
        dataset = pick("dataset", "--dataset", nil, values.dataset.map { Optional($0) }, flags.dataset.map { Optional($0) })
        models = pick("models", "--model", [], values.models, flags.models)
        lnccWindow = pick("lncc_window", "--lncc-window", Self.defaultLNCCWindow, values.lnccWindow, flags.lnccWindow)
        cacheSize = pick("cache_size", "--cache-size", Self.defaultCacheSize, values.cacheSize, flags.cacheSize)
    }

    /// One line per setting: key, value, where it came from.
    public func report() -> String {
        // Values come from the config file and flags: shown escaped, one line each.
        let rows: [(String, String, SettingSource)] = [
            ("theme", theme.value, theme.source),
            ("graphics", graphics.value, graphics.source),
            ("threads", threads.value.map(String.init) ?? "(all cores)", threads.source),
            ("dataset", dataset.value ?? "(embedded demo)", dataset.source),
            ("models", models.value.isEmpty ? "(none)" : models.value.joined(separator: ", "), models.source),
            ("lncc_window", String(lnccWindow.value), lnccWindow.source),
            ("cache_size", String(cacheSize.value), cacheSize.source),
        ].map { ($0.0, TerminalText.sanitized($0.1), $0.2) }
        let width = rows.map(\.0.count).max() ?? 0
        let valueWidth = min(50, rows.map(\.1.count).max() ?? 0)
        var lines = ["config file: \(TerminalText.sanitized(configPath))"]
        for (key, value, source) in rows {
            lines.append(key.padding(toLength: width, withPad: " ", startingAt: 0) + "  "
                + value.padding(toLength: max(valueWidth, value.count), withPad: " ", startingAt: 0) + "  " + source.description)
        }
        // Flags and the file's path may carry control characters (the file's values may not).
        return lines.map { TerminalText.sanitized($0) }.joined(separator: "\n")
    }
}
