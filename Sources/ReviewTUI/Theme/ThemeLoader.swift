import Foundation
import UntrustedText

/// Why a theme could not be used; the text names the file, the line and the key path.
/// Control characters from the file or the name asked for are shown escaped.
public enum ThemeError: Error, Equatable, Sendable, CustomStringConvertible {
    case notFound(name: String, searched: [String])
    case unreadable(path: String, reason: String)
    case malformed(path: String, line: Int, key: String?, reason: String)

    public var description: String { TerminalText.sanitized(text) }

    private var text: String {
        switch self {
        case let .notFound(name, searched):
            return "theme '\(name)' not found (looked in: \(searched.joined(separator: ", ")))"
        case let .unreadable(path, reason):
            return "theme \(path): cannot read it: \(reason)"
        case let .malformed(path, line, key, reason):
            return "theme \(path), line \(line)\(key.map { ", key '\($0)'" } ?? ""): \(reason)"
        }
    }
}

/// Finds and reads theme files.
///
/// A theme file names a table per interface role — `chrome` (title bars and borders),
/// `text`, `dim`, `selection`, `status`, `warning`, `error`, `label` (panel labels),
/// `hint` — each with `fg` and `bg` as `"#rrggbb"` or `"default"`, and `fg256` /
/// `bg256` (0…255), the 256-colour fallback of each hex colour. A role left out keeps
/// the built-in reading-room colours; unknown tables or keys are errors. The colours of
/// marks drawn over images are the tables `mark`, `mark_selected` and `mark_cursor`,
/// each with `fg` (`"#rrggbb"`, never `"default"`: a mark needs a colour) and `fg256`.
public enum ThemeLoader {
    /// The folders searched for `NAME.toml`, in order: `$XDG_CONFIG_HOME/usreview/themes`,
    /// each folder of `$USREVIEW_THEMES` (colon-separated), `<prefix>/share/usreview/themes`
    /// next to the executable, and the `themes/` of a source checkout holding the executable.
    public static func searchFolders(environment: [String: String], executable: URL?) -> [URL] {
        ResourceFolders.search("themes", overrideVariable: "USREVIEW_THEMES", environment: environment, executable: executable)
    }

    /// The file for `nameOrPath`: a path (it contains `/` or ends in `.toml`) as given,
    /// else the first `NAME.toml` in `folders`. Nil for the built-in default name when no
    /// file shadows it.
    public static func locate(_ nameOrPath: String, folders: [URL]) throws(ThemeError) -> URL? {
        let fileManager = FileManager.default
        if nameOrPath.contains("/") || nameOrPath.hasSuffix(".toml") {
            let url = URL(fileURLWithPath: (nameOrPath as NSString).expandingTildeInPath)
            guard fileManager.fileExists(atPath: url.path) else { throw .unreadable(path: url.path, reason: "no such file") }
            return url
        }
        for folder in folders {
            let url = folder.appendingPathComponent(nameOrPath + ".toml")
            if fileManager.fileExists(atPath: url.path) { return url }
        }
        if nameOrPath == Theme.defaultName { return nil }
        throw .notFound(name: nameOrPath, searched: folders.map(\.path))
    }

    public static func load(_ url: URL) throws(ThemeError) -> Theme {
        let text: String
        do { text = try TOMLDocument.readText(url) } catch {
            throw .unreadable(path: url.path, reason: error.reason)
        }
        return try parse(text, path: url.path)
    }

    /// The theme `nameOrPath` names, or the built-in default and the reason when it
    /// cannot be used. Never throws: a bad theme must not stop the app.
    public static func resolve(_ nameOrPath: String?, folders: [URL]) -> (theme: Theme, error: ThemeError?) {
        do {
            guard let url = try locate(nameOrPath ?? Theme.defaultName, folders: folders) else { return (.readingRoom, nil) }
            return (try load(url), nil)
        } catch {
            return (.readingRoom, error)
        }
    }

    public static func parse(_ text: String, path: String) throws(ThemeError) -> Theme {
        let document: TOMLDocument
        do { document = try TOMLDocument(parsing: text) } catch {
            throw .malformed(path: path, line: error.line, key: nil, reason: "\(error.reason) (column \(error.column))")
        }
        let roles = Dictionary(uniqueKeysWithValues: Theme.tableNames.map { ($0.name, $0.role) })
        var name = URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent
        var raw: [ChromeRole: [String: TOMLEntry]] = [:]
        var markEntries: [MarkRole: [String: TOMLEntry]] = [:]
        let markRoles = Dictionary(uniqueKeysWithValues: Theme.markTableNames.map { ($0.name, $0.role) })
        let allTables = (Theme.tableNames.map(\.name) + Theme.markTableNames.map(\.name)).joined(separator: ", ")
        for entry in document.entries {
            if entry.table.isEmpty {
                switch entry.key {
                case "name", "description":
                    guard case let .string(value) = entry.value else {
                        throw .malformed(path: path, line: document.line(of: entry), key: entry.key, reason: "must be a string, not \(entry.value.typeName)")
                    }
                    // The name is drawn in the title bar.
                    if value.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
                        throw .malformed(path: path, line: document.line(of: entry), key: entry.key,
                                         reason: "\"\(value)\" contains a control character; remove it")
                    }
                    if entry.key == "name" { name = value }
                default:
                    throw .malformed(path: path, line: document.line(of: entry), key: entry.key,
                                     reason: "unknown key (known: name, description, and the tables \(allTables))")
                }
                continue
            }
            if let markRole = markRoles[entry.table] {
                guard ["fg", "fg256"].contains(entry.key) else {
                    throw .malformed(path: path, line: document.line(of: entry), key: entry.dottedKey,
                                     reason: "unknown key (known: fg, fg256; a mark is drawn over the image, with no background)")
                }
                markEntries[markRole, default: [:]][entry.key] = entry
                continue
            }
            guard let role = roles[entry.table] else {
                throw .malformed(path: path, line: document.line(of: entry), key: entry.dottedKey,
                                 reason: "unknown table '\(entry.table)' (known: \(allTables))")
            }
            guard ["fg", "bg", "fg256", "bg256"].contains(entry.key) else {
                throw .malformed(path: path, line: document.line(of: entry), key: entry.dottedKey,
                                 reason: "unknown key (known: fg, bg, fg256, bg256)")
            }
            raw[role, default: [:]][entry.key] = entry
        }

        /// One colour of `table`: `side` ("#rrggbb" or "default") and `side256`.
        func color(table: String, side: String, keys: [String: TOMLEntry], fallback fallbackColor: ThemeColor) throws(ThemeError) -> ThemeColor {
            let hexEntry = keys[side]
            let indexEntry = keys[side + "256"]
            guard let hexEntry else {
                if let indexEntry {
                    throw .malformed(path: path, line: document.line(of: indexEntry), key: "\(table).\(side)256",
                                     reason: "given without '\(table).\(side)'")
                }
                return fallbackColor
            }
            guard case let .string(hex) = hexEntry.value else {
                throw .malformed(path: path, line: document.line(of: hexEntry), key: "\(table).\(side)",
                                 reason: "must be a string \"#rrggbb\" or \"default\", not \(hexEntry.value.typeName)")
            }
            if hex == "default" {
                if let indexEntry {
                    throw .malformed(path: path, line: document.line(of: indexEntry), key: "\(table).\(side)256",
                                     reason: "not allowed when '\(table).\(side)' is \"default\"")
                }
                return .terminalDefault
            }
            // All six hex digits: UInt32(_:radix:) alone would take a sign ("#+12345").
            guard hex.count == 7, hex.hasPrefix("#"), hex.dropFirst().allSatisfy(\.isHexDigit),
                  let rgb = UInt32(hex.dropFirst(), radix: 16) else {
                throw .malformed(path: path, line: document.line(of: hexEntry), key: "\(table).\(side)",
                                 reason: "'\(hex)' is not a colour: write \"#rrggbb\" or \"default\"")
            }
            guard let indexEntry else {
                throw .malformed(path: path, line: document.line(of: hexEntry), key: "\(table).\(side)256",
                                 reason: "missing: give the 256-colour fallback (0…255) of \(hex)")
            }
            guard case let .integer(index) = indexEntry.value, (0...255).contains(index) else {
                throw .malformed(path: path, line: document.line(of: indexEntry), key: "\(table).\(side)256",
                                 reason: "must be an integer from 0 to 255")
            }
            return ThemeColor(rgb: rgb, index: Int32(index))
        }
        var paints = Theme.readingRoom.paints
        var marks: [MarkRole: ThemeColor] = [:]
        for (table, role) in Theme.markTableNames {
            guard let keys = markEntries[role] else { continue }
            if let hexEntry = keys["fg"], case .string("default") = hexEntry.value {
                throw .malformed(path: path, line: document.line(of: hexEntry), key: "\(table).fg",
                                 reason: "a mark needs a colour: write \"#rrggbb\"")
            }
            marks[role] = try color(table: table, side: "fg", keys: keys, fallback: Theme.defaultMarkColors[role]!)
        }
        for (table, role) in Theme.tableNames {
            guard let keys = raw[role] else { continue }
            let fallback = Theme.readingRoom.paint(role)
            paints[role] = ThemePaint(try color(table: table, side: "fg", keys: keys, fallback: fallback.foreground),
                                      try color(table: table, side: "bg", keys: keys, fallback: fallback.background))
        }
        return Theme(name: name, path: path, paints: paints, marks: marks)
    }
}
