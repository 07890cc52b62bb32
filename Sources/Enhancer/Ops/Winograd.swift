/// Winograd's minimal filtering F(m×m, 2×2) for the UNet's 4×4, stride-2, padding-1 layers.
///
/// Both of those layers are 2×2, stride-1 correlations in disguise:
///
/// - the down convolution, after splitting its zero-padded input into the four phases of
///   its stride (space-to-depth), is a 2×2 correlation over 4·C channels;
/// - the transposed convolution is four 2×2 correlations of its zero-padded input, one per
///   output parity (py, px) (the sub-pixel decomposition).
///
/// F(m×m, 2×2) computes an m×m output tile from an n×n input tile (n = m + 1) with n²
/// multiplications instead of 4m²: `Y = Aᵀ[(G K Gᵀ) ⊙ (Bᵀ D B)]A`. Across channels each of
/// the n² tile positions is one SGEMM, `M[ab] = U[ab] · V[ab]`, so a layer costs 9/16
/// (m = 2) or 25/64 (m = 4) of the direct multiply-adds. The matrices are in
/// `WinogradTile2` and `WinogradTile4`; their Bᵀ and Aᵀ have small integer entries, so the
/// data transforms add little rounding (the fractions sit in G, applied to the weights once).
struct Winograd: Sendable {
    /// The output tile side m: 2 or 4.
    let tile: Int
    let inChannels: Int
    let outChannels: Int
    /// `U[ab][o][c] = (G K[o, c] Gᵀ)[a][b]`, ab = n·a + b.
    let transformedKernel: FloatBuffer

    var inputTile: Int { tile + 1 }

    /// The tile for a 4×4 stride-2 layer between these channel counts whose small side (the
    /// down convolution's output, the transposed one's input) is `side`, or nil when the
    /// direct method is faster. Measured on the ngf 16 and ngf 64 UNets, 1 and 2 threads:
    /// below 64 channels or a 16-pixel side the transforms and the narrower GEMMs cost more
    /// than the products saved; m = 4 needs 32 pixels (8 tiles a side) to keep its GEMMs wide.
    /// Transformed weights are (m + 1)²/4 times the plain ones, which the layers picked here
    /// (few channels, large images) can afford: +70 MB on the ngf 64 UNet's 218 MB.
    static func tile(inChannels: Int, outChannels: Int, side: Int) -> Int? {
        guard min(inChannels, outChannels) >= 64 else { return nil }
        return side >= 32 ? 4 : side >= 16 ? 2 : nil
    }

    /// `kernel(o, c, a, b)` is the 2×2 correlation kernel.
    init(tile: Int, outChannels: Int, inChannels: Int, kernel: (Int, Int, Int, Int) -> Float) {
        precondition(tile == 2 || tile == 4, "Winograd tiles are 2 or 4")
        self.tile = tile
        self.inChannels = inChannels
        self.outChannels = outChannels
        let n = tile + 1
        let matrix = outChannels * inChannels
        transformedKernel = FloatBuffer(count: n * n * matrix)
        let u = transformedKernel.pointer
        let g = tile == 2 ? WinogradTile2.g : WinogradTile4.g
        for o in 0..<outChannels {
            for c in 0..<inChannels {
                let (k00, k01, k10, k11) = (kernel(o, c, 0, 0), kernel(o, c, 0, 1), kernel(o, c, 1, 0), kernel(o, c, 1, 1))
                let at = u + o * inChannels + c
                for a in 0..<n {
                    // Row a of G K: a combination of the kernel's two rows.
                    let (r0, r1) = (g[a].0 * k00 + g[a].1 * k10, g[a].0 * k01 + g[a].1 * k11)
                    for b in 0..<n { at[(a * n + b) * matrix] = g[b].0 * r0 + g[b].1 * r1 }
                }
            }
        }
    }

    /// `products[ab][O × tiles] = U[ab] · transformed[ab][C × tiles]`: the n² SGEMMs, shared
    /// out whole among the threads.
    func multiply(_ transformed: UnsafePointer<Float>, tiles: Int, into products: UnsafeMutablePointer<Float>,
                  loop: ParallelLoop) {
        let matrix = outChannels * inChannels
        loop.forEach(inputTile * inputTile, itemCost: matrix * tiles / 8) { positions in
            for ab in positions {
                BLAS.gemm(m: outChannels, n: tiles, k: inChannels,
                          a: transformedKernel.pointer + ab * matrix, lda: inChannels,
                          b: transformed + ab * inChannels * tiles, ldb: tiles,
                          c: products + ab * outChannels * tiles, ldc: tiles)
            }
        }
    }
}

// MARK: - The two layers

extension Winograd {
    /// Space-to-depth kernel of a 4×4 stride-2 convolution with weight `[O, C, 4, 4]`:
    /// input channel (c, u, v) = 4c + 2u + v, tap (a, b) ↔ weight tap (2a + u, 2b + v).
    init(tile: Int, downConvolution weight: UnsafePointer<Float>, outChannels: Int, inChannels: Int) {
        self.init(tile: tile, outChannels: outChannels, inChannels: 4 * inChannels) { o, phaseChannel, a, b in
            let (c, u, v) = (phaseChannel / 4, (phaseChannel / 2) % 2, phaseChannel % 2)
            return weight[((o * inChannels + c) * 4 + 2 * a + u) * 4 + 2 * b + v]
        }
    }

    /// Parity (py, px) kernel of a 4×4 stride-2 padding-1 transposed convolution, from its
    /// transposed weight `Wᵀ[(o·4 + ky)·4 + kx][c]`: tap (a, b) ↔ (ky, kx) = (3 − py − 2a, 3 − px − 2b).
    init(tile: Int, upConvolutionTransposedWeight weight: UnsafePointer<Float>, outChannels: Int, inChannels: Int,
         parityY py: Int, parityX px: Int) {
        self.init(tile: tile, outChannels: outChannels, inChannels: inChannels) { o, c, a, b in
            weight[((o * 4 + 3 - py - 2 * a) * 4 + 3 - px - 2 * b) * inChannels + c]
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
        loop.forEach(outChannels, itemCost: 2 * layout.positions * layout.tiles) { range in
            let scratch = TileScratch(layout)
            defer { scratch.deallocate() }
            for o in range {
                layout.transformOutputChannel(products + o * layout.tiles, planeStride: outChannels * layout.tiles,
                                              gridHeight: outHeight, gridWidth: outWidth,
                                              into: y + o * outHeight * outWidth, outWidth: outWidth,
                                              step: 1, offsetY: 0, offsetX: 0, scratch: scratch)
            }
        }
    }

    /// The transposed convolution x `[C, H, W]` → y `[O, 2H, 2W]` by one plan per output
    /// parity (2·py + px). Parity output (i, j) reads the zero-padded input at
    /// (i + py + a, j + px + b), so tile (ty, tx) reads x rows m·ty + py + d − 1 (d = 0 … m)
    /// and the same for columns.
    static func upConvolution(_ x: UnsafePointer<Float>, height: Int, width: Int, parities: [Winograd],
                              into y: UnsafeMutablePointer<Float>, workspace: Workspace, loop: ParallelLoop) {
        let (tile, channels, outChannels) = (parities[0].tile, parities[0].inChannels, parities[0].outChannels)
        let (tilesY, tilesX) = ((height + tile - 1) / tile, (width + tile - 1) / tile)
        let phases = PhasePlanes(channels: channels, stride: tile, tiles: tilesX, height: height, workspace: workspace)
        phases.fill(from: x, channels: channels, width: width, loop: loop)
        let layout = TileLayout(tile: tile, tilesY: tilesY, tilesX: tilesX)
        let transformed = workspace.buffer(.winogradInput, count: layout.positions * channels * layout.tiles)
        let products = workspace.buffer(.winogradProducts, count: layout.positions * outChannels * layout.tiles + 8)
        for (parity, plan) in parities.enumerated() {
            let (py, px) = (parity / 2, parity % 2)
            let columns = (0...tile).map { phases.columnOffset(px + $0 - 1) }
            loop.forEach(channels, itemCost: 2 * layout.positions * layout.tiles) { range in
                let scratch = TileScratch(layout)
                defer { scratch.deallocate() }
                for c in range {
                    layout.transformInputChannel(
                        row: { ty, d in phases.row(channel: c, tile * ty + py + d - 1) }, columns: columns,
                        into: transformed + c * layout.tiles, planeStride: channels * layout.tiles, scratch: scratch)
                }
            }
            plan.multiply(transformed, tiles: layout.tiles, into: products, loop: loop)
            loop.forEach(outChannels, itemCost: 2 * layout.positions * layout.tiles) { range in
                let scratch = TileScratch(layout)
                defer { scratch.deallocate() }
                for o in range {
                    layout.transformOutputChannel(products + o * layout.tiles, planeStride: outChannels * layout.tiles,
                                                  gridHeight: height, gridWidth: width,
                                                  into: y + o * 4 * height * width, outWidth: 2 * width,
                                                  step: 2, offsetY: py, offsetX: px, scratch: scratch)
                }
            }
        }
    }
}

// MARK: - Tile transforms

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

    /// Aᵀ M A for one output channel: `m` is its first product, the n² product matrices are
    /// `planeStride` apart. Grid output (Y, X) goes to `y[(Y·step + offsetY)·outWidth +
    /// X·step + offsetX]`; grid positions at or beyond `gridHeight × gridWidth` are dropped.
    func transformOutputChannel(_ m: UnsafePointer<Float>, planeStride: Int, gridHeight: Int, gridWidth: Int,
                                into y: UnsafeMutablePointer<Float>, outWidth: Int, step: Int,
                                offsetY: Int, offsetX: Int, scratch: TileScratch) {
        if tile == 2 {
            transformOutput(WinogradTile2.self, m, planeStride: planeStride, gridHeight: gridHeight,
                            gridWidth: gridWidth, into: y, outWidth: outWidth, step: step, offsetY: offsetY,
                            offsetX: offsetX, scratch: scratch)
        } else {
            transformOutput(WinogradTile4.self, m, planeStride: planeStride, gridHeight: gridHeight,
                            gridWidth: gridWidth, into: y, outWidth: outWidth, step: step, offsetY: offsetY,
                            offsetX: offsetX, scratch: scratch)
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
        _: T.Type, _ m: UnsafePointer<Float>, planeStride: Int, gridHeight: Int, gridWidth: Int,
        into y: UnsafeMutablePointer<Float>, outWidth: Int, step: Int, offsetY: Int, offsetX: Int,
        scratch: TileScratch
    ) {
        let (n, tile, width) = (n, tile, paddedX)
        // partial[a][s]: Aᵀ along the tile columns; result[r][s]: then down the rows.
        let partial = scratch.first
        let result = scratch.second
        for ty in 0..<tilesY {
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
            for r in 0..<min(tile, gridHeight - tile * ty) {
                let line = y + ((tile * ty + r) * step + offsetY) * outWidth + offsetX
                for s in 0..<min(tile, gridWidth) {
                    // Grid columns s, s + m, s + 2m, … of this row.
                    let values = result + (r * tile + s) * width
                    var destination = line + s * step
                    for tx in 0..<min(tilesX, (gridWidth - s + tile - 1) / tile) {
                        destination.pointee = values[tx]
                        destination += tile * step
                    }
                }
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
private func load8(_ p: UnsafePointer<Float>, _ i: Int) -> SIMD8<Float> {
    UnsafeRawPointer(p + i).loadUnaligned(as: SIMD8<Float>.self)
}

@inline(__always)
private func store8(_ value: SIMD8<Float>, _ p: UnsafeMutablePointer<Float>, _ i: Int) {
    UnsafeMutableRawPointer(p + i).storeBytes(of: value, as: SIMD8<Float>.self)
}

/// Channel planes split into zero-extended column phases, row after row:
/// `phase(c, r, k)[t] = x[c][r][s·t + k − s]` (0 outside the row), so that
/// `x[c][r][s·tx + offset]` for a small offset is `row(channel: c, r)[columnOffset(offset) + tx]`,
/// contiguous in tx. Rows outside the plane read as zeros. Splitting once per layer makes
/// every tile read of the Winograd input transforms a contiguous vector load; the phases
/// are padded so loads of eight tiles past the last one stay inside (and read zeros).
struct PhasePlanes {
    let stride: Int
    /// Entries per phase: one before the tiles, the tiles rounded up to 8, one after.
    let length: Int
    let height: Int
    let storage: UnsafeMutablePointer<Float>
    let zeros: UnsafeMutablePointer<Float>

    init(channels: Int, stride: Int, tiles: Int, height: Int, workspace: Workspace) {
        self.stride = stride
        length = (tiles + 7) / 8 * 8 + 2
        self.height = height
        storage = workspace.buffer(.winogradPhases, count: (channels * height + 1) * stride * length)
        zeros = storage + channels * height * stride * length
        zeros.update(repeating: 0, count: stride * length)
    }

    /// Splits `x[C][height][width]` into phases, rows spread over the threads.
    func fill(from x: UnsafePointer<Float>, channels: Int, width: Int, loop: ParallelLoop) {
        let (s, length) = (stride, self.length)
        let whole = width / s
        loop.forEach(channels * height, itemCost: 2 * s * length) { rows in
            for row in rows {
                let source = x + row * width
                let phases = storage + row * s * length
                if s == 2 {
                    let (even, odd) = (phases + 1, phases + length + 1)
                    for t in 0..<whole {
                        even[t] = source[2 * t]
                        odd[t] = source[2 * t + 1]
                    }
                } else {
                    for k in 0..<s {
                        let phase = phases + k * length + 1
                        for t in 0..<whole { phase[t] = source[s * t + k] }
                    }
                }
                for k in 0..<s {
                    let phase = phases + k * length
                    phase[0] = 0
                    let index = s * whole + k
                    phase[whole + 1] = index < width ? source[index] : 0
                    if whole + 2 < length { (phase + whole + 2).update(repeating: 0, count: length - whole - 2) }
                }
            }
        }
    }

    /// The start of row r of channel c (a row of zeros outside the plane).
    @inline(__always)
    func row(channel c: Int, _ r: Int) -> UnsafePointer<Float> {
        UnsafePointer(r >= 0 && r < height ? storage + (c * height + r) * stride * length : zeros)
    }

    /// Where `x[·][s·tx + offset]` sits in a row, at tx = 0.
    func columnOffset(_ offset: Int) -> Int {
        let shift = floorDivide(offset, stride)
        return (offset - shift * stride) * length + 1 + shift
    }
}
