import Dataset

/// Turns a gray image into a sixel DCS string, on plain buffers: bytes in, bytes out.
/// Writing them to the terminal is the terminal writer's job.
///
/// Layout of the output:
///
///     ESC P 0;0;0 q              DCS; P2 = 0: positions no sixel sets are painted with
///                                the background (register 0), so the image is opaque
///     "1;1;W;H                   raster attributes: square pixels, W × H
///     #r;2;p;p;p …               one definition per register the image uses
///     #r <sixels> $ #r' … -      per 6-row band, per register present in the band
///     ESC \                      string terminator
///
/// Why P2 = 0: in DEC's definition (VT330/VT340), which xterm follows ("Ps2:
/// Background 0 or 2 = opaque, 1 = transparent"), P2 = 1 leaves the positions no sixel
/// sets showing what was on screen before, while 0 or 2 paint them with the background
/// (colour register 0). usreview draws each case over the previous one as the reader
/// steps through, so a transparent image could let the old picture show through
/// wherever a terminal leaves a pixel unset. Every pixel of W × H is set by exactly
/// one register anyway, so opacity costs nothing. 0 is also the default, what
/// img2sixel's bare `ESC P q` means; chafa sends 1. P1 = 0 with the raster
/// attributes' 1;1 gives square pixels (DECGRA overrides P1's aspect ratio); P3, the
/// grid size, only ever mattered to printers.
///
/// Registers are numbered densely in gray order (0 = darkest used gray), so the output
/// needs only as many registers as grays it uses, and P2's background fill (register 0
/// in xterm) is the image's darkest gray — ultrasound's black surround.
public struct SixelEncoder: Sendable {
    /// Colour registers the terminal reports; 101 or more gives the full gray scale.
    public var registers: Int
    /// Ordered (Bayer) dithering between neighbouring grays; off by default.
    public var dither: Bool

    public init(registers: Int = 256, dither: Bool = false) {
        self.registers = registers
        self.dither = dither
    }

    /// The sixel bytes of `image` at its native size, one image pixel per screen pixel.
    /// This is what `usreview show --graphics sixel --zoom 1` prints.
    public func encode(_ image: GrayImage) -> [UInt8] {
        SixelEncoder.encode(image, palette: GrayPalette.forImage(image, registers: registers), dither: dither)
    }

    /// The sixel bytes of `image` drawn with `palette` (for tests and comparisons).
    public static func encode(_ image: GrayImage, palette: GrayPalette, dither: Bool = false) -> [UInt8] {
        let entries = palette.entries(for: image, dither: dither)
        return entries.withUnsafeBufferPointer {
            encode(entries: $0, width: image.width, height: image.height, percents: palette.percents)
        }
    }

    /// The sixel bytes of `image` with `overlay` painted over it in colour. The inks
    /// take registers of their own after the grays, so the gray palette gets
    /// `registers − inks` of them (at 256 registers still the direct 101 levels, and
    /// every gray pixel is what `encode(image)` draws). A terminal with fewer than
    /// `inks + 2` registers has none to spare: the overlay is then drawn in the
    /// palette's brightest gray, visible on ultrasound's dark ground. Without an
    /// overlay (or an empty one) this is `encode(image)`, byte for byte.
    public func encode(_ image: GrayImage, overlay: OverlayLayer?) -> [UInt8] {
        guard let overlay, !overlay.isEmpty else { return encode(image) }
        precondition(overlay.width == image.width && overlay.height == image.height,
                     "overlay \(overlay.width)x\(overlay.height) over an image of \(image.width)x\(image.height)")
        let inks = overlay.inks.count
        let spare = registers - inks >= 2
        let palette = GrayPalette.forImage(image, registers: spare ? registers - inks : registers)
        var entries = palette.entries(for: image, dither: dither)
        let brightest = UInt8(palette.percents.count - 1)
        for index in entries.indices where overlay.pixels[index] != 0 {
            entries[index] = spare ? UInt8(palette.percents.count) + overlay.pixels[index] - 1 : brightest
        }
        var colours = palette.percents.map { ($0, $0, $0) }
        if spare { colours += overlay.inks.map(\.percents) }
        return entries.withUnsafeBufferPointer {
            Self.encode(entries: $0, width: image.width, height: image.height, colours: colours)
        }
    }

    /// The encoder proper for grays. `entries` holds `width × height` palette indices,
    /// row-major; entry `e` is drawn as the gray `percents[e]` %. Only entries that
    /// occur get a register. A last band shorter than six rows sets only the rows that
    /// exist, so the terminal draws exactly `height` rows.
    public static func encode(entries: UnsafeBufferPointer<UInt8>, width: Int, height: Int, percents: [UInt8]) -> [UInt8] {
        encode(entries: entries, width: width, height: height, colours: percents.map { ($0, $0, $0) })
    }

    /// The encoder proper: entry `e` is drawn in `colours[e]`, RGB percentages.
    public static func encode(entries: UnsafeBufferPointer<UInt8>, width: Int, height: Int,
                              colours: [(UInt8, UInt8, UInt8)]) -> [UInt8] {
        precondition(width >= 0 && height >= 0 && entries.count == width * height, "entries do not match \(width)x\(height)")
        precondition(colours.count <= 256 && colours.allSatisfy { $0.0 <= 100 && $0.1 <= 100 && $0.2 <= 100 },
                     "at most 256 colours of percentages 0…100")
        // Speckle at 101 grays takes about 2.1 bytes a pixel; starting there saves the
        // copies of growing. Smooth images use far less and leave the rest untouched.
        var out = ByteWriter(capacity: 4096 + 16 * colours.count + width * height * 9 / 4)
        out.append(0x1B); out.append(ascii: "P0;0;0q\"1;1;")
        out.append(decimal: width); out.append(ascii: ";"); out.append(decimal: height)
        guard width > 0 && height > 0 else {
            out.append(0x1B); out.append(ascii: "\\")
            return out.finish()
        }

        // Dense register numbers for the entries that occur, in entry (gray) order.
        var register = [Int](repeating: -1, count: 256)
        var occurs = [Bool](repeating: false, count: 256)
        for entry in entries { occurs[Int(entry)] = true }
        var used = 0
        for entry in 0..<colours.count where occurs[entry] {
            register[entry] = used
            used += 1
            let (r, g, b) = colours[entry]
            out.append(ascii: "#"); out.append(decimal: register[entry]); out.append(ascii: ";2;")
            out.append(decimal: Int(r)); out.append(ascii: ";"); out.append(decimal: Int(g)); out.append(ascii: ";")
            out.append(decimal: Int(b))
        }
        precondition(!occurs[colours.count...].contains(true), "an entry has no colour")

        var bands = BandScratch(entryCount: colours.count, width: width)
        let pixels = entries.baseAddress!
        var bandTop = 0
        while bandTop < height {
            bands.collect(pixels + bandTop * width, rows: min(6, height - bandTop))
            bands.emit(into: &out, register: register)
            bandTop += 6
            if bandTop < height { out.append(UInt8(ascii: "-")) }
        }
        out.reserve(extra: 2)
        out.append(0x1B); out.append(ascii: "\\")
        return out.finish()
    }
}

/// Timing of the encoder on one image, for `usreview bench-sixel FILE --runs N --json`.
public struct SixelBenchmark: Codable, Equatable, Sendable {
    /// Median wall time of one `SixelEncoder.encode` call, milliseconds.
    public var medianMilliseconds: Double
    /// Fastest call, milliseconds.
    public var minimumMilliseconds: Double
    /// Size of the sixel output in bytes.
    public var bytes: Int
    public var runs: Int

    enum CodingKeys: String, CodingKey {
        case medianMilliseconds = "median_ms"
        case minimumMilliseconds = "min_ms"
        case bytes, runs
    }
}

extension SixelEncoder {
    /// Encodes `image` `runs` times (after one untimed warm-up) and reports the median
    /// time of one encode, palette building included: the work `show` does per image.
    public func benchmark(_ image: GrayImage, runs: Int) -> SixelBenchmark {
        precondition(runs >= 1, "need at least one run")
        var bytes = encode(image).count
        let clock = ContinuousClock()
        var times: [Double] = []
        times.reserveCapacity(runs)
        for _ in 0..<runs {
            let elapsed = clock.measure { bytes = encode(image).count }
            times.append(Double(elapsed.components.seconds) * 1e3 + Double(elapsed.components.attoseconds) * 1e-15)
        }
        times.sort()
        let median = runs % 2 == 1 ? times[runs / 2] : (times[runs / 2 - 1] + times[runs / 2]) / 2
        return SixelBenchmark(medianMilliseconds: median, minimumMilliseconds: times[0], bytes: bytes, runs: runs)
    }
}

/// An append-only byte buffer for the encoder's hot loop: raw pointer writes with one
/// capacity check per band instead of one per byte.
struct ByteWriter: ~Copyable {
    private var base: UnsafeMutablePointer<UInt8>
    private var capacity: Int
    private var count = 0

    init(capacity: Int) {
        self.capacity = max(capacity, 64)
        base = UnsafeMutablePointer<UInt8>.allocate(capacity: self.capacity)
    }

    deinit { base.deallocate() }

    /// Makes room for at least `extra` more bytes.
    mutating func reserve(extra: Int) {
        guard count + extra > capacity else { return }
        let newCapacity = max(capacity * 2, count + extra)
        let grown = UnsafeMutablePointer<UInt8>.allocate(capacity: newCapacity)
        grown.update(from: base, count: count)
        base.deallocate()
        base = grown
        capacity = newCapacity
    }

    mutating func append(_ byte: UInt8) {
        reserve(extra: 1)
        appendUnchecked(byte)
    }

    mutating func append(ascii text: StaticString) {
        reserve(extra: text.utf8CodeUnitCount)
        (base + count).update(from: text.utf8Start, count: text.utf8CodeUnitCount)
        count += text.utf8CodeUnitCount
    }

    mutating func append(decimal value: Int) {
        reserve(extra: 20)
        appendUnchecked(decimal: value)
    }

    @inline(__always)
    mutating func appendUnchecked(_ byte: UInt8) {
        base[count] = byte
        count += 1
    }

    /// A non-negative integer in decimal; room must have been reserved.
    @inline(__always)
    mutating func appendUnchecked(decimal value: Int) {
        if value < 10 {
            appendUnchecked(0x30 &+ UInt8(truncatingIfNeeded: value))
        } else if value < 100 {
            appendUnchecked(0x30 &+ UInt8(truncatingIfNeeded: value / 10))
            appendUnchecked(0x30 &+ UInt8(truncatingIfNeeded: value % 10))
        } else {
            var digits = 1, rest = value / 10
            while rest > 0 { digits += 1; rest /= 10 }
            var v = value
            for i in stride(from: digits - 1, through: 0, by: -1) {
                base[count + i] = 0x30 &+ UInt8(truncatingIfNeeded: v % 10)
                v /= 10
            }
            count += digits
        }
    }

    /// `count` copies of sixel `byte`: literally up to three (a repeat introducer
    /// "!n" is never shorter there), else as "!count" + byte. Never longer than the
    /// literal run, which the per-band reserve relies on.
    @inline(__always)
    mutating func appendRun(of byte: UInt8, count run: Int) {
        if run <= 3 {
            // Spelled out: a loop here compiles to a memset call, slower for 1–3 bytes.
            if run >= 1 { base[count] = byte }
            if run >= 2 { base[count + 1] = byte }
            if run == 3 { base[count + 2] = byte }
            count += run
        } else {
            appendUnchecked(UInt8(ascii: "!"))
            appendUnchecked(decimal: run)
            appendUnchecked(byte)
        }
    }

    /// The bytes written; the writer is spent afterwards.
    consuming func finish() -> [UInt8] {
        [UInt8](UnsafeBufferPointer(start: base, count: count))
    }
}

/// Scratch space for one 6-row band, reused for every band of an image: per palette
/// entry, the six-bit mask of each column, then the list of columns the entry occupies
/// with their masks. Flat buffers allocated once per image; nothing allocates per band.
///
/// The lists make the cost of writing a band proportional to the pixels' (column,
/// entry) pairs rather than to entries × width, which matters for speckle: a band of a
/// 768-pixel-wide ultrasound image holds 60–90 of the 101 grays, each in a scattered
/// tenth of the columns.
///
/// A band is written as one line per entry present ("#r" + sixels), joined by "$".
/// libsixel's alternative, cutting lines at long gaps and packing pieces of several
/// registers into one pass, was tried and measured: on speckle it saves nothing (the
/// colour switches cost what the gaps did) and costs a quarter more time.
struct BandScratch: ~Copyable {
    let width: Int
    let entryCount: Int
    /// `masks[e·width + x]`: rows of column `x` that have entry `e`; zero between bands.
    private let masks: UnsafeMutablePointer<UInt8>
    /// `itemColumn[e·width + k]`, `itemMask[e·width + k]` for `k < itemCount[e]`: the
    /// columns holding entry `e`, left to right, and their masks.
    private let itemColumn: UnsafeMutablePointer<Int32>
    private let itemMask: UnsafeMutablePointer<UInt8>
    private let itemCount: UnsafeMutablePointer<Int32>

    init(entryCount: Int, width: Int) {
        self.width = width
        self.entryCount = entryCount
        let lines = entryCount * width
        masks = .allocate(capacity: lines)
        masks.initialize(repeating: 0, count: lines)
        itemColumn = .allocate(capacity: lines)
        itemMask = .allocate(capacity: lines)
        itemCount = .allocate(capacity: entryCount)
        itemCount.initialize(repeating: 0, count: entryCount)
    }

    deinit {
        masks.deallocate()
        itemColumn.deallocate()
        itemMask.deallocate()
        itemCount.deallocate()
    }

    /// Reads `rows` (1…6) rows of entries starting at `top` and fills the item lists.
    mutating func collect(_ top: UnsafePointer<UInt8>, rows: Int) {
        let width = self.width
        // Pass 1: OR each pixel's row bit into its entry's mask for that column.
        for r in 0..<rows {
            let row = top + r * width
            let bit = UInt8(1) << UInt8(r)
            for x in 0..<width {
                masks[Int(row[x]) * width + x] |= bit
            }
        }
        // Pass 2, column by column so each entry's list comes out sorted: the first
        // pixel of an entry in a column moves the entry's mask to its list.
        for x in 0..<width {
            for r in 0..<rows {
                let e = Int(top[r * width + x])
                let slot = e * width + x
                let mask = masks[slot]
                if mask != 0 {
                    let k = Int(itemCount[e])
                    itemColumn[slot - x + k] = Int32(truncatingIfNeeded: x)
                    itemMask[slot - x + k] = mask
                    itemCount[e] = Int32(truncatingIfNeeded: k + 1)
                    masks[slot] = 0
                }
            }
        }
    }

    /// Writes the band collected last, entries in ascending order, and empties the lists.
    mutating func emit(into out: inout ByteWriter, register: [Int]) {
        let width = self.width
        var firstLine = true
        for e in 0..<entryCount where itemCount[e] > 0 {
            let columns = itemColumn + e * width, masks = itemMask + e * width
            let count = Int(itemCount[e])
            itemCount[e] = 0
            // "$#rrr" + at most one byte per column up to the last one used.
            out.reserve(extra: 8 + Int(columns[count - 1]) + 1)
            if !firstLine { out.appendUnchecked(UInt8(ascii: "$")) }
            firstLine = false
            out.appendUnchecked(UInt8(ascii: "#"))
            out.appendUnchecked(decimal: register[e])
            var runByte: UInt8 = 0x3F, runLength = Int(columns[0])  // "?" up to the first column
            var previous = Int(columns[0]) - 1
            for k in 0..<count {
                let x = Int(columns[k])
                let byte = 0x3F &+ masks[k]
                if x != previous + 1 {
                    out.appendRun(of: runByte, count: runLength)
                    out.appendRun(of: 0x3F, count: x - previous - 1)
                    runByte = byte
                    runLength = 1
                } else if byte == runByte {
                    runLength += 1
                } else {
                    out.appendRun(of: runByte, count: runLength)
                    runByte = byte
                    runLength = 1
                }
                previous = x
            }
            out.appendRun(of: runByte, count: runLength)
        }
    }
}
