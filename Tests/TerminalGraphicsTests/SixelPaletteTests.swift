import Dataset
@testable import TerminalGraphics
import XCTest

final class SixelPaletteTests: XCTestCase {
    /// Squared error, in decoded 8-bit grays, of drawing `histogram` with `palette`.
    private func squaredError(_ histogram: [Int], _ palette: GrayPalette) -> Int {
        let decoded = palette.decodedGrays
        return (0..<256).reduce(0) { sum, gray in
            let d = gray - Int(decoded[Int(palette.entryForGray[gray])])
            return sum + histogram[gray] * d * d
        }
    }

    func testDecodedGrayIsLibsixelRounding() {
        // (p·255 + 50) / 100, checked against sixel2png 1.10.3 for all 101 levels.
        XCTAssertEqual(GrayPalette.decodedGray(percent: 0), 0)
        XCTAssertEqual(GrayPalette.decodedGray(percent: 1), 3)
        XCTAssertEqual(GrayPalette.decodedGray(percent: 2), 5)
        XCTAssertEqual(GrayPalette.decodedGray(percent: 10), 26)  // 25.5 rounds up
        XCTAssertEqual(GrayPalette.decodedGray(percent: 50), 128)
        XCTAssertEqual(GrayPalette.decodedGray(percent: 100), 255)
    }

    func testDirectPaletteMapsEveryGrayToItsNearestLevel() {
        let palette = GrayPalette.direct
        XCTAssertEqual(palette.percents, (0...100).map(UInt8.init))
        let levels = (0...100).map { Int(GrayPalette.decodedGray(percent: $0)) }
        for gray in 0...255 {
            let chosen = levels[Int(palette.entryForGray[gray])]
            let nearest = levels.map { abs($0 - gray) }.min()!
            XCTAssertEqual(abs(chosen - gray), nearest, "gray \(gray)")
            XCTAssertLessThanOrEqual(abs(chosen - gray), 1, "gray \(gray)")
        }
    }

    func testDirectMappingIsMonotonicAndEndsExact() {
        let entries = GrayPalette.direct.entryForGray
        for gray in 1...255 { XCTAssertGreaterThanOrEqual(entries[gray], entries[gray - 1], "gray \(gray)") }
        XCTAssertEqual(entries[0], 0)
        XCTAssertEqual(entries[255], 100)
    }

    func testDirectTiesGoToTheNearerExactPercentage() {
        // 4 lies between levels 1 (decodes 3) and 2 (decodes 5); 4/2.55 = 1.57 → 2.
        XCTAssertEqual(GrayPalette.direct.entryForGray[4], 2)
    }

    func testUniformPaletteSpreadsLevelsEvenly() {
        let palette = GrayPalette.uniform(levels: 16)
        XCTAssertEqual(palette.percents, [0, 7, 13, 20, 27, 33, 40, 47, 53, 60, 67, 73, 80, 87, 93, 100])
        XCTAssertEqual(GrayPalette.uniform(levels: 2).percents, [0, 100])
    }

    func testOptimalPutsTwoClustersAtTheirMeans() {
        // 49…53 (mean 51 = level 20) and 202…206 (mean 204 = level 80), ten pixels each.
        var histogram = [Int](repeating: 0, count: 256)
        for gray in 49...53 { histogram[gray] = 10 }
        for gray in 202...206 { histogram[gray] = 10 }
        let palette = GrayPalette.optimal(histogram: histogram, levels: 2)
        XCTAssertEqual(palette.percents, [20, 80])
        for gray in 49...53 { XCTAssertEqual(palette.entryForGray[gray], 0) }
        for gray in 202...206 { XCTAssertEqual(palette.entryForGray[gray], 1) }
    }

    func testOptimalMatchesBruteForceOnATinyHistogram() {
        // Brute force tries every set of k levels out of 101 and lets each gray take its
        // best; it assumes nothing about contiguous runs, unlike the dynamic programme.
        let cases: [(grays: [(Int, Int)], k: Int)] = [
            ([(3, 5), (10, 1), (40, 7), (41, 2), (90, 4), (200, 9), (250, 3)], 3),
            ([(0, 100), (7, 1), (128, 3), (129, 3), (255, 50)], 2),
            ([(20, 2), (21, 9), (22, 2), (60, 1), (61, 1), (140, 5), (141, 5), (230, 8)], 3),
        ]
        let levels = (0...100).map { Int(GrayPalette.decodedGray(percent: $0)) }
        for (grays, k) in cases {
            var histogram = [Int](repeating: 0, count: 256)
            for (gray, count) in grays { histogram[gray] = count }
            func cost(_ chosen: [Int]) -> Int {
                var sum = 0
                for (gray, count) in grays {
                    var best = Int.max
                    for p in chosen { best = min(best, (levels[p] - gray) * (levels[p] - gray)) }
                    sum += count * best
                }
                return sum
            }
            var bruteForce = Int.max
            var chosen = [Int](repeating: 0, count: k)
            func search(_ depth: Int, _ from: Int) {
                if depth == k { bruteForce = min(bruteForce, cost(chosen)); return }
                for p in from...(101 - k + depth) {
                    chosen[depth] = p
                    search(depth + 1, p + 1)
                }
            }
            search(0, 0)
            let palette = GrayPalette.optimal(histogram: histogram, levels: k)
            XCTAssertLessThanOrEqual(palette.percents.count, k)
            XCTAssertEqual(squaredError(histogram, palette), bruteForce, "k = \(k)")
        }
    }

    func testOptimalWithLevelsToSpareIsTheDirectMapping() {
        var histogram = [Int](repeating: 0, count: 256)
        for gray in [0, 4, 77, 130, 254] { histogram[gray] = 3 }
        let palette = GrayPalette.optimal(histogram: histogram, levels: 16)
        XCTAssertEqual(palette.percents, [0, 2, 30, 51, 100])
        for gray in [0, 4, 77, 130, 254] {
            XCTAssertEqual(palette.percents[Int(palette.entryForGray[gray])], GrayPalette.direct.entryForGray[gray])
        }
    }

    func testOptimalBeatsUniformOnAPhantom() {
        let image = PhantomGenerator(seed: 7).pair(organ: .liver, caseID: 825).high
        let histogram = GrayPalette.histogram(of: image)
        for k in [4, 16, 64] {
            let optimal = GrayPalette.optimal(histogram: histogram, levels: k)
            XCTAssertLessThanOrEqual(optimal.percents.count, k)
            XCTAssertLessThan(squaredError(histogram, optimal), squaredError(histogram, .uniform(levels: k)), "k = \(k)")
        }
    }

    func testForImageChoosesByRegisterCount() {
        let image = PhantomGenerator(seed: 7).pair(organ: .thyroid, caseID: 1).low
        XCTAssertEqual(GrayPalette.forImage(image, registers: 256), .direct)
        XCTAssertEqual(GrayPalette.forImage(image, registers: 101), .direct)
        XCTAssertLessThanOrEqual(GrayPalette.forImage(image, registers: 64).percents.count, 64)
        XCTAssertLessThanOrEqual(GrayPalette.forImage(image, registers: 16).percents.count, 16)
        XCTAssertEqual(GrayPalette.forImage(image, registers: 0).percents.count, 1)
    }

    func testBayerDitherAveragesToTheSourceGray() {
        // 100 lies between levels 39 (decodes 99) and 40 (decodes 102): a third of the way.
        let image = GrayImage(width: 16, height: 16, value: 100)
        let palette = GrayPalette.direct
        let entries = palette.entries(for: image, dither: true)
        XCTAssertEqual(Set(entries), [39, 40])
        let decoded = entries.map { Double(GrayPalette.decodedGray(percent: Int(palette.percents[Int($0)]))) }
        XCTAssertEqual(decoded.reduce(0, +) / Double(decoded.count), 100, accuracy: 0.1)
        // A gray that is a level exactly is never dithered.
        XCTAssertEqual(Set(palette.entries(for: GrayImage(width: 8, height: 8, value: 102), dither: true)), [40])
        // Without dithering every pixel takes the nearest level.
        XCTAssertEqual(Set(palette.entries(for: image, dither: false)), [39])
    }

    func testBayerMatrixIsAPermutation() {
        XCTAssertEqual(GrayPalette.bayer8.sorted(), (0..<64).map(UInt8.init))
        XCTAssertEqual(Array(GrayPalette.bayer8[0..<4]), [0, 32, 8, 40])
    }
}
