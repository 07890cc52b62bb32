import Foundation

/// FNV-1a, 64 bits: a fast hash that is the same on every run and every toolchain
/// (Swift's `Hasher` is seeded per process, so it cannot name files).
public struct FNV1a64: Sendable {
    public private(set) var value: UInt64 = 0xcbf2_9ce4_8422_2325

    public init() {}

    public mutating func combine<Bytes: Sequence>(_ bytes: Bytes) where Bytes.Element == UInt8 {
        var hash = value
        for byte in bytes {
            hash ^= UInt64(byte)
            hash &*= 0x0000_0100_0000_01b3
        }
        value = hash
    }

    public mutating func combine(_ number: UInt64) {
        combine(withUnsafeBytes(of: number.littleEndian) { Array($0) })
    }

    public var hex: String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }
}

/// Enhanced images on disk, so reopening a case (in this run or the next) is instant:
/// `<root>/<model-hash>/<input-hash>.png`, with root `UserFolders.cache/enhanced`.
///
/// The model hash covers the file's size, its modification time and the bytes of its
/// first and last MiB (FNV-1a 64): reading a whole multi-hundred-MB model at every
/// start would cost seconds, and a retrained model differs in size, time or those
/// bytes. The input hash covers the input image's width, height and every pixel, so a
/// changed image, or another model's output, is never shown. Files are written
/// atomically (`PNGCodec.write`: temporary sibling, rename), so a crash never leaves
/// half a PNG; an unreadable entry counts as a miss.
public struct DiskCache: Sendable {
    public static let defaultRoot = UserFolders.cache.appendingPathComponent("enhanced", isDirectory: true)
    static let sampledBytes = 1 << 20

    public let folder: URL
    public let modelHash: String

    public init(root: URL = DiskCache.defaultRoot, modelHash: String) {
        self.modelHash = modelHash
        folder = root.appendingPathComponent(modelHash, isDirectory: true)
    }

    /// The cache for the model file at `modelURL`.
    public init(root: URL = DiskCache.defaultRoot, model modelURL: URL) throws {
        self.init(root: root, modelHash: try Self.modelHash(modelURL))
    }

    public static func modelHash(_ url: URL) throws -> String {
        let attributes = try FileManager.default.attributesOfItem(atPath: url.path)
        let size = (attributes[.size] as? NSNumber)?.uint64Value ?? 0
        let modified = (attributes[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0
        var hash = FNV1a64()
        hash.combine(size)
        hash.combine(UInt64(bitPattern: Int64((modified * 1_000_000).rounded())))
        let handle = try FileHandle(forReadingFrom: url)
        defer { try? handle.close() }
        hash.combine(try handle.read(upToCount: sampledBytes) ?? Data())
        if size > UInt64(sampledBytes) {
            try handle.seek(toOffset: max(UInt64(sampledBytes), size - UInt64(sampledBytes)))
            hash.combine(try handle.readToEnd() ?? Data())
        }
        return hash.hex
    }

    public static func inputHash(_ image: GrayImage) -> String {
        var hash = FNV1a64()
        hash.combine(UInt64(image.width))
        hash.combine(UInt64(image.height))
        hash.combine(image.pixels)
        return hash.hex
    }

    public func url(for input: GrayImage) -> URL {
        folder.appendingPathComponent(Self.inputHash(input) + ".png")
    }

    /// The cached enhancement of `input`, or nil (absent, unreadable, wrong size).
    public func load(for input: GrayImage) -> GrayImage? {
        guard let image = try? PNGCodec.read(url(for: input)),
              image.width == input.width, image.height == input.height else { return nil }
        return image
    }

    /// Stores `enhanced` for `input` (atomically).
    public func store(_ enhanced: GrayImage, for input: GrayImage) throws {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try PNGCodec.write(enhanced, to: url(for: input))
    }
}
