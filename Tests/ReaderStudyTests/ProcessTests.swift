import Foundation
import GRDB
@testable import ReaderStudy
import XCTest

/// The store's crash and concurrency promises, with real processes: the `usreview`
/// binary built beside this test bundle runs `study simulate-reader`, which submits
/// example answers and prints one line after each commit.
final class ProcessTests: XCTestCase {
    private func usreviewBinary() throws -> URL { try ReaderStudyTests.usreviewBinary(for: self) }

    private func simulateReader(_ url: URL, reader: String, answers: Int, pauseMs: Int = 0) throws -> (Process, Pipe) {
        let process = Process()
        process.executableURL = try usreviewBinary()
        process.arguments = ["study", "simulate-reader", "--db", url.path, "--study", "pilot", "--reader", reader,
                             "--answers", String(answers), "--pause-ms", String(pauseMs)]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        return (process, output)
    }

    /// Reads whole lines from `pipe` until `count` have come (or the pipe closes).
    private func readLines(_ pipe: Pipe, count: Int) -> [String] {
        var buffer = Data()
        var lines: [String] = []
        while lines.count < count {
            let chunk = pipe.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            buffer.append(chunk)
            while let newline = buffer.firstIndex(of: UInt8(ascii: "\n")) {
                lines.append(String(decoding: buffer[buffer.startIndex..<newline], as: UTF8.self))
                buffer = Data(buffer[(newline + 1)...])
            }
        }
        return lines
    }

    func testSIGKILLAfterSubmitLosesNothingAndResumesAtTheNextCase() throws {
        let url = try temporaryFolder(self).appendingPathComponent("s.sqlite")
        try makeStudyFile(at: url, cases: 20, models: ["unet", "resnet"], readers: ["ann"])
        let (process, output) = try simulateReader(url, reader: "ann", answers: 20, pauseMs: 30)
        let lines = readLines(output, count: 4)
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        XCTAssertEqual(process.terminationReason, .uncaughtSignal)
        XCTAssertEqual(lines.count, 4, "the simulated reader reported \(lines)")
        guard lines.count == 4 else { return }
        XCTAssertTrue(lines[3].hasPrefix("submitted 4 position 3"), lines.joined(separator: "\n"))

        let store = try SQLiteStudyStore(url: url)
        // The killed session's lease holds until it lapses; then the reader can go on.
        XCTAssertThrowsError(try enrolledSession(store: store, study: "pilot", reader: "ann")) { error in
            guard case .readerBusy? = error as? StudyStoreError else { return XCTFail("\(error)") }
        }
        let session = try enrolledSession(store: store, study: "pilot", reader: "ann",
                                          now: { Date().addingTimeInterval(ReadingSession.leaseDuration + 1) })
        let answered = session.progress.answered
        XCTAssertGreaterThanOrEqual(answered, 4)          // every reported commit is there
        XCTAssertLessThan(answered, 20)
        // Whole answer sets only: every submission has all its answers and all its marks
        // (a "yes" to hallucinated and lost asks 3 more answers each, with 1–2 marks per panel).
        let perSubmission = try store.pool.read { db in
            try Row.fetchAll(db, sql: """
                SELECT (SELECT COUNT(*) FROM answer a WHERE a.submissionId = s.id) AS answers,
                       (SELECT COALESCE(SUM(CAST(a.value AS INTEGER)), 0) FROM answer a
                        WHERE a.submissionId = s.id AND a.questionKey IN ('hallucinated_marks', 'lost_marks')) AS counted,
                       (SELECT COUNT(*) FROM mark m WHERE m.submissionId = s.id) AS marks
                FROM submission s
                """).map { row -> [Int] in [row["answers"], row["counted"], row["marks"]] }
        }
        XCTAssertEqual(perSubmission.count, answered)
        XCTAssertTrue(perSubmission.allSatisfy { [6 * 3 + 1, 6 * 3 + 1 + 2 * 3].contains($0[0]) }, "\(perSubmission)")
        XCTAssertTrue(perSubmission.allSatisfy { $0[1] == $0[2] }, "every mark its answer counts survived: \(perSubmission)")
        XCTAssertGreaterThanOrEqual(perSubmission.map { $0[2] }.reduce(0, +), 2 * 6, "the first set alone has 12 marks")
        // Resumes at the case after the last one submitted.
        XCTAssertEqual(session.current?.position, answered)
    }

    func testTwoReaderProcessesWritingAtOnceLoseNothing() throws {
        let url = try temporaryFolder(self).appendingPathComponent("s.sqlite")
        try makeStudyFile(at: url, cases: 40, readers: ["ann", "bob"])
        let (first, firstOutput) = try simulateReader(url, reader: "ann", answers: 40, pauseMs: 2)
        let (second, secondOutput) = try simulateReader(url, reader: "bob", answers: 40, pauseMs: 2)
        let firstLines = readLines(firstOutput, count: 40)
        let secondLines = readLines(secondOutput, count: 40)
        first.waitUntilExit()
        second.waitUntilExit()
        XCTAssertEqual(first.terminationStatus, 0)
        XCTAssertEqual(second.terminationStatus, 0)
        XCTAssertEqual(firstLines.count, 40)
        XCTAssertEqual(secondLines.count, 40)

        let store = try SQLiteStudyStore(url: url)
        let status = try store.status(ofStudy: "pilot")
        XCTAssertEqual(status.readers.map(\.reader), ["ann", "bob"])
        XCTAssertEqual(status.readers.map(\.answered), [40, 40])
        let answers = try store.pool.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM answer")! }
        // Every other set says yes to hallucinated and lost: two marks answers more per candidate.
        XCTAssertEqual(answers, 80 * (6 * 2 + 1) + 40 * 2 * 2)
        // The two really wrote at the same time: their commit periods overlap.
        let spans = try store.pool.read { db in
            try Row.fetchAll(db, sql: """
                SELECT MIN(s.submittedAt) AS first, MAX(s.submittedAt) AS last FROM submission s
                JOIN presentation p ON p.id = s.presentationId JOIN reader r ON r.id = p.readerId
                GROUP BY r.name ORDER BY r.name
                """).map { (($0["first"] as Date), ($0["last"] as Date)) }
        }
        XCTAssertLessThan(spans[0].0, spans[1].1)
        XCTAssertLessThan(spans[1].0, spans[0].1)
    }
}
