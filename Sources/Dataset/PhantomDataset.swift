import Foundation

/// Writes synthetic phantom pairs in the USEnhance training layout, so every part of
/// usreview can run without the real (unshippable) dataset.
public enum PhantomDataset {

    /// How many pairs each organ gets: `perOrgan`, capped by the organ's ID range
    /// (kidney holds only 175 IDs) because IDs must stay inside their organ's range.
    public static func plannedCounts(perOrgan: Int) -> [Organ: Int] {
        Dictionary(uniqueKeysWithValues: Organ.allCases.map { ($0, min(perOrgan, $0.idRange.count)) })
    }

    /// Writes `DIR/train_datasets/<organ>/{high_quality,low_quality}/NNNN.png`, IDs
    /// from the start of each organ's range. Deterministic for a seed. Pairs are
    /// simulated in parallel; each file is written atomically.
    public static func write(to folder: URL, perOrgan: Int, seed: UInt64, progress: ProgressCounter.Report? = nil) throws {
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
        let counter = ProgressCounter(total: jobs.count, report: progress)
        let firstError = FirstError()
        DispatchQueue.concurrentPerform(iterations: jobs.count) { position in
            guard firstError.value == nil else { return }
            let (organ, number) = jobs[position]
            let pair = generator.pair(organ: organ, caseID: number)
            let name = String(format: "%04d.png", number)
            let organFolder = training.appendingPathComponent(organ.rawValue)
            do {
                try PNGCodec.write(pair.low, to: organFolder.appendingPathComponent(DatasetIndex.lowFolder).appendingPathComponent(name))
                try PNGCodec.write(pair.high, to: organFolder.appendingPathComponent(DatasetIndex.highFolder).appendingPathComponent(name))
                counter.advance()
            } catch {
                firstError.keep(error)
            }
        }
        if let error = firstError.value { throw error }
    }
}

/// The first error of a parallel job; later ones are dropped.
private final class FirstError: @unchecked Sendable {
    private let lock = NSLock()
    private var error: Error?

    var value: Error? { lock.withLock { error } }

    func keep(_ newError: Error) { lock.withLock { if error == nil { error = newError } } }
}
