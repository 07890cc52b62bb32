import UntrustedText
import Dataset

/// A rectangle of character cells; zero-based, relative to the top-left of the frame.
public struct CellRect: Equatable, Sendable {
    public var column: Int
    public var row: Int
    public var columns: Int
    public var rows: Int
    public init(column: Int, row: Int, columns: Int, rows: Int) {
        self.column = column
        self.row = row
        self.columns = columns
        self.rows = rows
    }
}

/// One panel of a triptych: a label line, a sub-label line under it, then the image.
public struct PanelPlacement: Equatable, Sendable {
    /// Which image (0 = first, LOW by default).
    public var index: Int
    /// The label as shown, already cut to fit (in the single-panel view, the indicator).
    public var label: String
    public var sublabel: String
    /// Where the label and sub-label text start; each takes one row.
    public var labelColumn: Int
    public var labelRow: Int
    public var sublabelColumn: Int
    public var sublabelRow: Int
    /// The cells the image covers.
    public var image: CellRect
    /// The picture inside those cells and the pixel size the blitter gets.
    public var fit: ImageFit
}

/// Low, enhanced and high images (or any N) placed for a terminal: side by side with
/// a gap, each under its label and sub-label, at one common scale so a speckle is the
/// same size in every panel. When the terminal is too narrow for panels of a useful
/// width they are stacked, and when they do not fit stacked either, one panel is shown
/// at a time with an indicator such as `[1/3 LOW] ←/→`.
///
/// The frame never uses the terminal's bottom row: a sixel image that reaches it
/// scrolls the screen and everything drawn shifts up a line. In sixel mode each panel
/// is its own image, so the terminal's maximum sixel geometry bounds a panel, not the
/// whole triptych.
public struct TriptychLayout: Equatable, Sendable {
    public enum Arrangement: Equatable, Sendable {
        case sideBySide
        case stacked
        /// One panel at a time: `shown` of `count` (zero-based).
        case single(shown: Int, count: Int)
    }

    /// What the panels are called unless a study hides them (blinded reading).
    public static let defaultLabels = ["LOW", "ENHANCED", "HIGH"]
    /// Columns between panels side by side.
    public static let defaultGap = 2
    /// Side by side or stacked needs every panel at least this wide.
    public static let defaultMinimumPanelColumns = 16

    public var arrangement: Arrangement
    /// The panels drawn, in order (one in the single-panel view).
    public var panels: [PanelPlacement]
    /// Screen pixels per image pixel, the same for every panel.
    public var scale: Double
    /// The integer zoom in effect; nil when the images are fitted to the terminal.
    public var zoom: Int?
    /// Columns and rows the frame covers; rows ≤ terminal rows − 1.
    public var size: TerminalSize

    /// Places images of `imageSizes` for a terminal of `terminalSize` cells whose cells
    /// are `cell` screen pixels, drawn by a blitter showing `pixelsPerCell` per cell.
    /// `zoom` asks for k×k screen pixels per image pixel (lowered to the largest k that
    /// fits, or dropped for a fit when even 1 does not). `shownPanel` picks the panel
    /// of the single-panel view. Labels and sub-labels missing for an image are blank.
    public init(imageSizes: [PixelSize],
                labels: [String] = TriptychLayout.defaultLabels,
                sublabels: [String] = [],
                terminalSize: TerminalSize,
                cell: CellPixelSize,
                mode: GraphicsMode,
                pixelsPerCell ppc: (width: Int, height: Int),
                maxSixelGeometry: PixelSize = .defaultMaxSixelGeometry,
                zoom: Int? = nil,
                shownPanel: Int = 0,
                gap: Int = TriptychLayout.defaultGap,
                minimumPanelColumns: Int = TriptychLayout.defaultMinimumPanelColumns) {
        let count = imageSizes.count
        let labelRows = 2
        // The bottom row stays free.
        let usableRows = terminalSize.rows - 1
        let columns = terminalSize.columns

        func fits(_ size: PixelSize, _ scale: Double) -> ImageFit {
            Scaling.fit(imageWidth: size.width, imageHeight: size.height, scale: scale,
                        mode: mode, cell: cell, pixelsPerCell: ppc)
        }
        func withinSixelLimit(_ fit: ImageFit) -> Bool {
            mode != .sixel || (fit.pixelWidth <= maxSixelGeometry.width && fit.pixelHeight <= maxSixelGeometry.height)
        }
        func sideBySideFits(_ scale: Double) -> Bool {
            let panelFits = imageSizes.map { fits($0, scale) }
            let width = panelFits.reduce(0) { $0 + $1.columns } + gap * max(0, count - 1)
            let height = labelRows + (panelFits.map(\.rows).max() ?? 0)
            return width <= columns && height <= usableRows && panelFits.allSatisfy(withinSixelLimit)
        }
        func stackedFits(_ scale: Double) -> Bool {
            let panelFits = imageSizes.map { fits($0, scale) }
            let height = panelFits.reduce(0) { $0 + labelRows + $1.rows }
            return panelFits.allSatisfy { $0.columns <= columns && withinSixelLimit($0) } && height <= usableRows
        }
        let shown = count == 0 ? 0 : min(max(0, shownPanel), count - 1)
        func singleFits(_ scale: Double) -> Bool {
            guard count > 0 else { return true }
            let fit = fits(imageSizes[shown], scale)
            return fit.columns <= columns && labelRows + fit.rows <= usableRows && withinSixelLimit(fit)
        }
        // No image grows past what the widest terminal could show.
        let limit = Double(max(1, columns) * cell.width + max(1, terminalSize.rows) * cell.height)
        func wideEnough(_ scale: Double) -> Bool {
            imageSizes.allSatisfy { fits($0, scale).columns >= minimumPanelColumns }
        }

        var arrangement = Arrangement.single(shown: shown, count: count)
        var check: (Double) -> Bool = singleFits
        if let scale = Scaling.largestScale(upTo: limit, where: sideBySideFits), wideEnough(scale) || count <= 1 {
            arrangement = .sideBySide
            check = sideBySideFits
        } else if count > 1, let scale = Scaling.largestScale(upTo: limit, where: stackedFits), wideEnough(scale) {
            arrangement = .stacked
            check = stackedFits
        }
        let (scale, zoomInEffect): (Double, Int?)
        if let fitScale = Scaling.largestScale(upTo: limit, where: check) {
            (scale, zoomInEffect) = Scaling.chooseScale(fitting: fitScale, zoom: zoom, where: check)
        } else {
            (scale, zoomInEffect) = (0, nil)  // not even one cell: labels only
        }

        // Labels may be outside text (file or device names, `show --labels`): escaped
        // before they are measured and cut, so what is printed is what was fitted.
        func label(_ index: Int) -> String { index < labels.count ? TerminalText.sanitized(labels[index]) : "" }
        func sublabel(_ index: Int) -> String { index < sublabels.count ? TerminalText.sanitized(sublabels[index]) : "" }
        func fitOrEmpty(_ index: Int) -> ImageFit { scale > 0 ? fits(imageSizes[index], scale) : .empty }

        var panels = [PanelPlacement]()
        switch arrangement {
        case .sideBySide:
            var column = 0
            for index in 0..<count {
                let fit = fitOrEmpty(index)
                panels.append(Self.panel(index: index, label: label(index), sublabel: sublabel(index), fit: fit,
                                         column: column, row: 0, labelWidth: fit.columns))
                column += fit.columns + gap
            }
        case .stacked:
            var row = 0
            for index in 0..<count {
                let fit = fitOrEmpty(index)
                panels.append(Self.panel(index: index, label: label(index), sublabel: sublabel(index), fit: fit,
                                         column: 0, row: row, labelWidth: columns))
                row += labelRows + fit.rows
            }
        case .single(let shown, let count):
            if count > 0 {
                let indicator = "[\(shown + 1)/\(count) \(label(shown))] ←/→"
                panels.append(Self.panel(index: shown, label: indicator, sublabel: sublabel(shown),
                                         fit: fitOrEmpty(shown), column: 0, row: 0, labelWidth: columns))
            }
        }
        self.arrangement = arrangement
        self.panels = panels
        self.scale = scale
        self.zoom = zoomInEffect
        let width = panels.map { max($0.image.column + $0.image.columns,
                                     $0.labelColumn + $0.label.count, $0.sublabelColumn + $0.sublabel.count) }.max() ?? 0
        let height = panels.map { max($0.image.row + $0.image.rows, $0.sublabelRow + 1) }.max() ?? 0
        self.size = TerminalSize(columns: min(width, columns), rows: min(height, max(0, usableRows)))
    }

    /// A panel with its labels centred over the image when they fit in its width, or
    /// starting at its left edge and cut with "…" to `labelWidth` otherwise.
    private static func panel(index: Int, label: String, sublabel: String, fit: ImageFit,
                              column: Int, row: Int, labelWidth: Int) -> PanelPlacement {
        func place(_ text: String) -> (String, Int) {
            let fitted = truncated(text, to: labelWidth)
            let offset = fitted.count < fit.columns ? (fit.columns - fitted.count) / 2 : 0
            return (fitted, column + offset)
        }
        let (labelText, labelColumn) = place(label)
        let (sublabelText, sublabelColumn) = place(sublabel)
        return PanelPlacement(index: index, label: labelText, sublabel: sublabelText,
                              labelColumn: labelColumn, labelRow: row,
                              sublabelColumn: sublabelColumn, sublabelRow: row + 1,
                              image: CellRect(column: column, row: row + 2, columns: fit.columns, rows: fit.rows),
                              fit: fit)
    }

    /// `text` cut to `width` characters, its last one replaced by "…" when cut.
    static func truncated(_ text: String, to width: Int) -> String {
        guard text.count > width else { return text }
        guard width > 0 else { return "" }
        return String(text.prefix(width - 1)) + "…"
    }
}

/// The bytes that show `images` as a triptych: laid out by `TriptychLayout` for
/// `terminalSize`, each image scaled and drawn by the blitter for `mode`, labels and
/// sub-labels above each panel. For `usreview show`.
///
/// The output prints into the normal scrolling screen from the cursor's line: it first
/// makes room with newlines (scrolling if the cursor is low), goes back up, saves the
/// cursor (DECSC) and places every row relative to it, so panels stand side by side
/// without knowing the cursor's screen row; it ends with the cursor at the start of the
/// line below the frame — at worst the bottom row, which the layout keeps free.
/// Ascii is written without colour; block modes use the terminal's colours, or the
/// 256-colour palette when it reported none (blocks need colour to show anything).
///
/// Inside tmux (`capabilities.passthrough`) pixel images go through passthrough, each
/// sequence wrapped on its own, and land at the outer terminal's cursor: they are
/// placed at `outerOrigin` (the frame's top-left cell in the outer terminal, 1-based;
/// `TerminalQuery.cursorPosition` after `triptychRoom` and the pane's offset give it).
public func renderTriptych(images: [GrayImage],
                           labels: [String] = TriptychLayout.defaultLabels,
                           sublabels: [String] = [],
                           capabilities: TerminalCapabilities,
                           terminalSize: TerminalSize,
                           mode: GraphicsMode,
                           zoom: Int? = nil,
                           shownPanel: Int = 0,
                           outerOrigin: (row: Int, column: Int)? = nil) throws -> [UInt8] {
    let blitter = capabilities.blitter(for: mode)
    let layout = triptychLayout(images: images, labels: labels, sublabels: sublabels, capabilities: capabilities,
                                terminalSize: terminalSize, mode: mode, zoom: zoom, shownPanel: shownPanel)
    let writer = TerminalWriter(colors: capabilities.colors(for: mode))
    let height = layout.size.rows

    var out = triptychRoom(rows: height)
    out += [0x1B, UInt8(ascii: "7")]
    for panel in layout.panels {
        out += writer.bytes(forText: panel.label, at: .fromSavedCursor(row: panel.labelRow, column: panel.labelColumn))
        out += writer.bytes(forText: panel.sublabel, at: .fromSavedCursor(row: panel.sublabelRow, column: panel.sublabelColumn))
        guard !panel.fit.isEmpty else { continue }
        let picture = Scaling.prepare(images[panel.index], for: panel.fit, mode: mode)
        if mode.isPixel, capabilities.passthrough == .tmux {
            // Through tmux: each image with its cursor move in the outer terminal.
            let pieces: [(row: Int, sequences: [[UInt8]])]
            if mode == .sixel {
                pieces = SixelStrips.encode(picture, cellHeight: panel.fit.pixelHeight / max(1, panel.fit.rows),
                                            encoder: SixelEncoder(registers: capabilities.colorRegisters),
                                            passthrough: .tmux).map { ($0.row, [$0.sixel]) }
            } else {
                guard case let .pixels(bytes, _, _) = try blitter.render(picture, columns: panel.fit.columns,
                                                                         rows: panel.fit.rows) else { continue }
                pieces = [(0, Passthrough.sequences(in: bytes))]
            }
            for piece in pieces {
                var move: [UInt8] = [0x1B, UInt8(ascii: "7")]
                if let outerOrigin {
                    let row = outerOrigin.row + panel.image.row + piece.row
                    move += Array("\u{1B}[\(row);\(outerOrigin.column + panel.image.column)H".utf8)
                }
                out += Passthrough.tmux.place(piece.sequences, move: move, restore: [0x1B, UInt8(ascii: "8")])
            }
            continue
        }
        let rendering = try blitter.render(picture, columns: panel.fit.columns, rows: panel.fit.rows)
        out += writer.bytes(for: rendering, at: .fromSavedCursor(row: panel.image.row, column: panel.image.column))
    }
    out += [0x1B, UInt8(ascii: "8")]
    if height > 0 { out += Array("\u{1B}[\(height)B".utf8) }
    out.append(0x0D)
    return out
}

/// The layout `renderTriptych` draws with.
public func triptychLayout(images: [GrayImage], labels: [String] = TriptychLayout.defaultLabels,
                           sublabels: [String] = [], capabilities: TerminalCapabilities,
                           terminalSize: TerminalSize, mode: GraphicsMode, zoom: Int? = nil,
                           shownPanel: Int = 0) -> TriptychLayout {
    let blitter = capabilities.blitter(for: mode)
    let cell = capabilities.cellPixelSize ?? .typical
    return TriptychLayout(imageSizes: images.map { PixelSize(width: $0.width, height: $0.height) },
                          labels: labels, sublabels: sublabels, terminalSize: terminalSize, cell: cell,
                          mode: mode, pixelsPerCell: blitter.pixelsPerCell(cell),
                          maxSixelGeometry: capabilities.maxSixelGeometry, zoom: zoom, shownPanel: shownPanel)
}

/// Room for a frame of `rows` below the cursor: newlines (scrolling if the cursor is
/// low), back up, to the line's start. Writing it twice leaves the cursor where once does.
public func triptychRoom(rows: Int) -> [UInt8] {
    var out = [UInt8](repeating: 0x0A, count: rows)
    if rows > 0 { out += Array("\u{1B}[\(rows)A".utf8) }
    out.append(0x0D)
    return out
}
