import Dataset
import Foundation

/// Panels drawn from the case ID and source alone, for benchmarks and tests that make
/// studies of synthetic cases (no image is read, no model runs). Each (case, source)
/// gets its own small gradient, so images differ and a mix-up is visible.
public struct SyntheticPanelRenderer: PanelRenderer {
    public var models: [String]
    public var size: Int

    public init(models: [String], size: Int = 16) {
        self.models = models
        self.size = size
    }

    public func modelDigests() throws -> [String: String] {
        Dictionary(uniqueKeysWithValues: models.map { ($0, SHA256.hex(Data("synthetic model \($0)".utf8))) })
    }

    public func render(_ item: Case, source: ImageSource) throws -> (image: PanelImage, sourceDigest: String)? {
        if source == .high, item.highPath == nil { return nil }
        let seed = Randomization.stableHash(item.id + "|" + source.resultName)
        let pixels = (0..<size * size).map { index in UInt8(truncatingIfNeeded: seed &+ UInt64(index % size) &* 7 &+ UInt64(index / size) &* 3) }
        let png = Data(try PNGCodec.encode(GrayImage(width: size, height: size, pixels: pixels)))
        let digest: String
        if case let .model(name) = source {
            digest = try modelDigests()[name] ?? ""
        } else {
            digest = SHA256.hex(Data("synthetic \(item.id) \(source.resultName)".utf8))
        }
        return (PanelImage(width: size, height: size, png: png), digest)
    }
}
