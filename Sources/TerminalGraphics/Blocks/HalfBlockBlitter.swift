import Dataset

/// Draws 1×2 pixels per cell with the upper half block ▀: the foreground gray is the
/// top pixel, the background gray the bottom one. Exact (no solver needed) and
/// understood by every font, so it is the fallback when a terminal has no sixel.
public struct HalfBlockBlitter: Blitter {
    public init() {}

    public var mode: GraphicsMode { .halfBlocks }

    public func pixelsPerCell(_ cell: CellPixelSize) -> (width: Int, height: Int) { (1, 2) }

    public func render(_ image: GrayImage, columns: Int, rows: Int) throws -> Rendering {
        precondition(image.width == columns && image.height == rows * 2,
                     "image \(image.width)x\(image.height) does not fill \(columns)x\(rows) cells")
        var cells = [Cell]()
        cells.reserveCapacity(columns * rows)
        image.pixels.withUnsafeBufferPointer { pixels in
            for row in 0..<rows {
                let top = 2 * row * columns
                for column in 0..<columns {
                    let upper = pixels[top + column]
                    let lower = pixels[top + columns + column]
                    // Two equal halves are a space: the writer then sends only a
                    // background colour, which dark margins share.
                    cells.append(upper == lower
                        ? Cell(glyph: " ", foreground: upper, background: lower)
                        : Cell(glyph: Self.upperHalf, foreground: upper, background: lower))
                }
            }
        }
        return .cells(CellGrid(columns: columns, rows: rows, cells: cells))
    }

    static let upperHalf: Unicode.Scalar = "\u{2580}"
}
