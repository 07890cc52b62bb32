/// A transposed 2-D convolution, PyTorch's `ConvTranspose2d` (groups 1, dilation 1), on a
/// batch-1 tensor `[I, H, W]` → `[O, Ho, Wo]` with `Ho = (H − 1)·s − 2p + k + output_padding`.
///
/// It runs as one SGEMM and a col2im: `columns[O·k·k, H·W] = Wᵀ · x`, where PyTorch's
/// weight `[I, O, k, k]` is read as `[I, O·k·k]` and transposed inside the GEMM, then
/// every output pixel gathers the column entries that land on it. The gather writes each
/// output row once, so rows split over threads without locks. Large layers go a band of
/// output channels at a time to bound the column matrix.
struct ConvTranspose2d: Sendable {
    let inChannels: Int
    let outChannels: Int
    let kernelSize: Int
    let stride: Int
    let padding: Int
    let outputPadding: Int
    /// `[I, O, k, k]` row-major.
    let weight: FloatBuffer
    /// `[O]` or nil.
    let bias: FloatBuffer?

    init(weight: FloatBuffer, shape: [Int], bias: FloatBuffer?, stride: Int, padding: Int, outputPadding: Int = 0) {
        precondition(shape.count == 4 && shape[2] == shape[3], "ConvTranspose2d weight must be [I, O, k, k]")
        inChannels = shape[0]
        outChannels = shape[1]
        kernelSize = shape[2]
        self.stride = stride
        self.padding = padding
        self.outputPadding = outputPadding
        self.weight = weight
        self.bias = bias
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
            // Columns of Wᵀ for output channels first..<first+count are the weight's columns from first·k·k on.
            BLAS.gemm(m: count * taps, n: plane, k: inChannels,
                      a: weight.pointer + first * taps, lda: outChannels * taps, transposeA: true,
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
        loop.forEach(channels.count * outHeight, grain: 8) { rows in
            for row in rows {
                let o = row / outHeight
                let oy = row % outHeight
                let output = y + ((channels.lowerBound + o) * outHeight + oy) * outWidth
                output.update(repeating: 0, count: outWidth)
                for ky in 0..<k {
                    let t = oy + p - ky
                    guard t >= 0, t % s == 0, t / s < height else { continue }
                    let iy = t / s
                    for kx in 0..<k {
                        let source = columns + ((o * k + ky) * k + kx) * plane + iy * width
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
}
