import Dataset

/// The grays a sixel image may use, and which of them each 8-bit gray becomes.
///
/// Sixel colour components are percentages, so a gray sixel has at most 101 levels.
/// Quantisers built for colour (img2sixel's median cut, chafa's palette search) keep
/// far fewer grays than that on an ultrasound image; here the palette is built for
/// gray alone: the full 101 levels when the terminal has the registers, else the
/// optimal `k` levels for the image's histogram.
public struct GrayPalette: Equatable, Sendable {
    /// Sixel percentage (0…100) of each entry, darkest first, strictly increasing.
    public let percents: [UInt8]
    /// The entry each 8-bit gray is drawn with, 256 values, non-decreasing.
    public let entryForGray: [UInt8]

    /// How many grays a sixel colour definition can express (percentages 0…100).
    public static let percentLevels = 101

    /// Builds a palette from its entries and a full 256-value mapping into them.
    public init(percents: [UInt8], entryForGray: [UInt8]) {
        precondition(!percents.isEmpty && percents.count <= GrayPalette.percentLevels, "a palette has 1…101 entries")
        precondition(zip(percents, percents.dropFirst()).allSatisfy { $0 < $1 }, "percentages must increase")
        precondition(percents.last! <= 100, "a percentage is at most 100")
        precondition(entryForGray.count == 256 && entryForGray.allSatisfy { Int($0) < percents.count },
                     "the mapping needs one valid entry per 8-bit gray")
        self.percents = percents
        self.entryForGray = entryForGray
    }

    /// The 8-bit gray a decoder shows for percentage `percent`: `(p·255 + 50) / 100`,
    /// rounding half up. This is what libsixel (`sixel2png`, and the terminals that
    /// use it) computes; checked level by level against `sixel2png` 1.10.3.
    @inlinable
    public static func decodedGray(percent: Int) -> UInt8 {
        UInt8((percent * 255 + 50) / 100)
    }

    /// The 8-bit grays the entries decode to, darkest first.
    public var decodedGrays: [UInt8] { percents.map { GrayPalette.decodedGray(percent: Int($0)) } }

    /// All 101 levels, each 8-bit gray mapped to the level that decodes nearest to it,
    /// so no pixel is off by more than 1 after decoding. On a tie (the levels decode 2
    /// apart) the level whose exact value `p·2.55` is nearer wins, which keeps decoders
    /// that round differently within 1 as well.
    public static let direct: GrayPalette = {
        let percents = (0...100).map(UInt8.init)
        let entries = (0...255).map { UInt8(nearestPercent(toGray: $0, among: percents)) }
        return GrayPalette(percents: percents, entryForGray: entries)
    }()

    /// `k` evenly spaced levels (0 %, …, 100 %), each gray to the nearest: the naive
    /// quantiser, kept as the yardstick the optimal one is tested against.
    public static func uniform(levels k: Int) -> GrayPalette {
        precondition(k >= 1 && k <= percentLevels, "uniform palette needs 1…101 levels")
        let percents = k == 1 ? [UInt8(50)]
            : (0..<k).map { UInt8((200 * $0 + (k - 1)) / (2 * (k - 1))) }  // round(100·i/(k−1))
        return GrayPalette(percents: percents, entryForGray: mapNearest(percents))
    }

    /// The palette for `image` on a terminal with `registers` colour registers: the
    /// direct 101 levels when they fit, else the optimal quantiser of the image's
    /// histogram. Fewer than one register is treated as one, so a terminal that
    /// reports nonsense still gets a picture.
    public static func forImage(_ image: GrayImage, registers: Int) -> GrayPalette {
        if registers >= percentLevels { return direct }
        return optimal(histogram: histogram(of: image), levels: max(1, registers))
    }

    /// Pixel count per 8-bit gray.
    public static func histogram(of image: GrayImage) -> [Int] {
        var counts = [Int](repeating: 0, count: 256)
        counts.withUnsafeMutableBufferPointer { counts in
            image.pixels.withUnsafeBufferPointer { pixels in
                for value in pixels { counts[Int(value)] &+= 1 }
            }
        }
        return counts
    }

    /// The `k`-level palette with the least squared error (in decoded 8-bit grays) for
    /// a 256-bin histogram, by dynamic programming: exact, because in one dimension an
    /// optimal quantiser splits the sorted grays into contiguous runs, and each run's
    /// best representable level is the percentage that decodes nearest to the run's
    /// mean (the error is a parabola in the level). Over at most 256 occupied bins
    /// this is `k·n²/2` additions: about 0.2 ms for 16 levels, 1.3 ms for 100.
    ///
    /// Grays absent from the histogram map to the nearest chosen level. Runs whose
    /// best levels coincide are merged, so the palette may have fewer than `k` entries.
    public static func optimal(histogram: [Int], levels k: Int) -> GrayPalette {
        precondition(histogram.count == 256, "a histogram has 256 bins")
        precondition(k >= 1, "need at least one level")
        let grays = (0..<256).filter { histogram[$0] > 0 }
        if grays.isEmpty { return uniform(levels: 1) }
        if grays.count <= k || k >= percentLevels {
            // Every occupied gray can have its own level: the direct mapping is optimal.
            let chosen = Set(grays.map { direct.entryForGray[$0] }).sorted()
            return GrayPalette(percents: chosen, entryForGray: mapNearest(chosen))
        }

        let n = grays.count
        // Prefix sums of count, count·gray and count·gray²; exact in Int for any
        // image that fits in memory.
        var s0 = [Int](repeating: 0, count: n + 1), s1 = s0, s2 = s0
        for (i, gray) in grays.enumerated() {
            let c = histogram[gray]
            s0[i + 1] = s0[i] + c
            s1[i + 1] = s1[i] + c * gray
            s2[i + 1] = s2[i] + c * gray * gray
        }
        // cost[j*n + i], best[j*n + i]: squared error and level of the run grays[i...j],
        // stored by run end so the inner loop below reads consecutive memory.
        var cost = [Int](repeating: 0, count: n * n)
        var best = [UInt8](repeating: 0, count: n * n)
        for i in 0..<n {
            for j in i..<n {
                let c = s0[j + 1] - s0[i], sum = s1[j + 1] - s1[i], sq = s2[j + 1] - s2[i]
                let guess = Int(direct.entryForGray[sum / c])  // level nearest to ⌊mean⌋
                var bestCost = Int.max, bestPercent = guess
                for p in max(0, guess - 1)...min(100, guess + 1) {
                    let d = Int(decodedGray(percent: p))
                    let e = sq - 2 * d * sum + d * d * c
                    if e < bestCost { bestCost = e; bestPercent = p }
                }
                cost[j * n + i] = bestCost
                best[j * n + i] = UInt8(bestPercent)
            }
        }
        // error[m*n + j]: least error covering grays[0...j] with m+1 runs; start[m*n + j]:
        // where the last of those runs begins (runs are never empty, so j ≥ m).
        var error = [Int](repeating: 0, count: k * n)
        var start = [Int](repeating: 0, count: k * n)
        cost.withUnsafeBufferPointer { cost in
            error.withUnsafeMutableBufferPointer { error in
                start.withUnsafeMutableBufferPointer { start in
                    for j in 0..<n { error[j] = cost[j * n] }
                    for m in 1..<k {
                        let previous = error.baseAddress! + (m - 1) * n
                        for j in m..<n {
                            let runCost = cost.baseAddress! + j * n
                            var bestError = Int.max, bestStart = m
                            for i in m...j {
                                let e = previous[i - 1] + runCost[i]
                                if e < bestError { bestError = e; bestStart = i }
                            }
                            error[m * n + j] = bestError
                            start[m * n + j] = bestStart
                        }
                    }
                }
            }
        }
        // Walk back from the last gray; the runs come out brightest first.
        var runs: [(first: Int, last: Int, percent: UInt8)] = []
        var j = n - 1
        for m in stride(from: k - 1, through: 0, by: -1) {
            let i = m == 0 ? 0 : start[m * n + j]
            runs.append((i, j, best[j * n + i]))
            j = i - 1
        }
        runs.reverse()
        let chosen = Set(runs.map(\.percent)).sorted()
        var entries = mapNearest(chosen)
        for run in runs {
            let entry = UInt8(chosen.firstIndex(of: run.percent)!)
            for i in run.first...run.last { entries[grays[i]] = entry }
        }
        return GrayPalette(percents: chosen, entryForGray: entries)
    }

    /// The entry of every pixel of `image`, row-major, optionally with 8×8 ordered
    /// (Bayer) dithering between the two entries that bracket each gray. Ordered
    /// dithering is position-only, so a still image does not shimmer when redrawn and
    /// the pattern is the same on every run; it is off by default because it adds
    /// texture a clinician could take for speckle.
    public func entries(for image: GrayImage, dither: Bool) -> [UInt8] {
        let count = image.width * image.height
        guard count > 0 else { return [] }
        if !dither {
            return [UInt8](unsafeUninitializedCapacity: count) { out, initialized in
                entryForGray.withUnsafeBufferPointer { table in
                    image.pixels.withUnsafeBufferPointer { pixels in
                        for i in 0..<count { out[i] = table[Int(pixels[i])] }
                    }
                }
                initialized = count
            }
        }
        // For each gray: the entry at or below it and how far (in 64ths) towards the
        // next entry it lies; a pixel takes the next entry where that beats the
        // Bayer threshold, so on average the decoded gray equals the source.
        let decoded = decodedGrays.map(Int.init)
        var lower = [UInt8](repeating: 0, count: 256)
        var fraction = [UInt8](repeating: 0, count: 256)
        var entry = 0
        for gray in 0..<256 {
            while entry + 1 < decoded.count && decoded[entry + 1] <= gray { entry += 1 }
            lower[gray] = UInt8(entry)
            if gray > decoded[entry] && entry + 1 < decoded.count {
                let span = decoded[entry + 1] - decoded[entry]
                fraction[gray] = UInt8(((gray - decoded[entry]) * 64 + span / 2) / span)
            }
        }
        let width = image.width
        return [UInt8](unsafeUninitializedCapacity: count) { out, initialized in
            image.pixels.withUnsafeBufferPointer { pixels in
                for y in 0..<image.height {
                    let thresholds = GrayPalette.bayer8[(y & 7) * 8 ..< (y & 7) * 8 + 8]
                    let row = y * width
                    for x in 0..<width {
                        let gray = Int(pixels[row + x])
                        let up: UInt8 = fraction[gray] > thresholds[thresholds.startIndex + (x & 7)] ? 1 : 0
                        out[row + x] = lower[gray] + up
                    }
                }
            }
            initialized = count
        }
    }

    /// The 8×8 Bayer index matrix, 0…63, row-major.
    static let bayer8: [UInt8] = {
        var matrix: [UInt8] = [0]
        var size = 1
        while size < 8 {
            var next = [UInt8](repeating: 0, count: 4 * size * size)
            for y in 0..<size {
                for x in 0..<size {
                    let v = 4 * matrix[y * size + x]
                    next[y * 2 * size + x] = v
                    next[y * 2 * size + x + size] = v + 2
                    next[(y + size) * 2 * size + x] = v + 3
                    next[(y + size) * 2 * size + x + size] = v + 1
                }
            }
            matrix = next
            size *= 2
        }
        return matrix
    }()

    /// Index into `percents` of the level that decodes nearest to `gray`; ties go to
    /// the level whose exact value `p·255/100` is nearer, then to the darker.
    static func nearestPercent(toGray gray: Int, among percents: [UInt8]) -> Int {
        var bestIndex = 0
        var bestKey = (Int.max, Int.max)
        for (index, percent) in percents.enumerated() {
            let p = Int(percent)
            let key = (abs(Int(decodedGray(percent: p)) - gray), abs(100 * gray - 255 * p))
            if key < bestKey { bestKey = key; bestIndex = index }
        }
        return bestIndex
    }

    static func mapNearest(_ percents: [UInt8]) -> [UInt8] {
        (0...255).map { UInt8(nearestPercent(toGray: $0, among: percents)) }
    }
}
