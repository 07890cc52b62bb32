import Dataset

/// One colour an overlay draws in, with what stands for it where colour is scarce.
public struct OverlayInk: Equatable, Hashable, Sendable {
    public var red: UInt8
    public var green: UInt8
    public var blue: UInt8
    /// The xterm 256-colour index for terminals without truecolor.
    public var paletteIndex: UInt8
    /// The glyph a cell shows where the terminal has no colour at all (ascii).
    public var glyph: Unicode.Scalar

    /// `paletteIndex` defaults to the nearest colour of the 6×6×6 cube.
    public init(red: UInt8, green: UInt8, blue: UInt8, paletteIndex: UInt8? = nil, glyph: Unicode.Scalar = "x") {
        self.red = red
        self.green = green
        self.blue = blue
        self.paletteIndex = paletteIndex ?? Self.nearestCubeIndex(red: red, green: green, blue: blue)
        self.glyph = glyph
    }

    /// 0xRRGGBB.
    public var rgb: UInt32 { UInt32(red) << 16 | UInt32(green) << 8 | UInt32(blue) }

    /// Sixel colour components are percentages: each channel rounded to 0…100.
    public var percents: (UInt8, UInt8, UInt8) {
        func percent(_ c: UInt8) -> UInt8 { UInt8((Int(c) * 100 + 127) / 255) }
        return (percent(red), percent(green), percent(blue))
    }

    /// The xterm cube's levels are 0, 95, 135, 175, 215, 255 (indices 16…231).
    static func nearestCubeIndex(red: UInt8, green: UInt8, blue: UInt8) -> UInt8 {
        let levels = [0, 95, 135, 175, 215, 255]
        func step(_ c: UInt8) -> Int {
            levels.indices.min { abs(levels[$0] - Int(c)) < abs(levels[$1] - Int(c)) }!
        }
        return UInt8(16 + 36 * step(red) + 6 * step(green) + step(blue))
    }
}

/// Colour drawn over a gray picture without touching its pixels: a small palette of
/// inks and, per picture pixel, none or one of them. The picture is the one a renderer
/// is handed (the layout's `pixelWidth × pixelHeight`), so the layer has its size.
/// Renderers honour it beside their gray output: sixel gives the inks their own colour
/// registers, kitty sends an RGB PNG, block modes colour the cells the ink touches
/// (`OverlayCells`). An empty layer changes nothing.
///
/// Inks are numbered in the order they were added; where two meet in one cell the
/// later one wins, so callers add them from least to most important.
public struct OverlayLayer: Equatable, Sendable {
    public let width: Int
    public let height: Int
    public private(set) var inks: [OverlayInk] = []
    /// Per pixel, row-major: 0 for none, `k` for `inks[k − 1]`.
    public private(set) var pixels: [UInt8]
    /// Pixels that hold an ink.
    public private(set) var inkedCount = 0

    /// Most inks one layer holds: each costs a sixel register taken from the grays.
    public static let maximumInks = 8

    public init(width: Int, height: Int) {
        self.width = max(0, width)
        self.height = max(0, height)
        pixels = [UInt8](repeating: 0, count: self.width * self.height)
    }

    public var isEmpty: Bool { inkedCount == 0 }

    /// The number of `ink` in the layer, added if new; nil when the layer already holds
    /// `maximumInks` others.
    public mutating func index(of ink: OverlayInk) -> UInt8? {
        if let found = inks.firstIndex(of: ink) { return UInt8(found + 1) }
        guard inks.count < Self.maximumInks else { return nil }
        inks.append(ink)
        return UInt8(inks.count)
    }

    /// Sets pixel (x, y) to ink number `ink` (from `index(of:)`); outside the layer, nothing.
    public mutating func plot(x: Int, y: Int, ink: UInt8) {
        guard x >= 0, x < width, y >= 0, y < height, ink >= 1, Int(ink) <= inks.count else { return }
        let slot = y * width + x
        if pixels[slot] == 0 { inkedCount += 1 }
        pixels[slot] = ink
    }

    /// The ink number at (x, y): 0 for none.
    public subscript(x: Int, y: Int) -> UInt8 { pixels[y * width + x] }

    /// The ink at (x, y), if any.
    public func ink(x: Int, y: Int) -> OverlayInk? {
        let number = self[x, y]
        return number == 0 ? nil : inks[Int(number) - 1]
    }

    /// Rows `range` as a layer of their own (for a picture sent in strips).
    public func rows(_ range: Range<Int>) -> OverlayLayer {
        var part = OverlayLayer(width: width, height: range.count)
        part.inks = inks
        part.pixels = Array(pixels[(range.lowerBound * width)..<(range.upperBound * width)])
        part.inkedCount = part.pixels.reduce(0) { $0 + ($1 == 0 ? 0 : 1) }
        return part
    }

    /// `picture` with the inks painted over it, for outputs that take colour pixels.
    public func composite(_ picture: GrayImage) -> RGBImage {
        precondition(picture.width == width && picture.height == height,
                     "overlay \(width)x\(height) over a picture of \(picture.width)x\(picture.height)")
        var out = RGBImage(picture)
        for index in pixels.indices where pixels[index] != 0 {
            let ink = inks[Int(pixels[index]) - 1]
            out.pixels[3 * index] = ink.red
            out.pixels[3 * index + 1] = ink.green
            out.pixels[3 * index + 2] = ink.blue
        }
        return out
    }
}
