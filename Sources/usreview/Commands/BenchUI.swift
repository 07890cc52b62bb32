import ArgumentParser
import Dataset
import Foundation
import ReviewTUI
import TerminalGraphics

struct BenchUI: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench-ui",
        abstract: "Benchmark: the review app's frame building (viewer triptych, browser) and reducer steps, without a terminal.",
        discussion: """
            Times Views.draw into a ScreenBuffer at 200×60 cells: the viewer with a triptych of \
            256×256 images in half blocks, the browser with 1050 cases (or --dataset's), and reducer \
            steps. Prints medians. Target: viewer frame under 5 ms. With --pty it also runs this \
            binary's review app on a pseudo-terminal (200×60; a python3 pty harness), in blocks \
            then in sixel mode (the harness answers the app's terminal queries as xterm -ti \
            vt340 with 10×20-pixel cells), then in kitty mode (it answers as kitty 0.26 does, \
            with the same cells; n/p between cases the terminal holds is placements only), and times start-up to the first frame and a key press \
            (n/p, cached case) to the finished frame. With --model the viewer shows all three \
            pictures (LOW · ENHANCED · HIGH) and the flicker key f is timed too; without one \
            the ENHANCED panel stays empty. \
            Targets: start-up ≤ 300 ms on 1050 pairs, key → frame ≤ 20 ms (blocks), ≤ 40 ms (sixel).
            """
    )

    @Option(help: "A USEnhance folder whose cases fill the browser and whose first case's images fill the triptych; default: 1050 synthetic cases and images.",
            completion: .directory)
    var dataset: String?

    @OptionGroup var datasetOptions: DatasetOptions

    @Option(help: "Timed runs after one warm-up.", transform: NumericRange.runs.parse)
    var runs: Int = 51

    @Flag(help: "Also time the real app on a pseudo-terminal (needs python3): start-up to first frame, key press to frame. Uses --dataset, else a small synthetic one.")
    var pty = false

    @Option(help: "With --pty: a generator (safetensors) for the app's ENHANCED panel, so the timed frames hold all three pictures.",
            completion: .file(extensions: ["safetensors"]))
    var model: String?

    @Option(help: "With --pty: app starts timed (the key presses are max(this, 21)).", transform: NumericRange.runs.parse)
    var ptyRuns: Int = 5

    @Flag(help: "Print JSON.")
    var json = false

    func run() throws {
        var cases: [Case]?
        var images: (GrayImage, GrayImage, GrayImage)?
        if let dataset {
            let (index, _) = try datasetOptions.load(URL(fileURLWithPath: dataset))
            cases = index.cases
            if let first = index.cases.first(where: \.isPaired), let highPath = first.highPath,
               let low = try? PNGCodec.read(first.lowPath), let high = try? PNGCodec.read(highPath) {
                images = (low, high, high)
            }
        }
        var report = UIBenchmark.run(cases: cases, images: images, runs: max(1, runs))
        if pty {
            let binary = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
                ?? CommandLine.arguments[0]
            for graphics in ["blocks", "sixel", "kitty"] {
                report.figures += try PtyBenchmark.run(binary: binary, dataset: dataset.map { URL(fileURLWithPath: $0).path },
                                                       model: model.map { URL(fileURLWithPath: $0).path }, graphics: graphics,
                                                       runs: max(1, ptyRuns), columns: report.columns, rows: report.rows)
            }
        }
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            print(String(decoding: try encoder.encode(report), as: UTF8.self))
        } else {
            print("bench-ui: \(report.columns)×\(report.rows) cells, \(report.cases) cases, \(report.imageSize)px images, \(runs) runs")
            for figure in report.figures {
                print("  " + figure.name.padding(toLength: 52, withPad: " ", startingAt: 0) + String(format: " median %7.3f ms   min %7.3f ms",
                             figure.medianMilliseconds, figure.minimumMilliseconds))
            }
        }
    }
}
