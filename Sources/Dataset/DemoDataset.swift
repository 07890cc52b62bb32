import Foundation

/// The embedded default dataset: a few phantom pairs per organ, made on first use in
/// the user cache folder (never committed, cheap to remake).
public enum DemoDataset {
    public static let pairsPerOrgan = 6
    public static let seed: UInt64 = 2023
    /// Bump when the phantom generator changes its output, so old caches are not shown.
    public static let version = 1
    static let completeMarker = ".complete"

    public static var defaultFolder: URL {
        UserFolders.cache.appendingPathComponent("demo-v\(version)", isDirectory: true)
    }

    /// The demo folder, generated first if it is missing or was left incomplete (a
    /// marker file is written last, so an interrupted run is redone).
    public static func ensure(at folder: URL = defaultFolder) throws -> URL {
        let marker = folder.appendingPathComponent(completeMarker)
        if FileManager.default.fileExists(atPath: marker.path) { return folder }
        try PhantomDataset.write(to: folder, perOrgan: pairsPerOrgan, seed: seed)
        try AtomicFile.write(Data("seed \(seed), \(pairsPerOrgan) pairs per organ\n".utf8), to: marker)
        return folder
    }
}
