import ArgumentParser
import Dataset
import Foundation

/// How a command finds its dataset and split; shared by every command that reads one.
struct DatasetOptions: ParsableArguments {
    @Option(name: .customLong("split-file"),
            help: "A split to honour (JSON from usreview, or CSV of id,split). Default: usreview-splits.json in the dataset, drawn on first use.")
    var splitFile: String?

    @Option(help: "Seed for drawing a new 70/10/20 split.")
    var seed: UInt64 = SplitPlan.defaultSeed

    func load(_ folder: URL) throws -> (DatasetIndex, DatasetIndex.SplitSource?) {
        try DatasetIndex.load(folder, splitFile: splitFile.map { URL(fileURLWithPath: $0) }, seed: seed)
    }
}
