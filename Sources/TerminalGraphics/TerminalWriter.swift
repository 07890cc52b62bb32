/// How many colours the terminal's SGR sequences can name.
public enum ColorDepth: String, Equatable, Sendable {
    /// No colour sequences at all: glyphs only (ascii for dumb terminals and files).
    case none
    /// The xterm 256-colour palette (`38;5;n`); grays go to the nearest palette gray.
    case palette256
    /// 24-bit colour (`38;2;r;g;b`), every 8-bit gray exact.
    case truecolor
}

/// Where each row of a grid goes on the screen. The first row starts at `row`,
/// `column`; later rows one line further down each, at the same column, so panels
/// can stand side by side.
public enum RowPositioning: Equatable, Sendable {
    /// Rows separated by CR LF, indented by `column` (CUF): flowing output, one block of
    /// rows starting where the cursor is.
    case newlines(column: Int)
    /// Each row moved to with CUP: for full-screen views; zero-based screen position.
    case absolute(row: Int, column: Int)
    /// Each row moved to by restoring the cursor saved with DECSC (`ESC 7`) and moving
    /// down and right from it: places panels side by side in the scrolling screen
    /// without knowing which screen row the cursor is on. Zero-based offsets.
    case fromSavedCursor(row: Int, column: Int)
}

/// Turns renderings into the bytes a terminal needs: the one place where cells become
/// escape sequences. It never writes; the caller sends the bytes.
///
/// Colours are sent only when they change, and each row ends with an SGR reset so a
/// background colour never bleeds into the rest of the line when the terminal scrolls
/// or erases. A space shows only its background and a full block only its foreground,
/// so the other colour is not sent for them.
public struct TerminalWriter: Sendable {
    public var colors: ColorDepth

    public init(colors: ColorDepth) {
        self.colors = colors
    }

    /// The bytes for a rendering: cells become glyphs with colours; a pixel image is
    /// sent as it is, from the position of the grid's first row.
    public func bytes(for rendering: Rendering, at position: RowPositioning) -> [UInt8] {
        switch rendering {
        case .cells(let grid):
            return bytes(for: grid, at: position)
        case .pixels(let sixel, _, _):
            var out = [UInt8]()
            out.reserveCapacity(sixel.count + 16)
            Self.appendMove(to: position, row: 0, into: &out)
            out += sixel
            return out
        }
    }

    /// The bytes for a grid of cells, row by row.
    public func bytes(for grid: CellGrid, at position: RowPositioning) -> [UInt8] {
        var out = [UInt8]()
        out.reserveCapacity(grid.cells.count * (colors == .none ? 3 : 12) + grid.rows * 16)
        for row in 0..<grid.rows {
            Self.appendMove(to: position, row: row, into: &out)
            var current = ColorState()
            for column in 0..<grid.columns {
                let cell = grid[column, row]
                if colors != .none {
                    appendColors(for: cell, changing: &current, into: &out)
                }
                Self.appendUTF8(cell.glyph, into: &out)
            }
            if colors != .none {
                out += Self.reset
            }
        }
        return out
    }

    /// Text (a label) at the position of a one-row grid, with default colours. Control
    /// characters become "?": labels come from data files (device names), and an ESC in
    /// one must not reach the terminal as a command.
    public func bytes(forText text: String, at position: RowPositioning) -> [UInt8] {
        var out = [UInt8]()
        Self.appendMove(to: position, row: 0, into: &out)
        for scalar in text.unicodeScalars {
            let isControl = scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value)
            Self.appendUTF8(isControl ? "?" : scalar, into: &out)
        }
        return out
    }

    // MARK: Colours

    /// The palette index currently set, or nil when unknown (start of a row).
    private struct ColorState {
        var foreground: Int?
        var background: Int?
    }

    private func appendColors(for cell: Cell, changing current: inout ColorState, into out: inout [UInt8]) {
        let foreground = cell.glyph == " " ? nil : (cell.ink.map(colorCode) ?? colorCode(cell.foreground))
        let background = cell.glyph == Self.fullBlock ? nil : colorCode(cell.background)
        let newForeground = foreground != nil && foreground != current.foreground
        let newBackground = background != nil && background != current.background
        guard newForeground || newBackground else { return }
        out += Self.csi
        if newForeground {
            appendSGRColor(foreground!, isForeground: true, into: &out)
            current.foreground = foreground
        }
        if newBackground {
            if newForeground { out.append(UInt8(ascii: ";")) }
            appendSGRColor(background!, isForeground: false, into: &out)
            current.background = background
        }
        out.append(UInt8(ascii: "m"))
    }

    /// What identifies a colour on this terminal: the gray itself in truecolor, the
    /// palette index in 256 colours — so two grays with one index are no change.
    private func colorCode(_ gray: UInt8) -> Int {
        colors == .palette256 ? Int(Self.paletteIndex(for: gray)) : Int(gray)
    }

    /// An overlay's colour: its palette index in 256 colours, else `inkCodeBase` + RGB
    /// (never a gray's code).
    private func colorCode(_ ink: OverlayInk) -> Int {
        colors == .palette256 ? Int(ink.paletteIndex) : Self.inkCodeBase + Int(ink.rgb)
    }

    private static let inkCodeBase = 0x100_0000

    /// `38;2;g;g;g` / `48;2;g;g;g` (`38;2;r;g;b` for an ink) or `38;5;n` / `48;5;n`.
    private func appendSGRColor(_ code: Int, isForeground: Bool, into out: inout [UInt8]) {
        out += isForeground ? Self.foregroundPrefix : Self.backgroundPrefix
        if colors == .truecolor, code >= Self.inkCodeBase {
            let rgb = code - Self.inkCodeBase
            out += Self.rgbSelector
            out += Self.decimal[(rgb >> 16) & 0xFF]
            out.append(UInt8(ascii: ";"))
            out += Self.decimal[(rgb >> 8) & 0xFF]
            out.append(UInt8(ascii: ";"))
            out += Self.decimal[rgb & 0xFF]
        } else if colors == .palette256 {
            out += Self.paletteSelector
            out += Self.decimal[code]
        } else {
            out += Self.rgbSelector
            let digits = Self.decimal[code]
            out += digits
            out.append(UInt8(ascii: ";"))
            out += digits
            out.append(UInt8(ascii: ";"))
            out += digits
        }
    }

    // MARK: The 256-colour grays

    /// The grays the xterm 256-colour palette has, as (index, level), darkest first:
    /// the 24-step ramp 232…255 (8, 18, …, 238) and the six grays of the 6×6×6 cube
    /// (0, 95, 135, 175, 215, 255 at 16, 59, 102, 145, 188, 231). The cube's grays fall
    /// between ramp steps and none coincides with one, so together they are
    /// **30 distinct levels** — the most a 256-colour terminal can show of an image.
    public static let paletteGrays: [(index: UInt8, level: UInt8)] = {
        var grays: [(index: UInt8, level: UInt8)] = []
        for step in 0..<24 {
            grays.append((index: UInt8(232 + step), level: UInt8(8 + 10 * step)))
        }
        let cubeIndices: [UInt8] = [16, 59, 102, 145, 188, 231]
        let cubeLevels: [UInt8] = [0, 95, 135, 175, 215, 255]
        for (index, level) in zip(cubeIndices, cubeLevels) {
            grays.append((index: index, level: level))
        }
        return grays.sorted { $0.level < $1.level }
    }()

    /// The palette index of the nearest palette gray (ties go to the darker level).
    public static func paletteIndex(for gray: UInt8) -> UInt8 {
        paletteIndexTable[Int(gray)]
    }

    private static let paletteIndexTable: [UInt8] = (0...255).map { gray in
        var best = paletteGrays[0]
        for candidate in paletteGrays where abs(Int(candidate.level) - gray) < abs(Int(best.level) - gray) {
            best = candidate
        }
        return best.index
    }

    // MARK: Bytes

    private static let csi: [UInt8] = [0x1B, UInt8(ascii: "[")]
    private static let reset: [UInt8] = Array("\u{1B}[0m".utf8)
    private static let foregroundPrefix: [UInt8] = Array("38;".utf8)
    private static let backgroundPrefix: [UInt8] = Array("48;".utf8)
    private static let paletteSelector: [UInt8] = Array("5;".utf8)
    private static let rgbSelector: [UInt8] = Array("2;".utf8)
    static let fullBlock: Unicode.Scalar = "\u{2588}"
    /// "0" … "255" as ASCII, so numbers never go through String.
    private static let decimal: [[UInt8]] = (0...255).map { Array(String($0).utf8) }

    /// Moves to where `row` of a block placed at `position` starts.
    static func appendMove(to position: RowPositioning, row: Int, into out: inout [UInt8]) {
        switch position {
        case .newlines(let column):
            if row > 0 { out += [0x0D, 0x0A] }
            appendCSI(column, final: "C", into: &out)
        case .absolute(let top, let column):
            out += csi
            out += Array(String(top + row + 1).utf8)
            out.append(UInt8(ascii: ";"))
            out += Array(String(column + 1).utf8)
            out.append(UInt8(ascii: "H"))
        case .fromSavedCursor(let top, let column):
            out += [0x1B, UInt8(ascii: "8")]
            appendCSI(top + row, final: "B", into: &out)
            appendCSI(column, final: "C", into: &out)
        }
    }

    /// `CSI n final` for a relative move; nothing for 0, because terminals read a
    /// count of 0 as 1.
    private static func appendCSI(_ count: Int, final: Character, into out: inout [UInt8]) {
        guard count > 0 else { return }
        out += csi
        out += Array(String(count).utf8)
        out.append(final.asciiValue!)
    }

    @inline(__always)
    static func appendUTF8(_ scalar: Unicode.Scalar, into out: inout [UInt8]) {
        let value = scalar.value
        switch value {
        case 0..<0x80:
            out.append(UInt8(value))
        case 0x80..<0x800:
            out.append(UInt8(0xC0 | (value >> 6)))
            out.append(UInt8(0x80 | (value & 0x3F)))
        case 0x800..<0x10000:
            out.append(UInt8(0xE0 | (value >> 12)))
            out.append(UInt8(0x80 | ((value >> 6) & 0x3F)))
            out.append(UInt8(0x80 | (value & 0x3F)))
        default:
            out.append(UInt8(0xF0 | (value >> 18)))
            out.append(UInt8(0x80 | ((value >> 12) & 0x3F)))
            out.append(UInt8(0x80 | ((value >> 6) & 0x3F)))
            out.append(UInt8(0x80 | (value & 0x3F)))
        }
    }
}
