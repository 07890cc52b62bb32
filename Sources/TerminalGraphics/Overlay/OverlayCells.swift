import Dataset

/// How a block mode honours an `OverlayLayer`: beside the blitters, after them. Each
/// cell whose pixels the overlay touches is redrawn as the glyph of its inked pixels
/// (the blitter's own glyph set) in the ink's colour, over the mean gray of its other
/// pixels; ascii cells take the ink's glyph. Cells the overlay does not touch are the
/// blitter's, unchanged.
public enum OverlayCells {
    /// `grid`, drawn by a blitter of `mode` from `picture`, with `overlay` (the
    /// picture's size) applied. Pixel modes have no cells: the grid comes back as it is.
    public static func apply(_ overlay: OverlayLayer, picture: GrayImage, to grid: CellGrid, mode: GraphicsMode) -> CellGrid {
        guard !overlay.isEmpty, !mode.isPixel else { return grid }
        precondition(overlay.width == picture.width && overlay.height == picture.height,
                     "overlay \(overlay.width)x\(overlay.height) over a picture of \(picture.width)x\(picture.height)")
        let (cellWidth, cellHeight): (Int, Int)
        switch mode {
        case .quadrants: (cellWidth, cellHeight) = (2, 2)
        case .sextants: (cellWidth, cellHeight) = (2, 3)
        default: (cellWidth, cellHeight) = (1, 2)
        }
        precondition(picture.width == grid.columns * cellWidth && picture.height == grid.rows * cellHeight,
                     "picture \(picture.width)x\(picture.height) does not fill \(grid.columns)x\(grid.rows) cells")
        var out = grid
        for row in 0..<grid.rows {
            for column in 0..<grid.columns {
                var pattern = 0, ink: UInt8 = 0, sum = 0, count = 0
                for y in 0..<cellHeight {
                    for x in 0..<cellWidth {
                        let px = column * cellWidth + x, py = row * cellHeight + y
                        let number = overlay[px, py]
                        if number != 0 {
                            pattern |= 1 << (y * cellWidth + x)
                            ink = max(ink, number)  // the later ink wins
                        } else {
                            sum += Int(picture[px, py])
                            count += 1
                        }
                    }
                }
                guard pattern != 0 else { continue }
                let colour = overlay.inks[Int(ink) - 1]
                let background = UInt8(count == 0 ? 0 : (sum + count / 2) / count)
                let glyph: Unicode.Scalar
                switch mode {
                case .quadrants: glyph = QuadrantBlitter.glyphs[pattern]
                case .sextants: glyph = SextantBlitter.glyphs[pattern]
                case .ascii: glyph = colour.glyph
                default: glyph = halfBlockGlyphs[pattern]
                }
                out.cells[row * grid.columns + column] = Cell(glyph: glyph, foreground: background,
                                                              background: background, ink: colour)
            }
        }
        return out
    }

    /// Half blocks by pattern: bit 0 the upper pixel, bit 1 the lower.
    static let halfBlockGlyphs: [Unicode.Scalar] = [" ", "\u{2580}", "\u{2584}", "\u{2588}"]
}
