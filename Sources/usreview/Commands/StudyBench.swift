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

    @Option(name: .customLong("db"), help: ArgumentHelp(
        "A scratch PostgreSQL database (postgresql://COORDINATOR@HOST/DB, a login with CREATEROLE that owns it): time --submits submits through a reader's own login there, beside the same submits into a SQLite file. It leaves a study and one reader role (usreview_benchXXXX_bench) behind.",
        valueName: "uri"))
    var server: String?

    func validate() throws {
        if let server, !PostgresStudyStore.isServerURI(server) {
            throw ValidationError("--db takes a postgres:// or postgresql:// URI here (the SQLite store is measured without it).")
        }
    }

    func run() throws {
        if let server {
            let remote = try PostgresSubmitBenchmark(submits: submits).run(coordinatorURL: server)
            let local = try StudyBenchmark(readers: 1, answerSetsPerReader: 1, submits: submits, opens: 1, reports: 1)
                .run(in: folder.map { URL(fileURLWithPath: $0) } ?? FileManager.default.temporaryDirectory)
            printText(String(format: "submit one answer set on %@ (reader's login): median %.2f ms, p95 %.2f ms, max %.2f ms over %d",
                             remote.server, remote.medianMs, remote.p95Ms, remote.maxMs, remote.submits))
            printText(String(format: "submit one answer set into a SQLite file (fsync commit): median %.2f ms, p95 %.2f ms over %d",
                             local.submitMedianMs, local.submitP95Ms, local.submits))
            printText(String(format: "server / file: %.1f× (median)", remote.medianMs / max(local.submitMedianMs, 0.001)))
            return
        }
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
