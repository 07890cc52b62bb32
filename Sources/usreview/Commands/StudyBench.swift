import ArgumentParser
import Foundation
import ReaderStudy

struct StudyBenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Benchmark: submit latency (commit included), opening a study with many answers, the report.",
        discussion: "Builds a synthetic study in a temporary folder (or --folder) and removes it afterwards."
    )

    @Option(help: "Readers in the fixture.", transform: NumericRange.benchReaders.parse)
    var readers: Int = 10

    @Option(help: "Answer sets per reader in the fixture.", transform: NumericRange.benchAnswerSets.parse)
    var answerSets: Int = 1000

    @Option(help: "Timed submits.", transform: NumericRange.runs.parse)
    var submits: Int = 200

    @Option(help: "Timed opens (the median is reported).", transform: NumericRange.runs.parse)
    var opens: Int = 11

    @Option(help: "Timed reports over the fixture (the median is reported).", transform: NumericRange.runs.parse)
    var reports: Int = 5

    @Option(help: "Where to build the fixture (default: the temporary folder). Use the disk the study will live on.",
            completion: .directory)
    var folder: String?

    @Flag(help: "Print JSON.")
    var json = false

    func run() throws {
        let benchmark = StudyBenchmark(readers: readers, answerSetsPerReader: answerSets, submits: submits,
                                       opens: opens, reports: reports)
        let folderURL = folder.map { URL(fileURLWithPath: $0) } ?? FileManager.default.temporaryDirectory
        let r = try benchmark.run(in: folderURL)
        if json {
            print(#"{"readers": \#(r.readers), "answer_sets_per_reader": \#(r.answerSetsPerReader), "answer_rows": \#(r.answerRows), "#
                  + #""open_median_ms": \#(r.openMedianMs), "open_max_ms": \#(r.openMaxMs), "#
                  + #""submit_median_ms": \#(r.submitMedianMs), "submit_p95_ms": \#(r.submitP95Ms), "submit_max_ms": \#(r.submitMaxMs), "#
                  + #""status_ms": \#(r.statusMs), "export_ms": \#(r.exportMs), "#
                  + #""report_median_ms": \#(r.reportMedianMs), "report_max_ms": \#(r.reportMaxMs), "#
                  + #""report_make_median_ms": \#(r.reportMakeMedianMs), "reports": \#(r.reports)}"#)
        } else {
            print("fixture: \(r.readers) readers × \(r.answerSetsPerReader) answer sets = \(r.answerRows) answers (built in "
                  + String(format: "%.1f s)", r.fillSeconds))
            print(String(format: "open study + reader session: median %.2f ms, max %.2f ms (target < 100 ms)", r.openMedianMs, r.openMaxMs))
            print(String(format: "submit one answer set (fsync commit): median %.2f ms, p95 %.2f ms, max %.2f ms over %d (target < 5 ms)",
                         r.submitMedianMs, r.submitP95Ms, r.submitMaxMs, r.submits))
            print(String(format: "report over %d answers (StudyReport.make + markdown): median %.0f ms, max %.0f ms over %d "
                         + "(statistics alone %.0f ms) (target < 2000 ms)",
                         r.answerRows, r.reportMedianMs, r.reportMaxMs, r.reports, r.reportMakeMedianMs))
            print(String(format: "status %.1f ms, export CSV (latest revisions) %.1f ms", r.statusMs, r.exportMs))
        }
    }
}
