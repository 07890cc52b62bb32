import ArgumentParser
import Foundation
import ReaderStudy
import ReviewTUI
import UntrustedText

struct Read: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Read a study: rate its cases in the app, as one reader.",
        discussion: """
            The panels were rendered when the study was created: reading needs neither \
            the models nor the dataset. One session per reader at a time: a second one is \
            refused while the first holds the reader's lease (renewed every 30 s, it \
            lapses 2 minutes after a crash).

            Opens the app in study mode for READER (enrolled by the coordinator with usreview study readers add) and resumes \
            where they stopped. Each case shows the study's panels (blinded: REFERENCE and \
            candidates A, B, …, with no model name or metric anywhere; open: LOW, \
            ENHANCED, HIGH) and the rating panel: Tab / Shift-Tab move between questions, \
            1–5 / y / n / the letters shown answer, Enter submits and goes on, s skips, \
            q quits (every submitted case is already saved). M marks the image where a marks \
            question is asked (after a yes to hallucinated or lost, with the default \
            questions): arrows move, Space places a point, b…b a box, Esc leaves; ? lists \
            every key. When stdin or stdout is not \
            a terminal it prints the reader's progress instead.

            Examples: usreview read --study pilot --reader alice
              usreview read --study pilot --reader alice --db postgresql://usreview_pilot_alice@db.example.org/studies
            """
    )

    @Option(help: "The study's name (as given to study create).")
    var study: String

    @Option(help: "The reader's name, as the coordinator enrolled it.")
    var reader: String

    @Option(help: "Images in the panels, as review draws them: auto (kitty graphics or sixel where the terminal says so, through tmux too, else blocks), kitty, sixel, blocks, quadrants, sextants or ascii. Kitty and sixel show the frozen pixels exactly, at the largest whole zoom that fits.")
    var graphics: String = "auto"

    @Option(help: "Interface and mark colours: a theme name (reading-room, light, high-contrast) or a .toml file.")
    var theme: String = "reading-room"

    @OptionGroup var database: StudyDatabaseOptions

    func validate() throws {
        if !graphicsModeNames.contains(graphics) {
            throw ValidationError("--graphics '\(graphics)' is not one of \(graphicsModeNames.joined(separator: ", "))")
        }
    }

    func run() throws {
        // A reader's session starts only with the colours asked for: a bad theme is
        // refused before the lease is taken, not replaced silently.
        // nil: the built-in default, which no file shadows.
        let chosenTheme = try ThemeLoader.locate(theme, folders: themeSearchFolders()).map { try ThemeLoader.load($0) }
            ?? .readingRoom
        let store = try database.readerStore()
        let session = try ReadingSession(store: store, study: study, reader: reader, leaseHolder: ReadingSession.localHolder())
        guard isatty(STDIN_FILENO) != 0, isatty(STDOUT_FILENO) != 0 else {
            let progress = session.progress
            var line = "Study \(TerminalText.sanitized(study)), reader \(TerminalText.sanitized(session.readerName)): \(progress.answered) of \(progress.total) answered"
            if let current = session.current {
                line += "; next: case \(current.studyCase.caseId) (\(current.position + 1) in the list)."
            } else {
                line += "; every case answered."
            }
            printText(line)
            try session.close()
            return
        }
        var app = StudyReviewApp(session: session, graphics: graphics)
        app.theme = chosenTheme
        app.run()
    }
}
