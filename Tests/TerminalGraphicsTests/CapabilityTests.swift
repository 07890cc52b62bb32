#if canImport(Glibc)
import Glibc
#endif
import Foundation
@testable import TerminalGraphics
import XCTest

/// Replies recorded on this machine (2025, Debian packages) with a small Python probe
/// that puts the tty in raw mode, writes the queries and reads with a timeout:
/// xterm 379 under Xvfb, `xterm -ti vt340 -xrm 'XTerm*numColorRegisters: 256'`, with and
/// without `allowWindowOps` (xterm ignores `CSI 16 t` unless window ops are allowed);
/// plain `xterm` (VT420 identity, no sixel); tmux 3.3a in a detached session.
/// Queries sent together, as `TerminalQuery` does: `CSI ? 1;1;0 S`, `CSI ? 2;1;0 S`,
/// `CSI 16 t`, `CSI c`.
enum RecordedReplies {
    /// xterm -ti vt340 -xrm 'XTerm*numColorRegisters: 256' -xrm 'XTerm*allowWindowOps: true', 120×40, fixed font.
    static let xtermVT340WindowOps = bytes("\u{1B}[?1;0;256S\u{1B}[?2;0;720;520S\u{1B}[6;13;6t\u{1B}[?63;1;2;4;6;9;15;16;22;28c")
    /// The same without allowWindowOps: no reply to CSI 16 t.
    static let xtermVT340 = bytes("\u{1B}[?1;0;256S\u{1B}[?2;0;720;520S\u{1B}[?63;1;2;4;6;9;15;16;22;28c")
    /// xterm -ti vt340 with no resources: xterm 379 reports 1024 registers.
    static let xtermVT340DefaultRegisters = bytes("\u{1B}[?1;0;1024S\u{1B}[?2;0;720;520S\u{1B}[?63;1;2;4;6;9;15;16;22;28c")
    /// TIOCGWINSZ in that xterm: 120×40 cells, 724×524 pixels (2-pixel border each side).
    static let xtermWindow = WindowSize(columns: 120, rows: 40, pixelWidth: 724, pixelHeight: 524)
    /// Plain xterm (decTerminalID vt420): no 4 in DA1, XTSMGRAPHICS status 3 (failure).
    static let xtermPlain = bytes("\u{1B}[?1;3S\u{1B}[?2;3S\u{1B}[?64;1;2;6;9;15;16;17;18;21;22;28c")
    /// tmux 3.3a: answers DA1 itself as a VT100 with advanced video (no sixel), and
    /// nothing else. (Its DA2, not sent by usreview, is `ESC[>84;0;0c`.)
    static let tmux33a = bytes("\u{1B}[?1;2c")

    static func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }
}

final class CapabilityTests: XCTestCase {
    private let xtermEnvironment = ["TERM": "xterm"]
    private let modernEnvironment = ["TERM": "xterm-256color", "COLORTERM": "truecolor"]

    func testXtermVT340WithSixel() {
        let capabilities = TerminalCapabilities(replies: RecordedReplies.xtermVT340WindowOps, environment: xtermEnvironment,
                                                windowSize: RecordedReplies.xtermWindow)
        XCTAssertTrue(capabilities.answered)
        XCTAssertTrue(capabilities.sixel)
        XCTAssertEqual(capabilities.deviceAttributes, [1, 2, 4, 6, 9, 15, 16, 22, 28])
        XCTAssertEqual(capabilities.colorRegisters, 256)
        XCTAssertEqual(capabilities.maxSixelGeometry, PixelSize(width: 720, height: 520))
        XCTAssertEqual(capabilities.cellPixelSize, CellPixelSize(width: 6, height: 13))
        XCTAssertEqual(capabilities.terminalSize, TerminalSize(columns: 120, rows: 40))
        XCTAssertEqual(capabilities.chooseMode(override: nil), .sixel)
        XCTAssertEqual(capabilities.blitter(for: .sixel).mode, .sixel)
    }

    func testCellSizeFromWindowWhenCSI16tIsIgnored() {
        let capabilities = TerminalCapabilities(replies: RecordedReplies.xtermVT340, environment: xtermEnvironment,
                                                windowSize: RecordedReplies.xtermWindow)
        XCTAssertEqual(capabilities.cellPixelSize, CellPixelSize(width: 6, height: 13))
        let noPixels = TerminalCapabilities(replies: RecordedReplies.xtermVT340, environment: xtermEnvironment,
                                            windowSize: WindowSize(columns: 120, rows: 40))
        XCTAssertNil(noPixels.cellPixelSize)
    }

    func testXtermDefaultRegisters() {
        let capabilities = TerminalCapabilities(replies: RecordedReplies.xtermVT340DefaultRegisters,
                                                environment: xtermEnvironment, windowSize: nil)
        XCTAssertEqual(capabilities.colorRegisters, 1024)
        XCTAssertTrue(capabilities.sixel)
    }

    func testXtermWithoutSixel() {
        let capabilities = TerminalCapabilities(replies: RecordedReplies.xtermPlain, environment: xtermEnvironment,
                                                windowSize: RecordedReplies.xtermWindow)
        XCTAssertTrue(capabilities.answered)
        XCTAssertFalse(capabilities.sixel)
        XCTAssertEqual(capabilities.colorRegisters, 256, "status 3: default kept")
        XCTAssertEqual(capabilities.maxSixelGeometry, .defaultMaxSixelGeometry)
        XCTAssertEqual(capabilities.chooseMode(override: nil), .halfBlocks)
    }

    func testTmux33aHasNoSixel() {
        let capabilities = TerminalCapabilities(replies: RecordedReplies.tmux33a, environment: ["TERM": "tmux-256color"],
                                                windowSize: WindowSize(columns: 120, rows: 40))
        XCTAssertTrue(capabilities.answered)
        XCTAssertEqual(capabilities.deviceAttributes, [2])
        XCTAssertFalse(capabilities.sixel)
        XCTAssertEqual(capabilities.colorDepth, .palette256)
        XCTAssertEqual(capabilities.chooseMode(override: nil), .halfBlocks)
    }

    func testNoReplyGivesConservativeDefaults() {
        let capabilities = TerminalCapabilities(replies: [], environment: modernEnvironment, windowSize: nil)
        XCTAssertFalse(capabilities.answered)
        XCTAssertFalse(capabilities.sixel)
        XCTAssertEqual(capabilities.colorRegisters, 256)
        XCTAssertEqual(capabilities.maxSixelGeometry, PixelSize(width: 1000, height: 1000))
        XCTAssertNil(capabilities.cellPixelSize)
        XCTAssertEqual(capabilities.terminalSize, .fallback)
        XCTAssertEqual(capabilities.colorDepth, .truecolor)
        XCTAssertEqual(capabilities.chooseMode(override: nil), .halfBlocks)
    }

    func testSpecifiedReplies() {
        let replies = RecordedReplies.bytes("\u{1B}[?1;0;256S\u{1B}[?2;0;1000;1000S\u{1B}[6;20;10t\u{1B}[?62;4c")
        let capabilities = TerminalCapabilities(replies: replies, environment: modernEnvironment, windowSize: nil)
        XCTAssertEqual(capabilities.colorRegisters, 256)
        XCTAssertEqual(capabilities.maxSixelGeometry, PixelSize(width: 1000, height: 1000))
        XCTAssertEqual(capabilities.cellPixelSize, CellPixelSize(width: 10, height: 20))
        XCTAssertTrue(capabilities.sixel)
    }

    func testOverrideWins() {
        let tmux = TerminalCapabilities(replies: RecordedReplies.tmux33a, environment: ["TERM": "screen"], windowSize: nil)
        for mode in GraphicsMode.allCases {
            XCTAssertEqual(tmux.chooseMode(override: mode), mode)
            XCTAssertEqual(tmux.blitter(for: mode).mode, mode)
        }
    }

    func testNoTerminalOrDumbMeansAscii() {
        XCTAssertEqual(TerminalCapabilities.notATerminal.chooseMode(override: nil), .ascii)
        let dumb = TerminalCapabilities(replies: [], environment: ["TERM": "dumb"], windowSize: nil)
        XCTAssertEqual(dumb.colorDepth, ColorDepth.none)
        XCTAssertEqual(dumb.chooseMode(override: nil), .ascii)
        XCTAssertEqual(dumb.colors(for: .halfBlocks), .palette256, "blocks asked for need colour")
        XCTAssertEqual(dumb.colors(for: .ascii), ColorDepth.none)
    }

    func testColourDepthFromEnvironment() {
        XCTAssertEqual(TerminalCapabilities.colorDepth(environment: ["TERM": "xterm-256color", "COLORTERM": "truecolor"]), .truecolor)
        XCTAssertEqual(TerminalCapabilities.colorDepth(environment: ["TERM": "xterm", "COLORTERM": "24bit"]), .truecolor)
        XCTAssertEqual(TerminalCapabilities.colorDepth(environment: ["TERM": "xterm-direct"]), .truecolor)
        XCTAssertEqual(TerminalCapabilities.colorDepth(environment: ["TERM": "tmux-256color"]), .palette256)
        XCTAssertEqual(TerminalCapabilities.colorDepth(environment: ["TERM": "linux"]), .palette256)
        XCTAssertEqual(TerminalCapabilities.colorDepth(environment: [:]), ColorDepth.none)
        XCTAssertEqual(TerminalCapabilities.colorDepth(environment: ["TERM": "dumb", "COLORTERM": "truecolor"]), ColorDepth.none)
    }

    func testTerminalSizeFromEnvironmentWithoutWindow() {
        let capabilities = TerminalCapabilities(replies: [], environment: ["TERM": "xterm", "COLUMNS": "132", "LINES": "50"], windowSize: nil)
        XCTAssertEqual(capabilities.terminalSize, TerminalSize(columns: 132, rows: 50))
    }

    func testReplyParserSkipsKeysAndUnfinishedSequences() {
        let replies = TerminalReply.parse(RecordedReplies.bytes("x\u{1B}[?1;0;256Sq\u{1B}[6;;6t\u{1B}[?63;4c\u{1B}[?2;0"))
        XCTAssertEqual(replies, [
            TerminalReply(marker: UInt8(ascii: "?"), parameters: [1, 0, 256], final: UInt8(ascii: "S")),
            TerminalReply(marker: nil, parameters: [6, 0, 6], final: UInt8(ascii: "t")),
            TerminalReply(marker: UInt8(ascii: "?"), parameters: [63, 4], final: UInt8(ascii: "c")),
        ])
        XCTAssertFalse(TerminalReply.parse(RecordedReplies.bytes("\u{1B}[>84;0;0c"))[0].isPrimaryDeviceAttributes)
    }
}

// MARK: - TerminalQuery against a pseudo-terminal

final class TerminalQueryTests: XCTestCase {
    private let environment = ["TERM": "xterm-256color"]

    private func detect(_ terminal: FakeTerminal) -> (TerminalCapabilities, Duration) {
        let start = ContinuousClock.now
        let capabilities = TerminalQuery.detect(input: terminal.slave, output: terminal.slave, environment: environment)
        return (capabilities, start.duration(to: .now))
    }

    private func localModes(_ descriptor: Int32) -> tcflag_t {
        var settings = termios()
        tcgetattr(descriptor, &settings)
        return settings.c_lflag
    }

    func testTerminalThatAnswersEverything() throws {
        let terminal = try FakeTerminal()
        let modesBefore = localModes(terminal.slave)
        // A key pressed right after the replies must not be left behind either.
        terminal.start(reply: RecordedReplies.xtermVT340WindowOps + Array("k".utf8), chunks: 3)
        let (capabilities, elapsed) = detect(terminal)
        terminal.waitUntilDone()
        XCTAssertTrue(capabilities.answered)
        XCTAssertTrue(capabilities.sixel)
        XCTAssertEqual(capabilities.colorRegisters, 256)
        XCTAssertEqual(capabilities.maxSixelGeometry, PixelSize(width: 720, height: 520))
        XCTAssertEqual(capabilities.cellPixelSize, CellPixelSize(width: 6, height: 13), "CSI 16 t wins over the window")
        XCTAssertEqual(capabilities.terminalSize, TerminalSize(columns: 120, rows: 40))
        XCTAssertLessThan(elapsed, .milliseconds(200))
        XCTAssertEqual(terminal.received, TerminalQuery.queries, "DA1 last")
        XCTAssertFalse(terminal.programHasInput, "stray bytes left in the input")
        XCTAssertFalse(terminal.terminalHasInput, "replies echoed")
        XCTAssertEqual(localModes(terminal.slave), modesBefore, "terminal modes not restored")
    }

    func testTerminalThatNeverAnswers() throws {
        let terminal = try FakeTerminal()
        let modesBefore = localModes(terminal.slave)
        terminal.start(reply: nil)
        let (capabilities, elapsed) = detect(terminal)
        terminal.waitUntilDone()
        XCTAssertFalse(capabilities.answered)
        XCTAssertFalse(capabilities.sixel)
        XCTAssertEqual(capabilities.cellPixelSize, CellPixelSize(width: 10, height: 20), "from the window's pixels")
        XCTAssertLessThan(elapsed, .milliseconds(250))
        XCTAssertGreaterThanOrEqual(elapsed, .milliseconds(190))
        XCTAssertFalse(terminal.programHasInput)
        XCTAssertEqual(localModes(terminal.slave), modesBefore)
        XCTAssertEqual(capabilities.chooseMode(override: nil), .halfBlocks)
    }

    func testTerminalThatAnswersAllButDA1LeavesNoStrayBytes() throws {
        let terminal = try FakeTerminal()
        terminal.start(reply: RecordedReplies.bytes("\u{1B}[?1;0;256S\u{1B}[?2;0;720;520S"))
        let (capabilities, elapsed) = detect(terminal)
        terminal.waitUntilDone()
        XCTAssertFalse(capabilities.answered)
        XCTAssertEqual(capabilities.maxSixelGeometry, PixelSize(width: 720, height: 520))
        XCTAssertLessThan(elapsed, .milliseconds(250))
        XCTAssertFalse(terminal.programHasInput)
    }

    func testNoQueriesWhenDumbOrNotATerminal() throws {
        let terminal = try FakeTerminal()
        let dumb = TerminalQuery.detect(input: terminal.slave, output: terminal.slave, environment: ["TERM": "dumb"])
        XCTAssertEqual(dumb.chooseMode(override: nil), .ascii)
        XCTAssertEqual(dumb.terminalSize, TerminalSize(columns: 120, rows: 40))
        XCTAssertFalse(terminal.terminalHasInput, "queried a dumb terminal")

        var pipeEnds: [Int32] = [0, 0]
        XCTAssertEqual(pipe(&pipeEnds), 0)
        defer { close(pipeEnds[0]); close(pipeEnds[1]) }
        let start = ContinuousClock.now
        let piped = TerminalQuery.detect(input: pipeEnds[0], output: pipeEnds[1], environment: environment)
        XCTAssertFalse(piped.isTerminal)
        XCTAssertFalse(piped.answered)
        XCTAssertEqual(piped.chooseMode(override: nil), .ascii)
        XCTAssertLessThan(start.duration(to: .now), .milliseconds(20))
    }
}
