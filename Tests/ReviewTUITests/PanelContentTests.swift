import Dataset
import Foundation
import Metrics
@testable import ReviewTUI
import TerminalGraphics
import Testing

/// One image panel as drawn: where its cells are, the label above it, and the gray
/// picture it shows, read back from what reaches the terminal (block cells, or the
/// sixel bytes decoded by libsixel).
struct DrawnPanel {
    var column: Int
    var row: Int
    var columns: Int
    var rows: Int
    var label: String
    var picture: GrayImage
}

/// A viewer mode: the keys that set it, the middle panel's label, what each panel must
/// show, and the window/level applied to all three.
struct ViewerMode: CustomStringConvertible {
    var keys: String
    var middleLabel: String
    var images: [GrayImage]
    var level = 128.0
    var gain = 1.0
    var inverted = false
    var description: String { keys.isEmpty ? "normal" : "keys \(keys)" }

    static let all: [ViewerMode] = {
        let (low, enhanced, high) = (PanelPatterns.low, PanelPatterns.enhanced, PanelPatterns.high)
        return [
            ViewerMode(keys: "", middleLabel: "ENHANCED", images: [low, enhanced, high]),
            ViewerMode(keys: "f", middleLabel: "HIGH ⇄ (flicker)", images: [low, high, high]),
            ViewerMode(keys: "F", middleLabel: "LOW ⇄ (flicker)", images: [low, low, high]),
            ViewerMode(keys: "d", middleLabel: "|ENHANCED−HIGH|", images: [low, PanelPatterns.difference(enhanced, high), high]),
            ViewerMode(keys: "dd", middleLabel: "|LOW−HIGH|", images: [low, PanelPatterns.difference(low, high), high]),
            ViewerMode(keys: "i", middleLabel: "ENHANCED", images: [low, enhanced, high], inverted: true),
            // ]]] raises the level by 3 × 8; + multiplies the gain by 1.25.
            ViewerMode(keys: "]]]+", middleLabel: "ENHANCED", images: [low, enhanced, high], level: 152, gain: 1.25),
            ViewerMode(keys: "d[i", middleLabel: "|ENHANCED−HIGH|", images: [low, PanelPatterns.difference(enhanced, high), high],
                       level: 120, inverted: true),
        ]
    }()

    var labels: [String] { ["LOW", middleLabel, "HIGH"] }
}

/// Zoom ×2, then pan right twice (to the image's right edge) and down once: the view's
/// centre at (0.75, 0.625) of the image, a quarter of the zoomed view per step.
let zoomKeys = "zLLJ"
let zoomPan = (x: 0.75, y: 0.625)

/// Block panels: runs of image cells (gray style), each read back as the half-block
/// picture it shows (top pixel in the foreground, bottom one in the background).
func blockPanels(_ screen: ScreenBuffer) -> [DrawnPanel] {
    func isImage(_ x: Int, _ y: Int) -> Bool {
        if case .gray = screen[x, y].style { return true }
        return false
    }
    let imageColumns = (0..<screen.columns).filter { x in (0..<screen.rows).contains { isImage(x, $0) } }
    var runs: [ClosedRange<Int>] = []
    for x in imageColumns {
        if let last = runs.last, last.upperBound == x - 1 { runs[runs.count - 1] = last.lowerBound...x } else { runs.append(x...x) }
    }
    return runs.map { run in
        let rows = (0..<screen.rows).filter { y in run.contains { isImage($0, y) } }
        let top = rows.first ?? 0, height = rows.count
        var picture = GrayImage(width: run.count, height: 2 * height, value: 0)
        for y in 0..<height {
            for x in 0..<run.count {
                guard case let .gray(foreground, background) = screen[run.lowerBound + x, top + y].style else { continue }
                picture.pixels[2 * y * run.count + x] = foreground
                picture.pixels[(2 * y + 1) * run.count + x] = background
            }
        }
        let label = String(screen.line(top - 2).unicodeScalars.dropFirst(run.lowerBound).prefix(run.count))
            .trimmingCharacters(in: .whitespaces)
        return DrawnPanel(column: run.lowerBound, row: top, columns: run.count, rows: height, label: label,
                          picture: picture)
    }
}

/// Where pictures differ: the first pixel off by more than `tolerance`, for the message.
func firstDifference(_ drawn: GrayImage, _ expected: GrayImage, tolerance: Int = 0,
                     region: (width: Int, height: Int)? = nil) -> String? {
    guard drawn.width == expected.width, drawn.height == expected.height else {
        return "size \(drawn.width)×\(drawn.height), expected \(expected.width)×\(expected.height)"
    }
    let (width, height) = region ?? (drawn.width, drawn.height)
    for y in 0..<height {
        for x in 0..<width where abs(Int(drawn[x, y]) - Int(expected[x, y])) > tolerance {
            return "pixel (\(x),\(y)) is \(drawn[x, y]), expected \(expected[x, y])"
        }
    }
    return nil
}

@Suite struct BlockPanelContentTests {
    let worked: WorkedCase

    init() throws { worked = try WorkedCase.shared.get() }

    /// The fitted geometry (cells of each panel), from the normal frame.
    private func fittedPanels() throws -> [DrawnPanel] {
        let panels = blockPanels(worked.draw([]))
        try #require(panels.count == 3)
        return panels
    }

    @Test(arguments: ViewerMode.all)
    func fittedPanelsShowTheirImages(_ mode: ViewerMode) throws {
        let panels = blockPanels(worked.draw(keys(mode.keys)))
        try #require(panels.count == 3, "three image panels in \(mode)")
        for (index, panel) in panels.enumerated() {
            #expect(panel.label == mode.labels[index], "\(mode): panel \(index) is labelled \(panel.label)")
            let fitted = ExpectedPicture.fitted(mode.images[index], contentWidth: panel.columns,
                                                contentHeight: 2 * panel.rows, canvasWidth: panel.columns,
                                                canvasHeight: 2 * panel.rows, averaging: true)
            let expected = ExpectedPicture.display(fitted, level: mode.level, gain: mode.gain, inverted: mode.inverted)
            let difference = firstDifference(panel.picture, expected)
            #expect(difference == nil, "\(mode), \(mode.labels[index]) panel: \(difference ?? "")")
        }
    }

    @Test(arguments: ViewerMode.all)
    func zoomedAndPannedPanelsShowTheirImages(_ mode: ViewerMode) throws {
        let fitted = try fittedPanels()
        let panels = blockPanels(worked.draw(keys(zoomKeys + mode.keys)))
        try #require(panels.count == 3, "three image panels in \(mode), zoomed")
        for (index, panel) in panels.enumerated() {
            #expect(panel.label == mode.labels[index])
            let cells: [Int] = [panel.column, panel.row, panel.columns, panel.rows]
            let fittedCells: [Int] = [fitted[index].column, fitted[index].row, fitted[index].columns, fitted[index].rows]
            #expect(cells == fittedCells, "zoom keeps the panel's cells")
            // Half blocks: one blitter pixel per column, two per row; fitted, the image
            // spans the panel; zoom ×2 doubles that scale.
            let scaleX = 2 * Double(panel.columns) / Double(PanelPatterns.side)
            let scaleY = 2 * Double(2 * panel.rows) / Double(PanelPatterns.side)
            let zoomed = ExpectedPicture.zoomed(mode.images[index], canvasWidth: panel.columns,
                                                canvasHeight: 2 * panel.rows, scaleX: scaleX, scaleY: scaleY,
                                                pan: zoomPan)
            let expected = ExpectedPicture.display(zoomed, level: mode.level, gain: mode.gain, inverted: mode.inverted)
            let difference = firstDifference(panel.picture, expected)
            #expect(difference == nil, "\(mode) zoomed, \(mode.labels[index]) panel: \(difference ?? "")")
        }
    }

    @Test func panMovesTheViewByAQuarterOfIt() throws {
        // The LOW panel's gray names the column: 20 + 3x. Zoomed ×2 the fitted view shows
        // half the image (32 columns) centred on column 32, so its first column is 16;
        // L moves the centre by a quarter of the view, 8 columns.
        func firstColumn(_ keys: String) throws -> Int {
            let panels = blockPanels(worked.draw(ReviewTUITests.keys(keys)))
            try #require(panels.count == 3)
            return (Int(panels[0].picture[0, 0]) - 20) / 3
        }
        #expect(try firstColumn("") == 0)
        #expect(try firstColumn("z") == 16)
        #expect(try firstColumn("zL") == 24)
        #expect(try firstColumn("zLL") == 32)
        #expect(try firstColumn("zLLL") == 32, "the view stops at the image's right edge")
        #expect(try firstColumn("zLLH") == 24)
    }

    @Test func crosshairReadsEachPanelsPixel() throws {
        // c, then → three times and ↓ twice: 3/64 and 2/64 of the image from the centre.
        let (x, y) = (32 + 3, 32 + 2)
        for (extra, middle, middleImage) in [("", "ENHANCED", PanelPatterns.enhanced),
                                             ("f", "HIGH ⇄ (flicker)", PanelPatterns.high),
                                             ("d", "|ENHANCED−HIGH|", PanelPatterns.difference(PanelPatterns.enhanced, PanelPatterns.high)),
                                             ("dd", "|LOW−HIGH|", PanelPatterns.difference(PanelPatterns.low, PanelPatterns.high))] {
            let screen = worked.draw(keys("c→→→↓↓" + extra))
            let readout = (0..<screen.rows).map { screen.line($0) }.first { $0.contains("✛") }
            let expected = "✛ (\(x),\(y)) LOW \(PanelPatterns.low[x, y]) · \(middle) \(middleImage[x, y])"
                + " · HIGH \(PanelPatterns.high[x, y])"
            #expect(readout?.trimmingCharacters(in: .whitespaces) == expected, "mode \(extra)")
        }
    }

    @Test(arguments: ["", zoomKeys])
    func crosshairMarkSitsOnItsPixel(_ zoom: String) throws {
        // Each arrow moves the crosshair 1/64 of the image at zoom 1, 1/128 at zoom 2.
        let x: Int = zoom.isEmpty ? 35 : 33, y: Int = zoom.isEmpty ? 34 : 33
        let screen = worked.draw(keys(zoom + "c→→→↓↓"))
        let panels = blockPanels(screen)
        try #require(panels.count == 3)
        for panel in panels {
            var marks: [[Int]] = []
            for cy in 0..<panel.rows {
                for cx in 0..<panel.columns where screen[panel.column + cx, panel.row + cy].scalar == "+" {
                    marks.append([cx, cy])
                }
            }
            // The blitter pixel at the centre of image pixel (x, y), in cells (1×2 pixels).
            let scaleX = Double(panel.columns) / 64 * (zoom.isEmpty ? 1 : 2)
            let scaleY = Double(2 * panel.rows) / 64 * (zoom.isEmpty ? 1 : 2)
            let ox = zoom.isEmpty ? 0 : ExpectedPicture.origin(size: 64, visible: Double(panel.columns) / scaleX, centre: zoomPan.x)
            let oy = zoom.isEmpty ? 0 : ExpectedPicture.origin(size: 64, visible: Double(2 * panel.rows) / scaleY, centre: zoomPan.y)
            let px = Int((Double(x - ox) + 0.5) * scaleX), py = Int((Double(y - oy) + 0.5) * scaleY)
            #expect(marks == [[px, py / 2]], "\(panel.label) crosshair, zoom \(zoom)")
        }
    }

    @Test func metricLinesAreThoseOfTheMetricsCommand() throws {
        // `usreview metrics A REF` scores with PairScorer: ImageMetrics' SSIM, PSNR and
        // LNCC (9×9) and LPIPS when installed. The screen shows them to 4 and 2 decimals.
        let lpips = try LPIPS.loadInstalled()
        func line(_ image: GrayImage, _ reference: GrayImage) throws -> String {
            var text = String(format: "SSIM %.4f   PSNR %.2f dB   LNCC %.4f", try ImageMetrics.ssim(image, reference),
                              try ImageMetrics.psnr(image, reference), try ImageMetrics.lncc(image, reference, window: 9))
            if let lpips { text += String(format: "   LPIPS %.4f", try lpips.distance(image, reference)) }
            return text
        }
        let screen = worked.draw([])
        let lines = (0..<screen.rows).map { screen.line($0).trimmingCharacters(in: .whitespaces) }
        let enhanced = "ENHANCED vs HIGH  " + (try line(PanelPatterns.enhanced, PanelPatterns.high))
        let low = "LOW vs HIGH       " + (try line(PanelPatterns.low, PanelPatterns.high))
        #expect(lines.contains(enhanced), "expected \(enhanced)")
        #expect(lines.contains(low), "expected \(low)")
        // The two pairs differ, so a swap of the lines would show.
        #expect(enhanced.dropFirst(18) != low.dropFirst(18))
    }
}
