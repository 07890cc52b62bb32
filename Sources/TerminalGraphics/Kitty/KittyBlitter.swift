import Dataset

/// Draws an image with the kitty graphics protocol: one image pixel per screen pixel,
/// lossless, shown at the cursor without moving it. Anonymous (no id): for output
/// that is printed once, as `usreview show`'s. The viewer keeps ids in `KittyPanels`.
public struct KittyBlitter: Blitter {
    public init() {}

    public var mode: GraphicsMode { .kitty }

    public func pixelsPerCell(_ cell: CellPixelSize) -> (width: Int, height: Int) {
        (cell.width, cell.height)
    }

    public func render(_ image: GrayImage, columns: Int, rows: Int) throws -> Rendering {
        .pixels(bytes: try KittyEncoder().encode(image).flatMap { $0 }, columns: columns, rows: rows)
    }
}
