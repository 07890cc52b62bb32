/// The UNet's 4×4 stride-2 padding-1 convolution as a 2×2 correlation of the input's four
/// stride phases (space-to-depth), by Winograd F(m×m, 2×2).
extension Winograd {
    /// Space-to-depth kernel of a 4×4 stride-2 convolution with weight `[O, C, 4, 4]`:
    /// input channel (c, u, v) = 4c + 2u + v, tap (a, b) ↔ weight tap (2a + u, 2b + v).
    init(tile: Int, downConvolution weight: UnsafePointer<Float>, outChannels: Int, inChannels: Int) {
        self.init(tile: tile, outChannels: outChannels, inChannels: 4 * inChannels) { o, phaseChannel, a, b in
            let (c, u, v) = (phaseChannel / 4, (phaseChannel / 2) % 2, phaseChannel % 2)
            return weight[((o * inChannels + c) * 4 + 2 * a + u) * 4 + 2 * b + v]
        }
    }

    /// The down convolution x `[C, H, W]` → y `[O, H/2, W/2]`. Phase image (u, v) of channel
    /// c is `P[i][j] = x[2i + u − 1][2j + v − 1]`; tile (ty, tx) reads P rows and columns
    /// m·t … m·t + m, that is x rows 2m·ty + 2d + u − 1 (d = 0 … m), and the same for columns.
    func downConvolution(_ x: UnsafePointer<Float>, height: Int, width: Int, into y: UnsafeMutablePointer<Float>,
                         workspace: Workspace, loop: ParallelLoop) {
        let channels = inChannels / 4
        let (outHeight, outWidth) = (height / 2, width / 2)
        let (tilesY, tilesX) = ((outHeight + tile - 1) / tile, (outWidth + tile - 1) / tile)
        let phases = PhasePlanes(channels: channels, stride: 2 * tile, tiles: tilesX, height: height,
                                 workspace: workspace)
        phases.fill(from: x, channels: channels, width: width, loop: loop)
        let layout = TileLayout(tile: tile, tilesY: tilesY, tilesX: tilesX)
        let transformed = workspace.buffer(.winogradInput, count: layout.positions * inChannels * layout.tiles)
        let products = workspace.buffer(.winogradProducts, count: layout.positions * outChannels * layout.tiles + 8)
        loop.forEach(inChannels, itemCost: 2 * layout.positions * layout.tiles) { range in
            let scratch = TileScratch(layout)
            defer { scratch.deallocate() }
            for phaseChannel in range {
                let (c, u, v) = (phaseChannel / 4, (phaseChannel / 2) % 2, phaseChannel % 2)
                // P column m·tx + j is x column 2m·tx + 2j + v − 1.
                let columns = (0...tile).map { phases.columnOffset(2 * $0 + v - 1) }
                layout.transformInputChannel(
                    row: { ty, d in phases.row(channel: c, 2 * tile * ty + 2 * d + u - 1) }, columns: columns,
                    into: transformed + phaseChannel * layout.tiles, planeStride: inChannels * layout.tiles,
                    scratch: scratch)
            }
        }
        multiply(transformed, tiles: layout.tiles, into: products, loop: loop)
        let grid = OutputGrid(height: outHeight, width: outWidth, rowLength: outWidth)
        loop.forEach(outChannels, itemCost: 2 * layout.positions * layout.tiles) { range in
            let scratch = TileScratch(layout)
            defer { scratch.deallocate() }
            for o in range {
                for ty in 0..<tilesY {
                    let result = layout.transformOutputTileRow(ty, of: products + o * layout.tiles,
                                                               planeStride: outChannels * layout.tiles, scratch: scratch)
                    layout.scatter(result, tileRow: ty, grid: grid, into: y + o * outHeight * outWidth)
                }
            }
        }
    }
}
