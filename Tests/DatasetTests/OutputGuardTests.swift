import Dataset
import Foundation
import XCTest

/// An output is refused when it is an input by device and inode, whatever the path says.
final class OutputGuardTests: XCTestCase {
    private var folder: URL!

    override func setUpWithError() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("usreview-guard-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("in"), withIntermediateDirectories: true)
        try Data("scan".utf8).write(to: folder.appendingPathComponent("in/a.png"))
        try Data("other".utf8).write(to: folder.appendingPathComponent("in/b.png"))
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: folder) }

    /// A path under the test's folder, spelled as given (`..` and `.` kept).
    private func url(_ path: String) -> URL { URL(fileURLWithPath: folder.path + "/" + path) }

    func testTheSameFileUnderAnyNameIsRefused() throws {
        let input = url("in/a.png")
        try FileManager.default.linkItem(at: input, to: url("hard.png"))
        try FileManager.default.createSymbolicLink(at: url("soft.png"), withDestinationURL: input)
        for output in [input, url("in/../in/./a.png"), url("hard.png"), url("soft.png")] {
            XCTAssertThrowsError(try OutputGuard.check(output: output, inputs: [url("in/b.png"), input]), output.path) { error in
                XCTAssertEqual(error as? OutputGuardError, .outputIsInput(output: output.path, input: input.path))
                XCTAssertTrue("\(error)".contains("Nothing was written"))
            }
        }
    }

    func testOtherFilesAndNewFilesPass() throws {
        XCTAssertNoThrow(try OutputGuard.check(output: url("in/b.png"), inputs: [url("in/a.png")]))
        XCTAssertNoThrow(try OutputGuard.check(output: url("new.png"), inputs: [url("in/a.png")]))
        // A copy has the same bytes but is another file.
        try FileManager.default.copyItem(at: url("in/a.png"), to: url("copy.png"))
        XCTAssertNoThrow(try OutputGuard.check(output: url("copy.png"), inputs: [url("in/a.png")]))
    }

    func testOutputFolderThatIsTheInputFolderOrHoldsALinkIsRefused() throws {
        let inputs = [url("in/a.png"), url("in/b.png")]
        try FileManager.default.createSymbolicLink(at: url("in-link"), withDestinationURL: url("in"))
        for output in [url("in"), url("in/"), url("in-link"), url("in/../in")] {
            XCTAssertThrowsError(try OutputGuard.check(outputFolder: output, inputFolder: url("in"),
                                                       outputs: inputs.map { output.appendingPathComponent($0.lastPathComponent) },
                                                       inputs: inputs), output.path) { error in
                guard case .outputFolderIsInput? = error as? OutputGuardError else { return XCTFail("\(error)") }
            }
        }
        try FileManager.default.createDirectory(at: url("out"), withIntermediateDirectories: true)
        try FileManager.default.linkItem(at: url("in/b.png"), to: url("out/b.png"))
        let outputs = inputs.map { url("out").appendingPathComponent($0.lastPathComponent) }
        XCTAssertThrowsError(try OutputGuard.check(outputFolder: url("out"), inputFolder: url("in"), outputs: outputs, inputs: inputs)) { error in
            XCTAssertEqual(error as? OutputGuardError, .outputIsInput(output: url("out/b.png").path, input: url("in/b.png").path))
        }
        XCTAssertNoThrow(try OutputGuard.check(outputFolder: url("fresh"), inputFolder: url("in"),
                                               outputs: inputs.map { url("fresh").appendingPathComponent($0.lastPathComponent) },
                                               inputs: inputs))
    }
}
