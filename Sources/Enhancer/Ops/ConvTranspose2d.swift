/// A transposed 2-D convolution, PyTorch's `ConvTranspose2d` (groups 1, dilation 1), on a
/// batch-1 tensor `[I, H, W]` → `[O, Ho, Wo]` with `Ho = (H − 1)·s − 2p + k + output_padding`.
///
/// It runs as one SGEMM and a col2im: `columns[O·k·k, H·W] = Wᵀ · x`, then every output
/// pixel gathers the column entries that land on it. PyTorch's weight `[I, O, k, k]` is
/// transposed once, at load, to `Wᵀ [O·k·k, I]`, the GEMM's left matrix as it wants it.
/// The gather writes each output row once, so rows split over threads without locks.
/// The layer goes a band of output channels at a time.
struct ConvTranspose2d: Sendable {
    let inChannels: Int
    let outChannels: Int
    let kernelSize: Int
    let stride: Int
    let padding: Int
    let outputPadding: Int
    /// `Wᵀ [O·k·k, I]` row-major: row `(o·k + ky)·k + kx`, column `i`; nil once the layer runs by `winograd`.
    let transposedWeight: FloatBuffer?
    /// `[O]` or nil.
    let bias: FloatBuffer?
    /// For 4×4, stride-2, padding-1 layers: the same layer by Winograd F(m×m, 2×2).
    let winograd: WinogradUpConvolution?
    /// For a 1×1 input (the UNet's innermost up-sampling at the native size), the only taps
    /// that reach the 2×2 output, (ky, kx) = (1 + oy, 1 + ox): `[O·4 × I]`, row
    /// `(o·2 + oy)·2 + ox`, which is the output's own layout, so the layer is one
    /// matrix-vector product that reads a quarter of the weights.
    let innermostTaps: FloatBuffer?

    /// `weight` in PyTorch's layout `[I, O, k, k]`.
    init(weight: FloatBuffer, shape: [Int], bias: FloatBuffer?, stride: Int, padding: Int, outputPadding: Int = 0) {
        precondition(shape.count == 4 && shape[2] == shape[3], "ConvTranspose2d weight must be [I, O, k, k]")
        inChannels = shape[0]
        outChannels = shape[1]
        kernelSize = shape[2]
        self.stride = stride
        self.padding = padding
        self.outputPadding = outputPadding
        self.bias = bias
        let rows = outChannels * kernelSize * kernelSize
        let transposed = FloatBuffer(count: rows * inChannels)
        transpose(weight.pointer, rows: inChannels, columns: rows, into: transposed.pointer)
        transposedWeight = transposed
        winograd = nil
        innermostTaps = nil
    }

    private init(_ layer: ConvTranspose2d, transposedWeight: FloatBuffer?, winograd: WinogradUpConvolution?,
                 innermostTaps: FloatBuffer?) {
        inChannels = layer.inChannels
        outChannels = layer.outChannels
        kernelSize = layer.kernelSize
        stride = layer.stride
        padding = layer.padding
        outputPadding = layer.outputPadding
        bias = layer.bias
        self.transposedWeight = transposedWeight
        self.winograd = winograd
        self.innermostTaps = innermostTaps
    }

    /// This layer with `innermostTaps` as well (4×4, stride 2, padding 1 only; +¼ of the weights).
    func withInnermostTaps() -> ConvTranspose2d {
        guard supportsWinograd, innermostTaps == nil, let transposedWeight else { return self }
        let taps = FloatBuffer(count: 4 * outChannels * inChannels)
        for o in 0..<outChannels {
            for oy in 0..<2 {
                for ox in 0..<2 {
                    let row = transposedWeight.pointer + ((o * 4 + 1 + oy) * 4 + 1 + ox) * inChannels
                    (taps.pointer + ((o * 2 + oy) * 2 + ox) * inChannels).update(from: row, count: inChannels)
                }
            }
        }
        return ConvTranspose2d(self, transposedWeight: transposedWeight, winograd: winograd, innermostTaps: taps)
    }

    /// Whether `usingWinograd(tile:)` applies: the UNet's 4×4, stride-2, padding-1 shape.
    var supportsWinograd: Bool { kernelSize == 4 && stride == 2 && padding == 1 && outputPadding == 0 }

    /// The same layer computed by Winograd F(m×m, 2×2) (`tile` = m: 2 or 4); the
    /// transformed weights replace the plain ones ((m + 1)²/4 times their size, plus the
    /// edge kernels, half of it).
    func usingWinograd(tile: Int) -> ConvTranspose2d {
        guard supportsWinograd, winograd == nil, let transposedWeight else { return self }
        let fast = WinogradUpConvolution(tile: tile, transposedWeight: transposedWeight.pointer,
                                         outChannels: outChannels, inChannels: inChannels)
        return ConvTranspose2d(self, transposedWeight: nil, winograd: fast, innermostTaps: nil)
    }

    /// `usingWinograd` with the tile `Winograd.tile` picks for an input side of `side`, or
    /// this layer when the direct method is faster.
    func usingWinogradIfItPays(side: Int, allowed: Bool = true) -> ConvTranspose2d {
        guard allowed, supportsWinograd, let tile = Winograd.tile(inChannels: inChannels, outChannels: outChannels, side: side) else {
            return self
        }
        return usingWinograd(tile: tile)
    }

    /// How the layer runs, for profiles: "winograd 4", "winograd 2" or "gemm+col2im".
    var methodName: String { winograd.map { "winograd \($0.tile)" } ?? "gemm+col2im" }

    var parameterCount: Int { inChannels * outChannels * kernelSize * kernelSize + (bias == nil ? 0 : outChannels) }

    func outputSize(height: Int, width: Int) -> (height: Int, width: Int) {
        ((height - 1) * stride - 2 * padding + kernelSize + outputPadding,
         (width - 1) * stride - 2 * padding + kernelSize + outputPadding)
    }

    func multiplyAdds(height: Int, width: Int) -> Double {
        Double(inChannels * outChannels * kernelSize * kernelSize) * Double(height * width)
    }

    /// `y[O, Ho, Wo]` = the transposed convolution of `x[I, H, W]`, without the bias.
    func forward(_ x: UnsafePointer<Float>, height: Int, width: Int, into y: UnsafeMutablePointer<Float>,
                 workspace: Workspace, loop: ParallelLoop) {
        if let innermostTaps, height == 1, width == 1 {
            BLAS.gemm(m: 4 * outChannels, n: 1, k: inChannels, a: innermostTaps.pointer, lda: inChannels,
                      b: x, ldb: 1, c: y, ldc: 1, loop: loop)
            return
        }
        if let winograd {
            winograd.forward(x, height: height, width: width, into: y, workspace: workspace, loop: loop)
            return
        }
        let transposedWeight = transposedWeight!
        let taps = kernelSize * kernelSize
        let plane = height * width
        // About 1024 GEMM rows per thread and band: OpenBLAS packs the weight panel of each
        // call, and panels of that size stay in cache (measured ~20% faster on the
        // weight-heavy layers), as does the band's column matrix for the fold that follows.
        let channelsPerBand = max(1, min(outChannels, loop.threads * 1024 / taps,
                                         workspace.columnBudget / max(1, taps * plane)))
        let columns = workspace.buffer(.columns, count: channelsPerBand * taps * plane)
        var first = 0
        while first < outChannels {
            let count = min(channelsPerBand, outChannels - first)
            BLAS.gemm(m: count * taps, n: plane, k: inChannels,
                      a: transposedWeight.pointer + first * taps * inChannels, lda: inChannels,
                      b: x, ldb: plane, c: columns, ldc: plane, loop: loop)
            fold(columns, channels: first..<(first + count), height: height, width: width, into: y, loop: loop)
            first += count
        }
    }

    /// col2im: output pixel (o, oy, ox) sums `columns[(o − first)·k·k + ky·k + kx][iy·W + ix]`
    /// over the taps with `oy = iy·s − p + ky` and `ox = ix·s − p + kx`.
    func fold(_ columns: UnsafePointer<Float>, channels: Range<Int>, height: Int, width: Int,
              into y: UnsafeMutablePointer<Float>, loop: ParallelLoop) {
        let (outHeight, outWidth) = outputSize(height: height, width: width)
        let (k, s, p) = (kernelSize, stride, padding)
        let plane = height * width
        let upsampling = k == 4 && s == 2 && p == 1 && outWidth == 2 * width
        loop.forEach(channels.count * outHeight, itemCost: 2 * k * outWidth) { rows in
            for row in rows {
                let o = row / outHeight
                let oy = row % outHeight
                let output = y + ((channels.lowerBound + o) * outHeight + oy) * outWidth
                // The kernel row ky reaches this output row from input row (oy + p − ky)/s.
                func taps(_ ky: Int) -> UnsafePointer<Float>? {
                    let t = oy + p - ky
                    guard t >= 0, t % s == 0, t / s < height else { return nil }
                    return columns + (o * k + ky) * k * plane + (t / s) * width
                }
                if upsampling {
                    // Rows of one parity meet kernel rows 1 and 3 (even) or 0 and 2 (odd).
                    let first = (oy + 1) % 2
                    if let a = taps(first), let b = taps(first + 2) {
                        Self.foldUpsamplingRow(a, b, plane: plane, width: width, into: output)
                        continue
                    }
                }
                output.update(repeating: 0, count: outWidth)
                for ky in 0..<k {
                    guard let kernelRow = taps(ky) else { continue }
                    for kx in 0..<k {
                        let source = kernelRow + kx * plane
                        // Input columns that land inside the output row: ix·s − p + kx ∈ [0, Wo).
                        let firstIx = max(0, (p - kx + s - 1) / s)
                        let endIx = min(width, floorDivide(outWidth - 1 + p - kx, s) + 1)
                        guard firstIx < endIx else { continue }
                        var ox = firstIx * s - p + kx
                        for ix in firstIx..<endIx {
                            output[ox] += source[ix]
                            ox += s
                        }
                    }
                }
            }
        }
    }

    /// One output row of the UNet's up-sampling (k = 4, s = 2, p = 1), which two kernel rows
    /// `a` and `b` reach: with `cj` the column row of tap kx = j,
    /// `out[2m] = c1[m] + c3[m − 1]` and `out[2m + 1] = c2[m] + c0[m + 1]`, summed over both.
    /// Written once, four pairs at a time.
    @inline(__always)
    private static func foldUpsamplingRow(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, plane: Int, width: Int,
                                          into output: UnsafeMutablePointer<Float>) {
        let (a0, a1, a2, a3) = (a, a + plane, a + 2 * plane, a + 3 * plane)
        let (b0, b1, b2, b3) = (b, b + plane, b + 2 * plane, b + 3 * plane)
        @inline(__always) func even(_ m: Int) -> Float {
            a1[m] + b1[m] + (m > 0 ? a3[m - 1] + b3[m - 1] : 0)
        }
        @inline(__always) func odd(_ m: Int) -> Float {
            a2[m] + b2[m] + (m + 1 < width ? a0[m + 1] + b0[m + 1] : 0)
        }
        output[0] = even(0)
        output[1] = odd(0)
        var m = 1
        while m + 4 < width {
            let e = load4(a1 + m) + load4(b1 + m) + load4(a3 + m - 1) + load4(b3 + m - 1)
            let o = load4(a2 + m) + load4(b2 + m) + load4(a0 + m + 1) + load4(b0 + m + 1)
            let low = SIMD4(e[0], o[0], e[1], o[1])
            let high = SIMD4(e[2], o[2], e[3], o[3])
            store4(low, output + 2 * m)
            store4(high, output + 2 * m + 4)
            m += 4
        }
        while m < width {
            output[2 * m] = even(m)
            output[2 * m + 1] = odd(m)
            m += 1
        }
    }
}

/// `b[j·rows + i] = a[i·columns + j]`: 4×4 tiles moved through vector registers, within
/// 32×32 blocks so the source rows stay in the L1 cache.
func transpose(_ a: UnsafePointer<Float>, rows: Int, columns: Int, into b: UnsafeMutablePointer<Float>) {
    let block = 32
    for i0 in stride(from: 0, to: rows, by: block) {
        let i1 = min(rows, i0 + block)
        for j0 in stride(from: 0, to: columns, by: block) {
            let j1 = min(columns, j0 + block)
            var i = i0
            while i + 4 <= i1 {
                var j = j0
                while j + 4 <= j1 {
                    let r0 = load4(a + i * columns + j), r1 = load4(a + (i + 1) * columns + j)
                    let r2 = load4(a + (i + 2) * columns + j), r3 = load4(a + (i + 3) * columns + j)
                    store4(SIMD4(r0[0], r1[0], r2[0], r3[0]), b + j * rows + i)
                    store4(SIMD4(r0[1], r1[1], r2[1], r3[1]), b + (j + 1) * rows + i)
                    store4(SIMD4(r0[2], r1[2], r2[2], r3[2]), b + (j + 2) * rows + i)
                    store4(SIMD4(r0[3], r1[3], r2[3], r3[3]), b + (j + 3) * rows + i)
                    j += 4
                }
                for jj in j..<j1 {
                    for ii in i..<(i + 4) { b[jj * rows + ii] = a[ii * columns + jj] }
                }
                i += 4
            }
            for ii in i..<i1 {
                for jj in j0..<j1 { b[jj * rows + ii] = a[ii * columns + jj] }
            }
        }
    }
}

@inline(__always)
private func load4(_ p: UnsafePointer<Float>) -> SIMD4<Float> {
    UnsafeRawPointer(p).loadUnaligned(as: SIMD4<Float>.self)
}

@inline(__always)
private func store4(_ value: SIMD4<Float>, _ p: UnsafeMutablePointer<Float>) {
    UnsafeMutableRawPointer(p).storeBytes(of: value, as: SIMD4<Float>.self)
}
