/// Which part of an image a panel shows, and how large: the one mapping between image
/// pixels and the blitter pixels of a panel, used for drawing (nearest neighbour, so
/// at an integer zoom every image pixel becomes a zoom×zoom block and speckle stays
/// speckle) and for the crosshair (which image pixel sits under which cell).
/// Pure: no terminal, no state; the same transform serves every linked panel.
public struct ViewTransform: Equatable, Sendable {
    public let imageWidth: Int
    public let imageHeight: Int
    /// The picture handed to the blitter, in blitter pixels.
    public let targetWidth: Int
    public let targetHeight: Int
    /// Blitter pixels per image pixel, across and down.
    public let scaleX: Double
    public let scaleY: Double
    /// The image pixel at the picture's top-left corner (whole pixels, so blocks align).
    public let originX: Int
    public let originY: Int

    /// `baseScale` is the scale at zoom 1 (the fitted scale, or 1 for 1:1); `center` is
    /// the wanted centre of the view as fractions (0…1) of the image's width and height.
    /// The view is clamped so it never leaves the image when the image is larger than it.
    public init(imageWidth: Int, imageHeight: Int, targetWidth: Int, targetHeight: Int,
                baseScaleX: Double, baseScaleY: Double, zoom: Int, center: (x: Double, y: Double)) {
        self.imageWidth = max(1, imageWidth)
        self.imageHeight = max(1, imageHeight)
        self.targetWidth = max(0, targetWidth)
        self.targetHeight = max(0, targetHeight)
        let zoom = Double(max(1, zoom))
        scaleX = max(1e-6, baseScaleX * zoom)
        scaleY = max(1e-6, baseScaleY * zoom)
        func origin(_ size: Int, _ target: Int, _ scale: Double, _ center: Double) -> Int {
            let visible = Double(target) / scale
            guard visible < Double(size) else { return 0 }
            let wanted = (center * Double(size) - visible / 2).rounded()
            return Int(min(max(0, wanted), (Double(size) - visible).rounded(.down)))
        }
        originX = origin(self.imageWidth, self.targetWidth, scaleX, center.x)
        originY = origin(self.imageHeight, self.targetHeight, scaleY, center.y)
    }

    /// The image pixel under the centre of picture pixel (`x`, `y`); nil outside the image.
    public func sourcePixel(x: Int, y: Int) -> (x: Int, y: Int)? {
        let sx = originX + Int(((Double(x) + 0.5) / scaleX).rounded(.down))
        let sy = originY + Int(((Double(y) + 0.5) / scaleY).rounded(.down))
        guard sx >= 0, sx < imageWidth, sy >= 0, sy < imageHeight else { return nil }
        return (sx, sy)
    }

    /// The picture pixel at the centre of image pixel (`x`, `y`); nil when it is out of view.
    public func targetPixel(x: Int, y: Int) -> (x: Int, y: Int)? {
        let tx = Int(((Double(x - originX) + 0.5) * scaleX).rounded(.down))
        let ty = Int(((Double(y - originY) + 0.5) * scaleY).rounded(.down))
        guard tx >= 0, tx < targetWidth, ty >= 0, ty < targetHeight else { return nil }
        return (tx, ty)
    }

    /// How many of the picture's columns and rows, from the top-left, show image pixels;
    /// beyond them the view has passed the image's right or bottom edge.
    public var coveredWidth: Int { (0..<targetWidth).prefix { sourcePixel(x: $0, y: 0) != nil }.count }
    public var coveredHeight: Int { (0..<targetHeight).prefix { sourcePixel(x: 0, y: $0) != nil }.count }

    /// The image resampled into the picture, nearest neighbour; black outside the image.
    public func render(_ pixels: [UInt8]) -> [UInt8] {
        guard targetWidth > 0, targetHeight > 0 else { return [] }
        let columns = (0..<targetWidth).map { x -> Int in
            let sx = originX + Int(((Double(x) + 0.5) / scaleX).rounded(.down))
            return sx < imageWidth ? sx : -1
        }
        var out = [UInt8](repeating: 0, count: targetWidth * targetHeight)
        for y in 0..<targetHeight {
            let sy = originY + Int(((Double(y) + 0.5) / scaleY).rounded(.down))
            guard sy < imageHeight else { continue }
            let row = sy * imageWidth
            let base = y * targetWidth
            for x in 0..<targetWidth where columns[x] >= 0 {
                out[base + x] = pixels[row + columns[x]]
            }
        }
        return out
    }
}
