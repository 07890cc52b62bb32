import ArgumentParser
import Dataset
import Foundation
import TerminalGraphics

struct BenchSixel: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench-sixel",
        abstract: "Benchmark: sixel encoding time and size of a PNG at its own size.",
        discussion: "scripts/bench-graphics runs this beside img2sixel and chafa on the same image."
    )

    @Argument(help: "A PNG image.")
    var image: String

    @Option(help: "Timed runs after one warm-up.", transform: NumericRange.runs.parse)
    var runs: Int = 21

    @Option(help: "Colour registers (101 or more: the direct gray palette).", transform: NumericRange.registers.parse)
    var registers: Int = 256

    @Flag(help: "Print JSON.")
    var json = false

    func run() throws {
        let source = try PNGCodec.read(URL(fileURLWithPath: image))
        let result = SixelEncoder(registers: registers).benchmark(source, runs: max(1, runs))
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            print(String(decoding: try encoder.encode(result), as: UTF8.self))
        } else {
            print(String(format: "sixel %dx%d: median %.2f ms, min %.2f ms, %d bytes (%d runs)", source.width, source.height,
                         result.medianMilliseconds, result.minimumMilliseconds, result.bytes, result.runs))
        }
    }
}
