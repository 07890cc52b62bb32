import Dataset

/// How to bring an image's height to whole sixel bands (six rows).
public enum SixelBandFit: Equatable, Sendable {
    /// Add rows of `fill` at the bottom.
    case pad(fill: UInt8)
    /// Drop the rows below the last whole band.
    case crop
}

public extension GrayImage {
    /// Each pixel becomes a `factor × factor` block of the same gray. Zooming by
    /// integers with no interpolation keeps ultrasound speckle as speckle: every
    /// screen pixel shows one source gray, with no smoothing a reader could take for
    /// the enhancer's doing.
    func zoomed(by factor: Int) -> GrayImage {
        precondition(factor >= 1, "zoom factor must be at least 1")
        if factor == 1 { return self }
        let outWidth = width * factor, outHeight = height * factor
        let pixels = [UInt8](unsafeUninitializedCapacity: outWidth * outHeight) { out, initialized in
            self.pixels.withUnsafeBufferPointer { source in
                for y in 0..<height {
                    let firstRow = out.baseAddress! + y * factor * outWidth
                    var o = 0
                    for x in 0..<width {
                        let gray = source[y * width + x]
                        for _ in 0..<factor { firstRow[o] = gray; o += 1 }
                    }
                    for copy in 1..<factor {
                        (firstRow + copy * outWidth).update(from: firstRow, count: outWidth)
                    }
                }
            }
            initialized = outWidth * outHeight
        }
        return GrayImage(width: outWidth, height: outHeight, pixels: pixels)
    }

    /// The image with its height a multiple of six. `SixelEncoder` handles a partial
    /// last band itself (it sets only the rows that exist); this is for callers that
    /// need the drawn height known in whole bands, such as terminals that paint the
    /// whole last band or a layout that places the cursor below the image by bands.
    func fittedToSixelBands(_ fit: SixelBandFit) -> GrayImage {
        let remainder = height % 6
        if remainder == 0 { return self }
        switch fit {
        case .crop:
            let rows = height - remainder
            return GrayImage(width: width, height: rows, pixels: Array(pixels[0..<(rows * width)]))
        case .pad(let fill):
            let extra = 6 - remainder
            return GrayImage(width: width, height: height + extra,
                             pixels: pixels + [UInt8](repeating: fill, count: extra * width))
        }
    }
}
