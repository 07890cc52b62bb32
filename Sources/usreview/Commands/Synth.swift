import ArgumentParser
import Dataset
import Foundation

struct Synth: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write synthetic B-mode phantom pairs in the USEnhance layout.",
        discussion: """
            Writes DIR/train_datasets/<organ>/{high_quality,low_quality}/NNNN.png, 256x256 \
            8-bit gray, IDs in each organ's range (so an organ gets at most as many pairs as \
            its range holds: kidney 175). The same seed always gives the same images.

            Example:
              usreview synth --out /tmp/phantoms --per-organ 50 --seed 7
            """
    )

    @Option(help: "Output folder (created if missing).", completion: .directory)
    var out: String

    @Option(name: .customLong("per-organ"), help: "Pairs per organ.", transform: NumericRange.synthPerOrgan.parse)
    var perOrgan: Int = 20

    @Option(help: "Random seed.")
    var seed: UInt64 = 2023

    func run() throws {
        let folder = URL(fileURLWithPath: out)
        let counts = PhantomDataset.plannedCounts(perOrgan: perOrgan)
        for organ in Organ.allCases where counts[organ]! < perOrgan {
            printError("note: \(organ.rawValue) gets \(counts[organ]!) pairs, all its ID range (\(organ.idRange.lowerBound)–\(organ.idRange.upperBound)) holds")
        }
        // Phantoms must never replace scans: refuse a folder that already holds any image synth would write.
        let training = folder.appendingPathComponent(DatasetIndex.trainingFolder)
        for organ in Organ.allCases {
            for number in organ.idRange.prefix(counts[organ]!) {
                for side in [DatasetIndex.lowFolder, DatasetIndex.highFolder] {
                    let file = training.appendingPathComponent(organ.rawValue).appendingPathComponent(side)
                        .appendingPathComponent(String(format: "%04d.png", number))
                    if FileManager.default.fileExists(atPath: file.path) {
                        throw ValidationError("\(file.path) already exists; synth never writes over images. Nothing was written; choose a new or empty folder.")
                    }
                }
            }
        }
        let bar = ProgressBar(label: "synth")
        try PhantomDataset.write(to: folder, perOrgan: perOrgan, seed: seed) { done, total in bar.update(done, total) }
        bar.finish()
        let total = counts.values.reduce(0, +)
        printText("wrote \(total) pairs to \(folder.appendingPathComponent(DatasetIndex.trainingFolder).path)")
    }
}
