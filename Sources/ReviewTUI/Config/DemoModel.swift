import Foundation

/// The generator shipped in `models/` for the embedded demo dataset: the seed method
/// (training/) trained on synthetic phantoms; `models/README.md` is its model card.
///
/// It is the default model only when neither the dataset nor the models were chosen
/// (flag or config file), so a real dataset never silently gets a phantom-trained model.
public enum DemoModel {
    public static let fileName = "phantom_unet256_ngf16_f16.safetensors"

    /// The folders searched: see `ResourceFolders` (override: `$USREVIEW_MODELS`).
    public static func searchFolders(environment: [String: String], executable: URL?) -> [URL] {
        ResourceFolders.search("models", overrideVariable: "USREVIEW_MODELS", environment: environment, executable: executable)
    }

    /// The first copy of the shipped file in `folders`, or nil.
    public static func locate(in folders: [URL]) -> URL? {
        folders.map { $0.appendingPathComponent(fileName) }
            .first { FileManager.default.fileExists(atPath: $0.path) }
    }
}

extension EffectiveConfig {
    /// Uses `demoModel` when the embedded demo dataset is opened with no model chosen.
    public mutating func defaultToDemoModel(_ demoModel: URL?) {
        guard let demoModel, dataset.value == nil, models.value.isEmpty, models.source == .builtIn else { return }
        models = Setting([demoModel.path], .demoModel)
    }
}
