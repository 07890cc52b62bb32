import Dataset

extension CellGrid {
    /// A grid with one cell per vertical pair of pixels (the 1×2 blitters: half blocks
    /// and ascii), each cell made by `cell(top, bottom)`.
    static func fromVerticalPairs(_ image: GrayImage, columns: Int, rows: Int,
                                  cell: (UInt8, UInt8) -> Cell) -> CellGrid {
        precondition(image.width == columns && image.height == rows * 2,
                     "image \(image.width)x\(image.height) does not fill \(columns)x\(rows) cells")
        var cells = [Cell]()
        cells.reserveCapacity(columns * rows)
        image.pixels.withUnsafeBufferPointer { pixels in
            for row in 0..<rows {
                let top = 2 * row * columns
                for column in 0..<columns {
                    cells.append(cell(pixels[top + column], pixels[top + columns + column]))
                }
            }
        }
        return CellGrid(columns: columns, rows: rows, cells: cells)
    }
}
