import ArgumentParser
import Foundation

@main
struct USReview: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "usreview",
        abstract: "Review AI-enhanced ultrasound images in the terminal.",
        discussion: """
            With no subcommand, usreview opens the embedded demo dataset: synthetic \
            phantom pairs made on first use in ~/.cache/usreview.
            """,
        subcommands: [Review.self, Index.self, Synth.self, Enhance.self, MetricsCommand.self, Eval.self,
                      Show.self, BenchIndex.self, BenchGenerator.self, BenchSixel.self, BenchUI.self, Study.self, Read.self, Config.self],
        defaultSubcommand: Review.self
    )

    /// ArgumentParser's own main, except that an error's message — which quotes file
    /// names, arguments and file contents — reaches stderr through `printError`, escaped.
    static func main() {
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch {
            let code = exitCode(for: error)
            let message = fullMessage(for: error)
            if code == .success {
                // Help and version: the program's own text, on stdout.
                if !message.isEmpty { print(message) }
            } else if !message.isEmpty {
                printError(message)
            }
            Foundation.exit(code.rawValue)
        }
    }
}
