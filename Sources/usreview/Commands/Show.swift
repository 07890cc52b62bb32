import ArgumentParser
import Dataset
import Foundation
import TerminalGraphics


struct Show: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print images side by side in the terminal (sixel or Unicode blocks) and exit.",
        discussion: """
            With three images this is the LOW · ENHANCED · HIGH triptych. The terminal is \
            asked once (within 200 ms) whether it draws sixel, how many colour registers it \
            has and how large its cells are; --graphics overrides the choice. Images are \
            never colourised; zoom is nearest-neighbour, so speckle stays speckle.

            Examples:
              usreview show low.png enhanced.png high.png
              usreview show low.png high.png --labels LOW,HIGH --graphics blocks
              usreview show image.png --graphics sixel --zoom 2
            """
    )

    @Argument(help: "One or more PNG images, left to right.")
    var images: [String]

    @Option(help: "Panel labels, comma-separated (default LOW,ENHANCED,HIGH).")
    var labels: String?

    @Option(help: "Second label line under each panel (e.g. device names), comma-separated.")
    var sublabels: String?

    @Option(help: "auto, sixel, blocks, quadrants, sextants or ascii.")
    var graphics: String = "auto"

    @Option(help: "Integer zoom (nearest neighbour); default: fit the terminal.")
    var zoom: Int?

    @Option(help: "Columns to use (default: the terminal's width).")
    var width: Int?

    @Option(help: "Rows to use (default: the terminal's height).")
    var height: Int?

    func validate() throws {
        guard !images.isEmpty else { throw ValidationError("Give at least one image.") }
        guard graphics == "auto" || GraphicsMode(rawValue: graphics) != nil else {
            throw ValidationError("--graphics must be auto, sixel, blocks, quadrants, sextants or ascii.")
        }
        if let zoom, zoom < 1 { throw ValidationError("--zoom must be at least 1.") }
        if let width, width < 8 { throw ValidationError("--width must be at least 8 columns.") }
        if let height, height < 4 { throw ValidationError("--height must be at least 4 rows.") }
    }

    func run() throws {
        let pictures = try images.map { try PNGCodec.read(URL(fileURLWithPath: $0)) }
        let capabilities = TerminalQuery.detect()
        let mode = capabilities.chooseMode(override: GraphicsMode(rawValue: graphics))
        let size = terminalSize(for: pictures, capabilities: capabilities, mode: mode)
        let bytes = try renderTriptych(images: pictures,
                                       labels: labels.map(split) ?? Array(TriptychLayout.defaultLabels.prefix(pictures.count)),
                                       sublabels: sublabels.map(split) ?? [],
                                       capabilities: capabilities, terminalSize: size, mode: mode, zoom: zoom)
        FileHandle.standardOutput.write(Data(bytes))
    }

    /// The terminal's size; when output is not a terminal (a file, a pipe, a benchmark),
    /// room for the images at their zoom with the typical cell size, so nothing shrinks.
    private func terminalSize(for pictures: [GrayImage], capabilities: TerminalCapabilities,
                              mode: GraphicsMode) -> TerminalSize {
        var size = capabilities.terminalSize
        if !capabilities.isTerminal {
            let cell = capabilities.cellPixelSize ?? .typical
            let perCell = mode == .sixel ? (cell.width, cell.height) : capabilities.blitter(for: mode).pixelsPerCell(cell)
            let scale = zoom ?? 1
            let columns = pictures.reduce(0) { $0 + ($1.width * scale + perCell.0 - 1) / perCell.0 + 2 }
            let rows = (pictures.map(\.height).max() ?? 0) * scale / perCell.1 + 8
            size = TerminalSize(columns: columns, rows: rows)
        }
        return TerminalSize(columns: width ?? size.columns, rows: height ?? size.rows)
    }

    private func split(_ list: String) -> [String] {
        list.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
    }
}
