import ArgumentParser
import Dataset
import Foundation

struct Index: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List the cases of a USEnhance folder: counts per organ, device pair and split, and warnings.",
        discussion: """
            DIR is the folder holding train_datasets (and/or low_quality_images), \
            train_datasets itself, or a flat low_quality_images folder. Images are not decoded.

            Examples:
              usreview index ~/data/usenhance
              usreview index ~/data/usenhance --json > cases.json
            """
    )

    @Argument(help: "The dataset folder.", completion: .directory)
    var dir: String

    @Flag(help: "Print JSON: a summary and one object per case.")
    var json = false

    @OptionGroup var dataset: DatasetOptions

    func run() throws {
        let (index, source) = try dataset.load(URL(fileURLWithPath: dir))
        let report = IndexReport(index, splitSource: source)
        if json { printJSON(try report.json()) } else { printText(report.text()) }
    }
}
