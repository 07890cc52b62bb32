import ArgumentParser
import Enhancer
import Foundation

/// The generator to run and on how many threads; shared by enhance, eval and bench-generator.
struct ModelOptions: ParsableArguments {
    @Option(help: "Threads for the generator (default: all cores).")
    var threads: Int?

    func validate() throws {
        if let threads, threads < 1 { throw ValidationError("--threads must be at least 1.") }
    }

    func load(_ path: String) throws -> Generator {
        try Generator.load(URL(fileURLWithPath: path), threads: threads)
    }
}
