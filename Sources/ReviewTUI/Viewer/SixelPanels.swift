#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Dataset
import Foundation
import TerminalGraphics

/// One panel's picture in sixel mode: the gray image as displayed (window/level,
/// invert, zoom and pan applied, crosshair drawn in), and the cells it covers.
/// The views leave those cells blank; `SixelPanels` draws the picture over them after
/// curses has refreshed.
public struct PanelImage: Equatable, Sendable {
    public var column: Int
    public var row: Int
    public var columns: Int
    public var rows: Int
    public var picture: GrayImage

    public init(column: Int, row: Int, columns: Int, rows: Int, picture: GrayImage) {
        self.column = column
        self.row = row
        self.columns = columns
        self.rows = rows
        self.picture = picture
    }
}

/// The graphics the viewer draws with, chosen before curses starts: `--graphics` (or
/// the config key `graphics`), and for `auto` what the terminal answered.
public struct ViewerGraphics: Equatable, Sendable {
    public var sixel: Bool
    public var cell: CellPixelSize
    public var maxSixelGeometry: PixelSize
    public var registers: Int

    public static let blocks = ViewerGraphics(sixel: false, cell: .typical,
                                              maxSixelGeometry: .defaultMaxSixelGeometry, registers: 256)

    /// The mode for `request` ("auto", "sixel", "blocks", "quadrants", "sextants",
    /// "ascii"). Asks the terminal only when it matters (auto or sixel), so it must run
    /// while the terminal is still raw-capable, before curses starts.
    public static func choose(_ request: String, detect: () -> TerminalCapabilities = { TerminalQuery.detect() })
        -> ViewerGraphics {
        guard request == "auto" || request == "sixel" else { return .blocks }
        let capabilities = detect()
        let override: GraphicsMode? = request == "sixel" ? .sixel : nil
        guard capabilities.chooseMode(override: override) == .sixel else { return .blocks }
        return ViewerGraphics(sixel: true, cell: capabilities.cellPixelSize ?? .typical,
                              maxSixelGeometry: capabilities.maxSixelGeometry,
                              registers: max(2, capabilities.colorRegisters))
    }
}

extension Views {
    /// The sixel branch of `drawViewerImage`: records the displayed picture (with the
    /// crosshair drawn into it in black or white) and leaves the cells blank.
    static func recordSixelPicture(_ picture: GrayImage, image: GrayImage, fit: ImageFit, transform: ViewTransform,
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
/// cursor to the panel's cell (saved and restored around it, so curses' idea of the
/// cursor stays right), then the DCS. Redraws only the pictures that changed — a flicker
/// or a model switch changes one panel of three, and encoding is most of a sixel frame's
/// time —, all of them after a wipe or a resize; while an overlay covers the panels it
/// draws nothing.
final class SixelPanels {
    private let encoder: SixelEncoder
    private let output: Int32
    /// What is on the terminal now; nil when nothing is (or it was wiped).
    private var shown: [PanelImage]?
    private var shownSize: TerminalSize?
    /// Frames and images drawn, for the log and tests.
    private(set) var framesDrawn = 0
    private(set) var imagesDrawn = 0

    init(registers: Int, output: Int32 = STDOUT_FILENO) {
        encoder = SixelEncoder(registers: registers)
        self.output = output
    }

    /// Whether curses must wipe the screen before showing `frame`: sixel pixels are
    /// unknown to curses, so when pictures go away, move or shrink, or an overlay
    /// appears, the whole screen is cleared and redrawn (xterm drops the pixels then).
    func needsWipe(for frame: ScreenBuffer, overlay: Bool, size: TerminalSize) -> Bool {
        guard let shown, !shown.isEmpty else { return false }
        if overlay || size != shownSize { return true }
        let places = { (images: [PanelImage]) in images.map { [$0.column, $0.row, $0.columns, $0.rows] } }
        return places(shown) != places(frame.images)
    }

    /// Call after a wipe: nothing of ours is on the terminal any more.
    func forget() { shown = nil }

    /// Draws `frame.images` when they differ from what is shown. Call after curses'
    /// refresh. With `overlay`, draws nothing (and forgets, so they come back after).
    func draw(_ frame: ScreenBuffer, overlay: Bool, size: TerminalSize) {
        if overlay {
            shown = nil
            return
        }
        if shown == frame.images, shownSize == size { return }
        // What is still on the terminal: the same picture at the same place, nothing
        // wiped or resized since. `needsWipe` has cleared the screen when places changed.
        let kept = shownSize == size ? (shown ?? []) : []
        var bytes: [UInt8] = [0x1B, UInt8(ascii: "7")]
        for (index, image) in frame.images.enumerated() where image.rows > 0 && image.columns > 0 {
            if kept.indices.contains(index), kept[index] == image { continue }
            // Never into the bottom row: a sixel reaching it scrolls the screen.
            guard image.row + image.rows <= size.rows - 1 else { continue }
            bytes += Array("\u{1B}[\(image.row + 1);\(image.column + 1)H".utf8)
            bytes += encoder.encode(image.picture)
            imagesDrawn += 1
        }
        bytes += [0x1B, UInt8(ascii: "8")]
        writeAll(bytes)
        shown = frame.images
        shownSize = size
        framesDrawn += 1
    }

    private func writeAll(_ bytes: [UInt8]) {
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { write(output, $0.baseAddress! + offset, bytes.count - offset) }
            if written > 0 {
                offset += written
            } else if written < 0, errno == EINTR || errno == EAGAIN {
                continue
            } else {
                return
            }
        }
    }
}
