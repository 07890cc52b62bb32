import Foundation
@testable import Dataset
import Testing

@Suite struct DiskCacheTests {
    private func folder() -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("usreview-diskcache-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    private let input = GrayImage(width: 4, height: 3, pixels: (0..<12).map { UInt8($0 * 20) })
    private let output = GrayImage(width: 4, height: 3, pixels: (0..<12).map { UInt8(255 - $0 * 10) })

    @Test func fnvIsTheKnownStableHash() {
        var hash = FNV1a64()
        #expect(hash.hex == "cbf29ce484222325")
        hash.combine(Array("a".utf8))
        #expect(hash.hex == "af63dc4c8601ec8c")
    }

    @Test func hitAfterStoreAndAtomicFiles() throws {
        let root = folder()
        defer { try? FileManager.default.removeItem(at: root) }
        let cache = DiskCache(root: root, modelHash: "model-a")
        #expect(cache.load(for: input) == nil)
        try cache.store(output, for: input)
        #expect(cache.load(for: input) == output)
        #expect(cache.url(for: input).path.hasPrefix(root.appendingPathComponent("model-a").path))
        // Only the PNG remains: no temporary siblings.
        let files = try FileManager.default.contentsOfDirectory(atPath: cache.folder.path)
        #expect(files == [DiskCache.inputHash(input) + ".png"])
    }

    @Test func missForAnotherModelOrAChangedImage() throws {
        let root = folder()
        defer { try? FileManager.default.removeItem(at: root) }
        try DiskCache(root: root, modelHash: "model-a").store(output, for: input)
        #expect(DiskCache(root: root, modelHash: "model-b").load(for: input) == nil)
        var changed = input
        changed.pixels[5] &+= 1
        #expect(DiskCache(root: root, modelHash: "model-a").load(for: changed) == nil)
        #expect(DiskCache.inputHash(changed) != DiskCache.inputHash(input))
    }

    @Test func modelHashFollowsTheFileContents() throws {
        let root = folder()
        defer { try? FileManager.default.removeItem(at: root) }
        let a = root.appendingPathComponent("a.safetensors"), b = root.appendingPathComponent("b.safetensors")
        try Data([1, 2, 3, 4]).write(to: a)
        try Data([1, 2, 3, 5]).write(to: b)
        let date = Date(timeIntervalSince1970: 1_700_000_000)
        for url in [a, b] { try FileManager.default.setAttributes([.modificationDate: date], ofItemAtPath: url.path) }
        #expect(try DiskCache.modelHash(a) == DiskCache.modelHash(a))
        #expect(try DiskCache.modelHash(a) != DiskCache.modelHash(b))
    }
}
