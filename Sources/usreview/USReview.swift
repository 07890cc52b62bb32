import ArgumentParser

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
}
