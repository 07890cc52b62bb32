#if canImport(Glibc)
import Glibc
#endif
import Foundation
@testable import TerminalGraphics
import XCTest

/// The replies recorded from real terminals (Fixtures/terminal_replies.json; its README
/// says where they come from).
enum RecordedTerminals {
    struct Entry: Decodable {
        var terminal: String
        var sent: String
        var reply: String
    }

    private struct File: Decodable { var replies: [Entry] }

    static func entry(_ terminal: String) throws -> (sent: [UInt8], reply: [UInt8]) {
        let url = try XCTUnwrap(Bundle.module.url(forResource: "Fixtures/terminal_replies", withExtension: "json"))
        let file = try JSONDecoder().decode(File.self, from: Data(contentsOf: url))
        let entry = try XCTUnwrap(file.replies.first { $0.terminal == terminal }, "no recording of \(terminal)")
        return (latin1(entry.sent), latin1(entry.reply))
    }

    /// The fixture keeps bytes as code points 0–255.
    private static func latin1(_ text: String) -> [UInt8] { text.unicodeScalars.map { UInt8($0.value) } }
}

final class KittyDetectionTests: XCTestCase {
    private let window = WindowSize(columns: 120, rows: 30)
    private let kittyPane = TmuxPane(top: 0, left: 0, clientTerm: "xterm-kitty", passthrough: true)
    private let xtermPane = TmuxPane(top: 2, left: 40, clientTerm: "xterm", passthrough: true)

    private func capabilities(_ terminal: String, environment: [String: String] = ["TERM": "xterm-256color"],
                              tmux: TmuxPane? = nil) throws -> TerminalCapabilities {
        TerminalCapabilities(replies: try RecordedTerminals.entry(terminal).reply, environment: environment,
                             windowSize: window, tmux: tmux)
    }

    func testAPCAndDCSRepliesParse() throws {
        let replies = TerminalReply.parse(try RecordedTerminals.entry("kitty 0.26.5, usreview's start-up queries").reply)
        XCTAssertEqual(replies.count, 5)
        XCTAssertEqual(replies[0].introducer, .apc)
        XCTAssertEqual(replies[0].kittyGraphics?.id, 31)
        XCTAssertEqual(replies[0].kittyGraphics?.message, "OK")
        XCTAssertEqual(replies[3].terminalVersion, "kitty(0.26.5)")
        XCTAssertTrue(replies[4].isPrimaryDeviceAttributes)
        XCTAssertFalse(replies[0].isPrimaryDeviceAttributes)
        // An error is an answer, not OK.
        let error = TerminalReply.parse(try RecordedTerminals.entry("kitty 0.26.5, an image in an unknown format (f=8)").reply)
        XCTAssertEqual(error.first?.kittyGraphics?.id, 7)
        XCTAssertEqual(error.first?.kittyGraphics?.message, "EINVAL:Unknown image format: 8")
        // An unfinished APC at the end is left alone, as an unfinished CSI is.
        XCTAssertEqual(TerminalReply.parse(Array("\u{1B}[?62;c\u{1B}_Gi=31;O".utf8)).count, 1)
        // BEL ends a string sequence too.
        XCTAssertEqual(TerminalReply.parse(Array("\u{1B}P>|tmux 3.3a\u{07}".utf8)).first?.terminalVersion, "tmux 3.3a")
    }

    func testKittyIsPreferred() throws {
        let kitty = try capabilities("kitty 0.26.5, usreview's start-up queries")
        XCTAssertTrue(kitty.kittyGraphics)
        XCTAssertFalse(kitty.sixel)
        XCTAssertEqual(kitty.cellPixelSize, CellPixelSize(width: 8, height: 17))
        XCTAssertEqual(kitty.terminalVersion, "kitty(0.26.5)")
        XCTAssertFalse(kitty.isTmux)
        XCTAssertEqual(kitty.chooseMode(override: nil), .kitty)
        XCTAssertEqual(kitty.passthrough, .direct)
        // Konsole says both: kitty comes before sixel.
        let konsole = try capabilities("Konsole 22.12.3")
        XCTAssertTrue(konsole.kittyGraphics)
        XCTAssertTrue(konsole.sixel)
        XCTAssertEqual(konsole.chooseMode(override: nil), .kitty)
        XCTAssertEqual(konsole.chooseMode(override: .sixel), .sixel)
    }

    func testSixelTerminalsIgnoreTheGraphicsQuery() throws {
        for name in ["mlterm 3.9.0", "xterm 379 -ti vt340", "xterm 379 -ti vt340, usreview's start-up queries"] {
            let terminal = try capabilities(name)
            XCTAssertFalse(terminal.kittyGraphics, name)
            XCTAssertTrue(terminal.sixel, name)
            XCTAssertEqual(terminal.chooseMode(override: nil), .sixel, name)
        }
        let xterm = try capabilities("xterm 379 -ti vt340, usreview's start-up queries")
        XCTAssertEqual(xterm.terminalVersion, "XTerm(379)")
        XCTAssertEqual(xterm.secondaryAttributes, [19, 379, 0])
        XCTAssertEqual(xterm.maxSixelGeometry, PixelSize(width: 480, height: 312))
    }

    func testTmuxIsKnownByDA2AndXTVERSIONNotDA1() throws {
        let tmux = try capabilities("tmux 3.3a (detached session), DA2 and XTVERSION")
        XCTAssertEqual(tmux.deviceAttributes, [2], "DA1 alone looks like a VT100")
        XCTAssertEqual(tmux.secondaryAttributes, [84, 0, 0])
        XCTAssertEqual(tmux.terminalVersion, "tmux 3.3a")
        XCTAssertTrue(tmux.isTmux, "even without the TMUX variable (sudo, ssh)")
        XCTAssertFalse(tmux.pixelsReachTerminal, "passthrough unknown: tmux would swallow pixels")
        XCTAssertEqual(tmux.chooseMode(override: nil), .halfBlocks)
        XCTAssertNotNil(tmux.advice)
    }

    func testThroughTmuxToKitty() throws {
        let capabilities = try capabilities("tmux 3.3a inside kitty 0.26.5, allow-passthrough on, usreview's start-up queries",
                                            environment: ["TERM": "tmux-256color"], tmux: kittyPane)
        XCTAssertTrue(capabilities.kittyGraphics)
        XCTAssertEqual(capabilities.deviceAttributes, [0], "the outer kitty's DA1 (?62;c), not tmux's (?1;2c)")
        XCTAssertEqual(capabilities.cellPixelSize, CellPixelSize(width: 8, height: 17), "the outer cell size")
        XCTAssertEqual(capabilities.chooseMode(override: nil), .kitty)
        XCTAssertEqual(capabilities.passthrough, .tmux)
        XCTAssertNil(capabilities.advice)
    }

    func testThroughTmuxToXterm() throws {
        let capabilities = try capabilities("tmux 3.3a inside xterm 379 -ti vt340, allow-passthrough on, usreview's start-up queries",
                                            environment: ["TERM": "tmux-256color"], tmux: xtermPane)
        XCTAssertFalse(capabilities.kittyGraphics)
        XCTAssertEqual(capabilities.deviceAttributes, [1, 2, 4, 6, 9, 15, 16, 22, 28])
        XCTAssertEqual(capabilities.chooseMode(override: nil), .sixel)
        XCTAssertEqual(capabilities.passthrough, .tmux)
        // The recorded order with tmux's DA1 after the outer one gives the same.
        let reversed = try self.capabilities("tmux 3.3a inside xterm -ti vt340, DA1 wrapped for passthrough, then a plain DA1",
                                             environment: ["TERM": "tmux-256color"], tmux: xtermPane)
        XCTAssertTrue(reversed.sixel)
        XCTAssertEqual(reversed.chooseMode(override: nil), .sixel)
    }

    func testPassthroughOffFallsBackToBlocksWithAdvice() throws {
        var pane = kittyPane
        pane.passthrough = false
        let capabilities = try capabilities("tmux 3.3a inside kitty, nothing wrapped",
                                            environment: ["TERM": "tmux-256color", "KITTY_WINDOW_ID": "1"], tmux: pane)
        XCTAssertEqual(capabilities.chooseMode(override: nil), .halfBlocks)
        XCTAssertFalse(capabilities.supports(.kitty))
        XCTAssertTrue(try XCTUnwrap(capabilities.advice).contains("allow-passthrough on"))
    }

    func testEnvironmentWhenNoReplyComesThroughTmux() throws {
        // Passthrough on, but only tmux answered: KITTY_WINDOW_ID or kitty as tmux's
        // client terminal stand in for kitty's OK.
        let silent = "tmux 3.3a inside kitty, nothing wrapped"
        XCTAssertEqual(try capabilities(silent, environment: ["TERM": "tmux-256color", "KITTY_WINDOW_ID": "3"],
                                        tmux: TmuxPane(top: 0, left: 0, clientTerm: "tmux-256color", passthrough: true))
                        .chooseMode(override: nil), .kitty)
        XCTAssertEqual(try capabilities(silent, environment: ["TERM": "tmux-256color"], tmux: kittyPane)
                        .chooseMode(override: nil), .kitty)
        XCTAssertEqual(try capabilities(silent, environment: ["TERM": "tmux-256color"], tmux: xtermPane)
                        .chooseMode(override: nil), .halfBlocks, "nothing says kitty or sixel")
    }

    func testTmuxPaneParsing() {
        XCTAssertEqual(TmuxPane.parse(display: "12 40 xterm-kitty\n", passthroughOption: "on\n"),
                       TmuxPane(top: 12, left: 40, clientTerm: "xterm-kitty", passthrough: true))
        XCTAssertEqual(TmuxPane.parse(display: "0 0 ", passthroughOption: "off")?.passthrough, false)
        XCTAssertEqual(TmuxPane.parse(display: "0 0 xterm", passthroughOption: "all")?.passthrough, true, "tmux 3.4's all")
        XCTAssertNil(TmuxPane.parse(display: "no server running", passthroughOption: ""))
        XCTAssertEqual(TmuxPane(top: 12, left: 40, clientTerm: "", passthrough: true).outerPosition(row: 2, column: 3).row, 15)
        XCTAssertEqual(TmuxPane(top: 12, left: 40, clientTerm: "", passthrough: true).outerPosition(row: 2, column: 3).column, 44)
    }
}

// MARK: - Detection through a pseudo-terminal, replaying recorded replies

final class KittyDetectionPtyTests: XCTestCase {
    private func detect(_ name: String) throws -> (TerminalCapabilities, sent: [UInt8], took: Duration) {
        // 8×17-pixel cells, as the recorded kitty had; the reply arrives in three pieces.
        let terminal = try FakeTerminal(size: winsize(ws_row: 30, ws_col: 120, ws_xpixel: 960, ws_ypixel: 510))
        terminal.start(reply: try RecordedTerminals.entry(name).reply, chunks: 3)
        let start = ContinuousClock.now
        let capabilities = TerminalQuery.detect(input: terminal.slave, output: terminal.slave,
                                                environment: ["TERM": "xterm-256color"])
        let took = start.duration(to: .now)
        terminal.waitUntilDone()
        return (capabilities, terminal.received, took)
    }

    func testRecordedTerminalsThroughAPty() throws {
        let expected: [(String, GraphicsMode)] = [
            ("kitty 0.26.5", .kitty), ("Konsole 22.12.3", .kitty), ("mlterm 3.9.0", .sixel),
            ("xterm 379 -ti vt340", .sixel), ("kitty 0.26.5, usreview's start-up queries", .kitty),
            ("xterm 379 -ti vt340, usreview's start-up queries", .sixel),
            ("tmux 3.3a (detached session), DA2 and XTVERSION", .halfBlocks),
        ]
        for (name, mode) in expected {
            let (capabilities, sent, took) = try detect(name)
            XCTAssertEqual(sent, TerminalQuery.queries, "\(name): the queries, graphics first and DA1 last")
            XCTAssertTrue(capabilities.answered, name)
            XCTAssertEqual(capabilities.chooseMode(override: nil), mode, name)
            XCTAssertLessThan(took, .milliseconds(190), "\(name): DA1 ends the wait, not the timeout")
        }
    }
}
