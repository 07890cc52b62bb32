/// An 8-bit RGB image, row-major, three bytes a pixel: a gray picture with something
/// drawn over it in colour (a terminal overlay), never a dataset image.
public struct RGBImage: Equatable, Sendable {
    public let width: Int
    public let height: Int
    /// R, G, B of each pixel, row by row.
    public var pixels: [UInt8]

    public init(width: Int, height: Int, pixels: [UInt8]) {
        precondition(width >= 0 && height >= 0 && pixels.count == width * height * 3,
                     "an RGB image of \(width)x\(height) needs \(width * height * 3) bytes")
        self.width = width
        self.height = height
        self.pixels = pixels
    }

    /// `gray` with every pixel's three channels equal.
    public init(_ gray: GrayImage) {
        var pixels = [UInt8](repeating: 0, count: gray.pixels.count * 3)
        for (index, value) in gray.pixels.enumerated() {
            pixels[3 * index] = value
            pixels[3 * index + 1] = value
            pixels[3 * index + 2] = value
        }
        self.init(width: gray.width, height: gray.height, pixels: pixels)
    }

    public subscript(x: Int, y: Int) -> (red: UInt8, green: UInt8, blue: UInt8) {
        let base = 3 * (y * width + x)
        return (pixels[base], pixels[base + 1], pixels[base + 2])
    }

    /// Whether pixel (x, y) is a gray (its three channels equal).
    public func isGray(x: Int, y: Int) -> Bool {
        let pixel = self[x, y]
        return pixel.red == pixel.green && pixel.green == pixel.blue
    }
}
