import ArgumentParser
import Foundation
import ReaderStudy

/// `usreview study readers …`: the coordinator enrols readers; `read` opens only what was
/// drawn for an enrolled reader, so a typo at `read` enrols no one.
struct StudyReadersCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "readers",
        abstract: "Enrol, list and disable a study's readers (the coordinator's commands).",
        subcommands: [Add.self, List.self, Disable.self]
    )

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Enrol readers: draws each one's case order and panel placement.",
            discussion: """
                Names: 1 to 64 letters, digits, '.', '_' or '-'. All names are checked first \
                and enrolled in one transaction: if one is refused, none is enrolled.

                Example: usreview study readers add --study pilot R01 R02 R03
                """
        )
        @Option(help: "The study's name.") var study: String
        @Argument(help: "The readers' names.") var names: [String]
        @OptionGroup var database: StudyDatabaseOptions

        func validate() throws {
            guard !names.isEmpty else { throw ValidationError("Give at least one reader's name.") }
            for name in names {
                do { try ReaderName.validate(name) } catch { throw ValidationError("\(error)") }
            }
            if let repeated = Dictionary(grouping: names, by: { $0 }).first(where: { $0.value.count > 1 })?.key {
                throw ValidationError("'\(repeated)' is given twice.")
            }
        }

        func run() throws {
            let store = try database.coordinatorStore()
            let enrolments = try store.enrol(readers: names, inStudy: study, now: Date())
            for enrolment in enrolments {
                if let connection = enrolment.connection {
                    // The reader's own login, password included: the coordinator hands each
                    // line to its reader (who may move the password into ~/.pgpass).
                    printText("\(enrolment.reader.name): \(connection)")
                } else {
                    printText("Enrolled \(enrolment.reader.name): \(enrolment.reader.cases) cases drawn.")
                }
            }
            if enrolments.contains(where: { $0.connection != nil }) {
                printError("Enrolled \(enrolments.count) reader(s) on \(store.location), each with a login of their own. "
                    + "Give each reader their line (it holds their password, shown only now); they run: "
                    + "usreview read --study \(study) --reader NAME --db 'THEIR LINE'.")
            }
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the enrolled readers.")
        @Option(help: "The study's name.") var study: String
        @OptionGroup var database: StudyDatabaseOptions

        func run() throws {
            let readers = try database.coordinatorStore(readOnly: true).readers(ofStudy: study)
            guard !readers.isEmpty else {
                printText("No reader is enrolled in \(study) yet; enrol them with usreview study readers add.")
                return
            }
            let format = Date.ISO8601FormatStyle(timeZone: TimeZone(identifier: "UTC")!)
            let width = max(6, readers.map(\.name.count).max() ?? 6)
            printText("reader".padding(toLength: width, withPad: " ", startingAt: 0) + "  cases  enrolled              state")
            for reader in readers {
                let state = reader.disabledAt.map { "disabled " + format.format($0) }
                    ?? reader.finalisedAt.map { "finalised " + format.format($0) } ?? "active"
                printText(reader.name.padding(toLength: width, withPad: " ", startingAt: 0) + "  "
                      + String(format: "%5d", reader.cases) + "  " + format.format(reader.enrolledAt) + "  " + state)
            }
        }
    }

    struct Disable: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Stop a reader from opening the study; their answers are kept.")
        @Option(help: "The study's name.") var study: String
        @Argument(help: "The reader's name.") var name: String
        @OptionGroup var database: StudyDatabaseOptions

        func run() throws {
            try database.coordinatorStore().disable(reader: name, inStudy: study, now: Date())
            printText("Disabled \(name) in \(study); their answers are kept.")
        }
    }
}
