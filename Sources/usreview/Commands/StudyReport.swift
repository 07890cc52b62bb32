import ArgumentParser
import Dataset
import Foundation
import ReaderStudy

struct StudyReportCommand: ParsableCommand {
    enum Format: String, ExpressibleByArgument, CaseIterable { case md, json, html }

    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Summarise a study's ratings: descriptives, paired comparisons, agreement, VGC and MRMC.",
        discussion: """
            Latest revisions only; calibration cases are left out and repeat showings are used only \
            for intra-reader agreement. Markdown (md) is for people, JSON for machines, html one \
            self-contained page with the figures inline (no scripts, nothing fetched). Every comparison \
            is "first vs second" in the study file's comparisons order, or else each model against the \
            rated reference in the order the models were defined. Studies with marks questions get a marks \
            section: shares of readings with marks and inter-reader localisation agreement \
            (--match-radius). Statistics \
            that cannot be computed (too few readers, no repeats) appear as n/a with the reason. \
            The database is opened read-only.
            """
    )

    @Option(help: "The study's name.")
    var study: String

    @Option(help: "md, json or html.")
    var format: Format = .md

    @Option(help: "Write to this file (atomically) instead of standard output.", completion: .file())
    var out: String?

    @Option(help: "Also write the figures (SVG) into this folder.", completion: .directory)
    var figures: String?

    @Option(help: ArgumentHelp("Marks: two points match within this many source-image pixels (a positive number up to 1000).",
                               valueName: "pixels"),
            transform: StudyReportCommand.parseRadius)
    var matchRadius: Double = MarkMatcher.defaultRadius

    @OptionGroup var database: StudyDatabaseOptions

    /// A positive, finite radius of at most 1000 pixels (larger than any study image's side
    /// would make every pair of points match).
    static func parseRadius(_ text: String) throws -> Double {
        guard let value = Double(text), value.isFinite, value > 0, value <= 1000 else {
            throw ValidationError("expected a positive number of pixels up to 1000, such as 10 or 7.5")
        }
        return value
    }

    func run() throws {
        if let out {
            try OutputGuard.check(output: URL(fileURLWithPath: out), inputs: database.inputFiles)
        }
        let store = try database.coordinatorStore(readOnly: true)
        let report = try ReaderStudy.StudyReport.make(from: store, study: study,
                                                      matcher: MarkMatcher(radius: matchRadius))
        let data: Data
        switch format {
        case .md: data = Data(report.markdown().utf8)
        case .json: data = try report.json()
        case .html: data = Data(report.html().utf8)
        }
        if let figures { try writeFigures(report.figures(), to: figures) }
        if format == .md, out == nil {
            printText(report.markdown(), terminator: "")
        } else {
            try emitDocument(data, isJSON: format == .json, to: out, summary: "Wrote the report of \(study) to \(out ?? "").")
        }
    }
}
