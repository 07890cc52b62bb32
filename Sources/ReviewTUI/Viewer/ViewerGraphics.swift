import Dataset
import TerminalGraphics

/// One panel's picture in a pixel mode (kitty, sixel): the gray image as displayed
/// (window/level, invert, zoom and pan applied, crosshair drawn in), and the cells it
/// covers. The views leave those cells blank; `PixelPanels` draws the picture over them
/// after curses has refreshed.
public struct PanelImage: Equatable, Sendable {
    public var column: Int
    public var row: Int
    public var columns: Int
    public var rows: Int
    public var picture: GrayImage
    /// Colour over the picture (marks), the picture's size; nil for none. Part of what
    /// the panel shows, so a changed overlay redraws the panel.
    public var overlay: OverlayLayer?

    public init(column: Int, row: Int, columns: Int, rows: Int, picture: GrayImage, overlay: OverlayLayer? = nil) {
        self.column = column
        self.row = row
        self.columns = columns
        self.rows = rows
        self.picture = picture
        self.overlay = overlay.flatMap { $0.isEmpty ? nil : $0 }
    }
}

/// The graphics the viewer draws with, chosen before curses starts: `--graphics` (or
/// the config key `graphics`), and for `auto` what the terminal answered.
public struct ViewerGraphics: Equatable, Sendable {
    /// `.kitty` or `.sixel` for pixels; `.halfBlocks` for cells (curses' colours decide
    /// between blocks and ascii).
    public var mode: GraphicsMode
    public var cell: CellPixelSize
    public var maxSixelGeometry: PixelSize
    public var registers: Int
    /// Straight to the terminal, or through tmux's passthrough.
    public var passthrough: Passthrough = .direct
    /// The tmux pane, for placing passthrough pictures; nil outside tmux.
    public var pane: TmuxPane?
    /// Said once in the status bar (e.g. how to let pixels through tmux).
    public var advice: String?

    public init(mode: GraphicsMode, cell: CellPixelSize = .typical,
                maxSixelGeometry: PixelSize = .defaultMaxSixelGeometry, registers: Int = 256,
                passthrough: Passthrough = .direct, pane: TmuxPane? = nil, advice: String? = nil) {
        self.mode = mode
        self.cell = cell
        self.maxSixelGeometry = maxSixelGeometry
        self.registers = registers
        self.passthrough = passthrough
        self.pane = pane
        self.advice = advice
    }

    public var isPixel: Bool { mode.isPixel }

    public static let blocks = ViewerGraphics(mode: .halfBlocks)

    /// The mode for `request` ("auto", "kitty", "sixel", "blocks", "quadrants",
    /// "sextants", "ascii"). Asks the terminal only when it matters (auto, kitty, sixel),
    /// so it must run while the terminal is still raw-capable, before curses starts.
    public static func choose(_ request: String, detect: () -> TerminalCapabilities = { TerminalQuery.detect() })
        -> ViewerGraphics {
        guard request == "auto" || request == "kitty" || request == "sixel" else { return .blocks }
        let capabilities = detect()
        let override = GraphicsMode(rawValue: request)
        let mode = capabilities.chooseMode(override: override)
        guard mode.isPixel else {
            var blocks = ViewerGraphics.blocks
            blocks.advice = capabilities.advice
            return blocks
        }
        return ViewerGraphics(mode: mode, cell: capabilities.cellPixelSize ?? .typical,
                              maxSixelGeometry: capabilities.maxSixelGeometry,
                              registers: max(2, capabilities.colorRegisters),
                              passthrough: capabilities.passthrough, pane: capabilities.tmux)
    }

    /// The blitter for panels in this mode; `cells` is curses' mode, used when this
    /// one draws no pixels (ascii draws characters, the rest half blocks).
    func blitter(cells: GraphicsMode) -> any Blitter {
        switch mode {
        case .kitty: return KittyBlitter()
        case .sixel: return SixelBlitter(registers: registers)
        default: return cells == .ascii ? AsciiBlitter() : HalfBlockBlitter()
        }
    }

    /// Screen pixels per cell for the layout: the terminal's in a pixel mode; cells
    /// draw blitter pixels, for which the typical cell is the model.
    var layoutCell: CellPixelSize { isPixel ? cell : .typical }

    /// The panels that draw this mode's pictures; nil for cells.
    func makePanels(output: Int32) -> (any PixelPanels)? {
        switch mode {
        case .kitty: return KittyPanels(output: output, passthrough: passthrough, pane: pane)
        case .sixel: return SixelPanels(registers: registers, output: output, passthrough: passthrough, pane: pane)
        default: return nil
        }
    }
}
