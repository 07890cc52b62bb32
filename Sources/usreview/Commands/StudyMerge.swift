import ArgumentParser
import Foundation
import ReaderStudy

struct StudyMergeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "merge",
        abstract: "Combine the study databases of readers who worked on separate machines.",
        discussion: """
            Copies studies, readers and answers into the --into database in one transaction. \
            A study of the same name must have the same definition, or nothing is merged. An answer \
            set already present is never copied again, so merging twice changes nothing.
            """
    )

    @Option(help: "The database to merge into (created if absent, only once the merge succeeded; never one of the files merged from).", completion: .file())
    var into: String

    @Flag(help: "Create the folder of --into when it does not exist.")
    var createFolders = false

    @Argument(help: "The databases to merge from.", completion: .file())
    var files: [String]

    func validate() throws {
        if files.isEmpty { throw ValidationError("Name at least one database to merge from.") }
        if ([into] + files).contains(where: PostgresStudyStore.isServerURI) {
            throw ValidationError("usreview study merge combines study files; readers on a study server all write to the same database, so there is nothing to merge.")
        }
        try requireRegularFileIfPresent(into, "--into")
        for file in files { try requireRegularFileIfPresent(file, "merge from") }
    }

    func run() throws {
        let summary = try SQLiteStudyStore.merge(from: files.map { URL(fileURLWithPath: ($0 as NSString).expandingTildeInPath) },
                                           into: URL(fileURLWithPath: (into as NSString).expandingTildeInPath),
                                           options: SQLiteStudyStore.Options(createFolder: createFolders))
        printText("Merged: \(summary.studiesAdded) studies, \(summary.readersAdded) readers and "
              + "\(summary.submissionsAdded) answer sets added; \(summary.submissionsAlreadyPresent) already present.")
    }
}
