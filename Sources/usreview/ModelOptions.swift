import ArgumentParser
import Enhancer
import Foundation

/// The generator to run and on how many threads; shared by enhance, eval and bench-generator.
struct ModelOptions: ParsableArguments {
    @Option(help: "Threads for the generator (default: all cores).", transform: NumericRange.threads.parse)
    var threads: Int?

    func load(_ path: String) throws -> Generator {
        try Generator.load(URL(fileURLWithPath: path), threads: threads)
    }
}
