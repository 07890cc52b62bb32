/// An 8-bit grayscale image, row-major, top row first: the one image type of usreview.
///
/// Ultrasound B-mode images are gray by nature; every PNG is converted to this on
/// read (see `PNGCodec`), so nothing downstream handles colour.
public struct GrayImage: Equatable, Sendable {
    public let width: Int
    public let height: Int
    /// `width * height` bytes, row after row.
    public var pixels: [UInt8]

    public init(width: Int, height: Int, pixels: [UInt8]) {
        precondition(width >= 0 && height >= 0, "negative image size")
        precondition(pixels.count == width * height, "pixel count \(pixels.count) != \(width)x\(height)")
        self.width = width
        self.height = height
        self.pixels = pixels
    }

    /// A uniform image.
    public init(width: Int, height: Int, value: UInt8 = 0) {
        self.init(width: width, height: height, pixels: [UInt8](repeating: value, count: width * height))
    }

    public subscript(x: Int, y: Int) -> UInt8 {
        get { pixels[y * width + x] }
        set { pixels[y * width + x] = newValue }
    }

    /// The pixels as floats in 0…255, for arithmetic (metrics, simulation).
    public var floatPlane: [Float] { pixels.map(Float.init) }

    /// Builds an image from float values, rounding to the nearest level and clamping to 0…255.
    public init(width: Int, height: Int, floatPlane: [Float]) {
        precondition(floatPlane.count == width * height, "plane size does not match \(width)x\(height)")
        self.init(width: width, height: height, pixels: floatPlane.map(GrayImage.quantize))
    }

    /// Nearest 8-bit level of `value`, clamped; NaN maps to 0.
    @inlinable
    public static func quantize(_ value: Float) -> UInt8 {
        guard value > 0 else { return 0 }
        guard value < 255 else { return 255 }
        return UInt8(value.rounded())
    }
}
