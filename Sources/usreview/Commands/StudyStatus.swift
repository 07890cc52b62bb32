import ArgumentParser
import Foundation
import ReaderStudy
import UntrustedText

struct StudyStatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show a study's readers and their progress.",
        discussion: "With no --study, lists the studies in the database."
    )

    @Option(help: "The study's name.")
    var study: String?

    @OptionGroup var database: StudyDatabaseOptions

    func run() throws {
        guard database.server != nil || FileManager.default.fileExists(atPath: database.url.path) else {
            printText("No study database at \(database.url.path) yet; create a study with usreview study create.")
            return
        }
        let store: any CoordinatorStudyStore
        do {
            store = try database.coordinatorStore(readOnly: true)
        } catch StudyStoreError.needsUpgrade {
            store = try database.coordinatorStore()   // brings an older file up to date, as the upgrade message promises
        }
        guard let study else {
            let names = try store.studyNames()
            printText(names.isEmpty ? "No study in \(store.location) yet." : names.map { TerminalText.sanitized($0) }.joined(separator: "\n"))
            return
        }
        let status = try store.status(ofStudy: study)
        let main = status.caseCount - status.calibrationCount
        printText("Study \(status.study.name) (\(status.study.mode.rawValue)): \(main) cases + \(status.calibrationCount) calibration, "
              + "models \(status.models.joined(separator: ", ")), seed \(status.study.seedValue)")
        guard !status.readers.isEmpty else {
            printText("No reader has started yet.")
            return
        }
        // Names as shown (escaped), so the columns line up with what the terminal prints.
        let names = status.readers.map { TerminalText.sanitized($0.reader) }
        let width = max(6, names.map(\.count).max() ?? 6)
        printText("reader".padding(toLength: width, withPad: " ", startingAt: 0) + "  answered      %  revisions  last submit               state")
        let format = Date.ISO8601FormatStyle(timeZone: TimeZone(identifier: "UTC")!)
        for (reader, name) in zip(status.readers, names) {
            let percent = reader.total == 0 ? 0 : 100 * reader.answered / reader.total
            let progress = "\(reader.answered)/\(reader.total)"
            let last = reader.lastSubmittedAt.map { format.format($0) } ?? "—"
            printText(name.padding(toLength: width, withPad: " ", startingAt: 0) + "  "
                  + progress.padding(toLength: 10, withPad: " ", startingAt: 0) + String(format: "%4d", percent) + "  "
                  + String(format: "%9d", reader.revisions) + "  " + last.padding(toLength: 24, withPad: " ", startingAt: 0)
                  + (reader.finalisedAt != nil ? "finalised" : reader.answered == reader.total ? "complete" : "reading"))
        }
    }
}
