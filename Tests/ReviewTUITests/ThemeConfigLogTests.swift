import Foundation
@testable import ReviewTUI
import Testing

/// The checkout's shipped themes folder.
private let shippedThemes = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("themes", isDirectory: true)

@Suite struct ThemeTests {
    @Test(arguments: ["reading-room", "light", "high-contrast"])
    func shippedThemesLoadCompletely(name: String) throws {
        let url = try #require(try ThemeLoader.locate(name, folders: [shippedThemes]))
        let text = try String(contentsOf: url, encoding: .utf8)
        let theme = try ThemeLoader.parse(text, path: url.path)
        #expect(theme.name == name)
        // Every role is named in the file (none left to the fallback).
        for (table, _) in Theme.tableNames {
            #expect(text.contains("[\(table)]"), "\(name) lacks [\(table)]")
        }
    }

    @Test func readingRoomFileMatchesTheBuiltInDefault() throws {
        let theme = try ThemeLoader.load(shippedThemes.appendingPathComponent("reading-room.toml"))
        #expect(theme.paints == Theme.readingRoom.paints)
    }

    @Test func hexOrFallbackIndexByTerminal() {
        let paint = Theme.readingRoom.paint(.selection)
        #expect(paint.foreground.cursesColor(directColor: true) == 0xFFFFFF)
        #expect(paint.foreground.cursesColor(directColor: false) == 231)
        #expect(Theme.readingRoom.paint(.text).background.cursesColor(directColor: true) == -1)
    }

    @Test func badValueNamesFileKeyAndLine() {
        let text = """
            name = "broken"

            [text]
            fg = "#12345g"
            fg256 = 250
            """
        #expect(throws: ThemeError.malformed(path: "/t/broken.toml", line: 4, key: "text.fg",
                                             reason: "'#12345g' is not a colour: write \"#rrggbb\" or \"default\"")) {
            try ThemeLoader.parse(text, path: "/t/broken.toml")
        }
        do {
            _ = try ThemeLoader.parse("[status]\nfg = \"#000000\"\nfg256 = 300\n", path: "/t/x.toml")
            Issue.record("expected an error")
        } catch {
            #expect(error.description.contains("/t/x.toml"))
            #expect(error.description.contains("line 3"))
            #expect(error.description.contains("status.fg256"))
        }
    }

    @Test func unknownKeysAndSyntaxErrorsNameTheLine() {
        #expect(throws: ThemeError.self) { try ThemeLoader.parse("[text]\ncolour = \"#ffffff\"\n", path: "a.toml") }
        do {
            _ = try ThemeLoader.parse("# c\n[text]\nfg = #ffffff\n", path: "a.toml")
            Issue.record("expected an error")
        } catch {
            guard case let .malformed(_, line, _, _) = error else { Issue.record("wrong error \(error)"); return }
            #expect(line == 3)
        }
        do {
            _ = try ThemeLoader.parse("[panels]\nfg = \"#ffffff\"\n", path: "a.toml")
            Issue.record("expected an error")
        } catch {
            #expect(error.description.contains("line 2"))
            #expect(error.description.contains("panels.fg"))
        }
    }

    @Test func badThemeFallsBackToDefault() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try "[text]\nfg = \"#ffffff\"\n".write(to: folder.appendingPathComponent("nofallback.toml"), atomically: true, encoding: .utf8)
        let (theme, error) = ThemeLoader.resolve("nofallback", folders: [folder])
        #expect(theme == .readingRoom)
        #expect(error?.description.contains("text.fg256") == true)
        #expect(error?.description.contains("nofallback.toml") == true)

        let (missing, missingError) = ThemeLoader.resolve("no-such-theme", folders: [folder])
        #expect(missing == .readingRoom)
        #expect(missingError != nil)

        let (builtIn, noError) = ThemeLoader.resolve(nil, folders: [folder])
        #expect(builtIn == .readingRoom && noError == nil)
    }

    @Test func searchOrderPrefersUserThemesAndAcceptsPaths() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let userThemes = folder.appendingPathComponent("config/usreview/themes", isDirectory: true)
        try FileManager.default.createDirectory(at: userThemes, withIntermediateDirectories: true)
        try "name = \"mine\"\n".write(to: userThemes.appendingPathComponent("light.toml"), atomically: true, encoding: .utf8)
        let folders = ThemeLoader.searchFolders(
            environment: ["XDG_CONFIG_HOME": folder.appendingPathComponent("config").path,
                          "USREVIEW_THEMES": shippedThemes.path, "HOME": folder.path],
            executable: nil)
        #expect(try ThemeLoader.resolve("light", folders: folders).theme.name == "mine")
        #expect(ThemeLoader.resolve("high-contrast", folders: folders).theme.name == "high-contrast")
        let byPath = ThemeLoader.resolve(shippedThemes.appendingPathComponent("light.toml").path, folders: [])
        #expect(byPath.theme.name == "light" && byPath.error == nil)
    }

    @Test func installedShareFolderIsSearched() {
        let folders = ThemeLoader.searchFolders(environment: ["HOME": "/nonexistent"],
                                                executable: URL(fileURLWithPath: "/opt/us/bin/usreview"))
        #expect(folders.map(\.path).contains("/opt/us/share/usreview/themes"))
        #expect(folders.first?.path == "/nonexistent/.config/usreview/themes")
    }
}

@Suite struct ConfigTests {
    @Test func fileValuesAndTheirLines() throws {
        let file = try ConfigFile.parse("""
            # usreview settings
            theme = "light"
            graphics = "blocks"
            threads = 2
            dataset = "/data/usenhance"
            models = ["/m/a.safetensors", "/m/b.safetensors"]
            lncc_window = 11
            cache_size = 48
            """, path: "/c/config.toml")
        #expect(file.warnings.isEmpty)
        #expect(file.values == ConfigValues(theme: "light", graphics: "blocks", threads: 2, dataset: "/data/usenhance",
                                            models: ["/m/a.safetensors", "/m/b.safetensors"], lnccWindow: 11, cacheSize: 48))
        let config = EffectiveConfig(file: file, configPath: file.path, flags: ConfigValues())
        #expect(config.theme == Setting("light", .file(path: "/c/config.toml", line: 2)))
        #expect(config.cacheSize.source == .file(path: "/c/config.toml", line: 8))
    }

    @Test func flagsOverrideFileOverridesDefaults() throws {
        let file = try ConfigFile.parse("theme = \"light\"\nthreads = 2\n", path: "/c/config.toml")
        let config = EffectiveConfig(file: file, configPath: file.path,
                                     flags: ConfigValues(theme: "high-contrast", models: ["/x.safetensors"]))
        #expect(config.theme == Setting("high-contrast", .flag("--theme")))
        #expect(config.threads == Setting(2, .file(path: "/c/config.toml", line: 2)))
        #expect(config.models == Setting(["/x.safetensors"], .flag("--model")))
        #expect(config.graphics == Setting("auto", .builtIn))
        #expect(config.lnccWindow == Setting(EffectiveConfig.defaultLNCCWindow, .builtIn))
        let report = config.report()
        #expect(report.contains("command line (--theme)"))
        #expect(report.contains("/c/config.toml:2"))

        let none = EffectiveConfig(file: nil, configPath: "/c/config.toml", flags: ConfigValues())
        #expect(none.theme == Setting(Theme.defaultName, .builtIn))
        #expect(none.dataset.value == nil)
    }

    @Test func unknownKeysWarnWithKeyAndLine() throws {
        let file = try ConfigFile.parse("theme = \"light\"\ncolour = \"red\"\n[extra]\nthreads = 3\n", path: "/c/config.toml")
        #expect(file.values.theme == "light")
        #expect(file.values.threads == nil)
        #expect(file.warnings.count == 2)
        #expect(file.warnings[0].contains("line 2") && file.warnings[0].contains("'colour'"))
        #expect(file.warnings[1].contains("line 4") && file.warnings[1].contains("'extra.threads'"))
    }

    @Test func badValuesAreErrorsNamingTheKey() {
        let cases: [(String, String, Int)] = [
            ("threads = 0", "threads", 1),
            ("\ngraphics = \"colour\"", "graphics", 2),
            ("lncc_window = 8", "lncc_window", 1),
            ("cache_size = \"big\"", "cache_size", 1),
            ("models = 3", "models", 1),
        ]
        for (text, key, line) in cases {
            do {
                _ = try ConfigFile.parse(text, path: "/c/config.toml")
                Issue.record("expected an error for \(text)")
            } catch {
                #expect(error.key == key)
                #expect(error.line == line)
                #expect(error.description.contains("'\(key)'"))
            }
        }
    }

    @Test func missingFileIsNoConfig() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let paths = AppPaths(environment: ["XDG_CONFIG_HOME": folder.path, "XDG_STATE_HOME": folder.path])
        #expect(try ConfigFile.load(paths.configFile) == nil)
        #expect(paths.configFile.path == folder.path + "/usreview/config.toml")
        #expect(paths.logFile.path == folder.path + "/usreview/usreview.log")
        let relative = AppPaths(environment: ["HOME": "/h", "XDG_STATE_HOME": "relative"])
        #expect(relative.logFile.path == "/h/.local/state/usreview/usreview.log")
        #expect(relative.configFile.path == "/h/.config/usreview/config.toml")
    }
}

@Suite struct AppLogTests {
    @Test func linesAreTimestamped() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let log = AppLog(url: folder.appendingPathComponent("state/usreview.log"),
                         now: { Date(timeIntervalSince1970: 1_700_000_000) })
        log.info("start")
        log.error("model failed\nsecond line")
        let text = try String(contentsOf: log.url, encoding: .utf8)
        #expect(text == "2023-11-14T22:13:20.000Z INFO start\n2023-11-14T22:13:20.000Z ERROR model failed ⏎ second line\n")
    }

    @Test func rotatesAtTheCapKeepingOneOldFile() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let log = AppLog(url: folder.appendingPathComponent("usreview.log"), maxBytes: 200)
        for index in 0..<30 { log.info("event number \(index)") }
        let size = { (url: URL) in (try? FileManager.default.attributesOfItem(atPath: url.path)[.size] as? Int) ?? -1 }
        #expect(size(log.url) <= 200)
        #expect(size(log.url) > 0)
        #expect(size(log.previousURL) <= 200 && size(log.previousURL) > 0)
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
        #expect(files == ["usreview.log", "usreview.log.1"])
        let current = try String(contentsOf: log.url, encoding: .utf8)
        #expect(current.hasSuffix("event number 29\n"))
    }
}
