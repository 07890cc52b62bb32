/// The transform matrices of one tile size, applied to eight tiles at once.
protocol WinogradTileMatrices {
    /// Output tile side m; the input tile side is m + 1.
    static var m: Int { get }
    /// The rows of G, (G[i][0], G[i][1]).
    static var g: [(Float, Float)] { get }
    /// `out(i, (Bᵀ d)[i])` for the m + 1 inputs `d(j)`.
    static func inputTransform(_ d: (Int) -> SIMD8<Float>, _ out: (Int, SIMD8<Float>) -> Void)
    /// `out(i, (Aᵀ v)[i])` for the m + 1 inputs `v(j)`.
    static func outputTransform(_ v: (Int) -> SIMD8<Float>, _ out: (Int, SIMD8<Float>) -> Void)
}

/// F(2×2, 2×2), points 0, 1, ∞: Bᵀ = [1 −1 0; 0 1 0; 0 −1 1], G = [1 0; 1 1; 0 1],
/// Aᵀ = [1 1 0; 0 1 1].
enum WinogradTile2: WinogradTileMatrices {
    static let m = 2
    static let g: [(Float, Float)] = [(1, 0), (1, 1), (0, 1)]

    @inline(__always)
    static func inputTransform(_ d: (Int) -> SIMD8<Float>, _ out: (Int, SIMD8<Float>) -> Void) {
        let (d0, d1, d2) = (d(0), d(1), d(2))
        out(0, d0 - d1); out(1, d1); out(2, d2 - d1)
    }

    @inline(__always)
    static func outputTransform(_ v: (Int) -> SIMD8<Float>, _ out: (Int, SIMD8<Float>) -> Void) {
        let v1 = v(1)
        out(0, v(0) + v1); out(1, v1 + v(2))
    }
}

/// F(4×4, 2×2), points 0, 1, −1, 2, ∞:
///
///     Bᵀ = | 2 −1 −2  1  0 |   G = | 1/2    0 |   Aᵀ = | 1  1  1  1  0 |
///          | 0  2  1 −1  0 |       | 1/2  1/2 |        | 0  1 −1  2  0 |
///          | 0 −2  3 −1  0 |       | 1/6 −1/6 |        | 0  1  1  4  0 |
///          | 0 −1  0  1  0 |       | 1/6  1/3 |        | 0  1 −1  8  1 |
///          | 0  2 −1 −2  1 |       | 0      1 |
enum WinogradTile4: WinogradTileMatrices {
    static let m = 4
    static let g: [(Float, Float)] = [(0.5, 0), (0.5, 0.5), (1.0 / 6, -1.0 / 6), (1.0 / 6, 1.0 / 3), (0, 1)]

    @inline(__always)
    static func inputTransform(_ d: (Int) -> SIMD8<Float>, _ out: (Int, SIMD8<Float>) -> Void) {
        let (d0, d1, d2, d3, d4) = (d(0), d(1), d(2), d(3), d(4))
        let twice1 = d1 + d1
        out(0, (d0 + d0) - d1 - (d2 + d2) + d3)
        out(1, twice1 + d2 - d3)
        out(2, (d2 + d2 + d2) - twice1 - d3)
        out(3, d3 - d1)
        out(4, twice1 - d2 - (d3 + d3) + d4)
    }

    @inline(__always)
    static func outputTransform(_ v: (Int) -> SIMD8<Float>, _ out: (Int, SIMD8<Float>) -> Void) {
        let (v0, v1, v2, v3, v4) = (v(0), v(1), v(2), v(3), v(4))
        let (sum, difference) = (v1 + v2, v1 - v2)
        out(0, v0 + sum + v3)
        out(1, difference + 2 * v3)
        out(2, sum + 4 * v3)
        out(3, difference + 8 * v3 + v4)
    }
}

/// Where the outputs of a tile grid go. Grid position (Y, X) = (m·ty + r + originY,
/// m·tx + s + originX) — tile (ty, tx), output (r, s) of the tile — is kept when it lies in
/// `height × width` and lands at `y[(Y·step + offsetY)·rowLength + X·step + offsetX]`.
/// A step of 2 with offsets interleaves the four output parities of a transposed
/// convolution; an origin of −1 shifts a grid up or left by one (see `WinogradUpConvolution`).
struct OutputGrid {
    let height: Int
    let width: Int
    let rowLength: Int
    var step = 1
    var offsetY = 0
    var offsetX = 0
    var originY = 0
    var originX = 0
}

/// Tile counts of one layer, and the per-channel transforms written against them. Rows of
/// tiles are processed eight tiles at a time; `paddedX` rounds the row up so the vector
/// loads of the last eight stay inside the scratch and phase buffers.
struct TileLayout {
    let tile: Int
    let tilesY: Int
    let tilesX: Int
    var n: Int { tile + 1 }
    var positions: Int { n * n }
    var tiles: Int { tilesY * tilesX }
    var paddedX: Int { (tilesX + 7) / 8 * 8 }

    init(tile: Int, tilesY: Int, tilesX: Int) {
        self.tile = tile
        self.tilesY = tilesY
        self.tilesX = tilesX
    }

    /// Bᵀ D B for one channel: `row(ty, d)` is the phase row holding input row d of tile
    /// row ty, `columns[j]` the offset of input column j (at tx = 0) in such a row. Writes
    /// `v[ab·planeStride + ty·tilesX + tx]`.
    func transformInputChannel(row: (Int, Int) -> UnsafePointer<Float>, columns: [Int],
                               into v: UnsafeMutablePointer<Float>, planeStride: Int, scratch: TileScratch) {
        if tile == 2 {
            transformInput(WinogradTile2.self, row: row, columns: columns, into: v, planeStride: planeStride,
                           scratch: scratch)
        } else {
            transformInput(WinogradTile4.self, row: row, columns: columns, into: v, planeStride: planeStride,
                           scratch: scratch)
        }
    }

    /// Aᵀ M A for tile row `ty` of one output channel, whose n² product rows start at `m`,
    /// `planeStride` apart. Returns `result[(r·m + s)·paddedX + tx]` (in `scratch`, valid
    /// until its next use): output (r, s) of tile (ty, tx).
    func transformOutputTileRow(_ ty: Int, of m: UnsafePointer<Float>, planeStride: Int,
                                scratch: TileScratch) -> UnsafePointer<Float> {
        if tile == 2 {
            transformOutput(WinogradTile2.self, ty, of: m, planeStride: planeStride, scratch: scratch)
        } else {
            transformOutput(WinogradTile4.self, ty, of: m, planeStride: planeStride, scratch: scratch)
        }
        return UnsafePointer(scratch.second)
    }

    /// Writes a `transformOutputTileRow` result to its places in `y` (see `OutputGrid`).
    func scatter(_ result: UnsafePointer<Float>, tileRow ty: Int, grid: OutputGrid, into y: UnsafeMutablePointer<Float>) {
        let width = paddedX
        for r in 0..<tile {
            let gridY = tile * ty + r + grid.originY
            guard gridY >= 0, gridY < grid.height else { continue }
            let line = y + (gridY * grid.step + grid.offsetY) * grid.rowLength + grid.offsetX
            for s in 0..<tile {
                // Grid columns x0, x0 + m, x0 + 2m, … of this row, those inside 0..<width.
                let x0 = s + grid.originX
                let firstTx = x0 < 0 ? (tile - 1 - x0) / tile : 0
                let endTx = x0 < grid.width ? min(tilesX, (grid.width - x0 + tile - 1) / tile) : 0
                guard firstTx < endTx else { continue }
                let values = result + (r * tile + s) * width
                var destination = line + (tile * firstTx + x0) * grid.step
                for tx in firstTx..<endTx {
                    destination.pointee = values[tx]
                    destination += tile * grid.step
                }
            }
        }
    }

    @inline(__always)
    private func transformInput<T: WinogradTileMatrices>(
        _: T.Type, row: (Int, Int) -> UnsafePointer<Float>, columns: [Int], into v: UnsafeMutablePointer<Float>,
        planeStride: Int, scratch: TileScratch
    ) {
        let (n, width) = (n, paddedX)
        // rows[d][k]: Bᵀ along the row, for input row d of the tile row and tile column k.
        let rows = scratch.first
        let out = scratch.second
        columns.withUnsafeBufferPointer { columns in
            for ty in 0..<tilesY {
                for d in 0..<n {
                    let source = row(ty, d)
                    var tx = 0
                    while tx < tilesX {
                        T.inputTransform({ load8(source + columns[$0], tx) },
                                         { k, value in store8(value, rows + (d * n + k) * width, tx) })
                        tx += 8
                    }
                }
                // Bᵀ down the columns: position (a, k) from rows[0…n−1][k], straight into V when
                // whole vectors fit its rows, else through `out`.
                let destination = v + ty * tilesX
                let direct = tilesX % 8 == 0
                for k in 0..<n {
                    var tx = 0
                    while tx < tilesX {
                        T.inputTransform({ load8(rows + ($0 * n + k) * width, tx) }, { a, value in
                            if direct {
                                store8(value, destination + (a * n + k) * planeStride, tx)
                            } else {
                                store8(value, out + (a * n + k) * width, tx)
                            }
                        })
                        tx += 8
                    }
                }
                if !direct {
                    for ab in 0..<(n * n) {
                        (destination + ab * planeStride).update(from: out + ab * width, count: tilesX)
                    }
                }
            }
        }
    }

    @inline(__always)
    private func transformOutput<T: WinogradTileMatrices>(
        _: T.Type, _ ty: Int, of m: UnsafePointer<Float>, planeStride: Int, scratch: TileScratch
    ) {
        let (n, tile, width) = (n, tile, paddedX)
        // partial[a][s]: Aᵀ along the tile columns; result[r][s]: then down the rows.
        let partial = scratch.first
        let result = scratch.second
        let products = m + ty * tilesX
        for a in 0..<n {
            var tx = 0
            while tx < tilesX {
                T.outputTransform({ load8(products + (a * n + $0) * planeStride, tx) },
                                  { s, value in store8(value, partial + (a * tile + s) * width, tx) })
                tx += 8
            }
        }
        for s in 0..<tile {
            var tx = 0
            while tx < tilesX {
                T.outputTransform({ load8(partial + ($0 * tile + s) * width, tx) },
                                  { r, value in store8(value, result + (r * tile + s) * width, tx) })
                tx += 8
            }
        }
    }
}

/// Two n²·paddedX scratch areas for one thread's tile transforms.
struct TileScratch {
    let first: UnsafeMutablePointer<Float>
    let second: UnsafeMutablePointer<Float>

    init(_ layout: TileLayout) {
        let count = layout.positions * layout.paddedX
        first = .allocate(capacity: 2 * count)
        second = first + count
    }

    func deallocate() { first.deallocate() }
}

@inline(__always)
func load8(_ p: UnsafePointer<Float>, _ i: Int) -> SIMD8<Float> {
    UnsafeRawPointer(p + i).loadUnaligned(as: SIMD8<Float>.self)
}

@inline(__always)
func store8(_ value: SIMD8<Float>, _ p: UnsafeMutablePointer<Float>, _ i: Int) {
    UnsafeMutableRawPointer(p + i).storeBytes(of: value, as: SIMD8<Float>.self)
}
