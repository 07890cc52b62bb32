import ArgumentParser
import Dataset
import Foundation

struct Review: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Open a dataset for review (default: the embedded demo dataset).",
        discussion: """
            The interactive viewer is not built yet; for now this prints the dataset \
            summary that the browser will show. Without --dataset it uses the embedded demo: \
            phantom pairs made on first use in the user cache folder.
            """
    )

    @Option(help: "A USEnhance folder; default: the embedded demo dataset.", completion: .directory)
    var dataset: String?

    @OptionGroup var datasetOptions: DatasetOptions

    func run() throws {
        let folder: URL
        if let dataset {
            folder = URL(fileURLWithPath: dataset)
        } else {
            printError("preparing the demo dataset in \(DemoDataset.defaultFolder.path) …")
            folder = try DemoDataset.ensure()
        }
        let (index, source) = try datasetOptions.load(folder)
        print(IndexReport(index, splitSource: source).text())
    }
}
