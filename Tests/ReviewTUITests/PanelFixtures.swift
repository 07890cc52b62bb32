import Dataset
import Enhancer
import Foundation
@testable import ReviewTUI
import TerminalGraphics

/// Three 64×64 images unlike each other at every pixel, so a panel that shows the wrong
/// one, a wrong difference or a view shifted by one pixel cannot pass for the right one.
enum PanelPatterns {
    static let side = 64

    private static func image(_ value: (Int, Int) -> Int) -> GrayImage {
        GrayImage(width: side, height: side, pixels: (0..<(side * side)).map { UInt8(value($0 % side, $0 / side)) })
    }

    /// The gray names the column: 20 + 3x.
    static let low = image { x, _ in 20 + 3 * x }
    /// The gray names the row: 30 + 3y.
    static let high = image { _, y in 30 + 3 * y }
    /// A diagonal ramp under an 8-pixel checkerboard. |ENHANCED − HIGH| is odd, so never 0,
    /// and |LOW − HIGH| = |3(x − y) − 10| never 0 either.
    static let enhanced = image { x, y in 11 + 2 * x + y + 40 * ((x / 8 + y / 8) % 2) }

    /// |a − b| per pixel, written here rather than taken from the app.
    static func difference(_ a: GrayImage, _ b: GrayImage) -> GrayImage {
        GrayImage(width: a.width, height: a.height, pixels: zip(a.pixels, b.pixels).map { UInt8(abs(Int($0) - Int($1))) })
    }
}

/// A case as the app makes it: LOW and HIGH written as PNGs and read back by the real
/// `CaseWorker`, which scores them and takes ENHANCED from the model's disk cache (as it
/// would a previous run's output), so the difference map and the scores on screen are
/// the worker's, not the test's.
struct WorkedCase {
    let item: Case
    let result: CaseResult

    /// The small UNet fixture: loaded for real, never run (its output is cached).
    static let modelURL = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("EnhancerTests/Fixtures/unet_ngf8_256_f32.safetensors")

    /// The three patterns, worked once for every test that draws them.
    static let shared = Result { try WorkedCase.make() }

    static func make(low: GrayImage = PanelPatterns.low, high: GrayImage = PanelPatterns.high,
                     enhanced: GrayImage = PanelPatterns.enhanced) throws -> WorkedCase {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let lowURL = folder.appendingPathComponent("low.png"), highURL = folder.appendingPathComponent("high.png")
        try PNGCodec.write(low, to: lowURL)
        try PNGCodec.write(high, to: highURL)
        let item = Case(id: "0001", organ: .thyroid, devices: DevicePair(low: "portable", high: "cart"),
                        lowPath: lowURL, highPath: highURL, split: .test)
        let cache = try DiskCache(root: folder.appendingPathComponent("cache"), model: modelURL)
        try cache.store(enhanced, for: low)
        let mailbox = Mailbox()
        let worker = CaseWorker(generators: [try Generator.load(modelURL, threads: 1)], diskCaches: [cache],
                                mailbox: mailbox)
        _ = worker.start(item)
        worker.waitUntilIdle()
        var last: CaseResult?
        for case let .result(id, result) in mailbox.drain() where id == item.id { last = result }
        guard let last else { throw WorkedCaseError.noResult }
        return WorkedCase(item: item, result: last)
    }

    /// The screen after opening the case and pressing `keys`: blocks unless `sixel`
    /// (10×20-pixel cells, 256 registers).
    func draw(_ keys: [Key], sixel: Bool = false, size: TerminalSize = TerminalSize(columns: 200, rows: 60))
        -> ScreenBuffer {
        var state = reduce(AppState(cases: [item], hasModel: true), .key(.enter))
        state = reduce(state, .finished(caseID: item.id))
        state = keys.reduce(state) { reduce($0, .key($1)) }
        var context = ViewContext(datasetName: "t", modelName: "m", modelError: nil, graphics: .halfBlocks,
                                  lpipsInstalled: true)
        if sixel {
            context.viewerGraphics = ViewerGraphics(mode: .sixel, cell: CellPixelSize(width: 10, height: 20),
                                                    maxSixelGeometry: PixelSize(width: 1000, height: 1000),
                                                    registers: 256)
        }
        let result = result
        return Views.draw(state, results: { $0 == item.id ? result : nil }, context: context, size: size)
    }
}

enum WorkedCaseError: Error { case noResult }

/// Keys as the reader types them: letters, and "→" "↓" for the arrows.
func keys(_ text: String) -> [Key] {
    text.map { character -> Key in
        switch character {
        case "→": .right
        case "←": .left
        case "↓": .down
        case "↑": .up
        default: .character(character)
        }
    }
}

/// What a panel should show, worked out from the images and the view's rules as the
/// README states them, independently of the drawing code.
enum ExpectedPicture {
    /// Fitted: the image resampled to `contentWidth × contentHeight` at the top-left of a
    /// black canvas; per axis the source pixel under each output pixel's centre, or the
    /// rounded mean of its span when `averaging` and the axis shrinks by 2 or more.
    static func fitted(_ image: GrayImage, contentWidth: Int, contentHeight: Int, canvasWidth: Int,
                       canvasHeight: Int, averaging: Bool) -> GrayImage {
        func span(_ index: Int, _ source: Int, _ target: Int) -> Range<Int> {
            if averaging, source >= 2 * target {
                let start = index * source / target
                return start..<max(start + 1, (index + 1) * source / target)
            }
            let centre = Int((Double(index) + 0.5) * Double(source) / Double(target))
            return min(source - 1, centre)..<(min(source - 1, centre) + 1)
        }
        var out = GrayImage(width: canvasWidth, height: canvasHeight, value: 0)
        for y in 0..<contentHeight {
            let rows = span(y, image.height, contentHeight)
            for x in 0..<contentWidth {
                let columns = span(x, image.width, contentWidth)
                var sum = 0
                for sy in rows { for sx in columns { sum += Int(image[sx, sy]) } }
                let area = rows.count * columns.count
                out.pixels[y * canvasWidth + x] = UInt8((sum + area / 2) / area)
            }
        }
        return out
    }

    /// The first image pixel shown along an axis of `size` pixels when `visible` of them
    /// fit and the view is centred on `centre` (a fraction): whole pixels, the view kept
    /// inside the image.
    static func origin(size: Int, visible: Double, centre: Double) -> Int {
        guard visible < Double(size) else { return 0 }
        let wanted = (centre * Double(size) - visible / 2).rounded()
        return Int(min(max(0, wanted), (Double(size) - visible).rounded(.down)))
    }

    /// Zoomed: `scale` canvas pixels per image pixel (nearest neighbour), the view centred
    /// on `pan`; black beyond the image.
    static func zoomed(_ image: GrayImage, canvasWidth: Int, canvasHeight: Int, scaleX: Double, scaleY: Double,
                       pan: (x: Double, y: Double)) -> GrayImage {
        let ox = origin(size: image.width, visible: Double(canvasWidth) / scaleX, centre: pan.x)
        let oy = origin(size: image.height, visible: Double(canvasHeight) / scaleY, centre: pan.y)
        var out = GrayImage(width: canvasWidth, height: canvasHeight, value: 0)
        for y in 0..<canvasHeight {
            let sy = oy + Int((Double(y) + 0.5) / scaleY)
            guard sy < image.height else { continue }
            for x in 0..<canvasWidth {
                let sx = ox + Int((Double(x) + 0.5) / scaleX)
                if sx < image.width { out.pixels[y * canvasWidth + x] = image[sx, sy] }
            }
        }
        return out
    }

    /// Window/level and invert: (v − level)·gain + 128, rounded and clipped, then 255 − v.
    static func display(_ image: GrayImage, level: Double, gain: Double, inverted: Bool) -> GrayImage {
        var out = image
        out.pixels = image.pixels.map { value in
            let shown = UInt8(min(255, max(0, ((Double(value) - level) * gain + 128).rounded())))
            return inverted ? 255 - shown : shown
        }
        return out
    }
}
