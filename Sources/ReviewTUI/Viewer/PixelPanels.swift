#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import TerminalGraphics

/// What draws a frame's pictures in a pixel mode, after curses has drawn the text:
/// one implementation per protocol (`SixelPanels`, `KittyPanels`), as the blitters.
protocol PixelPanels: AnyObject {
    /// Call before curses draws `frame`. Takes off the terminal what the frame's text
    /// would sit under (an overlay, panels that move or go); true when curses must
    /// wipe the whole screen for that (sixel pixels are unknown to curses).
    func prepare(for frame: ScreenBuffer, overlay: Bool, size: TerminalSize) -> Bool
    /// Call after a wipe: nothing of ours is on the screen any more.
    func forget()
    /// Draws `frame.images` that are not shown already. Call after curses' refresh.
    func draw(_ frame: ScreenBuffer, overlay: Bool, size: TerminalSize)
    /// Takes every picture off the terminal and frees what it holds (on exit).
    func clear()
    /// Inside tmux: where the pane is now (read again after a resize, which a split or
    /// a zoom of the pane causes), for the next pictures.
    func move(to pane: TmuxPane?)
    /// Frames drawn, pictures sent (with their pixels) and bytes written, for the log.
    var framesDrawn: Int { get }
    var imagesDrawn: Int { get }
    var bytesWritten: Int { get }
}

/// Where a panel's picture goes and how its bytes reach the terminal: cursor saved,
/// moved to the panel's cell, the picture's sequences, cursor restored — so curses'
/// idea of the cursor stays right. Through tmux the sequences are wrapped for
/// passthrough (`Passthrough.place`: the move in the same piece as the sequence that
/// draws) and the cell is offset by the pane's place in the outer terminal.
struct PanelOutput {
    let output: Int32
    let passthrough: Passthrough
    var pane: TmuxPane?

    /// The bytes that put `sequences` at the pane's cell (`row`, `column`).
    func bytes(_ sequences: [[UInt8]], row: Int, column: Int) -> [UInt8] {
        let at = pane.map { $0.outerPosition(row: row, column: column) } ?? (row: row + 1, column: column + 1)
        let move: [UInt8] = [0x1B, UInt8(ascii: "7")] + Array("\u{1B}[\(at.row);\(at.column)H".utf8)
        let restore: [UInt8] = [0x1B, UInt8(ascii: "8")]
        return passthrough.place(sequences, move: move, restore: restore)
    }

    /// Sequences that need no place (deletions), wrapped as the rest.
    func bytes(_ sequences: [[UInt8]]) -> [UInt8] { passthrough.wrap(each: sequences) }

    /// Writes all of `bytes` (`TerminalOutput`); the count written.
    @discardableResult
    func send(_ bytes: [UInt8]) -> Int { TerminalOutput.write(bytes, to: output) }
}
