import ArgumentParser
import Foundation
import ReaderStudy

/// A scripted reader for the store's crash and concurrency tests: submits example
/// answers case after case and reports each commit on stdout, unbuffered, so a test
/// can kill it right after a known commit.
struct StudySimulateReaderCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "simulate-reader",
        abstract: "Testing: submit example answers as a reader, one line per commit.",
        shouldDisplay: false
    )

    @Option(help: "The study's name.")
    var study: String

    @Option(help: "The reader's name.")
    var reader: String

    @Option(help: "How many answer sets to submit (stops early when the list is done).", transform: NumericRange.answers.parse)
    var answers: Int = 10

    @Option(help: "Pause after each commit, in milliseconds.", transform: NumericRange.pauseMilliseconds.parse)
    var pauseMs: Int = 0

    @OptionGroup var database: StudyDatabaseOptions

    func run() throws {
        let store = try database.readerStore()
        let session = try ReadingSession(store: store, study: study, reader: reader, leaseHolder: ReadingSession.localHolder())
        defer { try? session.close() }
        var submitted = 0
        while submitted < answers, let current = session.current {
            // Example answers, and marks where a "yes" asks for them.
            _ = try StudyBenchmark.fillExample(session, variant: submitted)
            let submission = try session.submit()
            submitted += 1
            let line = "submitted \(submitted) position \(current.position) case \(current.studyCase.caseId) revision \(submission.revision)\n"
            printText(String(line.dropLast()))
            if pauseMs > 0 { usleep(UInt32(pauseMs) * 1000) }
        }
    }
}
