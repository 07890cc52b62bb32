/// A 2-D convolution, PyTorch's `Conv2d` (groups 1, dilation 1), on a batch-1 tensor
/// `[C, H, W]` (see `Tensor`).
///
/// It runs as im2col + one SGEMM: the input windows are unfolded into a matrix
/// `columns[I·kh·kw, Ho·Wo]` (row `(c·kh + ky)·kw + kx`, column `oy·Wo + ox`), and PyTorch's
/// weight `[O, I, kh, kw]` is already, row-major, the GEMM's left matrix `[O, I·kh·kw]`,
/// so the weights need no rearranging. Large layers are unfolded a band of output rows at
/// a time to bound the column matrix. Padding is zeros (PyTorch's default) or reflection
/// (`ReflectionPad2d(p)` followed by an unpadded convolution, as in the ResNet generator).
/// The generators' 4×4 stride-2 layers may run by Winograd instead (see `Winograd`).
///
/// Any stride and zero padding work, e.g. AlexNet's first layer (11×11, stride 4, padding 2).
/// A layer holds no mutable state: one value can run on several threads at once.
public struct Conv2d: Sendable {
    public enum PaddingMode: Sendable, Equatable {
        case zeros
        case reflect
    }

    public let inChannels: Int
    public let outChannels: Int
    public let kernelHeight: Int
    public let kernelWidth: Int
    public let stride: Int
    public let padding: Int
    public let paddingMode: PaddingMode
    /// `[O, I, kh, kw]` row-major; nil once the layer runs by `winograd`.
    let weight: FloatBuffer?
    /// `[O]`, or nil for a convolution without bias.
    let bias: FloatBuffer?
    /// For 4×4, stride-2, padding-1 layers: the same convolution by Winograd F(m×m, 2×2).
    let winograd: Winograd?
    /// For a 2×2 input (the UNet's innermost down convolution at the native size, output
    /// 1×1), the only taps that meet the input, (ky, kx) = (1 + iy, 1 + ix): `[O × I·4]`,
    /// column `4c + 2·iy + ix`, which is the input's own layout, so the layer is one
    /// matrix-vector product that reads a quarter of the weights.
    let innermostTaps: FloatBuffer?

    /// A convolution from PyTorch tensors: `weight` of `shape` `[O, I, kh, kw]`, row-major,
    /// and `bias` of `O` values (or nil).
    public init(weight: [Float], shape: [Int], bias: [Float]?, stride: Int = 1, padding: Int = 0,
                paddingMode: PaddingMode = .zeros) {
        precondition(shape.count == 4 && shape.allSatisfy { $0 > 0 }, "Conv2d weight shape must be [O, I, kh, kw]")
        precondition(weight.count == shape.reduce(1, *), "Conv2d weight does not match its shape \(shape)")
        precondition(bias == nil || bias!.count == shape[0], "Conv2d bias needs \(shape[0]) values")
        self.init(weight: FloatBuffer(weight), shape: shape, bias: bias.map { FloatBuffer($0) },
                  stride: stride, padding: padding, paddingMode: paddingMode)
    }

    init(weight: FloatBuffer?, shape: [Int], bias: FloatBuffer?, stride: Int, padding: Int, paddingMode: PaddingMode,
         winograd: Winograd? = nil, innermostTaps: FloatBuffer? = nil) {
        precondition(stride >= 1 && padding >= 0, "Conv2d needs stride ≥ 1 and padding ≥ 0")
        precondition(weight != nil || winograd != nil, "Conv2d needs weights")
        outChannels = shape[0]
        inChannels = shape[1]
        kernelHeight = shape[2]
        kernelWidth = shape[3]
        self.stride = stride
        self.padding = padding
        self.paddingMode = paddingMode
        self.weight = weight
        self.bias = bias
        self.winograd = winograd
        self.innermostTaps = innermostTaps
    }

    /// Whether `usingWinograd(tile:)` applies: the UNet's 4×4, stride-2, zero-padding-1 shape.
    var supportsWinograd: Bool {
        kernelHeight == 4 && kernelWidth == 4 && stride == 2 && padding == 1 && paddingMode == .zeros
    }

    /// The same layer computed by Winograd F(m×m, 2×2) (`tile` = m: 2 or 4); the transformed
    /// weights replace the plain ones ((m + 1)²/4 times their size: 2.25× for m = 2, 6.25× for m = 4).
    func usingWinograd(tile: Int) -> Conv2d {
        guard supportsWinograd, winograd == nil, let weight else { return self }
        let fast = Winograd(tile: tile, downConvolution: weight.pointer, outChannels: outChannels, inChannels: inChannels)
        return Conv2d(weight: nil, shape: [outChannels, inChannels, 4, 4], bias: bias, stride: 2, padding: 1,
                      paddingMode: .zeros, winograd: fast)
    }

    /// This layer with `innermostTaps` as well (4×4, stride 2, zero padding 1 only; +¼ of the weights).
    func withInnermostTaps() -> Conv2d {
        guard supportsWinograd, innermostTaps == nil, let weight else { return self }
        let taps = FloatBuffer(count: outChannels * inChannels * 4)
        for o in 0..<outChannels {
            for c in 0..<inChannels {
                for tap in 0..<4 {
                    let (ky, kx) = (1 + tap / 2, 1 + tap % 2)
                    taps.pointer[(o * inChannels + c) * 4 + tap] = weight.pointer[((o * inChannels + c) * 4 + ky) * 4 + kx]
                }
            }
        }
        return Conv2d(weight: weight, shape: [outChannels, inChannels, 4, 4], bias: bias, stride: 2, padding: 1,
                      paddingMode: .zeros, winograd: winograd, innermostTaps: taps)
    }

    /// `usingWinograd` with the tile `Winograd.tile` picks for an output side of `side`, or
    /// this layer when the direct method is faster.
    func usingWinogradIfItPays(side: Int, allowed: Bool = true) -> Conv2d {
        guard allowed, supportsWinograd, let tile = Winograd.tile(inChannels: inChannels, outChannels: outChannels, side: side) else {
            return self
        }
        return usingWinograd(tile: tile)
    }

    /// How the layer runs, for profiles: "winograd 4", "winograd 2" or "im2col+gemm".
    var methodName: String { winograd.map { "winograd \($0.tile)" } ?? "im2col+gemm" }

    /// Rows of the unfolded matrix: one per weight of an output channel.
    var reductionLength: Int { inChannels * kernelHeight * kernelWidth }

    public var parameterCount: Int { outChannels * reductionLength + (bias == nil ? 0 : outChannels) }

    /// Output height and width for an input of `height × width` (PyTorch's formula, floor).
    public func outputSize(height: Int, width: Int) -> (height: Int, width: Int) {
        ((height + 2 * padding - kernelHeight) / stride + 1, (width + 2 * padding - kernelWidth) / stride + 1)
    }

    /// Multiply-adds for one input of `height × width`.
    func multiplyAdds(height: Int, width: Int) -> Double {
        let (outHeight, outWidth) = outputSize(height: height, width: width)
        return Double(outChannels * reductionLength) * Double(outHeight * outWidth)
    }

    /// The convolution of `x`, bias included.
    ///
    /// `threads` is how many threads the call uses (nil: all cores); 1 suits many calls
    /// running in parallel.
    public func callAsFunction(_ x: Tensor, threads: Int? = nil) -> Tensor {
        callAsFunction(x, loop: ParallelLoop(threads: threads ?? ParallelLoop.defaultThreads))
    }

    func callAsFunction(_ x: Tensor, loop: ParallelLoop) -> Tensor {
        precondition(x.channels == inChannels, "Conv2d expects \(inChannels) channels, got \(x.channels)")
        let (outHeight, outWidth) = outputSize(height: x.height, width: x.width)
        precondition(outHeight > 0 && outWidth > 0, "the input \(x.height)×\(x.width) is smaller than the kernel")
        if paddingMode == .reflect {
            precondition(padding < x.height && padding < x.width, "reflection padding \(padding) needs a larger input")
        }
        var y = Tensor(channels: outChannels, height: outHeight, width: outWidth)
        x.values.withUnsafeBufferPointer { input in
            y.values.withUnsafeMutableBufferPointer { output in
                forward(input.baseAddress!, height: x.height, width: x.width, into: output.baseAddress!,
                        workspace: Workspace(), loop: loop)
                if let bias {
                    applyBias(bias.pointer, activation: .identity, to: output.baseAddress!, channels: outChannels,
                              planeSize: outHeight * outWidth, loop: loop)
                }
            }
        }
        return y
    }

    /// `y[O, Ho, Wo] = W ∗ x[I, H, W]` without the bias (the caller adds it, fused with
    /// whatever follows, or drops it before an instance norm, which cancels it).
    func forward(_ x: UnsafePointer<Float>, height: Int, width: Int, into y: UnsafeMutablePointer<Float>,
                 workspace: Workspace, loop: ParallelLoop) {
        let (outHeight, outWidth) = outputSize(height: height, width: width)
        let outPlane = outHeight * outWidth
        if let innermostTaps, height == 2, width == 2 {
            BLAS.gemm(m: outChannels, n: 1, k: 4 * inChannels, a: innermostTaps.pointer, lda: 4 * inChannels,
                      b: x, ldb: 1, c: y, ldc: 1, loop: loop)
            return
        }
        if let winograd {
            winograd.downConvolution(x, height: height, width: width, into: y, workspace: workspace, loop: loop)
            return
        }
        let weight = weight!
        if kernelHeight == 1, kernelWidth == 1, stride == 1, padding == 0 {
            // A 1×1 convolution is the product itself: the input planes are the columns.
            BLAS.gemm(m: outChannels, n: outPlane, k: inChannels, a: weight.pointer, lda: inChannels,
                      b: x, ldb: outPlane, c: y, ldc: outPlane, loop: loop)
            return
        }
        let rowsPerBand = max(1, min(outHeight, workspace.columnBudget / max(1, reductionLength * outWidth)))
        let columns = workspace.buffer(.columns, count: reductionLength * rowsPerBand * outWidth)
        var firstRow = 0
        while firstRow < outHeight {
            let rows = min(rowsPerBand, outHeight - firstRow)
            unfold(x, height: height, width: width, outputRows: firstRow..<(firstRow + rows),
                   outWidth: outWidth, into: columns, loop: loop)
            BLAS.gemm(m: outChannels, n: rows * outWidth, k: reductionLength, a: weight.pointer, lda: reductionLength,
                      b: columns, ldb: rows * outWidth, c: y + firstRow * outWidth, ldc: outPlane, loop: loop)
            firstRow += rows
        }
    }

    /// im2col for a band of output rows: `columns[(c·kh + ky)·kw + kx][(oy − first)·Wo + ox]`
    /// `= x[c, oy·s − p + ky, ox·s − p + kx]`, zero or mirrored where that falls outside.
    ///
    /// With stride s, each input row is first split into its s column phases
    /// (`phase[q][j] = row[j·s + q]`), so every column row becomes a contiguous copy.
    func unfold(_ x: UnsafePointer<Float>, height: Int, width: Int, outputRows: Range<Int>, outWidth: Int,
                into columns: UnsafeMutablePointer<Float>, loop: ParallelLoop) {
        let bandSize = outputRows.count * outWidth
        let (kh, kw, s, p) = (kernelHeight, kernelWidth, stride, padding)
        let reflect = paddingMode == .reflect
        let phaseLength = (width + s - 1) / s
        loop.forEach(inChannels * kh, itemCost: kw * bandSize + outputRows.count * width) { items in
            let phases = UnsafeMutablePointer<Float>.allocate(capacity: s * phaseLength)
            defer { phases.deallocate() }
            for item in items {
                let c = item / kh
                let ky = item % kh
                let channel = x + c * height * width
                let rowBase = columns + (c * kh + ky) * kw * bandSize
                for oy in outputRows {
                    let offsetInBand = (oy - outputRows.lowerBound) * outWidth
                    var iy = oy * s - p + ky
                    if iy < 0 || iy >= height {
                        guard reflect else {
                            for kx in 0..<kw { (rowBase + kx * bandSize + offsetInBand).update(repeating: 0, count: outWidth) }
                            continue
                        }
                        iy = mirror(iy, height)
                    }
                    let source = channel + iy * width
                    if s > 1 { splitPhases(source, width: width, stride: s, into: phases, phaseLength: phaseLength) }
                    for kx in 0..<kw {
                        let destination = rowBase + kx * bandSize + offsetInBand
                        // ix = ox·s − p + kx = (ox + shift)·s + q, read from phase q at ox + shift.
                        let shift = floorDivide(kx - p, s)
                        let q = kx - p - shift * s
                        let phase = s > 1 ? UnsafePointer(phases + q * phaseLength) : source + q
                        let phaseCount = (width - q + s - 1) / s
                        let firstInside = min(outWidth, max(0, -shift))
                        let endInside = max(firstInside, min(outWidth, phaseCount - shift))
                        for ox in 0..<firstInside {
                            destination[ox] = reflect ? source[mirror(ox * s - p + kx, width)] : 0
                        }
                        (destination + firstInside).update(from: phase + firstInside + shift,
                                                           count: endInside - firstInside)
                        for ox in endInside..<outWidth {
                            destination[ox] = reflect ? source[mirror(ox * s - p + kx, width)] : 0
                        }
                    }
                }
            }
        }
    }
}

/// `phases[q·phaseLength + j] = row[j·s + q]`: a row split into its s column phases.
@inline(__always)
func splitPhases(_ row: UnsafePointer<Float>, width: Int, stride s: Int, into phases: UnsafeMutablePointer<Float>,
                 phaseLength: Int) {
    if s == 2 {
        let (even, odd) = (phases, phases + phaseLength)
        for j in 0..<(width / 2) {
            even[j] = row[2 * j]
            odd[j] = row[2 * j + 1]
        }
        if width % 2 == 1 { even[width / 2] = row[width - 1] }
        return
    }
    for q in 0..<min(s, width) {
        let phase = phases + q * phaseLength
        var j = 0
        var index = q
        while index < width {
            phase[j] = row[index]
            j += 1
            index += s
        }
    }
}

/// ⌊a / b⌋ for b > 0 (Swift's `/` truncates towards zero, which is wrong for negative a).
@inline(__always)
func floorDivide(_ a: Int, _ b: Int) -> Int {
    a >= 0 ? a / b : -((-a + b - 1) / b)
}

/// PyTorch's reflection of an index one step outside `0..<count` (the edge is not repeated).
@inline(__always)
func mirror(_ index: Int, _ count: Int) -> Int {
    var i = index
    if i < 0 { i = -i }
    if i >= count { i = 2 * (count - 1) - i }
    return i
}
