import Foundation

/// What follows a normalisation or a bias: applied in the same pass over the data.
enum Activation: Sendable, Equatable {
    case identity
    case relu
    /// LeakyReLU with the given negative slope (pix2pix uses 0.2).
    case leakyReLU(Float)
    case tanh

    @inline(__always)
    func callAsFunction(_ v: Float) -> Float {
        switch self {
        case .identity: return v
        case .relu: return v > 0 ? v : 0
        case let .leakyReLU(slope): return v > 0 ? v : v * slope
        case .tanh: return Foundation.tanh(v)
        }
    }
}

/// Instance normalisation fused with the activation after it, on `[C, H·W]` planes:
/// `y = act((x − mean) / sqrt(var + eps)) (+ residual)`, per channel, with the biased
/// variance and no affine parameters — PyTorch's `InstanceNorm2d` default, which uses the
/// image's own statistics at inference too. `x` and `y` may be the same buffer.
///
/// A bias added just before this is cancelled by the mean subtraction, which is why the
/// convolutions feeding it skip theirs.
func instanceNorm(_ x: UnsafePointer<Float>, channels: Int, planeSize: Int, into y: UnsafeMutablePointer<Float>,
                  activation: Activation, residual: UnsafePointer<Float>? = nil, epsilon: Float = 1e-5,
                  loop: ParallelLoop) {
    loop.forEach(channels, itemCost: 3 * planeSize) { range in
        for c in range {
            let source = x + c * planeSize
            let mean = Float(sum(source, planeSize, shift: 0, squared: false) / Double(planeSize))
            let variance = sum(source, planeSize, shift: mean, squared: true) / Double(planeSize)
            let scale = Float(1 / (variance + Double(epsilon)).squareRoot())
            let destination = y + c * planeSize
            let shift = -mean * scale
            if let residual {
                let skip = residual + c * planeSize
                for i in 0..<planeSize { destination[i] = skip[i] + activation(source[i] * scale + shift) }
            } else {
                switch activation {
                case .relu:
                    for i in 0..<planeSize { let v = source[i] * scale + shift; destination[i] = v > 0 ? v : 0 }
                case let .leakyReLU(slope):
                    for i in 0..<planeSize { let v = source[i] * scale + shift; destination[i] = v > 0 ? v : v * slope }
                default:
                    for i in 0..<planeSize { destination[i] = activation(source[i] * scale + shift) }
                }
            }
        }
    }
}

/// Σ(x − shift) or Σ(x − shift)² over `count` floats: 16 float lanes over blocks of 1024,
/// each block's total added in double, so long planes keep float's rounding out of the sum.
@inline(__always)
private func sum(_ x: UnsafePointer<Float>, _ count: Int, shift: Float, squared: Bool) -> Double {
    let raw = UnsafeRawPointer(x)
    var total: Double = 0
    var start = 0
    let shiftVector = SIMD16<Float>(repeating: shift)
    while start < count {
        let end = min(count, start + 1024)
        var lanes = SIMD16<Float>()
        var i = start
        while i + 16 <= end {
            let v = raw.loadUnaligned(fromByteOffset: i * 4, as: SIMD16<Float>.self) - shiftVector
            lanes += squared ? v * v : v
            i += 16
        }
        var block = lanes.sum()
        while i < end {
            let v = x[i] - shift
            block += squared ? v * v : v
            i += 1
        }
        total += Double(block)
        start = end
    }
    return total
}

/// `x[c, ·] = act(x[c, ·] + bias[c])` over `[C, planeSize]`, in place.
func applyBias(_ bias: UnsafePointer<Float>?, activation: Activation, to x: UnsafeMutablePointer<Float>,
               channels: Int, planeSize: Int, loop: ParallelLoop) {
    let rowsPerChannel = max(1, planeSize / 4096)
    // Split channels into row chunks so even a single output channel spreads over the threads.
    let chunkSize = (planeSize + rowsPerChannel - 1) / rowsPerChannel
    loop.forEach(channels * rowsPerChannel, itemCost: chunkSize) { range in
        for item in range {
            let c = item / rowsPerChannel
            let start = (item % rowsPerChannel) * chunkSize
            let end = min(planeSize, start + chunkSize)
            guard start < end else { continue }
            let b = bias?[c] ?? 0
            let row = x + c * planeSize
            switch activation {
            case .identity: for i in start..<end { row[i] += b }
            case .relu: for i in start..<end { let v = row[i] + b; row[i] = v > 0 ? v : 0 }
            case let .leakyReLU(slope): for i in start..<end { let v = row[i] + b; row[i] = v > 0 ? v : v * slope }
            case .tanh:
                if b != 0 { for i in start..<end { row[i] += b } }
                tanhInPlace(row + start, count: end - start)
            }
        }
    }
}

/// `x = max(x, 0)` over `count` floats, in place.
func reluInPlace(_ x: UnsafeMutablePointer<Float>, count: Int, loop: ParallelLoop) {
    loop.forEach(count, itemCost: 1) { range in
        for i in range { let v = x[i]; x[i] = v > 0 ? v : 0 }
    }
}
