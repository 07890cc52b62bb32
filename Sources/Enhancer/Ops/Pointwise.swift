/// `ReLU`: max(x, 0), elementwise.
public struct ReLU: Sendable {
    public init() {}

    public func callAsFunction(_ x: Tensor) -> Tensor {
        var y = x
        y.values.withUnsafeMutableBufferPointer { values in
            for i in values.indices { let v = values[i]; values[i] = v > 0 ? v : 0 }
        }
        return y
    }
}

/// `MaxPool2d(kernel, stride)` without padding (floor mode), as AlexNet's feature stack uses it:
/// output `[C, (H − k)/s + 1, (W − k)/s + 1]`, each the largest value of its window.
public struct MaxPool2d: Sendable {
    public let kernelSize: Int
    public let stride: Int

    public init(kernelSize: Int, stride: Int) {
        precondition(kernelSize >= 1 && stride >= 1, "MaxPool2d needs kernel and stride ≥ 1")
        self.kernelSize = kernelSize
        self.stride = stride
    }

    public func callAsFunction(_ x: Tensor) -> Tensor {
        precondition(x.height >= kernelSize && x.width >= kernelSize, "MaxPool2d input smaller than its window")
        let outHeight = (x.height - kernelSize) / stride + 1
        let outWidth = (x.width - kernelSize) / stride + 1
        var y = Tensor(channels: x.channels, height: outHeight, width: outWidth)
        x.values.withUnsafeBufferPointer { input in
            y.values.withUnsafeMutableBufferPointer { output in
                for c in 0..<x.channels {
                    for oy in 0..<outHeight {
                        for ox in 0..<outWidth {
                            var best = -Float.infinity
                            for ky in 0..<kernelSize {
                                let row = (c * x.height + oy * stride + ky) * x.width + ox * stride
                                for kx in 0..<kernelSize where input[row + kx] > best || input[row + kx].isNaN {
                                    best = input[row + kx]
                                }
                            }
                            output[(c * outHeight + oy) * outWidth + ox] = best
                        }
                    }
                }
            }
        }
        return y
    }
}
