import Dataset

/// Draws an image as sixel graphics: one image pixel per screen pixel, so the layout
/// hands it an image of exactly `columns × cell width` by `rows × cell height` pixels.
public struct SixelBlitter: Blitter {
    /// Colour registers the terminal reports (its reply to `CSI ? 1 ; 1 ; 0 S`, or 256).
    public let registers: Int
    /// Ordered dithering between neighbouring grays; off so speckle is shown as is.
    public let dither: Bool

    public init(registers: Int = 256, dither: Bool = false) {
        self.registers = registers
        self.dither = dither
    }

    public var mode: GraphicsMode { .sixel }

    public func pixelsPerCell(_ cell: CellPixelSize) -> (width: Int, height: Int) {
        (cell.width, cell.height)
    }

    public func render(_ image: GrayImage, columns: Int, rows: Int) throws -> Rendering {
        .pixels(bytes: SixelEncoder(registers: registers, dither: dither).encode(image), columns: columns, rows: rows)
    }
}
