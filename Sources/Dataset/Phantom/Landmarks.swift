/// An axis-aligned rectangle of pixels: `x ..< x + width`, `y ..< y + height`.
public struct PixelRect: Equatable, Sendable, CustomStringConvertible {
    public var x: Int, y: Int, width: Int, height: Int

    public init(x: Int, y: Int, width: Int, height: Int) {
        self.x = x; self.y = y; self.width = width; self.height = height
    }

    /// The rectangle spanning the given float bounds, rounded inward-ish and clipped to a
    /// `size` × `size` image.
    init(minX: Float, minY: Float, maxX: Float, maxY: Float, clippedTo size: Int) {
        let x0 = max(0, min(size - 1, Int(minX.rounded()))), y0 = max(0, min(size - 1, Int(minY.rounded())))
        let x1 = max(x0 + 1, min(size, Int(maxX.rounded()))), y1 = max(y0 + 1, min(size, Int(maxY.rounded())))
        self.init(x: x0, y: y0, width: x1 - x0, height: y1 - y0)
    }

    public var description: String { "(\(x), \(y)) \(width)x\(height)" }
}

/// Ground-truth regions of a phantom, in image pixels of the high-quality image (the
/// low-quality image is displaced by a few pixels). For tests and demonstrations.
public enum PhantomLandmark: String, CaseIterable, Sendable {
    /// Thyroid: inside a lobe; the acoustic shadow below the trachea's air.
    case thyroidLobe, tracheaShadow
    /// Carotid: inside the lumen, clear of plaque; the far-wall adventitia beside it.
    case vesselLumen, vesselWall
    /// Liver: plain parenchyma clear of vessels; a piece of the diaphragm line.
    case liverParenchyma, diaphragm
    /// Kidney: the central sinus; the cortex at a pole.
    case kidneySinus, kidneyCortex
    /// Breast: the lesion; the tissue straight below it (shadowed) and at the same depth beside it.
    case lesion, belowLesion, besideLesion
}
