import Dataset

/// Draws 2×2 pixels per cell with the quadrant block glyphs: four times the detail of
/// half blocks, in two grays per cell chosen by `BlockSolver`. Every terminal font
/// with box drawing has the quadrants (Unicode 1.0/3.2), unlike the sextants.
public struct QuadrantBlitter: Blitter {
    public init() {}

    public var mode: GraphicsMode { .quadrants }

    public func pixelsPerCell(_ cell: CellPixelSize) -> (width: Int, height: Int) { (2, 2) }

    public func render(_ image: GrayImage, columns: Int, rows: Int) throws -> Rendering {
        .cells(Self.renderer.render(image, columns: columns, rows: rows))
    }

    /// Glyph for each foreground pattern; bit 0 upper left, 1 upper right, 2 lower
    /// left, 3 lower right.
    static let glyphs: [Unicode.Scalar] = [
        " ", "\u{2598}", "\u{259D}", "\u{2580}", // ' ' ▘ ▝ ▀
        "\u{2596}", "\u{258C}", "\u{259E}", "\u{259B}", // ▖ ▌ ▞ ▛
        "\u{2597}", "\u{259A}", "\u{2590}", "\u{259C}", // ▗ ▚ ▐ ▜
        "\u{2584}", "\u{2599}", "\u{259F}", "\u{2588}", // ▄ ▙ ▟ █
    ]

    private static let renderer = TwoToneCellRenderer(cellHeight: 2, glyphs: glyphs)
}
