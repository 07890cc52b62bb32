import ArgumentParser
import Dataset
import Foundation

struct BenchIndex: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench-index",
        abstract: "Benchmark: time indexing a dataset folder (no image is decoded).",
        discussion: "scripts/bench-index makes a 1050-pair folder and compares with a Python scan."
    )

    @Argument(help: "The dataset folder.", completion: .directory)
    var dir: String

    @Option(help: "Timed runs after one warm-up.", transform: NumericRange.runs.parse)
    var runs: Int = 21

    @Flag(help: "Print JSON.")
    var json = false

    func run() throws {
        let folder = URL(fileURLWithPath: dir)
        var cases = try DatasetIndex.scan(folder).cases.count
        var times: [Double] = []
        for _ in 0..<max(1, runs) {
            let start = DispatchTime.now().uptimeNanoseconds
            cases = try DatasetIndex.scan(folder).cases.count
            times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
        }
        times.sort()
        let median = times[times.count / 2]
        if json {
            print(#"{"cases": \#(cases), "runs": \#(times.count), "median_ms": \#(median), "min_ms": \#(times[0])}"#)
        } else {
            print(String(format: "index: %d cases, median %.2f ms, min %.2f ms over %d runs", cases, median, times[0], times.count))
        }
    }
}
