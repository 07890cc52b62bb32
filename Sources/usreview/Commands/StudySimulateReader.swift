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
            let labels = current.candidates.map(\.label)
            for slot in session.allSlots {
                let question = session.questions.first { $0.key == slot.question }!
                try session.answer(slot.question, panel: slot.panel.isEmpty ? nil : slot.panel,
                                   value: question.exampleValue(candidates: labels, variant: submitted + 1))
            }
            let submission = try session.submit()
            submitted += 1
            let line = "submitted \(submitted) position \(current.position) case \(current.studyCase.caseId) revision \(submission.revision)\n"
            printText(String(line.dropLast()))
            if pauseMs > 0 { usleep(UInt32(pauseMs) * 1000) }
        }
    }
}
