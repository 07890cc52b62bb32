import Dataset

/// Draws 1×2 pixels per cell with the upper half block ▀: the foreground gray is the
/// top pixel, the background gray the bottom one. Exact (no solver needed) and
/// understood by every font, so it is the fallback when a terminal has no sixel.
public struct HalfBlockBlitter: Blitter {
    public init() {}

    public var mode: GraphicsMode { .halfBlocks }

    public func pixelsPerCell(_ cell: CellPixelSize) -> (width: Int, height: Int) { (1, 2) }

    public func render(_ image: GrayImage, columns: Int, rows: Int) throws -> Rendering {
        .cells(CellGrid.fromVerticalPairs(image, columns: columns, rows: rows) { upper, lower in
            // Two equal halves are a space: the writer then sends only a background
            // colour, which dark margins share.
            upper == lower ? Cell(glyph: " ", foreground: upper, background: lower)
                           : Cell(glyph: Self.upperHalf, foreground: upper, background: lower)
        })
    }

    static let upperHalf: Unicode.Scalar = "\u{2580}"
}
