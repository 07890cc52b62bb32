import TerminalGraphics
import UntrustedText

/// The parts of the interface a theme colours. The image is never among them.
public enum ChromeRole: Int, CaseIterable, Sendable {
    case text = 1, dim, heading, label, selection, statusBar, warning, error, hint
}

/// How one cell looks: interface text in a theme role, image grays (the glyph's set
/// pixels in `foreground`, the rest in `background`), or an overlay's colour on them.
public enum CellStyle: Equatable, Sendable {
    case chrome(ChromeRole)
    case gray(foreground: UInt8, background: UInt8)
    /// An overlay over the image (a mark): the glyph's set pixels in the ink's colour,
    /// the rest in the background gray.
    case ink(OverlayInk, background: UInt8)
    /// Image glyphs without colour (ascii on terminals with too few colours).
    case plain
}

public struct ScreenCell: Equatable, Sendable {
    public var scalar: Unicode.Scalar
    public var style: CellStyle
    public init(_ scalar: Unicode.Scalar, _ style: CellStyle) {
        self.scalar = scalar
        self.style = style
    }
    public static let blank = ScreenCell(" ", .chrome(.text))
}

/// The screen as views leave it: a grid of cells the driver copies to curses. Views
/// draw here, never into C calls, so what they draw can be read back in tests.
public struct ScreenBuffer: Equatable, Sendable {
    public let columns: Int
    public let rows: Int
    public private(set) var cells: [ScreenCell]
    /// Pictures the driver draws over blank cells as sixel images (Viewer/SixelPanels.swift);
    /// empty in block and ascii modes.
    public var images: [PanelImage] = []

    public init(columns: Int, rows: Int) {
        self.columns = max(0, columns)
        self.rows = max(0, rows)
        cells = Array(repeating: .blank, count: self.columns * self.rows)
    }

    public subscript(column: Int, row: Int) -> ScreenCell {
        get { cells[row * columns + column] }
        set {
            guard column >= 0, column < columns, row >= 0, row < rows else { return }
            cells[row * columns + column] = newValue
        }
    }

    /// Writes `text` from (`column`, `row`), clipped to `width` cells (default: to the
    /// edge); one cell per scalar, so views use single-width characters only. Every
    /// string the app shows passes here, so outside text in it (file, device and reader
    /// names, comments, labels) is escaped once, here (`TerminalText`).
    public mutating func text(_ text: String, column: Int, row: Int, role: ChromeRole = .text, width: Int? = nil) {
        guard row >= 0, row < rows else { return }
        let limit = min(columns, column + (width ?? columns))
        var x = column
        for scalar in TerminalText.sanitized(text).unicodeScalars {
            guard x < limit else { break }
            if x >= 0 { self[x, row] = ScreenCell(scalar, .chrome(role)) }
            x += 1
        }
    }

    /// Fills a whole row with blanks in `role` (a bar's background).
    public mutating func fillRow(_ row: Int, role: ChromeRole) {
        for x in 0..<columns { self[x, row] = ScreenCell(" ", .chrome(role)) }
    }

    /// The text of one row, for tests and debugging.
    public func line(_ row: Int) -> String {
        var out = ""
        for x in 0..<columns { out.unicodeScalars.append(self[x, row].scalar) }
        return out
    }
}
