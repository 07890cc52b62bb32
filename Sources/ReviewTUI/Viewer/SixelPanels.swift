#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Dataset
import Foundation
import TerminalGraphics

extension Views {
    /// The pixel branch (kitty, sixel) of `drawViewerImage`: records the displayed
    /// picture (with the crosshair drawn into it in black or white) and leaves the cells
    /// blank.
    static func recordPixelPicture(_ picture: GrayImage, image: GrayImage, fit: ImageFit, transform: ViewTransform,
                                   view: ViewerControls, column: Int, row: Int, into screen: inout ScreenBuffer) {
        var picture = picture
        if view.crosshair {
            let target = crosshairTarget(image: image, fit: fit, transform: transform, view: view)
            if let target, target.x < picture.width, target.y < picture.height {
                let ink: UInt8 = picture[target.x, target.y] > 127 ? 0 : 255
                for d in -6...6 where d < -1 || d > 1 {
                    let x = target.x + d, y = target.y + d
                    if x >= 0, x < picture.width { picture.pixels[target.y * picture.width + x] = ink }
                    if y >= 0, y < picture.height { picture.pixels[y * picture.width + target.x] = ink }
                }
            }
        }
        screen.images.append(PanelImage(column: column, row: row, columns: fit.columns, rows: fit.rows,
                                        picture: picture))
    }
}

/// Draws a frame's sixel pictures straight to the terminal after curses has refreshed:
/// cursor to the panel's cell (saved and restored around it), then the DCS. Redraws
/// only the pictures that changed — a flicker or a model switch changes one panel of
/// three, and encoding is most of a sixel frame's time —, all of them after a wipe or
/// a resize; while an overlay covers the panels it draws nothing.
final class SixelPanels: PixelPanels {
    private let encoder: SixelEncoder
    private var out: PanelOutput
    /// What is on the terminal now; nil when nothing is (or it was wiped).
    private var shown: [PanelImage]?
    private var shownSize: TerminalSize?
    private(set) var framesDrawn = 0
    private(set) var imagesDrawn = 0
    private(set) var bytesWritten = 0

    init(registers: Int, output: Int32 = STDOUT_FILENO, passthrough: Passthrough = .direct, pane: TmuxPane? = nil) {
        encoder = SixelEncoder(registers: registers)
        out = PanelOutput(output: output, passthrough: passthrough, pane: pane)
    }

    /// Sixel pixels are unknown to curses, so when pictures go away, move or shrink,
    /// or an overlay appears, the whole screen is cleared and redrawn (xterm drops the
    /// pixels then).
    func prepare(for frame: ScreenBuffer, overlay: Bool, size: TerminalSize) -> Bool {
        guard let shown, !shown.isEmpty else { return false }
        if overlay || size != shownSize { return true }
        let places = { (images: [PanelImage]) in images.map { [$0.column, $0.row, $0.columns, $0.rows] } }
        return places(shown) != places(frame.images)
    }

    func forget() { shown = nil }

    func move(to pane: TmuxPane?) { out.pane = pane }

    /// Nothing to free: curses' clear on exit takes the pixels with it.
    func clear() { shown = nil }

    func draw(_ frame: ScreenBuffer, overlay: Bool, size: TerminalSize) {
        if overlay {
            shown = nil
            return
        }
        if shown == frame.images, shownSize == size { return }
        // What is still on the terminal: the same picture at the same place, nothing
        // wiped or resized since. `prepare` has cleared the screen when places changed.
        let kept = shownSize == size ? (shown ?? []) : []
        var bytes = [UInt8]()
        for (index, image) in frame.images.enumerated() where image.rows > 0 && image.columns > 0 {
            if kept.indices.contains(index), kept[index] == image { continue }
            // Never into the bottom row: a sixel reaching it scrolls the screen.
            guard image.row + image.rows <= size.rows - 1 else { continue }
            if out.passthrough == .tmux {
                // Strips that are whole sixels under tmux's limit, each at its row.
                for strip in SixelStrips.encode(image.picture, overlay: image.overlay,
                                                cellHeight: image.picture.height / max(1, image.rows),
                                                encoder: encoder, passthrough: .tmux) {
                    bytes += out.bytes([strip.sixel], row: image.row + strip.row, column: image.column)
                }
            } else {
                bytes += out.bytes([encoder.encode(image.picture, overlay: image.overlay)], row: image.row, column: image.column)
            }
            imagesDrawn += 1
        }
        bytesWritten += out.send(bytes)
        shown = frame.images
        shownSize = size
        framesDrawn += 1
    }
}
