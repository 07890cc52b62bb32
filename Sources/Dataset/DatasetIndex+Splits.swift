import Foundation

extension DatasetIndex {
    /// Where a split came from, for the summary a user reads.
    public struct SplitSource: Equatable, Sendable {
        public var file: URL
        /// True when this run drew the split and wrote the file.
        public var created: Bool
    }

    /// Indexes `root` and assigns splits.
    ///
    /// With `splitFile`, that file is honoured as given (it must exist). Otherwise the
    /// split lives in `usreview-splits.json` in the dataset folder — or, when that
    /// folder is read-only, in the user data folder under a name derived from the
    /// dataset's path — and is drawn with `seed` the first time. `isWritable` says whether
    /// a folder takes a new file (access(2) by default; tests inject one, since root may
    /// write into a 0555 folder).
    public static func load(_ root: URL, splitFile: URL? = nil,
                            seed: UInt64 = SplitPlan.defaultSeed,
                            isWritable: (URL) -> Bool = folderIsWritable) throws -> (DatasetIndex, SplitSource?) {
        var index = try scan(root)
        guard index.cases.contains(where: \.isPaired) else { return (index, nil) }
        if let splitFile {
            index.apply(try SplitPlan.read(splitFile), from: splitFile)
            return (index, SplitSource(file: splitFile, created: false))
        }
        let candidates = [index.root.appendingPathComponent(SplitPlan.defaultFileName), fallbackSplitFile(for: index.root)]
        if let existing = candidates.first(where: { FileManager.default.fileExists(atPath: $0.path) }) {
            index.apply(try SplitPlan.read(existing), from: existing)
            return (index, SplitSource(file: existing, created: false))
        }
        let plan = SplitPlan.stratified(index.cases, seed: seed)
        var lastError: Error?
        let datasetFolderWritable = isWritable(index.root)
        for candidate in candidates where candidate != candidates[0] || datasetFolderWritable {
            do {
                try FileManager.default.createDirectory(at: candidate.deletingLastPathComponent(),
                                                        withIntermediateDirectories: true)
                try plan.write(to: candidate)
                index.apply(plan, from: candidate)
                return (index, SplitSource(file: candidate, created: true))
            } catch {
                lastError = error
            }
        }
        throw lastError!
    }

    /// True when this process may create files in `folder` (access(2) with W_OK).
    public static func folderIsWritable(_ folder: URL) -> Bool {
        access(folder.path, W_OK) == 0
    }

    /// Sets each paired case's split from `plan`; reports cases the plan lacks and
    /// plan entries the dataset lacks.
    public mutating func apply(_ plan: SplitPlan, from file: URL) {
        var missing: [String] = []
        for position in cases.indices where cases[position].isPaired {
            cases[position].split = plan.assignments[cases[position].id]
            if cases[position].split == nil { missing.append(cases[position].id) }
        }
        let known = Set(cases.map(\.id))
        let unknown = plan.assignments.keys.filter { !known.contains($0) }.sorted()
        if !missing.isEmpty { warnings.append(.notInSplitFile(path: file.path, ids: missing)) }
        if !unknown.isEmpty { warnings.append(.unknownInSplitFile(path: file.path, ids: unknown)) }
    }

    /// The split file of a read-only dataset: one per dataset path, in the user data folder.
    static func fallbackSplitFile(for root: URL) -> URL {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325  // FNV-1a of the path
        for byte in root.path.utf8 { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01B3 }
        let name = "\(root.lastPathComponent)-\(String(hash, radix: 16)).json"
        return UserFolders.data.appendingPathComponent("splits", isDirectory: true).appendingPathComponent(name)
    }
}
