import Foundation

/// Writes synthetic phantom pairs in the USEnhance training layout, so every part of
/// usreview can run without the real (unshippable) dataset.
public enum PhantomDataset {
    /// Progress after each written pair: (done, total).
    public typealias Progress = @Sendable (Int, Int) -> Void

    /// How many pairs each organ gets: `perOrgan`, capped by the organ's ID range
    /// (kidney holds only 175 IDs) because IDs must stay inside their organ's range.
    public static func plannedCounts(perOrgan: Int) -> [Organ: Int] {
        Dictionary(uniqueKeysWithValues: Organ.allCases.map { ($0, min(perOrgan, $0.idRange.count)) })
    }

    /// Writes `DIR/train_datasets/<organ>/{high_quality,low_quality}/NNNN.png`, IDs
    /// from the start of each organ's range. Deterministic for a seed. Pairs are
    /// simulated in parallel; each file is written atomically.
    public static func write(to folder: URL, perOrgan: Int, seed: UInt64, progress: Progress? = nil) throws {
        let jobs = Organ.allCases.flatMap { organ in
            (0..<(plannedCounts(perOrgan: perOrgan)[organ] ?? 0)).map { (organ, organ.idRange.lowerBound + $0) }
        }
        let training = folder.appendingPathComponent(DatasetIndex.trainingFolder, isDirectory: true)
        for organ in Organ.allCases {
            for side in [DatasetIndex.lowFolder, DatasetIndex.highFolder] {
                let sideFolder = training.appendingPathComponent(organ.rawValue).appendingPathComponent(side)
                do {
                    try FileManager.default.createDirectory(at: sideFolder, withIntermediateDirectories: true)
                } catch {
                    throw DatasetError.unreadable(path: sideFolder.path, reason: "cannot create folder: \(error.localizedDescription)")
                }
            }
        }
        let generator = PhantomGenerator(seed: seed)
        let state = WriteState(total: jobs.count, progress: progress)
        DispatchQueue.concurrentPerform(iterations: jobs.count) { position in
            guard !state.failed else { return }
            let (organ, number) = jobs[position]
            let pair = generator.pair(organ: organ, caseID: number)
            let name = String(format: "%04d.png", number)
            let organFolder = training.appendingPathComponent(organ.rawValue)
            do {
                try PNGCodec.write(pair.low, to: organFolder.appendingPathComponent(DatasetIndex.lowFolder).appendingPathComponent(name))
                try PNGCodec.write(pair.high, to: organFolder.appendingPathComponent(DatasetIndex.highFolder).appendingPathComponent(name))
                state.finishedOne()
            } catch {
                state.fail(error)
            }
        }
        if let error = state.firstError { throw error }
    }
}

/// Shared progress and first error of a parallel write.
private final class WriteState: @unchecked Sendable {
    private let lock = NSLock()
    private var done = 0
    private var error: Error?
    let total: Int
    let progress: PhantomDataset.Progress?

    init(total: Int, progress: PhantomDataset.Progress?) {
        self.total = total
        self.progress = progress
    }

    var failed: Bool { lock.withLock { error != nil } }
    var firstError: Error? { lock.withLock { error } }

    func fail(_ newError: Error) { lock.withLock { if error == nil { error = newError } } }

    func finishedOne() {
        let count = lock.withLock { done += 1; return done }
        progress?(count, total)
    }
}
