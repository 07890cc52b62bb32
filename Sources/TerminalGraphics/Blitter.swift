import Dataset

/// The ways usreview can draw an image in a terminal, best first.
public enum GraphicsMode: String, CaseIterable, Codable, Sendable {
    /// The kitty graphics protocol: lossless PNG, held by the terminal under an id.
    case kitty
    case sixel
    case sextants
    case quadrants
    case halfBlocks = "blocks"
    case ascii

    /// Whether the mode draws screen pixels (kitty, sixel) rather than glyphs in cells.
    public var isPixel: Bool { self == .kitty || self == .sixel }
}

/// Size of one character cell in pixels, as the terminal reports it (or a guess).
public struct CellPixelSize: Equatable, Sendable {
    public var width: Int
    public var height: Int
    public init(width: Int, height: Int) {
        self.width = width
        self.height = height
    }
    /// What most terminals use when they do not say.
    public static let typical = CellPixelSize(width: 10, height: 20)
}

/// One character cell of a block rendering: a glyph whose set pixels take the
/// foreground gray and the rest the background gray. Grays are 8-bit levels; the
/// terminal writer maps them to what the terminal can show (truecolor or 256 colours).
/// A cell an overlay touches has an `ink`: its set pixels take that colour instead.
public struct Cell: Equatable, Sendable {
    public var glyph: Unicode.Scalar
    public var foreground: UInt8
    public var background: UInt8
    /// The overlay colour of the glyph's set pixels; nil for an image cell.
    public var ink: OverlayInk?
    public init(glyph: Unicode.Scalar, foreground: UInt8, background: UInt8, ink: OverlayInk? = nil) {
        self.glyph = glyph
        self.foreground = foreground
        self.background = background
        self.ink = ink
    }
}

/// A rectangle of cells, row-major.
public struct CellGrid: Equatable, Sendable {
    public let columns: Int
    public let rows: Int
    public var cells: [Cell]
    public init(columns: Int, rows: Int, cells: [Cell]) {
        precondition(cells.count == columns * rows, "cell count does not match \(columns)x\(rows)")
        self.columns = columns
        self.rows = rows
        self.cells = cells
    }
    public subscript(column: Int, row: Int) -> Cell { cells[row * columns + column] }
}

/// What a blitter produces: cells for a text grid, or the bytes of a pixel image
/// (sixel, kitty) that covers `columns × rows` cells from the cursor position.
public enum Rendering: Equatable, Sendable {
    case cells(CellGrid)
    case pixels(bytes: [UInt8], columns: Int, rows: Int)
}

/// One way of drawing a gray image in character cells (notcurses calls these
/// blitters). The layout scales the image to exactly
/// `columns·pixelsPerCell.width × rows·pixelsPerCell.height` pixels first, so a blitter
/// only maps pixels to cells. Adding an output is one new type.
public protocol Blitter: Sendable {
    var mode: GraphicsMode { get }
    /// How many image pixels one cell shows, across and down.
    func pixelsPerCell(_ cell: CellPixelSize) -> (width: Int, height: Int)
    /// Draws `image`, whose size is `columns·ppc.width × rows·ppc.height`.
    func render(_ image: GrayImage, columns: Int, rows: Int) throws -> Rendering
}
