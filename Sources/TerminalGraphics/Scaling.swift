import Dataset

/// Where an image goes in a box of cells, for one blitter: the cells it covers and the
/// size of the picture inside them, in the blitter's pixels.
///
/// Block modes fill their cells: the image is resampled to exactly
/// `columns·ppc.width × rows·ppc.height`, and rounding to whole cells bends the aspect by
/// at most half a cell. Sixel draws screen pixels, so it keeps the aspect exactly: the
/// picture is `contentWidth × contentHeight` and black fills the rest of the cells, at
/// the right and bottom. Sixel rows are also a whole number of 6-pixel bands, so the
/// image ends on a cell boundary and the cursor lands where the layout expects.
public struct ImageFit: Equatable, Sendable {
    /// Cells covered, across and down.
    public var columns: Int
    public var rows: Int
    /// Size of the picture itself, in blitter pixels (top-left of the cells).
    public var contentWidth: Int
    public var contentHeight: Int
    /// Size of the image the blitter gets: `columns·ppc.width × rows·ppc.height`.
    public var pixelWidth: Int
    public var pixelHeight: Int

    public init(columns: Int, rows: Int, contentWidth: Int, contentHeight: Int, pixelWidth: Int, pixelHeight: Int) {
        self.columns = columns
        self.rows = rows
        self.contentWidth = contentWidth
        self.contentHeight = contentHeight
        self.pixelWidth = pixelWidth
        self.pixelHeight = pixelHeight
    }

    /// Nothing drawn (a terminal too small for any image).
    public static let empty = ImageFit(columns: 0, rows: 0, contentWidth: 0, contentHeight: 0, pixelWidth: 0, pixelHeight: 0)

    public var isEmpty: Bool { columns == 0 || rows == 0 }
}

/// Fitting images into cells and resampling them. Sizes are in *screen pixels*: a
/// scale of 2 shows each image pixel as 2×2 screen pixels, whatever the mode, so the
/// aspect is kept with cells of any shape (they are about twice as tall as wide).
public enum Scaling {
    /// The cells and picture size of an image shown at `scale` screen pixels per image
    /// pixel, for a blitter that shows `pixelsPerCell` per cell of `cell` screen pixels.
    public static func fit(imageWidth: Int, imageHeight: Int, scale: Double, mode: GraphicsMode,
                           cell: CellPixelSize, pixelsPerCell ppc: (width: Int, height: Int)) -> ImageFit {
        // The picture's size in blitter pixels, which are screen pixels for sixel and
        // fractions of a cell for blocks.
        let width = Double(imageWidth) * scale * Double(ppc.width) / Double(cell.width)
        let height = Double(imageHeight) * scale * Double(ppc.height) / Double(cell.height)
        if padsToCells(mode) {
            let contentWidth = max(1, Int(width.rounded()))
            let contentHeight = max(1, Int(height.rounded()))
            let step = mode == .sixel ? sixelRowStep(cellHeight: ppc.height) : 1
            let columns = (contentWidth + ppc.width - 1) / ppc.width
            let rows = ((contentHeight + ppc.height - 1) / ppc.height + step - 1) / step * step
            return ImageFit(columns: columns, rows: rows, contentWidth: contentWidth, contentHeight: contentHeight,
                            pixelWidth: columns * ppc.width, pixelHeight: rows * ppc.height)
        }
        let columns = max(1, Int((width / Double(ppc.width)).rounded()))
        let rows = max(1, Int((height / Double(ppc.height)).rounded()))
        return ImageFit(columns: columns, rows: rows,
                        contentWidth: columns * ppc.width, contentHeight: rows * ppc.height,
                        pixelWidth: columns * ppc.width, pixelHeight: rows * ppc.height)
    }

    /// Whether the mode draws screen pixels (so it keeps the aspect exactly and pads
    /// the last cells) rather than filling cells with blocks.
    public static func padsToCells(_ mode: GraphicsMode) -> Bool { mode.isPixel }

    /// Sixel images are a whole number of cells *and* of 6-pixel bands tall, so their
    /// rows come in steps of `6 / gcd(6, cell height)`: 3 rows for 20-pixel cells, 6
    /// for 13-pixel ones, 1 for 12 or 18.
    public static func sixelRowStep(cellHeight: Int) -> Int {
        var a = 6, b = max(1, cellHeight)
        while b != 0 { (a, b) = (b, a % b) }
        return 6 / a
    }

    /// The largest scale in `0…limit` for which `fits` holds, assuming that once it
    /// fails it fails for every larger scale (cells only grow with the scale). Nil
    /// when not even the smallest image fits. Bisection, because rounding to whole
    /// cells (and sixel's bands) makes a closed form off by one here and there.
    public static func largestScale(upTo limit: Double, where fits: (Double) -> Bool) -> Double? {
        let smallest = 1e-6
        guard fits(smallest) else { return nil }
        if fits(limit) { return limit }
        var low = smallest, high = limit
        for _ in 0..<60 {
            let middle = (low + high) / 2
            if fits(middle) { low = middle } else { high = middle }
        }
        return low
    }

    /// The largest scale that fits, or the requested integer zoom if it fits — else
    /// the largest integer zoom below it that fits, else the fit (nil zoom in effect).
    /// Integer zoom shows every image pixel as the same k×k block, which keeps
    /// speckle honest; a fit only by nearest-neighbour sampling may repeat some rows.
    public static func chooseScale(fitting fitScale: Double, zoom: Int?, where fits: (Double) -> Bool) -> (scale: Double, zoom: Int?) {
        if let zoom, zoom >= 1 {
            for k in stride(from: zoom, through: 1, by: -1) where fits(Double(k)) {
                return (Double(k), k)
            }
        }
        return (fitScale, nil)
    }

    /// The image the blitter gets for `fit`: the picture resampled to the content
    /// size at the top-left, black elsewhere.
    ///
    /// Sixel samples nearest-neighbour both ways (each screen pixel one source gray,
    /// exact for integer zoom). Block modes average boxes of source pixels along an axis
    /// when shrinking it by 2 or more — a few block pixels cannot show speckle, and
    /// sampling one pixel in four would alias it into noise — and sample nearest otherwise.
    public static func prepare(_ image: GrayImage, for fit: ImageFit, mode: GraphicsMode) -> GrayImage {
        guard !fit.isEmpty, image.width > 0, image.height > 0 else {
            return GrayImage(width: fit.pixelWidth, height: fit.pixelHeight, value: 0)
        }
        let averages = !padsToCells(mode)
        return resample(image, width: fit.contentWidth, height: fit.contentHeight,
                        averagingWhenShrinking: averages,
                        canvasWidth: fit.pixelWidth, canvasHeight: fit.pixelHeight)
    }

    /// Resamples `image` to `width × height` at the top-left of a black canvas (the same
    /// size by default). Per axis: the mean of each output pixel's span of source
    /// pixels when `averagingWhenShrinking` and the axis shrinks by 2 or more, else
    /// the source pixel under the output pixel's centre.
    public static func resample(_ image: GrayImage, width: Int, height: Int, averagingWhenShrinking: Bool,
                                canvasWidth: Int? = nil, canvasHeight: Int? = nil) -> GrayImage {
        let canvasWidth = canvasWidth ?? width
        let canvasHeight = canvasHeight ?? height
        precondition(width <= canvasWidth && height <= canvasHeight, "picture larger than its canvas")
        let columns = spans(from: image.width, to: width, averaging: averagingWhenShrinking)
        let lines = spans(from: image.height, to: height, averaging: averagingWhenShrinking)
        let sourceWidth = image.width
        var pixels = [UInt8](repeating: 0, count: canvasWidth * canvasHeight)
        pixels.withUnsafeMutableBufferPointer { out in
            image.pixels.withUnsafeBufferPointer { source in
                for y in 0..<height {
                    let line = lines[y]
                    let outRow = y * canvasWidth
                    if line.count == 1 && columns.allSingle {
                        let sourceRow = line.start * sourceWidth
                        for x in 0..<width {
                            out[outRow + x] = source[sourceRow + columns.starts[x]]
                        }
                        continue
                    }
                    for x in 0..<width {
                        let start = columns.starts[x], count = columns.counts[x]
                        var sum = 0
                        for sy in line.start..<(line.start + line.count) {
                            let row = sy * sourceWidth
                            for sx in start..<(start + count) { sum += Int(source[row + sx]) }
                        }
                        let area = count * line.count
                        out[outRow + x] = UInt8((sum + area / 2) / area)
                    }
                }
            }
        }
        return GrayImage(width: canvasWidth, height: canvasHeight, pixels: pixels)
    }

    /// For each output index along one axis, the first source index and how many to
    /// average.
    private struct Spans {
        var starts: [Int]
        var counts: [Int]
        var allSingle: Bool
        subscript(index: Int) -> (start: Int, count: Int) { (starts[index], counts[index]) }
    }

    private static func spans(from source: Int, to target: Int, averaging: Bool) -> Spans {
        var starts = [Int](), counts = [Int]()
        starts.reserveCapacity(target)
        counts.reserveCapacity(target)
        let box = averaging && source >= 2 * target
        for index in 0..<target {
            if box {
                let start = index * source / target
                let end = max(start + 1, (index + 1) * source / target)
                starts.append(start)
                counts.append(end - start)
            } else {
                // The source pixel under the centre of output pixel `index`.
                starts.append(min(source - 1, (2 * index + 1) * source / (2 * target)))
                counts.append(1)
            }
        }
        return Spans(starts: starts, counts: counts, allSingle: !box)
    }
}
