import Dataset
import Enhancer
import Foundation

/// Renders a study's panels with the real generators at `study create`: LOW and HIGH as
/// stored (8-bit gray), each model's enhancement of LOW exactly as the review app makes
/// it (`Generator.enhance`), encoded as 8-bit gray PNG. Each model is loaded once.
public final class GeneratorPanelRenderer: PanelRenderer {
    private let generators: [String: Generator]
    private let digests: [String: String]
    private let limits: ResourceLimits?

    /// Loads every model of `models` (and digests its weights file) now, so a missing or
    /// bad model fails before any image is rendered.
    public init(models: [ModelSpec], threads: Int? = nil, limits: ResourceLimits? = nil) throws {
        var generators: [String: Generator] = [:]
        var digests: [String: String] = [:]
        for model in models {
            generators[model.name] = try Generator.load(URL(fileURLWithPath: model.weights), threads: threads)
            digests[model.name] = try SHA256.hex(ofFileAt: model.weights)
        }
        self.generators = generators
        self.digests = digests
        self.limits = limits
    }

    public func modelDigests() throws -> [String: String] { digests }

    public func render(_ item: Case, source: ImageSource) throws -> (image: PanelImage, sourceDigest: String)? {
        switch source {
        case .low:
            return (try Self.panel(PNGCodec.read(item.lowPath, limits: limits)), try SHA256.hex(ofFileAt: item.lowPath.path))
        case .high:
            guard let high = item.highPath else { return nil }
            return (try Self.panel(PNGCodec.read(high, limits: limits)), try SHA256.hex(ofFileAt: high.path))
        case let .model(name):
            guard let generator = generators[name], let digest = digests[name] else {
                throw StudyDefinitionError.invalid(path: "(study definition)", reason: "model \(name) is not among the models given to the renderer")
            }
            let low = try PNGCodec.read(item.lowPath, limits: limits)
            return (try Self.panel(generator.enhance(low).image), digest)
        }
    }

    static func panel(_ image: GrayImage) throws -> PanelImage {
        PanelImage(width: image.width, height: image.height, png: Data(try PNGCodec.encode(image)))
    }
}
