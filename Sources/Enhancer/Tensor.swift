/// A batch-1 activation in PyTorch's NCHW order with N = 1: `channels × height × width`
/// floats, channel planes one after the other, each plane row-major (top row first).
/// Element (c, y, x) is at `values[(c * height + y) * width + x]`.
///
/// This is the convenient value type of the public layer API (`Conv2d`, `ReLU`); the
/// generators themselves run on preallocated buffers of the same layout.
public struct Tensor: Equatable, Sendable {
    public let channels: Int
    public let height: Int
    public let width: Int
    public var values: [Float]

    public init(channels: Int, height: Int, width: Int, values: [Float]) {
        precondition(channels >= 0 && height >= 0 && width >= 0, "negative tensor size")
        precondition(values.count == channels * height * width,
                     "\(values.count) values do not fill \(channels)×\(height)×\(width)")
        self.channels = channels
        self.height = height
        self.width = width
        self.values = values
    }

    /// A tensor of zeros.
    public init(channels: Int, height: Int, width: Int) {
        self.init(channels: channels, height: height, width: width,
                  values: [Float](repeating: 0, count: channels * height * width))
    }

    /// Elements in one channel plane.
    public var planeSize: Int { height * width }

    public subscript(c: Int, y: Int, x: Int) -> Float {
        get { values[(c * height + y) * width + x] }
        set { values[(c * height + y) * width + x] = newValue }
    }
}

/// An owned, 64-byte aligned float array for weights and work buffers: a class so it is
/// never copied on write, with a raw pointer for the hot loops (no bounds checks).
final class FloatBuffer: @unchecked Sendable {
    let count: Int
    let pointer: UnsafeMutablePointer<Float>

    init(count: Int) {
        self.count = count
        let raw = UnsafeMutableRawPointer.allocate(byteCount: max(count, 1) * 4, alignment: 64)
        pointer = raw.bindMemory(to: Float.self, capacity: max(count, 1))
    }

    convenience init(_ values: [Float]) {
        self.init(count: values.count)
        values.withUnsafeBufferPointer { source in
            if let base = source.baseAddress { pointer.update(from: base, count: values.count) }
        }
    }

    deinit { pointer.deallocate() }

    var array: [Float] { Array(UnsafeBufferPointer(start: pointer, count: count)) }
}
