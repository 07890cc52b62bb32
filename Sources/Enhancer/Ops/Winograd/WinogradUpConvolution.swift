/// The UNet's 4×4, stride-2, padding-1 transposed convolution by Winograd F(m×m, 2×2),
/// all four output parities from one input transform and one set of products.
///
/// Output parity (py, px) — the pixels (2i + py, 2j + px) — is a 2×2 correlation that reads
/// x rows i + py − 1 … i + py and the same for columns. Even parities take tile (ty, tx)
/// of the input grid (x rows m·ty − 1 … m·ty + m − 1) to outputs i = m·ty … m·ty + m − 1; odd
/// parities can read the very same input tile if their grid is shifted up (left) by one:
/// i = m·ty − 1 … m·ty + m − 2. So one input transform serves all four parities, and the
/// n² products become single SGEMMs with the four parity kernels stacked (4·O rows): a
/// quarter of the input transforms of one plan per parity, and wider products.
///
/// The shifted grids drop i = −1 and stop at i = H − 2: the last row (column) of the odd
/// parities — a 1×2 (2×1) correlation, the row below (column right of) the input being
/// padding — is computed directly, from the two kernel taps that meet the input (`rowEdge`,
/// `columnEdge`).
struct WinogradUpConvolution: Sendable {
    let tile: Int
    let inChannels: Int
    let outChannels: Int
    /// The parity kernels stacked: output row p·O + o is channel o of parity p = 2·py + px.
    let stacked: Winograd
    /// For the last row of parity (1, px): `[O × 2C]`, column 2c + b is the kernel tap (0, b).
    let rowEdge: [FloatBuffer]
    /// For the last column of parity (py, 1): `[O × 2C]`, column 2c + a is the kernel tap (a, 0).
    let columnEdge: [FloatBuffer]

    /// From the transposed weight `Wᵀ[(o·4 + ky)·4 + kx][c]`: parity (py, px)'s tap (a, b) is
    /// (ky, kx) = (3 − py − 2a, 3 − px − 2b).
    init(tile: Int, transposedWeight weight: UnsafePointer<Float>, outChannels: Int, inChannels: Int) {
        self.tile = tile
        self.inChannels = inChannels
        self.outChannels = outChannels
        func tap(_ o: Int, _ c: Int, parity p: Int, _ a: Int, _ b: Int) -> Float {
            weight[((o * 4 + 3 - p / 2 - 2 * a) * 4 + 3 - p % 2 - 2 * b) * inChannels + c]
        }
        stacked = Winograd(tile: tile, outChannels: 4 * outChannels, inChannels: inChannels) { row, c, a, b in
            tap(row % outChannels, c, parity: row / outChannels, a, b)
        }
        func edge(_ value: (Int, Int, Int) -> Float) -> FloatBuffer {
            let buffer = FloatBuffer(count: outChannels * 2 * inChannels)
            for o in 0..<outChannels {
                for c in 0..<inChannels {
                    for t in 0..<2 { buffer.pointer[(o * inChannels + c) * 2 + t] = value(o, c, t) }
                }
            }
            return buffer
        }
        rowEdge = (0..<2).map { px in edge { o, c, b in tap(o, c, parity: 2 + px, 0, b) } }
        columnEdge = (0..<2).map { py in edge { o, c, a in tap(o, c, parity: 2 * py + 1, a, 0) } }
    }

    /// Floats of weights held (transformed and edge kernels).
    var weightCount: Int { stacked.transformedKernel.count + 4 * outChannels * 2 * inChannels }

    /// x `[C, H, W]` → y `[O, 2H, 2W]`.
    func forward(_ x: UnsafePointer<Float>, height: Int, width: Int, into y: UnsafeMutablePointer<Float>,
                 workspace: Workspace, loop: ParallelLoop) {
        let (tilesY, tilesX) = ((height + tile - 1) / tile, (width + tile - 1) / tile)
        let phases = PhasePlanes(channels: inChannels, stride: tile, tiles: tilesX, height: height,
                                 workspace: workspace)
        phases.fill(from: x, channels: inChannels, width: width, loop: loop)
        let layout = TileLayout(tile: tile, tilesY: tilesY, tilesX: tilesX)
        let transformed = workspace.buffer(.winogradInput, count: layout.positions * inChannels * layout.tiles)
        let products = workspace.buffer(.winogradProducts, count: layout.positions * 4 * outChannels * layout.tiles + 8)
        // Tile (ty, tx) reads x rows m·ty − 1 … m·ty + m − 1, and the same for columns.
        let columns = (0...tile).map { phases.columnOffset($0 - 1) }
        loop.forEach(inChannels, itemCost: 2 * layout.positions * layout.tiles) { range in
            let scratch = TileScratch(layout)
            defer { scratch.deallocate() }
            for c in range {
                layout.transformInputChannel(
                    row: { ty, d in phases.row(channel: c, tile * ty + d - 1) }, columns: columns,
                    into: transformed + c * layout.tiles, planeStride: inChannels * layout.tiles, scratch: scratch)
            }
        }
        stacked.multiply(transformed, tiles: layout.tiles, into: products, loop: loop)
        let grids = (0..<4).map { parity in
            let (py, px) = (parity / 2, parity % 2)
            return OutputGrid(height: height - py, width: width - px, rowLength: 2 * width, step: 2,
                              offsetY: py, offsetX: px, originY: -py, originX: -px)
        }
        // One thread writes all four parities of a channel, tile row by tile row, so each
        // output row is completed while it is in that thread's cache.
        loop.forEach(outChannels, itemCost: 8 * layout.positions * layout.tiles) { range in
            let scratch = TileScratch(layout)
            defer { scratch.deallocate() }
            for o in range {
                let plane = y + o * 4 * height * width
                for ty in 0..<tilesY {
                    for parity in 0..<4 {
                        let result = layout.transformOutputTileRow(
                            ty, of: products + (parity * outChannels + o) * layout.tiles,
                            planeStride: 4 * outChannels * layout.tiles, scratch: scratch)
                        layout.scatter(result, tileRow: ty, grid: grids[parity], into: plane)
                    }
                }
            }
        }
        edges(x, height: height, width: width, into: y, workspace: workspace, loop: loop)
    }

    /// The odd parities' last row (parity (1, px): output row 2H − 1, columns 2j + px) and
    /// last column (parity (py, 1): column 2W − 1, rows 2i + py, the corner left to the row),
    /// each one small product `edge [O × 2C] · taps [2C × count]`.
    private func edges(_ x: UnsafePointer<Float>, height: Int, width: Int, into y: UnsafeMutablePointer<Float>,
                       workspace: Workspace, loop: ParallelLoop) {
        let (channels, length) = (inChannels, max(height, width))
        let area = (2 * channels + outChannels) * length
        let buffers = workspace.buffer(.winogradEdges, count: 4 * area)
        let outWidth = 2 * width
        loop.forEachItem(4, itemCost: outChannels * 2 * channels * length) { edge in
            let (isRow, q) = (edge < 2, edge % 2)
            let count = isRow ? width : height - q
            guard count > 0 else { return }
            let taps = buffers + edge * area
            let result = taps + 2 * channels * count
            // taps[2c + t][k]: the input pixel that kernel tap t meets at output k of the edge.
            for c in 0..<channels {
                let plane = x + c * height * width
                for t in 0..<2 {
                    let destination = taps + (2 * c + t) * count
                    for k in 0..<count {
                        let i = k + q + t - 1
                        if isRow {
                            destination[k] = i >= 0 && i < width ? plane[(height - 1) * width + i] : 0
                        } else {
                            destination[k] = i >= 0 && i < height ? plane[i * width + width - 1] : 0
                        }
                    }
                }
            }
            BLAS.gemm(m: outChannels, n: count, k: 2 * channels, a: (isRow ? rowEdge[q] : columnEdge[q]).pointer,
                      lda: 2 * channels, b: taps, ldb: count, c: result, ldc: count)
            for o in 0..<outChannels {
                let plane = y + o * 4 * height * width
                let values = result + o * count
                for k in 0..<count {
                    if isRow {
                        plane[(2 * height - 1) * outWidth + 2 * k + q] = values[k]
                    } else {
                        plane[(2 * k + q) * outWidth + outWidth - 1] = values[k]
                    }
                }
            }
        }
    }
}
