import Dataset

/// Draws 2×3 pixels per cell with the Unicode 13 sextant glyphs (U+1FB00…U+1FB3B):
/// six pixels per cell, in two grays chosen by `BlockSolver`. The font must have the
/// "Symbols for Legacy Computing" block, which is why sextants are only chosen when
/// asked for (`--graphics sextants`).
public struct SextantBlitter: Blitter {
    public init() {}

    public var mode: GraphicsMode { .sextants }

    public func pixelsPerCell(_ cell: CellPixelSize) -> (width: Int, height: Int) { (2, 3) }

    public func render(_ image: GrayImage, columns: Int, rows: Int) throws -> Rendering {
        .cells(Self.renderer.render(image, columns: columns, rows: rows))
    }

    /// Glyph for each of the 64 foreground patterns; bit `2·row + column`, row 0 at the
    /// top. Unicode numbers the sextants in pattern order but leaves out the four
    /// patterns older blocks already have: empty (space), left column (▌), right
    /// column (▐) and full (█).
    static let glyphs: [Unicode.Scalar] = (0..<64).map { pattern in
        switch pattern {
        case 0: return " "
        case 0b010101: return "\u{258C}"
        case 0b101010: return "\u{2590}"
        case 0b111111: return "\u{2588}"
        default:
            let skipped = (pattern > 0b010101 ? 1 : 0) + (pattern > 0b101010 ? 1 : 0)
            return Unicode.Scalar(UInt32(0x1FB00 + pattern - 1 - skipped))!
        }
    }

    private static let renderer = TwoToneCellRenderer(cellHeight: 3, glyphs: glyphs)
}
