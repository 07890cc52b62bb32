import ArgumentParser
import Foundation
import ReaderStudy
import ReviewTUI

struct Read: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Read a study: rate its cases in the app, as one reader.",
        discussion: """
            Opens the app in study mode for READER (enrolled on first use) and resumes \
            where they stopped. Each case shows the study's panels (blinded: REFERENCE and \
            candidates A, B, …, with no model name or metric anywhere; open: LOW, \
            ENHANCED, HIGH) and the rating panel: Tab / Shift-Tab move between questions, \
            1–5 / y / n / the letters shown answer, Enter submits and goes on, s skips, \
            q quits (every submitted case is already saved). When stdin or stdout is not \
            a terminal it prints the reader's progress instead.

            Example: usreview read --study pilot --reader alice
            """
    )

    @Option(help: "The study's name (as given to study create).")
    var study: String

    @Option(help: "The reader's name (letters, digits, '.', '_', '-'); enrolled on first use.")
    var reader: String

    @Option(help: "Generator threads (default: all cores).", transform: NumericRange.threads.parse)
    var threads: Int?

    @OptionGroup var database: StudyDatabaseOptions

    func run() throws {
        let store = try database.open()
        let session = try ReadingSession(store: store, study: study, reader: reader)
        guard isatty(STDIN_FILENO) != 0, isatty(STDOUT_FILENO) != 0 else {
            let progress = session.progress
            var line = "Study \(study), reader \(session.readerName): \(progress.answered) of \(progress.total) answered"
            if let current = session.current {
                line += "; next: case \(current.studyCase.caseId) (\(current.position + 1) in the list)."
            } else {
                line += "; every case answered."
            }
            print(line)
            return
        }
        StudyReviewApp(session: session, threads: threads).run()
    }
}
