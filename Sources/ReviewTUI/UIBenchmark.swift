#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Dataset
import Foundation
import TerminalGraphics

/// The review app's own speed figures, measured without a terminal: a full frame of
/// the viewer (Views.draw into a ScreenBuffer, the LOW · ENHANCED · HIGH triptych in
/// half blocks) and of the browser, and reducer steps. `usreview bench-ui` prints them.
public enum UIBenchmark {
    public struct Figure: Codable, Sendable {
        public var name: String
        public var medianMilliseconds: Double
        public var minimumMilliseconds: Double
        public var runs: Int

        public init(name: String, medianMilliseconds: Double, minimumMilliseconds: Double, runs: Int) {
            self.name = name
            self.medianMilliseconds = medianMilliseconds
            self.minimumMilliseconds = minimumMilliseconds
            self.runs = runs
        }
    }

    public struct Report: Codable, Sendable {
        public var columns: Int
        public var rows: Int
        public var cases: Int
        public var imageSize: Int
        public var figures: [Figure]
    }

    /// `count` synthetic cases spread over the organs by their ID ranges, for a browser as large as USEnhance's.
    public static func syntheticCases(_ count: Int) -> [Case] {
        let organs = Organ.allCases
        return (0..<count).map { position in
            let organ = organs[position * organs.count / max(1, count)]
            let number = organ.idRange.lowerBound + position % organ.idRange.count
            let id = String(format: "%04d", number)
            return Case(id: id, organ: organ, devices: DevicePair(low: "Device \(organ.rawValue)", high: "Toshiba Aplio 500"),
                        lowPath: URL(fileURLWithPath: "/bench/low/\(id).png"),
                        highPath: URL(fileURLWithPath: "/bench/high/\(id).png"),
                        split: [Split.train, .validation, .test][position % 3])
        }
    }

    /// A speckle-like gray test image.
    public static func syntheticImage(_ side: Int, seed: UInt64) -> GrayImage {
        var state = seed | 1
        var pixels = [UInt8](repeating: 0, count: side * side)
        for y in 0..<side {
            for x in 0..<side {
                state ^= state << 13; state ^= state >> 7; state ^= state << 17
                let base = 128 + 80 * sin(Double(x) / 19) * cos(Double(y) / 23)
                pixels[y * side + x] = UInt8(max(0, min(255, base + Double(state % 64) - 32)))
            }
        }
        return GrayImage(width: side, height: side, pixels: pixels)
    }

    static func time(_ name: String, runs: Int, _ body: () -> Void) -> Figure {
        body()  // warm-up
        var samples = [Double]()
        for _ in 0..<runs {
            let start = DispatchTime.now().uptimeNanoseconds
            body()
            samples.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
        }
        samples.sort()
        return Figure(name: name, medianMilliseconds: samples[samples.count / 2], minimumMilliseconds: samples[0],
                      runs: runs)
    }

    /// Runs the benchmark on `cases` (synthetic 1050 when nil) with `images` (low, enhanced, high;
    /// synthetic 256×256 when nil) at `size` cells.
    public static func run(cases: [Case]? = nil, images: (GrayImage, GrayImage, GrayImage)? = nil,
                           size: TerminalSize = TerminalSize(columns: 200, rows: 60), runs: Int = 51) -> Report {
        let cases = cases ?? syntheticCases(1050)
        let (low, enhanced, high) = images ?? (syntheticImage(256, seed: 1), syntheticImage(256, seed: 2),
                                                syntheticImage(256, seed: 3))
        var result = CaseResult(low: low, high: high)
        result.enhanced = enhanced
        let context = ViewContext(datasetName: "bench", modelName: "bench-model", modelError: nil,
                                  graphics: .halfBlocks, lpipsInstalled: true)
        var browser = AppState(cases: cases, hasModel: true)
        browser.selected = cases.count / 2
        var viewer = browser
        viewer.screen = .viewer
        let opened = viewer.selectedCase?.id
        viewer.work[opened ?? ""] = .done
        var filtered = browser
        filtered.filter.organ = filtered.cases.first?.organ
        var figures = [Figure]()
        var sink = 0
        figures.append(time("viewer frame (triptych, half blocks)", runs: runs) {
            let frame = Views.draw(viewer, results: { $0 == opened ? result : nil }, context: context, size: size)
            sink &+= frame.columns
        })
        // Sixel mode as the pty bench's terminal reports it (10×20-pixel cells, 256
        // registers): the frame with its three pictures scaled, then their encoding.
        var sixelContext = context
        sixelContext.viewerGraphics = ViewerGraphics(mode: .sixel, cell: .typical,
                                                     maxSixelGeometry: PixelSize(width: 2000, height: 1200), registers: 256)
        let sixelFrame = Views.draw(viewer, results: { $0 == opened ? result : nil }, context: sixelContext, size: size)
        figures.append(time("viewer frame (triptych, sixel pictures)", runs: runs) {
            sink &+= Views.draw(viewer, results: { $0 == opened ? result : nil }, context: sixelContext, size: size).columns
        })
        let devNull = open("/dev/null", O_WRONLY)
        let panels = SixelPanels(registers: 256, output: devNull)
        let pixels = sixelFrame.images.map { $0.picture.width * $0.picture.height }.reduce(0, +)
        figures.append(time("sixel encoding, \(sixelFrame.images.count) panels (\(pixels / 1000) kpx)", runs: runs) {
            panels.forget()
            panels.draw(sixelFrame, overlay: false, size: size)
        })
        close(devNull)
        figures.append(time("browser frame (\(cases.count) cases)", runs: runs) {
            sink &+= Views.draw(browser, results: { _ in nil }, context: context, size: size).rows
        })
        figures.append(time("browser frame (organ filter)", runs: runs) {
            sink &+= Views.draw(filtered, results: { _ in nil }, context: context, size: size).rows
        })
        figures.append(time("reducer step (browser j)", runs: runs) {
            sink &+= reduce(browser, .key(.down)).selected
        })
        figures.append(time("reducer step (browser o, filter)", runs: runs) {
            sink &+= reduce(browser, .key(.character("o"))).selected
        })
        figures.append(time("reducer step (viewer n)", runs: runs) {
            sink &+= reduce(viewer, .key(.character("n"))).selected
        })
        if sink == Int.min { print(sink) }
        return Report(columns: size.columns, rows: size.rows, cases: cases.count, imageSize: low.width, figures: figures)
    }
}
