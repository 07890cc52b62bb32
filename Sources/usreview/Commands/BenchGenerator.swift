import ArgumentParser
import Dataset
import Enhancer
import Foundation

struct BenchGenerator: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench-generator",
        abstract: "Benchmark: generator load time, forward latency and peak memory.",
        discussion: "scripts/bench-vs-onnxruntime runs this beside onnxruntime on the same weights."
    )

    @Option(help: "Generator weights (.safetensors).")
    var model: String

    @Option(help: "Square input size in pixels.", transform: NumericRange.benchSide.parse)
    var size: Int = 256

    @Option(help: "Timed runs after one warm-up.", transform: NumericRange.runs.parse)
    var runs: Int = 15

    @Flag(help: "Print JSON.")
    var json = false

    @Flag(help: "After the timed runs, as many profiled runs: the median time of each network step.")
    var profile = false

    @OptionGroup var modelOptions: ModelOptions

    func run() throws {
        let loadStart = DispatchTime.now().uptimeNanoseconds
        let generator = try modelOptions.load(model)
        let loadMilliseconds = milliseconds(since: loadStart)
        // A textured input (a flat one makes instance norm degenerate); values do not matter.
        let input = GrayImage(width: size, height: size, pixels: (0..<(size * size)).map { i in
            let x = i % size, y = i / size
            return UInt8(truncatingIfNeeded: x * 7 + y * 13 + (x * y) % 17)
        })
        _ = try generator.enhance(input)
        var times: [Double] = []
        for _ in 0..<max(1, runs) {
            let start = DispatchTime.now().uptimeNanoseconds
            _ = try generator.enhance(input)
            times.append(milliseconds(since: start))
        }
        times.sort()
        let peakMB = peakResidentMegabytes()
        let weightsMB = Double(generator.weightBytesF32) / 1_048_576
        let threads = modelOptions.threads ?? ProcessInfo.processInfo.activeProcessorCount
        if json {
            printText(#"{"model": "\#(generator.summary)", "size": \#(size), "threads": \#(threads), "runs": \#(times.count), "load_ms": \#(loadMilliseconds), "median_ms": \#(times[times.count / 2]), "min_ms": \#(times[0]), "peak_rss_mb": \#(peakMB), "weights_f32_mb": \#(weightsMB)}"#)
        } else {
            printText(generator.summary)
            printText(String(format: "%dx%d, %d thread(s): load %.1f ms, forward median %.2f ms, min %.2f ms (%d runs)",
                         size, size, threads, loadMilliseconds, times[times.count / 2], times[0], times.count))
            printText(String(format: "peak RSS %.1f MB (F32 weights %.1f MB; budget 1.5x weights + 100 MB = %.1f MB)",
                         peakMB, weightsMB, 1.5 * weightsMB + 100))
        }
        if profile { try printProfile(generator, input: input) }
    }

    /// Runs `runs` more times with a `LayerProfile` and prints each step's median, its share
    /// of the summed medians, and the sums per kind of step (convolutions by method, norms …).
    private func printProfile(_ generator: Generator, input: GrayImage) throws {
        var profiles: [LayerProfile] = []
        for _ in 0..<max(1, runs) {
            let profile = LayerProfile()
            _ = try generator.enhance(input, profile: profile)
            profiles.append(profile)
        }
        let names = profiles[0].steps.map(\.name)
        let medians = names.indices.map { index -> Double in
            let times = profiles.map { Double($0.steps[index].nanoseconds) / 1e6 }.sorted()
            return times[times.count / 2]
        }
        let total = medians.reduce(0, +)
        printText(String(format: "profile: median of %d runs per step; steps sum to %.2f ms", profiles.count, total))
        for (name, time) in zip(names, medians) {
            printText(String(format: "%8.3f ms %5.1f%%  ", time, 100 * time / total) + name)
        }
        var byKind: [String: Double] = [:]
        for (name, time) in zip(names, medians) {
            let kind = name.split(separator: " ").dropFirst(4).joined(separator: " ")
            byKind[kind, default: 0] += time
        }
        printText("by kind of step:")
        for (kind, time) in byKind.sorted(by: { $0.value > $1.value }) {
            printText(String(format: "%8.3f ms %5.1f%%  ", time, 100 * time / total) + kind)
        }
    }

    private func milliseconds(since start: UInt64) -> Double {
        Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6
    }

    /// VmHWM from /proc/self/status. Not getrusage's ru_maxrss: a child process starts
    /// with its parent's peak there, so a benchmark run from a large Python parent
    /// would report the parent's memory.
    private func peakResidentMegabytes() -> Double {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
              let kilobytes = Double(line.split(separator: " ").dropFirst().first ?? "") else { return .nan }
        return kilobytes / 1024
    }
}
