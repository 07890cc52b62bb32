import Foundation
@testable import ReaderStudy
import XCTest

/// `usreview study report` as a user runs it: the marks options.
final class ReportCommandTests: XCTestCase {
    private func report(_ arguments: [String]) throws -> (status: Int32, out: String, err: String) {
        let process = Process()
        process.executableURL = try usreviewBinary(for: self)
        process.arguments = ["study", "report"] + arguments
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        let errData = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: outData, as: UTF8.self), String(decoding: errData, as: UTF8.self))
    }

    func testMatchRadiusIsValidatedAndPrinted() throws {
        let url = try temporaryFolder(self).appendingPathComponent("study.sqlite")
        // The default questions ask where after a yes to hallucinated or lost: a marks section.
        try makeStudyFile(at: url, cases: 3)
        for bad in ["0", "-2", "1000.5", "ten", "nan"] {
            // "=" so that "-2" is read as the value, not as an option.
            let result = try report(["--db", url.path, "--study", "pilot", "--match-radius=\(bad)"])
            XCTAssertNotEqual(result.status, 0, bad)
            XCTAssertTrue(result.err.contains("--match-radius"), result.err)
            XCTAssertTrue(result.err.contains("expected a positive number of pixels up to 1000"), result.err)
        }
        let result = try report(["--db", url.path, "--study", "pilot", "--match-radius", "7.5"])
        XCTAssertEqual(result.status, 0, result.err)
        XCTAssertTrue(result.out.contains("## Marks"), result.out)
        XCTAssertTrue(result.out.contains("Match radius R = 7.5 px"), result.out)
        let json = try report(["--db", url.path, "--study", "pilot", "--format", "json"])
        XCTAssertEqual(json.status, 0, json.err)
        let object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(json.out.utf8)) as? [String: Any])
        XCTAssertEqual((object["marks"] as? [String: Any])?["matchRadius"] as? Double, 10)
    }
}
