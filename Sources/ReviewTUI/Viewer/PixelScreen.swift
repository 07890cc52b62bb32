#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import TerminalGraphics

/// How an app shows a frame whose panels are pictures (`ScreenBuffer.images`): the one
/// order both the review app and study mode follow around `PixelPanels`. Before curses
/// draws, what the frame's text would sit under is taken off (a wipe for sixel); then
/// curses draws the text; then the pictures not already on the terminal are sent. In a
/// cell mode it is curses alone.
final class PixelScreen {
    let graphics: ViewerGraphics
    let panels: (any PixelPanels)?

    /// `graphics` must have been chosen before curses started (`ViewerGraphics.choose`).
    init(graphics: ViewerGraphics, output: Int32 = STDOUT_FILENO) {
        self.graphics = graphics
        panels = graphics.makePanels(output: output)
    }

    /// Draws `frame`; `overlay` is true while a box (the help) covers the panels, which
    /// then are not drawn, and are sent again when it closes.
    func show(_ frame: ScreenBuffer, overlay: Bool, on driver: CursesDriver) {
        let size = driver.size
        if let panels, panels.prepare(for: frame, overlay: overlay, size: size) {
            driver.invalidate()
            panels.forget()
        }
        driver.show(frame)
        panels?.draw(frame, overlay: overlay, size: size)
    }

    /// After a resize: inside tmux the pane may have moved in the outer terminal (a
    /// split, a zoom), so the next pictures go where it is now.
    func resized() {
        if graphics.passthrough == .tmux, let pane = TmuxPane.current() { panels?.move(to: pane) }
    }

    /// Takes the pictures off the terminal and frees what it holds: call on exit,
    /// before curses gives the terminal back.
    func clear() { panels?.clear() }

    /// "kitty through tmux, cell 10×20" or "blocks": for a log.
    var summary: String {
        guard graphics.isPixel else { return "blocks" }
        let through = graphics.passthrough == .tmux ? " through tmux" : ""
        return "\(graphics.mode.rawValue)\(through), cell \(graphics.cell.width)×\(graphics.cell.height)"
    }
}
