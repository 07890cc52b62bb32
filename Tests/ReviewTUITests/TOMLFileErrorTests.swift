import Foundation
@testable import ReviewTUI
import Testing
import UntrustedText

/// One test per kind of error in a theme or `config.toml`, read through TOMLKit: each
/// message names the file, and the line (syntax errors: TOMLKit's line and column) or the
/// key path.
@Suite struct TOMLFileErrorTests {
    @Test func syntaxErrorNamesFileLineAndColumn() {
        do {
            _ = try ThemeLoader.parse("# c\n[text]\nfg = #ffffff\n", path: "/t/syntax.toml")
            Issue.record("expected an error")
        } catch {
            guard case let .malformed(path, line, key, reason) = error else { Issue.record("wrong error \(error)"); return }
            #expect(path == "/t/syntax.toml" && line == 3 && key == nil)
            #expect(reason.hasSuffix("(column 6)"), "\(reason)")
            #expect(error.description.hasPrefix("theme /t/syntax.toml, line 3: "))
        }
        // After a multi-line array, the line is still TOMLKit's.
        do {
            _ = try ConfigFile.parse("models = [\n  \"/m/a\",\n  \"/m/b\",\n]\ntheme = \"light\n", path: "/c/config.toml")
            Issue.record("expected an error")
        } catch {
            #expect(error.line == 5 && error.key == nil)
            #expect(error.description.hasPrefix("config /c/config.toml, line 5: "), "\(error)")
            #expect(error.reason.contains("(column "))
        }
        // A NUL would end the text TOMLKit sees; it is an error where it stands.
        #expect(throws: ConfigError(path: "/c/config.toml", line: 2, key: nil,
                                    reason: "a NUL byte is not allowed in a TOML file (column 8)")) {
            try ConfigFile.parse("theme = \"light\"\nthreads\0 = 2\n", path: "/c/config.toml")
        }
    }

    @Test func wrongTypeNamesKeyPathAndLine() throws {
        #expect(throws: ThemeError.malformed(path: "/t/x.toml", line: 3, key: "status.fg",
                                             reason: "must be a string \"#rrggbb\" or \"default\", not an integer")) {
            try ThemeLoader.parse("name = \"x\"\n[status]\nfg = 12\nfg256 = 1\n", path: "/t/x.toml")
        }
        #expect(throws: ThemeError.malformed(path: "/t/x.toml", line: 1, key: "name",
                                             reason: "must be a string, not a boolean")) {
            try ThemeLoader.parse("name = true\n", path: "/t/x.toml")
        }
        // The line of a key after a multi-line array is where that key is written.
        let text = "models = [\n  \"/m/a\",\n  \"/m/b\",\n]\n\nthreads = 1.5\n"
        #expect(throws: ConfigError(path: "/c/config.toml", line: 6, key: "threads",
                                    reason: "must be an integer, not a floating-point number")) {
            try ConfigFile.parse(text, path: "/c/config.toml")
        }
        // …and a multi-line value's line is where it starts.
        let file = try ConfigFile.parse("# settings\nmodels = [\n  \"/m/a\",\n  \"/m/b\",\n]\ntheme = \"light\"\n", path: "/c/config.toml")
        #expect(file.lines == ["models": 2, "theme": 6])
        #expect(file.values.models == ["/m/a", "/m/b"])
    }

    @Test func unknownKeyNamesKeyPathAndLine() throws {
        #expect(throws: ThemeError.malformed(path: "/t/x.toml", line: 4, key: "text.colour",
                                             reason: "unknown key (known: fg, bg, fg256, bg256)")) {
            try ThemeLoader.parse("[text]\nfg = \"#ffffff\"\nfg256 = 231\ncolour = \"#ffffff\"\n", path: "/t/x.toml")
        }
        // An inline table is a table: its keys have the same paths.
        #expect(throws: ThemeError.malformed(path: "/t/x.toml", line: 2, key: "status.shade",
                                             reason: "unknown key (known: fg, bg, fg256, bg256)")) {
            try ThemeLoader.parse("name = \"x\"\nstatus = { fg = \"#000000\", fg256 = 16, shade = 1 }\n", path: "/t/x.toml")
        }
        // In the config file an unknown key is a warning, by its path and line.
        let file = try ConfigFile.parse("threads = 2\n[view]\nzoom = 2\n", path: "/c/config.toml")
        #expect(file.values.threads == 2)
        #expect(file.warnings == ["config /c/config.toml, line 3: unknown key 'view.zoom' ignored (known: \(ConfigFile.keys.joined(separator: ", ")))"])
        // Many unknown keys: the first few by line, then a count.
        let many = try ConfigFile.parse((1...12).map { "k\($0) = 1" }.joined(separator: "\n"), path: "/c/config.toml")
        #expect(many.warnings.count == ConfigFile.maxUnknownKeyWarnings + 1)
        #expect(many.warnings.last == "config /c/config.toml: 2 more unknown keys ignored")
        let lines = many.warnings.dropLast().compactMap { Int($0.split(separator: ",")[1].dropFirst(" line ".count).prefix { $0.isNumber }) }
        #expect(lines == lines.sorted() && lines.count == ConfigFile.maxUnknownKeyWarnings)
    }

    @Test func unknownTableNamesKeyPathAndLine() {
        #expect(throws: ThemeError.malformed(path: "/t/x.toml", line: 3, key: "colors.status.fg",
                                             reason: "unknown table 'colors.status' (known: \((Theme.tableNames.map(\.name) + Theme.markTableNames.map(\.name)).joined(separator: ", ")))")) {
            try ThemeLoader.parse("name = \"x\"\n[colors.status]\nfg = \"#000000\"\n", path: "/t/x.toml")
        }
    }

    @Test(arguments: [
        ("fg = \"#+12345\"\nfg256 = 16", "text.fg", "'#+12345' is not a colour: write \"#rrggbb\" or \"default\""),
        ("fg = \"#12345\"\nfg256 = 16", "text.fg", "'#12345' is not a colour: write \"#rrggbb\" or \"default\""),
        ("fg = \"#000000\"\nfg256 = 256", "text.fg256", "must be an integer from 0 to 255"),
        ("fg = \"#000000\"\nfg256 = -1", "text.fg256", "must be an integer from 0 to 255"),
        ("fg = \"default\"\nfg256 = 16", "text.fg256", "not allowed when 'text.fg' is \"default\""),
    ])
    func invalidColourNamesKeyPath(body: String, key: String, reason: String) {
        let text = "[text]\n" + body + "\n"
        let line = key.hasSuffix("256") ? 3 : 2
        #expect(throws: ThemeError.malformed(path: "/t/x.toml", line: line, key: key, reason: reason)) {
            try ThemeLoader.parse(text, path: "/t/x.toml")
        }
    }

    @Test func missingOrUnreadableFileIsNamed() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let missing = folder.appendingPathComponent("gone.toml")
        #expect(throws: ThemeError.unreadable(path: missing.path, reason: "no such file")) {
            try ThemeLoader.locate(missing.path, folders: [])
        }
        let (theme, error) = ThemeLoader.resolve(missing.path, folders: [])
        #expect(theme == .readingRoom)
        #expect(error?.description == "theme \(missing.path): cannot read it: no such file")
        // A config path that cannot be read (a folder) is an error naming it, without a line.
        let notAFile = folder.appendingPathComponent("config.toml")
        try FileManager.default.createDirectory(at: notAFile, withIntermediateDirectories: true)
        do {
            _ = try ConfigFile.load(notAFile)
            Issue.record("expected an error")
        } catch {
            #expect(error.line == 0)
            #expect(error.description.hasPrefix("config \(notAFile.path): cannot read it"), "\(error)")
        }
        // Past 64 KiB a file is refused before it is parsed (a lookup of a line parses again).
        let big = folder.appendingPathComponent("big.toml")
        try Data(("name = \"big\"\n" + String(repeating: "#", count: TOMLDocument.maxBytes)).utf8).write(to: big)
        #expect(throws: ThemeError.unreadable(path: big.path, reason: "it is larger than 64 KiB, too large for a settings file")) {
            try ThemeLoader.load(big)
        }
        let fits = folder.appendingPathComponent("fits.toml")
        try Data(("name = \"fits\"\n#" + String(repeating: "x", count: TOMLDocument.maxBytes - 15)).utf8).write(to: fits)
        #expect(try ThemeLoader.load(fits).name == "fits")
    }

    @Test func controlCharactersAreShownEscaped() throws {
        #expect(TerminalText.sanitized("a\u{1B}[31mb\u{7}\u{9B}c\td\n") == "a\\e[31mb\\u{7}\\u{9B}c\\td\\n")
        #expect(TerminalText.sanitized("plain ü → ok") == "plain ü → ok")
        // A value with ESC (written as a TOML escape) is refused; the message shows it escaped.
        do {
            _ = try ConfigFile.parse("dataset = \"/d/\\u001b]0;owned\\u0007\"\n", path: "/c/config.toml")
            Issue.record("expected an error")
        } catch {
            #expect(error.key == "dataset" && error.line == 1)
            #expect(error.description.contains("\"/d/\\e]0;owned\\u{7}\" contains a control character"), "\(error)")
            #expect(!error.description.unicodeScalars.contains { $0.value < 0x20 })
        }
        #expect(throws: ConfigError.self) { try ConfigFile.parse("models = [\"/m/\\u009b2J\"]\n", path: "/c/config.toml") }
        #expect(throws: ThemeError.self) { try ThemeLoader.parse("name = \"\\u001b[2J\"\n", path: "/t/x.toml") }
        // A key with ESC is a warning, shown escaped.
        let file = try ConfigFile.parse("\"\\u001b[2J\" = 1\n", path: "/c/config.toml")
        #expect(file.warnings.count == 1)
        #expect(file.warnings.first?.contains("unknown key '\"\\e[2J\"'") == true, "\(file.warnings)")
        // Flags are not checked on the way in: the report escapes them.
        let config = EffectiveConfig(file: nil, configPath: "/c/config.toml", flags: ConfigValues(theme: "\u{1B}[31mred"))
        #expect(config.report().contains("\\e[31mred"))
        #expect(!config.report().unicodeScalars.contains { $0.value == 0x1B })
        #expect(ThemeError.notFound(name: "\u{1B}[2J", searched: []).description == "theme '\\e[2J' not found (looked in: )")
    }
}
