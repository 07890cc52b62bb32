/// Winograd's minimal filtering F(m×m, 2×2) for the UNet's 4×4, stride-2, padding-1 layers.
///
/// Both of those layers are 2×2, stride-1 correlations in disguise:
///
/// - the down convolution, after splitting its zero-padded input into the four phases of
///   its stride (space-to-depth), is a 2×2 correlation over 4·C channels
///   (`WinogradDownConvolution.swift`);
/// - the transposed convolution is four 2×2 correlations of its zero-padded input, one per
///   output parity (py, px) (the sub-pixel decomposition, `WinogradUpConvolution`).
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
    /// below a 16-pixel side the transforms and the narrower GEMMs cost more than the
    /// products saved; m = 4 needs 32 pixels (8 tiles a side) to keep its GEMMs wide. Since
    /// the transposed layers share one input transform among their four parities, layers
    /// of 16 channels and more gain too (ngf 16, 1 thread: 11.6 → 10.6 ms at best; the
    /// limit was 64 channels before). Transformed weights are (m + 1)²/4 times the plain
    /// ones, which the layers picked here (few channels, large images) can afford: +80 MB
    /// on the ngf 64 UNet's 208 MB.
    static func tile(inChannels: Int, outChannels: Int, side: Int) -> Int? {
        guard min(inChannels, outChannels) >= 16 else { return nil }
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

    /// `products[ab][O × tiles] = U[ab] · transformed[ab][C × tiles]`: the n² SGEMMs.
    ///
    /// Whole products go to whichever thread is free, so a thread held up by another process
    /// does less; the last `n² mod threads` of them are split by rows among all threads, so
    /// that the threads finish together (9 products on 2 threads would otherwise leave one
    /// thread idle for a ninth of the layer). Splitting every product would pack each
    /// `transformed[ab]` once per thread instead of once.
    func multiply(_ transformed: UnsafePointer<Float>, tiles: Int, into products: UnsafeMutablePointer<Float>,
                  loop: ParallelLoop) {
        let matrix = outChannels * inChannels
        let positions = inputTile * inputTile
        let threads = loop.threads
        let shared = threads > 1 && outChannels >= 16 * threads ? positions % threads : 0
        let whole = positions - shared
        loop.forEachItem(whole + shared * threads, itemCost: matrix * tiles / threads) { item in
            let ab: Int
            let rows: Range<Int>
            if item < whole {
                (ab, rows) = (item, 0..<outChannels)
            } else {
                let (index, part) = ((item - whole) / threads, (item - whole) % threads)
                ab = whole + index
                rows = (outChannels * part / threads)..<(outChannels * (part + 1) / threads)
            }
            BLAS.gemm(m: rows.count, n: tiles, k: inChannels,
                      a: transformedKernel.pointer + ab * matrix + rows.lowerBound * inChannels, lda: inChannels,
                      b: transformed + ab * inChannels * tiles, ldb: tiles,
                      c: products + (ab * outChannels + rows.lowerBound) * tiles, ldc: tiles)
        }
    }
}
