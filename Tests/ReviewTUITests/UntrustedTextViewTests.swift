import Dataset
import Foundation
@testable import ReviewTUI
import Testing

/// Outside text in the app — device names, dataset and model names, file names — is
/// drawn escaped: no cell of the screen holds a control or a bidi override.
@Suite struct UntrustedTextViewTests {
    private let hostile = "\u{1B}]0;pwned\u{7}\u{1B}[2J\u{9B}X\u{202E}"

    private func cells(_ screen: ScreenBuffer) -> [Unicode.Scalar] { screen.cells.map(\.scalar) }

    private func isControlOrOverride(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) || (0x202A...0x202E).contains(scalar.value)
            || (0x2066...0x2069).contains(scalar.value)
    }

    @Test func screenBufferTextEscapesControls() {
        var screen = ScreenBuffer(columns: 60, rows: 1)
        screen.text("name: " + hostile, column: 0, row: 0)
        #expect(!cells(screen).contains(where: isControlOrOverride))
        #expect(screen.line(0).hasPrefix("name: \\e]0;pwned\\u{7}\\e[2J\\u{9B}X\\u{202E}"))
    }

    @Test func browserAndViewerDrawHostileNamesEscaped() {
        let item = Case(id: "0001", organ: .thyroid, devices: DevicePair(low: hostile, high: "cart" + hostile),
                        lowPath: URL(fileURLWithPath: "/l/\(hostile).png"), highPath: nil, split: .train)
        let context = ViewContext(datasetName: "demo" + hostile, modelName: "model" + hostile, modelError: nil,
                                  graphics: .halfBlocks, lpipsInstalled: false)
        let size = TerminalGraphicsSize.make(160, 40)
        var state = AppState(cases: [item], hasModel: true)
        let browser = Views.draw(state, results: { _ in nil }, context: context, size: size)
        #expect(!cells(browser).contains(where: isControlOrOverride))
        state = reduce(state, .key(.enter))
        let viewer = Views.draw(state, results: { _ in nil }, context: context, size: size)
        #expect(!cells(viewer).contains(where: isControlOrOverride))
        let text = (0..<viewer.rows).map(viewer.line).joined(separator: "\n")
        #expect(text.contains("\\e]0;pwned"), "the device name is shown, escaped")
    }
}
