#if canImport(Glibc)
import Glibc
#endif
import Dataset
import Foundation
@testable import ReviewTUI
import TerminalGraphics
import Testing

/// KittyPanels against what it writes: images sent once under an id, shown again by
/// placement only, placements taken off before text covers them, all freed on exit.
@Suite struct KittyPanelsTests {
    private let size = TerminalSize(columns: 200, rows: 60)

    private func frame(_ pictures: [GrayImage]) -> ScreenBuffer {
        var screen = ScreenBuffer(columns: 200, rows: 60)
        screen.images = pictures.enumerated().map { index, picture in
            PanelImage(column: 2 + index * 40, row: 3, columns: 32, rows: 8, picture: picture)
        }
        return screen
    }

    private func picture(_ seed: Int) -> GrayImage {
        GrayImage(width: 320, height: 160, pixels: (0..<(320 * 160)).map { UInt8(truncatingIfNeeded: ($0 &* (seed * 2 + 1)) >> 3) })
    }

    private func count(_ text: String, _ needle: String) -> Int { text.components(separatedBy: needle).count - 1 }

    @Test func imagesAreSentOnceAndShownAgainByPlacement() {
        let terminal = TerminalCapture()
        let panels = KittyPanels(output: terminal.write, base: 0x1000)
        let low = picture(1), enhanced = picture(2), high = picture(3)
        let triptych = frame([low, enhanced, high])
        #expect(!panels.prepare(for: triptych, overlay: false, size: size), "kitty never needs a wipe")
        panels.draw(triptych, overlay: false, size: size)
        let first = terminal.takeText()
        #expect(count(first, "a=t,f=100,i=") == 3)
        #expect(count(first, "a=p,") == 3)
        #expect(first.contains("\u{1B}[4;3H"), "cursor to the first panel's cell")
        #expect(first.contains("a=p,i=4097,p=1,C=1,q=2") && first.contains("a=p,i=4099,p=3,C=1,q=2"))
        #expect(panels.imagesDrawn == 3)

        // The same frame again: nothing at all.
        #expect(!panels.prepare(for: triptych, overlay: false, size: size))
        panels.draw(triptych, overlay: false, size: size)
        #expect(terminal.takeText().isEmpty)

        // Flicker to HIGH in the middle: the old placement goes, HIGH (held) is placed.
        let flicker = frame([low, high, high])
        _ = panels.prepare(for: flicker, overlay: false, size: size)
        panels.draw(flicker, overlay: false, size: size)
        let toHigh = terminal.takeText()
        #expect(toHigh.contains("a=d,d=i,i=4098,p=2"))
        #expect(toHigh.contains("a=p,i=4099,p=2"))
        #expect(!toHigh.contains("a=t"), "no pixels: the terminal holds HIGH")
        #expect(toHigh.utf8.count <= 1024)

        // And back: ENHANCED is held too.
        _ = panels.prepare(for: triptych, overlay: false, size: size)
        panels.draw(triptych, overlay: false, size: size)
        let back = terminal.takeText()
        #expect(!back.contains("a=t"))
        #expect(back.utf8.count <= 1024)
        #expect(panels.imagesDrawn == 3)
    }

    @Test func overlayTakesPlacementsOffFirstAndClosingItPlacesThemAgain() {
        let terminal = TerminalCapture()
        let panels = KittyPanels(output: terminal.write, base: 0x2000)
        let triptych = frame([picture(1), picture(2), picture(3)])
        panels.draw(triptych, overlay: false, size: size)
        _ = terminal.takeText()
        // Help opens: before curses draws it, every placement is deleted (images kept).
        _ = panels.prepare(for: triptych, overlay: true, size: size)
        let opened = terminal.takeText()
        #expect(count(opened, "a=d,d=i,") == 3)
        #expect(!opened.contains("d=I"), "the images stay in the terminal")
        panels.draw(triptych, overlay: true, size: size)
        #expect(terminal.takeText().isEmpty)
        // Help closes: placements only.
        _ = panels.prepare(for: triptych, overlay: false, size: size)
        panels.draw(triptych, overlay: false, size: size)
        let closed = terminal.takeText()
        #expect(count(closed, "a=p,") == 3)
        #expect(!closed.contains("a=t"))
        #expect(closed.utf8.count <= 1024)
        // A resize moves everything: placements off, then placed again at the new size.
        let bigger = TerminalSize(columns: 220, rows: 60)
        _ = panels.prepare(for: triptych, overlay: false, size: bigger)
        #expect(count(terminal.takeText(), "a=d,d=i,") == 3)
        panels.draw(triptych, overlay: false, size: bigger)
        #expect(count(terminal.takeText(), "a=p,") == 3)
        // Exit frees every image.
        panels.clear()
        #expect(count(terminal.takeText(), "a=d,d=I,") == 3)
    }

    @Test func heldImagesAreBoundedAndEvictedOnesFreed() {
        let terminal = TerminalCapture()
        let panels = KittyPanels(output: terminal.write, base: 0x3000)
        var freed = 0
        for step in 0..<(KittyPanels.heldLimit + 10) {
            let single = frame([picture(100 + step)])
            _ = panels.prepare(for: single, overlay: false, size: size)
            panels.draw(single, overlay: false, size: size)
            freed += count(terminal.takeText(), "a=d,d=I,")
        }
        #expect(panels.imagesDrawn == KittyPanels.heldLimit + 10)
        #expect(freed == 10, "one image freed per image beyond the limit")
        panels.clear()
        #expect(count(terminal.takeText(), "a=d,d=I,") == KittyPanels.heldLimit)
    }

    @Test func throughTmuxEveryPieceIsWrappedAtThePaneOffset() {
        let terminal = TerminalCapture()
        let pane = TmuxPane(top: 10, left: 50, clientTerm: "xterm-kitty", passthrough: true)
        let panels = KittyPanels(output: terminal.write, passthrough: .tmux, pane: pane, base: 0x4000)
        panels.draw(frame([picture(1)]), overlay: false, size: size)
        let written = terminal.takeText()
        #expect(written.hasPrefix("\u{1B}Ptmux;"))
        #expect(written.contains("\u{1B}\u{1B}[14;53H"), "row 3 + pane top 10, column 2 + pane left 50, 1-based")
        #expect(written.contains("\u{1B}\u{1B}_Ga=t,f=100,i=16385"))
        #expect(!written.replacingOccurrences(of: "\u{1B}\u{1B}", with: "").contains("\u{1B}_G"),
                "no kitty sequence outside passthrough")
    }
}
