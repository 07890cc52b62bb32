import Foundation
@testable import ReviewTUI
import Testing

/// The shipped demo model is the default only for the embedded demo dataset with no model chosen.
@Suite struct DemoModelDefaultTests {
    let demo = URL(fileURLWithPath: "/share/usreview/models/\(DemoModel.fileName)")

    @Test func demoDatasetWithoutModelsGetsTheShippedModel() {
        var config = EffectiveConfig(file: nil, configPath: "/c/config.toml", flags: ConfigValues())
        config.defaultToDemoModel(demo)
        #expect(config.models == Setting([demo.path], .demoModel))
        #expect(config.report().contains("default for the embedded demo"))
    }

    @Test func aChosenDatasetOrModelIsNeverReplaced() throws {
        var withDataset = EffectiveConfig(file: nil, configPath: "/c", flags: ConfigValues(dataset: "/data/usenhance"))
        withDataset.defaultToDemoModel(demo)
        #expect(withDataset.models.value.isEmpty)

        var withModel = EffectiveConfig(file: nil, configPath: "/c", flags: ConfigValues(models: ["/m/g.safetensors"]))
        withModel.defaultToDemoModel(demo)
        #expect(withModel.models == Setting(["/m/g.safetensors"], .flag("--model")))

        let file = try ConfigFile.parse("models = [\"/m/mine.safetensors\"]\n", path: "/c/config.toml")
        var fromFile = EffectiveConfig(file: file, configPath: file.path, flags: ConfigValues())
        fromFile.defaultToDemoModel(demo)
        #expect(fromFile.models.value == ["/m/mine.safetensors"])

        var notShipped = EffectiveConfig(file: nil, configPath: "/c", flags: ConfigValues())
        notShipped.defaultToDemoModel(nil)
        #expect(notShipped.models == Setting([], .builtIn))
    }

    @Test func locatesTheFileInTheFirstFolderHoldingIt() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let empty = folder.appendingPathComponent("empty", isDirectory: true)
        let models = folder.appendingPathComponent("models", isDirectory: true)
        try FileManager.default.createDirectory(at: models, withIntermediateDirectories: true)
        #expect(DemoModel.locate(in: [empty, models]) == nil)
        try Data([0]).write(to: models.appendingPathComponent(DemoModel.fileName))
        #expect(DemoModel.locate(in: [empty, models])?.path == models.appendingPathComponent(DemoModel.fileName).path)
    }

    @Test func modelsAreSearchedLikeThemes() {
        let environment = ["HOME": "/nonexistent", "USREVIEW_MODELS": "/extra/a:/extra/b"]
        let executable = URL(fileURLWithPath: "/opt/us/bin/usreview")
        let folders = DemoModel.searchFolders(environment: environment, executable: executable).map(\.path)
        #expect(folders == ["/nonexistent/.config/usreview/models", "/extra/a", "/extra/b", "/opt/us/share/usreview/models"])
        let themes = ThemeLoader.searchFolders(environment: environment, executable: executable).map(\.path)
        #expect(themes == ["/nonexistent/.config/usreview/themes", "/opt/us/share/usreview/themes"])
    }

    /// The file the app defaults to is the one the repository ships.
    @Test func theShippedFileIsInTheCheckout() {
        let checkout = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        #expect(FileManager.default.fileExists(atPath: checkout.appendingPathComponent("models/\(DemoModel.fileName)").path))
    }
}
