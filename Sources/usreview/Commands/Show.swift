import ArgumentParser
import Dataset
import Foundation
import TerminalGraphics


struct Show: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print images side by side in the terminal (kitty graphics, sixel or Unicode blocks) and exit.",
        discussion: """
            With three images this is the LOW · ENHANCED · HIGH triptych. The terminal is \
            asked once (within 200 ms) whether it takes kitty graphics (exact pixels) or sixel, \
            how many colour registers it has and how large its cells are; kitty is preferred, \
            then sixel, then blocks; --graphics overrides the choice. Images are \
            never colourised; zoom is nearest-neighbour, so speckle stays speckle.

            Examples:
              usreview show low.png enhanced.png high.png
              usreview show low.png high.png --labels LOW,HIGH --graphics blocks
              usreview show image.png --graphics sixel --zoom 2
              usreview show low.png enhanced.png high.png --graphics kitty
            """
    )

    @Argument(help: "One or more PNG images, left to right.")
    var images: [String]

    @Option(help: "Panel labels, comma-separated (default LOW,ENHANCED,HIGH).")
    var labels: String?

    @Option(help: "Second label line under each panel (e.g. device names), comma-separated.")
    var sublabels: String?

    @Option(help: "auto, kitty, sixel, blocks, quadrants, sextants or ascii.")
    var graphics: String = "auto"

    @Option(help: "Integer zoom (nearest neighbour); default: fit the terminal.", transform: NumericRange.zoom.parse)
    var zoom: Int?

    @Option(help: "Columns to use (default: the terminal's width).", transform: NumericRange.columns.parse)
    var width: Int?

    @Option(help: "Rows to use (default: the terminal's height).", transform: NumericRange.rows.parse)
    var height: Int?

    func validate() throws {
        guard !images.isEmpty else { throw ValidationError("Give at least one image.") }
        guard graphics == "auto" || GraphicsMode(rawValue: graphics) != nil else {
            throw ValidationError("--graphics must be auto, kitty, sixel, blocks, quadrants, sextants or ascii.")
        }
    }

    func run() throws {
        let pictures = try images.map { try PNGCodec.read(URL(fileURLWithPath: $0)) }
        let capabilities = TerminalQuery.detect()
        let mode = capabilities.chooseMode(override: GraphicsMode(rawValue: graphics))
        let size = try terminalSize(for: pictures, capabilities: capabilities, mode: mode)
        let labels = labels.map(split) ?? Array(TriptychLayout.defaultLabels.prefix(pictures.count))
        let sublabels = sublabels.map(split) ?? []
        if let advice = capabilities.advice, !mode.isPixel { FileHandle.standardError.write(Data("usreview: \(advice)\n".utf8)) }
        // Through tmux a pixel image lands at the outer terminal's cursor: make room,
        // ask where the frame starts in the pane, add the pane's offset.
        var origin: (row: Int, column: Int)?
        if mode.isPixel, capabilities.passthrough == .tmux, let pane = capabilities.tmux {
            let layout = triptychLayout(images: pictures, labels: labels, sublabels: sublabels,
                                        capabilities: capabilities, terminalSize: size, mode: mode, zoom: zoom)
            FileHandle.standardOutput.write(Data(triptychRoom(rows: layout.size.rows)))
            if let cursor = TerminalQuery.cursorPosition() {
                origin = (pane.top + cursor.row, pane.left + 1)
            }
        }
        let bytes = try renderTriptych(images: pictures, labels: labels, sublabels: sublabels,
                                       capabilities: capabilities, terminalSize: size, mode: mode, zoom: zoom,
                                       outerOrigin: origin)
        FileHandle.standardOutput.write(Data(bytes))
    }

    /// The terminal's size; when output is not a terminal (a file, a pipe, a benchmark),
    /// room for the images at their zoom with the typical cell size, so nothing shrinks.
    private func terminalSize(for pictures: [GrayImage], capabilities: TerminalCapabilities,
                              mode: GraphicsMode) throws -> TerminalSize {
        var size = capabilities.terminalSize
        let cell = capabilities.cellPixelSize ?? .typical
        let perCell = mode.isPixel ? (cell.width, cell.height) : capabilities.blitter(for: mode).pixelsPerCell(cell)
        if !capabilities.isTerminal {
            let scale = zoom ?? 1
            let columns = pictures.reduce(0) { $0 + ($1.width * scale + perCell.0 - 1) / perCell.0 + 2 }
            let rows = (pictures.map(\.height).max() ?? 0) * scale / perCell.1 + 8
            size = TerminalSize(columns: columns, rows: rows)
        }
        let chosen = TerminalSize(columns: width ?? size.columns, rows: height ?? size.rows)
        // The drawing is made in memory first: bound it by the same pixel limit as an input image.
        let canvas = (chosen.columns * perCell.0, chosen.rows * perCell.1)
        let limit = try ResourceLimits.current().maxPixels
        guard canvas.0 * canvas.1 <= limit else {
            throw ShowError("The drawing would be \(canvas.0)×\(canvas.1) pixels\(zoom.map { " at --zoom \($0)" } ?? ""), "
                                  + "over the pixel limit of \(limit) (\(ResourceLimits.pixelsVariable)). "
                                  + "Use a smaller --zoom, or --width and --height.")
        }
        return chosen
    }

    private func split(_ list: String) -> [String] {
        list.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
    }
}

/// Why `show` stops after parsing; printed as it is (no usage text).
struct ShowError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
