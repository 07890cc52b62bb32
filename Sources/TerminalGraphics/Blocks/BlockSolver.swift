import Dataset

/// The two-gray approximation of one cell's pixels: the pixels whose bit is set in
/// `pattern` take `foreground`, the others `background`.
struct TwoToneCell: Equatable, Sendable {
    /// Bit `y·2 + x` is pixel (x, y) of the cell, row-major from the top-left.
    var pattern: Int
    var foreground: UInt8
    var background: UInt8
}

/// Finds, for a cell of up to 8 pixels, the split into two groups and the two grays
/// with the least squared error — the solver notcurses uses for quadrants and
/// sextants, made exact.
///
/// Why it is exact: once the split is fixed, the best gray of each group is its mean,
/// so the error of a split is `Σx² − a²/nₐ − b²/n_b` (a, b the group sums). Minimising
/// it means maximising `a²/nₐ + b²/n_b` over the splits. A split and its complement are
/// the same split, so the last pixel is kept in the second group and only
/// 2^(n−1) splits are tried (8 for quadrants, 32 for sextants). Scores are compared
/// as integers, scaled by 60 (divisible by every group size 1…6), so ties and
/// rounding never depend on floating point. Rounding each mean to the nearest
/// 8-bit level keeps the result optimal among 8-bit grays too: for a fixed split the
/// error is a parabola in each gray, so the nearest integer to the mean is best.
struct BlockSolver: Sendable {
    /// Pixels per cell: 4 (quadrants) or 6 (sextants); at most 6 so the scale of 60 is exact.
    let pixelCount: Int
    /// For each split (a mask over the first n−1 pixels), `60 / size` of its first group
    /// and of its second; 0 for an empty group, whose term is 0.
    private let firstWeights: [Int]
    private let secondWeights: [Int]

    init(pixelCount: Int) {
        precondition((2...6).contains(pixelCount), "the solver handles cells of 2 to 6 pixels")
        self.pixelCount = pixelCount
        let weight = [0, 60, 30, 20, 15, 12, 10]
        let splits = 0..<(1 << (pixelCount - 1))
        firstWeights = splits.map { weight[$0.nonzeroBitCount] }
        secondWeights = splits.map { weight[pixelCount - $0.nonzeroBitCount] }
    }

    /// Solves cells one after another with scratch memory held for the whole run.
    func withCellSolver<Result>(_ body: (_ solve: (UnsafePointer<Int>) -> TwoToneCell) throws -> Result) rethrows -> Result {
        try firstWeights.withUnsafeBufferPointer { first in
            try secondWeights.withUnsafeBufferPointer { second in
                try withUnsafeTemporaryAllocation(of: Int.self, capacity: 64) { subsetSums in
                    try body { values in
                        solve(values, subsetSums: subsetSums.baseAddress!,
                              firstWeights: first.baseAddress!, secondWeights: second.baseAddress!)
                    }
                }
            }
        }
    }

    /// Solves one cell. `values` holds `pixelCount` grays in cell order; `subsetSums`
    /// is scratch for 2^(pixelCount−1) sums.
    @inline(__always)
    private func solve(_ values: UnsafePointer<Int>, subsetSums: UnsafeMutablePointer<Int>,
                       firstWeights: UnsafePointer<Int>, secondWeights: UnsafePointer<Int>) -> TwoToneCell {
        let n = pixelCount
        let splits = 1 << (n - 1)
        // Sum of every subset of the first n−1 pixels, each from a smaller subset.
        subsetSums[0] = 0
        var mask = 1
        while mask < splits {
            let lowest = mask & -mask
            subsetSums[mask] = subsetSums[mask ^ lowest] + values[lowest.trailingZeroBitCount]
            mask += 1
        }
        let total = subsetSums[splits - 1] + values[n - 1]

        // Split 0 (everything in one group) is tried first, so a flat cell stays flat.
        var bestMask = 0
        var bestScore = total * total * secondWeights[0]
        mask = 1
        while mask < splits {
            let a = subsetSums[mask]
            let b = total - a
            let score = a * a * firstWeights[mask] + b * b * secondWeights[mask]
            if score > bestScore {
                bestScore = score
                bestMask = mask
            }
            mask += 1
        }

        let countA = bestMask.nonzeroBitCount
        let countB = n - countA
        let sumA = subsetSums[bestMask]
        let meanB = UInt8((2 * (total - sumA) + countB) / (2 * countB))
        guard countA > 0 else {
            return TwoToneCell(pattern: 0, foreground: meanB, background: meanB)
        }
        let meanA = UInt8((2 * sumA + countA) / (2 * countA))
        // The brighter group is drawn in the foreground: one fixed convention keeps
        // neighbouring cells' colours alike, so the writer emits fewer colour changes.
        if meanA >= meanB {
            return TwoToneCell(pattern: bestMask, foreground: meanA, background: meanB)
        }
        let everyPixel = (1 << n) - 1
        return TwoToneCell(pattern: everyPixel ^ bestMask, foreground: meanB, background: meanA)
    }
}

/// Draws an image with cells two pixels wide and `cellHeight` pixels tall, each cell
/// one glyph from `glyphs` (indexed by the foreground pattern) in two grays: the one
/// piece of code behind the quadrant and sextant blitters.
struct TwoToneCellRenderer: Sendable {
    let cellHeight: Int
    /// `glyphs[pattern]` for every pattern of `2·cellHeight` bits; pattern 0 must be a space.
    let glyphs: [Unicode.Scalar]

    func render(_ image: GrayImage, columns: Int, rows: Int) -> CellGrid {
        precondition(image.width == columns * 2 && image.height == rows * cellHeight,
                     "image \(image.width)x\(image.height) does not fill \(columns)x\(rows) cells")
        let solver = BlockSolver(pixelCount: 2 * cellHeight)
        let width = image.width
        let cells = [Cell](unsafeUninitializedCapacity: columns * rows) { cells, initialized in
            image.pixels.withUnsafeBufferPointer { pixels in
                glyphs.withUnsafeBufferPointer { glyphs in
                    withUnsafeTemporaryAllocation(of: Int.self, capacity: 8) { values in
                        solver.withCellSolver { solve in
                            var next = 0
                            for row in 0..<rows {
                                let top = row * cellHeight * width
                                for column in 0..<columns {
                                    var source = top + column * 2
                                    for y in 0..<cellHeight {
                                        values[2 * y] = Int(pixels[source])
                                        values[2 * y + 1] = Int(pixels[source + 1])
                                        source += width
                                    }
                                    let tone = solve(UnsafePointer(values.baseAddress!))
                                    (cells.baseAddress! + next).initialize(to: Cell(
                                        glyph: glyphs[tone.pattern], foreground: tone.foreground, background: tone.background))
                                    next += 1
                                }
                            }
                        }
                    }
                }
            }
            initialized = columns * rows
        }
        return CellGrid(columns: columns, rows: rows, cells: cells)
    }
}
