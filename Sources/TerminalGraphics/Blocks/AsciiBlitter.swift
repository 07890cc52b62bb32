import Dataset

/// Draws one character per cell from a density ramp, for terminals with nothing
/// else (TERM=dumb, output to a file or pipe). A cell shows a 1×2 pixel average, so
/// an image pixel stays about square in a cell twice as tall as wide. The ramp assumes
/// light text on a dark background, as ultrasound is viewed. Cells carry the gray as
/// foreground (background black) so a colour writer may tint them; `renderTriptych`
/// writes ascii without colour.
public struct AsciiBlitter: Blitter {
    public init() {}

    public var mode: GraphicsMode { .ascii }

    public func pixelsPerCell(_ cell: CellPixelSize) -> (width: Int, height: Int) { (1, 2) }

    public func render(_ image: GrayImage, columns: Int, rows: Int) throws -> Rendering {
        .cells(CellGrid.fromVerticalPairs(image, columns: columns, rows: rows) { top, bottom in
            let gray = UInt8((Int(top) + Int(bottom) + 1) / 2)
            return Cell(glyph: Self.glyph(for: gray), foreground: gray, background: 0)
        })
    }

    /// From empty to dense; level `k` covers grays `k·25.6 ..< (k+1)·25.6`.
    static let ramp: [Unicode.Scalar] = [" ", ".", ":", "-", "=", "+", "*", "#", "%", "@"]

    static func glyph(for gray: UInt8) -> Unicode.Scalar {
        ramp[Int(gray) * ramp.count / 256]
    }
}
