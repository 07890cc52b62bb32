import Dataset
import Foundation
@testable import Metrics
import XCTest

/// `usreview eval` as a user runs it: the binary built beside this test bundle, each run
/// with its own empty $XDG_CACHE_HOME, so every model output is computed, not read back.
final class EvalCommandTests: XCTestCase {
    private func usreviewBinary() throws -> URL {
        if let path = ProcessInfo.processInfo.environment["USREVIEW_BINARY"] { return URL(fileURLWithPath: path) }
        var folders = [Bundle.main.bundleURL.deletingLastPathComponent(),
                       Bundle(for: EvalCommandTests.self).bundleURL.deletingLastPathComponent()]
        if let executable = Bundle.main.executableURL { folders.insert(executable.deletingLastPathComponent(), at: 0) }
        for folder in folders {
            let binary = folder.appendingPathComponent("usreview")
            if FileManager.default.isExecutableFile(atPath: binary.path) { return binary }
        }
        throw XCTSkip("usreview binary not found beside the tests (\(folders.map(\.path))); set USREVIEW_BINARY")
    }

    private let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("EnhancerTests/Fixtures")

    private func eval(_ arguments: [String], folder: URL) throws -> (status: Int32, stdout: Data, stderr: String) {
        let cache = folder.appendingPathComponent("cache-\(UUID().uuidString)")
        let process = Process()
        process.executableURL = try usreviewBinary()
        process.arguments = ["eval", "--dataset", folder.appendingPathComponent("data").path, "--split", "all",
                             "--no-lpips", "--threads", "2"] + arguments
        var environment = ProcessInfo.processInfo.environment
        environment["XDG_CACHE_HOME"] = cache.path
        environment["XDG_DATA_HOME"] = folder.appendingPathComponent("share").path
        process.environment = environment
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        let message = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return (process.terminationStatus, data, message)
    }

    func testEachSingleModelRunEqualsItsRowsOfTheTable() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("evalcmd-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        try PhantomDataset.write(to: folder.appendingPathComponent("data"), perOrgan: 1, seed: 11)
        let unet = "unet=" + fixtures.appendingPathComponent("unet_ngf4_128_bf16.safetensors").path
        let resnet = fixtures.appendingPathComponent("resnet9_ngf8_256_f32.safetensors").path

        let both = try eval(["--model", unet, "--model", resnet, "--json", "--csv", folder.appendingPathComponent("c.csv").path],
                            folder: folder)
        XCTAssertEqual(both.status, 0, both.stderr)
        let table = try Evaluation.decode(json: both.stdout)
        XCTAssertEqual(table.rowNames, ["low", "unet", "resnet9_ngf8_256_f32"], "bare PATH: named by its file")
        XCTAssertEqual(table.cases.count, 5)
        let rows = try String(contentsOf: folder.appendingPathComponent("c.csv"), encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(rows.count, 1 + 5 * 3)

        for (position, argument) in [unet, resnet].enumerated() {
            let single = try eval(["--model", argument, "--format", "json"], folder: folder)
            XCTAssertEqual(single.status, 0, single.stderr)
            let alone = try Evaluation.decode(json: single.stdout)
            let name = table.models[position].name
            XCTAssertEqual(alone.models.map(\.name), [name])
            XCTAssertEqual(alone.cases.map(\.id), table.cases.map(\.id))
            XCTAssertEqual(alone.cases.map { $0.models[0] }, table.cases.map { $0.models[position] })
            for (group, groupAlone) in zip(table.summaries, alone.summaries) {
                XCTAssertEqual(groupAlone.rows, group.rows.filter { ["low", name].contains($0.name) })
            }
            // The same tests against low; only the Holm adjustment depends on the family.
            let own = table.tests.filter { $0.first == name && $0.second == "low" }
            XCTAssertEqual(alone.tests.map(\.p), own.map(\.p))
            XCTAssertEqual(alone.tests.map(\.wilcoxonStatistic), own.map(\.wilcoxonStatistic))
        }
    }

    func testFormatsAndBadModelNames() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("evalcmd-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        try PhantomDataset.write(to: folder.appendingPathComponent("data"), perOrgan: 1, seed: 11)
        let markdown = try eval(["--format", "md"], folder: folder)
        XCTAssertEqual(markdown.status, 0, markdown.stderr)
        XCTAssertTrue(String(decoding: markdown.stdout, as: UTF8.self).contains("| all | reference low | 5 | "))
        let csv = try eval(["--format", "csv"], folder: folder)
        XCTAssertTrue(String(decoding: csv.stdout, as: UTF8.self).hasPrefix("organ,method,cases,lncc_mean,lncc_sd,ssim_mean"))
        let clash = try eval(["--format", "md", "--json"], folder: folder)
        XCTAssertNotEqual(clash.status, 0)
        XCTAssertTrue(clash.stderr.contains("disagree"), clash.stderr)
        let bad = try eval(["--model", "<b>=x.safetensors"], folder: folder)
        XCTAssertNotEqual(bad.status, 0)
        XCTAssertTrue(bad.stderr.contains("NAME=PATH"), bad.stderr)
        XCTAssertTrue(bad.stdout.isEmpty)
    }
}
