/// Winograd's minimal filtering F(2×2, 2×2) for the UNet's 4×4, stride-2, padding-1 layers.
///
/// Both of those layers are 2×2, stride-1 correlations in disguise:
///
/// - the down convolution, after splitting its zero-padded input into the four phases of
///   its stride (space-to-depth), is a 2×2 correlation over 4·C channels;
/// - the transposed convolution is four 2×2 correlations of its zero-padded input, one per
///   output parity (py, px) (the sub-pixel decomposition).
///
/// F(2×2, 2×2) computes a 2×2 output tile from a 3×3 input tile with 9 multiplications
/// instead of 16: `Y = Aᵀ[(G K Gᵀ) ⊙ (Bᵀ D B)]A` with
///
///     Bᵀ = | 1 −1  0 |    G = | 1 0 |    Aᵀ = | 1 1 0 |
///          | 0  1  0 |        | 1 1 |         | 0 1 1 |
///          | 0 −1  1 |        | 0 1 |
///
/// so across channels each of the 9 tile positions is one SGEMM, `M[ab] = U[ab] · V[ab]`,
/// and the layer costs 9/16 of the direct multiply-adds. The transforms are sums and
/// differences only, so the float rounding stays that of the direct method, near enough.
struct WinogradF22: Sendable {
    let inChannels: Int
    let outChannels: Int
    /// `U[ab][o][c] = (G K[o, c] Gᵀ)[a][b]`, ab = 3a + b.
    let transformedKernel: FloatBuffer

    /// Whether a 4×4 stride-2 layer between these channel counts, whose small side (the
    /// down convolution's output, the transposed one's input) is `side`, runs faster by
    /// Winograd: the GEMMs must be wide enough (many tiles) and the channels many enough
    /// that the transforms stay cheap beside them.
    static func pays(inChannels: Int, outChannels: Int, side: Int) -> Bool {
        // Measured on the ngf 16 and ngf 64 UNets: below 64 channels or a 16-pixel side the
        // transforms and the narrower GEMMs cost more than the 7/16 of the products saved.
        side >= 16 && min(inChannels, outChannels) >= 64
    }

    /// `kernel(o, c, a, b)` is the 2×2 correlation kernel.
    init(outChannels: Int, inChannels: Int, kernel: (Int, Int, Int, Int) -> Float) {
        self.inChannels = inChannels
        self.outChannels = outChannels
        let matrix = outChannels * inChannels
        transformedKernel = FloatBuffer(count: 9 * matrix)
        let u = transformedKernel.pointer
        for o in 0..<outChannels {
            for c in 0..<inChannels {
                let (k00, k01, k10, k11) = (kernel(o, c, 0, 0), kernel(o, c, 0, 1), kernel(o, c, 1, 0), kernel(o, c, 1, 1))
                // G K Gᵀ: rows (k0, k0 + k1, k1) of the kernel's rows, then the same on columns.
                let at = u + o * inChannels + c
                at[0] = k00
                at[matrix] = k00 + k01
                at[2 * matrix] = k01
                at[3 * matrix] = k00 + k10
                at[4 * matrix] = (k00 + k01) + (k10 + k11)
                at[5 * matrix] = k01 + k11
                at[6 * matrix] = k10
                at[7 * matrix] = k10 + k11
                at[8 * matrix] = k11
            }
        }
    }

    /// `products[ab][O × tiles] = U[ab] · transformed[ab][C × tiles]`: the 9 SGEMMs.
    func multiply(_ transformed: UnsafePointer<Float>, tiles: Int, into products: UnsafeMutablePointer<Float>) {
        let matrix = outChannels * inChannels
        for ab in 0..<9 {
            BLAS.gemm(m: outChannels, n: tiles, k: inChannels,
                      a: transformedKernel.pointer + ab * matrix, lda: inChannels,
                      b: transformed + ab * inChannels * tiles, ldb: tiles,
                      c: products + ab * outChannels * tiles, ldc: tiles)
        }
    }

    /// Bᵀ D B for the 3×3 tiles `d[i][j] = rows[i][j][t]`, t over `count` tiles, written to
    /// `v[(3a + b)·planeStride + t]`. The row transform is (d0 − d1, d1, d2 − d1), then the
    /// same down the columns. Eight tiles at a time in explicit vectors: with 18 pointers
    /// the compiler would not prove them apart to vectorise on its own.
    @inline(__always)
    static func transformTiles(_ d: TileRows, count: Int, into v: UnsafeMutablePointer<Float>, planeStride: Int) {
        var t = 0
        while t + 8 <= count {
            let r00 = load8(d.0, t) - load8(d.1, t), r01 = load8(d.1, t), r02 = load8(d.2, t) - load8(d.1, t)
            let r10 = load8(d.3, t) - load8(d.4, t), r11 = load8(d.4, t), r12 = load8(d.5, t) - load8(d.4, t)
            let r20 = load8(d.6, t) - load8(d.7, t), r21 = load8(d.7, t), r22 = load8(d.8, t) - load8(d.7, t)
            store8(r00 - r10, v, t); store8(r01 - r11, v + planeStride, t); store8(r02 - r12, v + 2 * planeStride, t)
            store8(r10, v + 3 * planeStride, t); store8(r11, v + 4 * planeStride, t); store8(r12, v + 5 * planeStride, t)
            store8(r20 - r10, v + 6 * planeStride, t); store8(r21 - r11, v + 7 * planeStride, t)
            store8(r22 - r12, v + 8 * planeStride, t)
            t += 8
        }
        while t < count {
            let r00 = d.0[t] - d.1[t], r01 = d.1[t], r02 = d.2[t] - d.1[t]
            let r10 = d.3[t] - d.4[t], r11 = d.4[t], r12 = d.5[t] - d.4[t]
            let r20 = d.6[t] - d.7[t], r21 = d.7[t], r22 = d.8[t] - d.7[t]
            v[t] = r00 - r10; v[planeStride + t] = r01 - r11; v[2 * planeStride + t] = r02 - r12
            v[3 * planeStride + t] = r10; v[4 * planeStride + t] = r11; v[5 * planeStride + t] = r12
            v[6 * planeStride + t] = r20 - r10; v[7 * planeStride + t] = r21 - r11; v[8 * planeStride + t] = r22 - r12
            t += 1
        }
    }

    typealias TileRows = (UnsafePointer<Float>, UnsafePointer<Float>, UnsafePointer<Float>,
                          UnsafePointer<Float>, UnsafePointer<Float>, UnsafePointer<Float>,
                          UnsafePointer<Float>, UnsafePointer<Float>, UnsafePointer<Float>)

    /// Aᵀ M A for every tile: grid output (2ty + r, 2tx + s) is the sum of the products at
    /// a ∈ {r, r + 1}, b ∈ {s, s + 1}. Grid position (Y, X) of channel o is stored at
    /// `y[o·outPlane + (Y·step + offsetY)·outWidth + X·step + offsetX]`; positions at or
    /// beyond `gridHeight × gridWidth` (odd sizes) are dropped.
    static func transformOutputs(_ products: UnsafePointer<Float>, outChannels: Int, tilesY: Int, tilesX: Int,
                                 gridHeight: Int, gridWidth: Int,
                                 into y: UnsafeMutablePointer<Float>, outPlane: Int, outWidth: Int,
                                 step: Int, offsetY: Int, offsetX: Int, loop: ParallelLoop) {
        let tiles = tilesY * tilesX
        let plane = outChannels * tiles
        loop.forEach(outChannels, itemCost: 13 * tiles) { channels in
            // The tile row's outputs: top-left, top-right, bottom-left, bottom-right of each tile.
            let corners = UnsafeMutablePointer<Float>.allocate(capacity: 4 * tilesX)
            defer { corners.deallocate() }
            let (topLeft, topRight) = (corners, corners + tilesX)
            let (bottomLeft, bottomRight) = (corners + 2 * tilesX, corners + 3 * tilesX)
            for o in channels {
                for ty in 0..<tilesY {
                    let m = UnsafePointer(products + o * tiles + ty * tilesX)
                    var tx = 0
                    while tx + 8 <= tilesX {
                        let m4 = load8(m + 4 * plane, tx), m1 = load8(m + plane, tx), m7 = load8(m + 7 * plane, tx)
                        let z00 = load8(m, tx) + m1, z01 = m1 + load8(m + 2 * plane, tx)
                        let z10 = load8(m + 3 * plane, tx) + m4, z11 = m4 + load8(m + 5 * plane, tx)
                        let z20 = load8(m + 6 * plane, tx) + m7, z21 = m7 + load8(m + 8 * plane, tx)
                        store8(z00 + z10, topLeft, tx); store8(z01 + z11, topRight, tx)
                        store8(z10 + z20, bottomLeft, tx); store8(z11 + z21, bottomRight, tx)
                        tx += 8
                    }
                    while tx < tilesX {
                        let z00 = m[tx] + m[plane + tx], z01 = m[plane + tx] + m[2 * plane + tx]
                        let z10 = m[3 * plane + tx] + m[4 * plane + tx], z11 = m[4 * plane + tx] + m[5 * plane + tx]
                        let z20 = m[6 * plane + tx] + m[7 * plane + tx], z21 = m[7 * plane + tx] + m[8 * plane + tx]
                        topLeft[tx] = z00 + z10; topRight[tx] = z01 + z11
                        bottomLeft[tx] = z10 + z20; bottomRight[tx] = z11 + z21
                        tx += 1
                    }
                    for r in 0..<min(2, gridHeight - 2 * ty) {
                        let (left, right) = r == 0 ? (topLeft, topRight) : (bottomLeft, bottomRight)
                        let row = y + o * outPlane + ((2 * ty + r) * step + offsetY) * outWidth + offsetX
                        let pairs = gridWidth / 2
                        for X in 0..<pairs {
                            row[2 * X * step] = left[X]
                            row[(2 * X + 1) * step] = right[X]
                        }
                        if gridWidth % 2 == 1 { row[(gridWidth - 1) * step] = left[pairs] }
                    }
                }
            }
        }
    }
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
/// contiguous in tx. Rows outside the plane read as zeros. Splitting once per layer makes every tile
/// read of the Winograd input transforms a contiguous vector load.
struct PhasePlanes {
    let stride: Int
    /// Entries per phase: the tiles plus one before and one after.
    let length: Int
    let height: Int
    let storage: UnsafeMutablePointer<Float>
    let zeros: UnsafeMutablePointer<Float>

    static func count(channels: Int, stride: Int, tiles: Int, height: Int) -> Int {
        (channels * height + 1) * stride * (tiles + 2)
    }

    /// `storage` holds `count(…)` floats.
    init(channels: Int, stride: Int, tiles: Int, height: Int, storage: UnsafeMutablePointer<Float>) {
        self.stride = stride
        length = tiles + 2
        self.height = height
        self.storage = storage
        zeros = storage + channels * height * stride * length
        zeros.update(repeating: 0, count: stride * length)
    }

    /// Splits `x[C][height][width]` into phases, channels spread over the threads.
    func fill(from x: UnsafePointer<Float>, channels: Int, width: Int, loop: ParallelLoop) {
        let (s, length, height) = (stride, self.length, self.height)
        let whole = width / s
        loop.forEach(channels * height, itemCost: 2 * width) { rows in
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

extension WinogradF22 {
    /// Space-to-depth kernel of a 4×4 stride-2 convolution with weight `[O, C, 4, 4]`:
    /// input channel (c, u, v) = 4c + 2u + v, tap (a, b) ↔ weight tap (2a + u, 2b + v).
    init(downConvolution weight: UnsafePointer<Float>, outChannels: Int, inChannels: Int) {
        self.init(outChannels: outChannels, inChannels: 4 * inChannels) { o, phaseChannel, a, b in
            let (c, u, v) = (phaseChannel / 4, (phaseChannel / 2) % 2, phaseChannel % 2)
            return weight[((o * inChannels + c) * 4 + 2 * a + u) * 4 + 2 * b + v]
        }
    }

    /// Parity (py, px) kernel of a 4×4 stride-2 padding-1 transposed convolution, from its
    /// transposed weight `Wᵀ[(o·4 + ky)·4 + kx][c]`: tap (a, b) ↔ (ky, kx) = (3 − py − 2a, 3 − px − 2b).
    init(upConvolutionTransposedWeight weight: UnsafePointer<Float>, outChannels: Int, inChannels: Int,
         parityY py: Int, parityX px: Int) {
        self.init(outChannels: outChannels, inChannels: inChannels) { o, c, a, b in
            weight[((o * 4 + 3 - py - 2 * a) * 4 + 3 - px - 2 * b) * inChannels + c]
        }
    }

    /// Input transform of the down convolution: x `[C, H, W]` → `V[ab][4C][tiles]`, the
    /// tiles covering the `H/2 × W/2` output two by two. Phase image (u, v) of channel c is
    /// `P[i][j] = x[2i + u − 1][2j + v − 1]`, and tile (ty, tx) reads P rows and columns
    /// 2t…2t + 2, that is x rows 4ty + 2d + u − 1 (d = 0, 1, 2), and the same for columns.
    static func transformDownInput(_ x: UnsafePointer<Float>, channels: Int, height: Int, width: Int,
                                   tilesY: Int, tilesX: Int, into v: UnsafeMutablePointer<Float>,
                                   workspace: Workspace, loop: ParallelLoop) {
        let tiles = tilesY * tilesX
        let planeStride = 4 * channels * tiles
        let count = PhasePlanes.count(channels: channels, stride: 4, tiles: tilesX, height: height)
        let phases = PhasePlanes(channels: channels, stride: 4, tiles: tilesX, height: height,
                                 storage: workspace.buffer(.winogradPhases, count: count))
        phases.fill(from: x, channels: channels, width: width, loop: loop)
        loop.forEach(4 * channels, itemCost: 18 * tiles) { range in
            for channel in range {
                let (c, u, phaseX) = (channel / 4, (channel / 2) % 2, channel % 2)
                // P column 2tx + j is x column 4tx + 2j + phaseX − 1.
                let (o0, o1, o2) = (phases.columnOffset(phaseX - 1), phases.columnOffset(phaseX + 1),
                                    phases.columnOffset(phaseX + 3))
                for ty in 0..<tilesY {
                    let r = 4 * ty + u - 1
                    let (a, b, e) = (phases.row(channel: c, r), phases.row(channel: c, r + 2), phases.row(channel: c, r + 4))
                    transformTiles((a + o0, a + o1, a + o2, b + o0, b + o1, b + o2, e + o0, e + o1, e + o2),
                                   count: tilesX, into: v + channel * tiles + ty * tilesX, planeStride: planeStride)
                }
            }
        }
    }

    /// Input transform of the transposed convolution for output parity (py, px): x `[C, H, W]`
    /// → `V[ab][C][tiles]`, the tiles covering that parity's `H × W` outputs two by two.
    /// Parity output (m, n) reads the zero-padded input at (m + py + a, n + px + b), so tile
    /// (ty, tx) reads x rows 2ty + py + d − 1 (d = 0, 1, 2) and the same for columns.
    static func transformUpInput(_ phases: PhasePlanes, channels: Int, parityY py: Int, parityX px: Int,
                                 tilesY: Int, tilesX: Int, into v: UnsafeMutablePointer<Float>, loop: ParallelLoop) {
        let tiles = tilesY * tilesX
        let planeStride = channels * tiles
        let (o0, o1, o2) = (phases.columnOffset(px - 1), phases.columnOffset(px), phases.columnOffset(px + 1))
        loop.forEach(channels, itemCost: 18 * tiles) { range in
            for c in range {
                for ty in 0..<tilesY {
                    let r = 2 * ty + py - 1
                    let (a, b, e) = (phases.row(channel: c, r), phases.row(channel: c, r + 1), phases.row(channel: c, r + 2))
                    transformTiles((a + o0, a + o1, a + o2, b + o0, b + o1, b + o2, e + o0, e + o1, e + o2),
                                   count: tilesX, into: v + c * tiles + ty * tilesX, planeStride: planeStride)
                }
            }
        }
    }

    /// The transposed convolution x `[C, H, W]` → y `[O, 2H, 2W]` by one Winograd plan per
    /// output parity (2·py + px).
    static func upConvolution(_ x: UnsafePointer<Float>, channels: Int, height: Int, width: Int,
                              parities: [WinogradF22], into y: UnsafeMutablePointer<Float>,
                              workspace: Workspace, loop: ParallelLoop) {
        let (tilesY, tilesX) = ((height + 1) / 2, (width + 1) / 2)
        let tiles = tilesY * tilesX
        let outChannels = parities[0].outChannels
        let count = PhasePlanes.count(channels: channels, stride: 2, tiles: tilesX, height: height)
        let phases = PhasePlanes(channels: channels, stride: 2, tiles: tilesX, height: height,
                                 storage: workspace.buffer(.winogradPhases, count: count))
        phases.fill(from: x, channels: channels, width: width, loop: loop)
        let transformed = workspace.buffer(.winogradInput, count: 9 * channels * tiles)
        let products = workspace.buffer(.winogradProducts, count: 9 * outChannels * tiles)
        for (parity, plan) in parities.enumerated() {
            let (py, px) = (parity / 2, parity % 2)
            transformUpInput(phases, channels: channels, parityY: py, parityX: px, tilesY: tilesY, tilesX: tilesX,
                             into: transformed, loop: loop)
            plan.multiply(transformed, tiles: tiles, into: products)
            transformOutputs(products, outChannels: outChannels, tilesY: tilesY, tilesX: tilesX,
                             gridHeight: height, gridWidth: width, into: y, outPlane: 4 * height * width,
                             outWidth: 2 * width, step: 2, offsetY: py, offsetX: px, loop: loop)
        }
    }
}

