/// A transposed 2-D convolution, PyTorch's `ConvTranspose2d` (groups 1, dilation 1), on a
/// batch-1 tensor `[I, H, W]` → `[O, Ho, Wo]` with `Ho = (H − 1)·s − 2p + k + output_padding`.
///
/// It runs as one SGEMM and a col2im: `columns[O·k·k, H·W] = Wᵀ · x`, then every output
/// pixel gathers the column entries that land on it. PyTorch's weight `[I, O, k, k]` is
/// transposed once, at load, to `Wᵀ [O·k·k, I]`, the GEMM's left matrix as it wants it.
/// The gather writes each output row once, so rows split over threads without locks.
/// Large layers go a band of output channels at a time to bound the column matrix.
struct ConvTranspose2d: Sendable {
    let inChannels: Int
    let outChannels: Int
    let kernelSize: Int
    let stride: Int
    let padding: Int
    let outputPadding: Int
    /// `Wᵀ [O·k·k, I]` row-major: row `(o·k + ky)·k + kx`, column `i`.
    let transposedWeight: FloatBuffer
    /// `[O]` or nil.
    let bias: FloatBuffer?

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
        for i in 0..<inChannels {
            for row in 0..<rows { transposed.pointer[row * inChannels + i] = weight.pointer[i * rows + row] }
        }
        transposedWeight = transposed
    }

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
        let taps = kernelSize * kernelSize
        let plane = height * width
        let channelsPerBand = max(1, min(outChannels, workspace.columnBudget / max(1, taps * plane)))
        let columns = workspace.buffer(.columns, count: channelsPerBand * taps * plane)
        var first = 0
        while first < outChannels {
            let count = min(channelsPerBand, outChannels - first)
            BLAS.gemm(m: count * taps, n: plane, k: inChannels,
                      a: transposedWeight.pointer + first * taps * inChannels, lda: inChannels,
                      b: x, ldb: plane, c: columns, ldc: plane)
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
        let evenSplit = k == 2 * s && s == 2 && p == 1 && outWidth == 2 * width
        loop.forEach(channels.count * outHeight, grain: 8) { rows in
            for row in rows {
                let o = row / outHeight
                let oy = row % outHeight
                let output = y + ((channels.lowerBound + o) * outHeight + oy) * outWidth
                var first = true
                for ky in 0..<k {
                    let t = oy + p - ky
                    guard t >= 0, t % s == 0, t / s < height else { continue }
                    let taps = columns + (o * k + ky) * k * plane + (t / s) * width
                    if evenSplit {
                        Self.foldRowStride2Kernel4(taps, plane: plane, width: width, into: output, accumulate: !first)
                    } else {
                        if first { output.update(repeating: 0, count: outWidth) }
                        for kx in 0..<k {
                            let source = taps + kx * plane
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
                    first = false
                }
                if first { output.update(repeating: 0, count: outWidth) }
            }
        }
    }

    /// One kernel row's contribution for k = 4, s = 2, p = 1 (the UNet's up-sampling):
    /// `out[2m] += c1[m] + c3[m − 1]` and `out[2m + 1] += c2[m] + c0[m + 1]`, where `cj` is the
    /// column row of tap kx = j. Each output is written once per kernel row, no zeroing.
    @inline(__always)
    private static func foldRowStride2Kernel4(_ taps: UnsafePointer<Float>, plane: Int, width: Int,
                                              into output: UnsafeMutablePointer<Float>, accumulate: Bool) {
        let (c0, c1, c2, c3) = (taps, taps + plane, taps + 2 * plane, taps + 3 * plane)
        let last = width - 1
        if accumulate {
            output[0] += c1[0]
            output[1] += c2[0] + (last > 0 ? c0[1] : 0)
            if last > 0 {
                for m in 1..<last {
                    output[2 * m] += c1[m] + c3[m - 1]
                    output[2 * m + 1] += c2[m] + c0[m + 1]
                }
                output[2 * last] += c1[last] + c3[last - 1]
                output[2 * last + 1] += c2[last]
            }
        } else {
            output[0] = c1[0]
            output[1] = c2[0] + (last > 0 ? c0[1] : 0)
            if last > 0 {
                for m in 1..<last {
                    output[2 * m] = c1[m] + c3[m - 1]
                    output[2 * m + 1] = c2[m] + c0[m + 1]
                }
                output[2 * last] = c1[last] + c3[last - 1]
                output[2 * last + 1] = c2[last]
            }
        }
    }
}
