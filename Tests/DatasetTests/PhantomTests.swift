import Foundation
import XCTest
@testable import Dataset
import Metrics

/// The synthetic phantom pairs: reproducible, textured, anatomically placed, and with a
/// low image that is a degraded, displaced view of the high one. Thresholds were checked
/// on seeds 1, 2, 3, 7, 42 and 1234 (two cases per organ each); observed ranges are noted.
final class PhantomTests: XCTestCase {
    private let size = PhantomGenerator.imageSize

    func testSameSeedGivesByteIdenticalPairsAndOtherSeedsDiffer() {
        for organ in Organ.allCases {
            let id = organ.idRange.lowerBound + 5
            let first = PhantomGenerator(seed: 11).pair(organ: organ, caseID: id)
            let second = PhantomGenerator(seed: 11).pair(organ: organ, caseID: id)
            XCTAssertEqual(first.high.pixels, second.high.pixels, "\(organ): high differs for the same seed")
            XCTAssertEqual(first.low.pixels, second.low.pixels, "\(organ): low differs for the same seed")

            let otherSeed = PhantomGenerator(seed: 12).pair(organ: organ, caseID: id)
            XCTAssertGreaterThan(fractionDiffering(first.high, otherSeed.high), 0.5, "\(organ): seed 12 gave the same high image")
            XCTAssertGreaterThan(fractionDiffering(first.low, otherSeed.low), 0.5, "\(organ): seed 12 gave the same low image")
            let otherCase = PhantomGenerator(seed: 11).pair(organ: organ, caseID: id + 1)
            XCTAssertGreaterThan(fractionDiffering(first.high, otherCase.high), 0.5, "\(organ): the next case is the same image")
        }
    }

    func testEveryOrganGivesFullSizeTexturedImagesOverARealGrayRange() {
        for organ in Organ.allCases {
            let pair = PhantomGenerator(seed: 3).pair(organ: organ, caseID: organ.idRange.lowerBound)
            for (name, image) in [("high", pair.high), ("low", pair.low)] {
                XCTAssertEqual(image.width, size)
                XCTAssertEqual(image.height, size)
                // Observed: std 37…61, 1st–99th percentile spread 155…219.
                XCTAssertGreaterThan(standardDeviation(image), 25, "\(organ) \(name) is nearly flat")
                XCTAssertGreaterThan(percentileSpread(image), 120, "\(organ) \(name) uses too narrow a gray range")
                XCTAssertLessThan(fractionSaturated(image), 0.02, "\(organ) \(name) is clipped white")
            }
        }
    }

    func testLowImageIsDegradedBlurredAndDisplacedVersionOfHigh() throws {
        for seed: UInt64 in [1, 42] {
            let generator = PhantomGenerator(seed: seed)
            for organ in Organ.allCases {
                let pair = generator.pair(organ: organ, caseID: organ.idRange.lowerBound + 17)
                let label = "\(organ) seed \(seed)"
                // Observed: PSNR 13.3…19.9 dB, SSIM 0.24…0.60.
                XCTAssertLessThan(try ImageMetrics.psnr(pair.low, pair.high), 30, label)
                XCTAssertLessThan(try ImageMetrics.ssim(pair.low, pair.high), 0.8, label)
                // Wider PSF: less fine detail. Observed ratio 0.49…0.76.
                XCTAssertLessThan(meanHorizontalGradient(pair.low, reference: pair.high),
                                  0.85 * meanHorizontalGradient(pair.high, reference: pair.high), label)
                // Not registered: block matching finds nonzero shifts (observed 3–4 of 4 blocks).
                XCTAssertGreaterThanOrEqual(blocksMatchingAtNonzeroShift(pair.low, pair.high), 2, label)
            }
        }
    }

    func testBlockMatchingFindsNoShiftBetweenAnImageAndItself() {
        // The displacement check above must be able to fail: an undisplaced image stays put.
        let high = PhantomGenerator(seed: 1).pair(organ: .carotid, caseID: 434).high
        XCTAssertEqual(blocksMatchingAtNonzeroShift(high, high), 0)
    }

    func testThyroidTracheaCastsAShadowDarkerThanTheLobes() {
        for seed: UInt64 in [1, 2, 3] {
            let generator = PhantomGenerator(seed: seed), id = 30
            let pair = generator.pair(organ: .thyroid, caseID: id)
            let marks = generator.landmarks(organ: .thyroid, caseID: id)
            let lobe = marks[.thyroidLobe]!, shadow = marks[.tracheaShadow]!
            // Observed lobe − shadow: high 105…135, low 81…129.
            XCTAssertGreaterThan(mean(pair.high, lobe) - mean(pair.high, shadow), 60, "seed \(seed)")
            XCTAssertGreaterThan(mean(pair.low, lobe) - mean(pair.low, shadow), 40, "seed \(seed)")
        }
    }

    func testCarotidLumenIsMuchDarkerThanTheFarWall() {
        for seed: UInt64 in [1, 2, 3] {
            let generator = PhantomGenerator(seed: seed), id = 500
            let pair = generator.pair(organ: .carotid, caseID: id)
            let marks = generator.landmarks(organ: .carotid, caseID: id)
            let lumen = marks[.vesselLumen]!, wall = marks[.vesselWall]!
            // Observed wall − lumen: high 180…209; the lumen itself is near black.
            XCTAssertGreaterThan(mean(pair.high, wall) - mean(pair.high, lumen), 100, "seed \(seed)")
            XCTAssertLessThan(mean(pair.high, lumen), 25, "seed \(seed)")
            // The thin wall moves in the low image; the wide lumen still reads dark.
            XCTAssertLessThan(mean(pair.low, lumen), mean(pair.low, wall) - 40, "seed \(seed)")
        }
    }

    func testLiverAndKidneyUseASectorWithBlackCorners() {
        for organ in [Organ.liver, .kidney] {
            let pair = PhantomGenerator(seed: 9).pair(organ: organ, caseID: organ.idRange.lowerBound + 2)
            for (name, image) in [("high", pair.high), ("low", pair.low)] {
                for (x, y) in [(0, 0), (size - 12, 0), (0, size - 12), (size - 12, size - 12)] {
                    XCTAssertEqual(maximum(image, PixelRect(x: x, y: y, width: 12, height: 12)), 0,
                                   "\(organ) \(name): corner (\(x), \(y)) is not black")
                }
                XCTAssertGreaterThan(mean(image, PixelRect(x: 108, y: 100, width: 40, height: 40)), 40,
                                     "\(organ) \(name): the sector's centre is dark")
            }
        }
        // A linear probe fills the rectangle: its top corners hold tissue.
        let breast = PhantomGenerator(seed: 9).pair(organ: .breast, caseID: 1300).high
        XCTAssertGreaterThan(mean(breast, PixelRect(x: 0, y: 0, width: 12, height: 12)), 20)
    }

    func testLiverDiaphragmIsBrighterThanParenchyma() {
        for seed: UInt64 in [1, 2, 3] {
            let generator = PhantomGenerator(seed: seed), id = 900
            let pair = generator.pair(organ: .liver, caseID: id)
            let marks = generator.landmarks(organ: .liver, caseID: id)
            // Observed diaphragm − parenchyma (high): 75…110.
            XCTAssertGreaterThan(mean(pair.high, marks[.diaphragm]!) - mean(pair.high, marks[.liverParenchyma]!), 40,
                                 "seed \(seed)")
        }
    }

    func testKidneySinusIsBrighterThanCortex() {
        for seed: UInt64 in [1, 2, 3] {
            let generator = PhantomGenerator(seed: seed), id = 1100
            let pair = generator.pair(organ: .kidney, caseID: id)
            let marks = generator.landmarks(organ: .kidney, caseID: id)
            // Observed sinus − cortex (high): 43…118.
            XCTAssertGreaterThan(mean(pair.high, marks[.kidneySinus]!) - mean(pair.high, marks[.kidneyCortex]!), 25,
                                 "seed \(seed)")
        }
    }

    func testBreastLesionShadowsTheTissueBehindIt() {
        for seed: UInt64 in [1, 2, 3] {
            let generator = PhantomGenerator(seed: seed), id = 1400
            let pair = generator.pair(organ: .breast, caseID: id)
            let marks = generator.landmarks(organ: .breast, caseID: id)
            let below = marks[.belowLesion]!, beside = marks[.besideLesion]!
            // Observed beside − below: high 58…100, low 47…79.
            XCTAssertGreaterThan(mean(pair.high, beside) - mean(pair.high, below), 25, "seed \(seed)")
            XCTAssertGreaterThan(mean(pair.low, beside) - mean(pair.low, below), 15, "seed \(seed)")
            // The lesion is hypoechoic: darker than the tissue beside its shadow.
            XCTAssertLessThan(mean(pair.high, marks[.lesion]!), mean(pair.high, beside), "seed \(seed)")
        }
    }
}

final class PhantomDevTests: XCTestCase {
    func testPreviewDump() throws {
        guard let seedText = ProcessInfo.processInfo.environment["PHANTOM_PREVIEW"] else { throw XCTSkip("preview only") }
        let generator = PhantomGenerator(seed: UInt64(seedText) ?? 1)
        let folder = URL(fileURLWithPath: "/tmp/phantoms")
        let gap = 4, n = PhantomGenerator.imageSize
        let offset = Int(ProcessInfo.processInfo.environment["PHANTOM_CASE"] ?? "3") ?? 3
        var montage = GrayImage(width: 2 * n + gap, height: 5 * n + 4 * gap, value: 255)
        for (row, organ) in Organ.allCases.enumerated() {
            let pair = generator.pair(organ: organ, caseID: organ.idRange.lowerBound + offset)
            try PNGCodec.write(pair.high, to: folder.appendingPathComponent("\(organ)_high.png"))
            try PNGCodec.write(pair.low, to: folder.appendingPathComponent("\(organ)_low.png"))
            for (column, image) in [pair.high, pair.low].enumerated() {
                for y in 0..<n { for x in 0..<n { montage[column * (n + gap) + x, row * (n + gap) + y] = image[x, y] } }
            }
            let t = generator.anatomy(organ: organ, caseID: organ.idRange.lowerBound + offset)
            let plane = t.echo.map { 128 + 4 * 20 * log10(max($0, 1e-4)) / 2 }
            try PNGCodec.write(GrayImage(width: n, height: n, floatPlane: plane), to: folder.appendingPathComponent("\(organ)_echo.png"))
        }
        try PNGCodec.write(montage, to: folder.appendingPathComponent("montage.png"))
    }

    func testTiming() throws {
        guard ProcessInfo.processInfo.environment["PHANTOM_TIMING"] != nil else { throw XCTSkip("timing only") }
        let generator = PhantomGenerator(seed: 5)
        _ = generator.pair(organ: .liver, caseID: 900)
        for organ in Organ.allCases {
            let start = Date()
            for k in 0..<10 { _ = generator.pair(organ: organ, caseID: organ.idRange.lowerBound + k) }
            print(String(format: "TIMING %@ %.1f ms/pair", organ.rawValue, Date().timeIntervalSince(start) * 100))
            var t0 = Date()
            var tissue = generator.anatomy(organ: organ, caseID: 5)
            for k in 0..<10 { tissue = generator.anatomy(organ: organ, caseID: k) }
            let ta = Date().timeIntervalSince(t0) * 100
            t0 = Date()
            var rng = PhantomRandom(key: 1)
            var sim = BModeSimulator(tissue: tissue, geometry: organ.probe, rng: &rng)
            for _ in 0..<10 { sim = BModeSimulator(tissue: tissue, geometry: organ.probe, rng: &rng) }
            let ts = Date().timeIntervalSince(t0) * 100
            t0 = Date()
            for _ in 0..<10 { _ = sim.image(.highEnd, receiver: &rng) }
            let th = Date().timeIntervalSince(t0) * 100
            t0 = Date()
            for _ in 0..<10 { _ = sim.image(.portable(rng: &rng), receiver: &rng) }
            let tl = Date().timeIntervalSince(t0) * 100
            t0 = Date()
            var x: Float = 0
            for _ in 0..<655360 { x += rng.complexNormal().re }
            let tn = Date().timeIntervalSince(t0) * 100
            print(String(format: "TIMING anatomy %.1f sim %.1f high %.1f low %.1f normals65k %.1f %f", ta, ts, th, tl, tn, x))
        }
    }

    func testMeasure() throws {
        guard ProcessInfo.processInfo.environment["PHANTOM_MEASURE"] != nil else { throw XCTSkip("measure only") }
        var stats: [String: (Double, Double)] = [:]
        func note(_ key: String, _ v: Double) {
            let old = stats[key] ?? (.infinity, -.infinity)
            stats[key] = (min(old.0, v), max(old.1, v))
        }
        for seed: UInt64 in 1...40 {
            let generator = PhantomGenerator(seed: seed)
            for organ in Organ.allCases {
                for offset in [0, 17, 60] {
                    let id = organ.idRange.lowerBound + offset
                    let pair = generator.pair(organ: organ, caseID: id)
                    let marks = generator.landmarks(organ: organ, caseID: id)
                    note("psnr", try ImageMetrics.psnr(pair.low, pair.high))
                    note("ssim", try ImageMetrics.ssim(pair.low, pair.high))
                    note("grad", gradient(pair.low, reference: pair.high) / gradient(pair.high, reference: pair.high))
                    note("moved", Double(displacement(pair.low, pair.high).movedBlocks))
                    if gradient(pair.low, reference: pair.high) / gradient(pair.high, reference: pair.high) > 0.72 || displacement(pair.low, pair.high).movedBlocks < 3 {
                        print("ODD", organ, seed, id, gradient(pair.low, reference: pair.high) / gradient(pair.high, reference: pair.high), displacement(pair.low, pair.high))
                    }
                    if organ == .kidney && m(.kidneySinus, pair.high) - m(.kidneyCortex, pair.high) < 35 { print("ODDK", seed, id, m(.kidneySinus, pair.high), m(.kidneyCortex, pair.high)) }
                    note("std", min(stddev(pair.high), stddev(pair.low)))
                    note("spread", Double(min(spread(pair.high), spread(pair.low))))
                    note("sat", max(fractionSaturated(pair.high), fractionSaturated(pair.low)))
                    func m(_ l: PhantomLandmark, _ img: GrayImage) -> Double { mean(img, marks[l]!) }
                    switch organ {
                    case .thyroid:
                        note("thy high", m(.thyroidLobe, pair.high) - m(.tracheaShadow, pair.high))
                        note("thy low", m(.thyroidLobe, pair.low) - m(.tracheaShadow, pair.low))
                    case .carotid:
                        note("car high", m(.vesselWall, pair.high) - m(.vesselLumen, pair.high))
                        note("car lumen", m(.vesselLumen, pair.high))
                        note("car low", m(.vesselWall, pair.low) - m(.vesselLumen, pair.low))
                    case .liver, .kidney:
                        if organ == .liver { note("liv high", m(.diaphragm, pair.high) - m(.liverParenchyma, pair.high)) }
                        else { note("kid high", m(.kidneySinus, pair.high) - m(.kidneyCortex, pair.high)) }
                        var corner: UInt8 = 0
                        for (x, y) in [(0, 0), (244, 0), (0, 244), (244, 244)] {
                            corner = max(corner, maximum(pair.high, PixelRect(x: x, y: y, width: 12, height: 12)),
                                         maximum(pair.low, PixelRect(x: x, y: y, width: 12, height: 12)))
                        }
                        note("corner", Double(corner))
                        note("centre", min(mean(pair.high, PixelRect(x: 108, y: 100, width: 40, height: 40)),
                                           mean(pair.low, PixelRect(x: 108, y: 100, width: 40, height: 40))))
                    case .breast:
                        note("br high", m(.besideLesion, pair.high) - m(.belowLesion, pair.high))
                        note("br low", m(.besideLesion, pair.low) - m(.belowLesion, pair.low))
                        note("br lesion", m(.besideLesion, pair.high) - m(.lesion, pair.high))
                        note("br corner", mean(pair.high, PixelRect(x: 0, y: 0, width: 12, height: 12)))
                    }
                }
            }
        }
        for (key, value) in stats.sorted(by: { $0.key < $1.key }) { print(String(format: "MEASURE %@ %.3f … %.3f", key, value.0, value.1)) }
    }
}

// MARK: - Image statistics

private func stddev(_ image: GrayImage) -> Double {
    let values = image.pixels.map(Double.init)
    let mean = values.reduce(0, +) / Double(values.count)
    return (values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(values.count)).squareRoot()
}

/// 99th minus 1st percentile of the pixel values.
private func spread(_ image: GrayImage) -> Int {
    let sorted = image.pixels.sorted()
    return Int(sorted[sorted.count * 99 / 100]) - Int(sorted[sorted.count / 100])
}

private func mean(_ image: GrayImage, _ rect: PixelRect) -> Double {
    var sum = 0.0
    for y in rect.y..<(rect.y + rect.height) { for x in rect.x..<(rect.x + rect.width) { sum += Double(image[x, y]) } }
    return sum / Double(rect.width * rect.height)
}

/// Mean |I(x+1, y) − I(x, y)| over a central box that lies inside every field of view,
/// skipping pixels that `reference` shows as near black (shadow, lumen), where the low
/// image's noise would count as detail.
private func gradient(_ image: GrayImage, reference: GrayImage) -> Double {
    var sum = 0.0, count = 0
    for y in 100..<230 {
        for x in 80..<176 where reference[x, y] > 20 && reference[x + 1, y] > 20 {
            sum += abs(Double(image[x + 1, y]) - Double(image[x, y]))
            count += 1
        }
    }
    return sum / Double(max(count, 1))
}

/// Block matching of `moved` against `reference`: 48×48 blocks, integer shifts up to ±6.
/// Returns how many blocks match best at a nonzero shift and the mean NCC gained over no shift.
private func displacement(_ moved: GrayImage, _ reference: GrayImage) -> (movedBlocks: Int, gain: Double) {
    let a = boxBlur(moved), b = boxBlur(reference)
    var movedBlocks = 0, gain = 0.0
    let centres = [(104, 120), (152, 120), (104, 176), (152, 176)]
    for (cx, cy) in centres {
        var best = -2.0, bestShift = (0, 0), zero = 0.0
        for dy in -6...6 {
            for dx in -6...6 {
                let c = ncc(a, b, cx, cy, dx, dy)
                if dx == 0 && dy == 0 { zero = c }
                if c > best { best = c; bestShift = (dx, dy) }
            }
        }
        if bestShift != (0, 0) { movedBlocks += 1 }
        gain += (best - zero) / Double(centres.count)
    }
    return (movedBlocks, gain)
}

/// NCC between the 48×48 block of `a` at (cx, cy) and that of `b` at (cx + dx, cy + dy).
private func ncc(_ a: [Double], _ b: [Double], _ cx: Int, _ cy: Int, _ dx: Int, _ dy: Int) -> Double {
    let n = PhantomGenerator.imageSize
    var sa = 0.0, sb = 0.0, saa = 0.0, sbb = 0.0, sab = 0.0, count = 0.0
    for y in (cy - 24)..<(cy + 24) {
        for x in (cx - 24)..<(cx + 24) {
            let va = a[y * n + x], vb = b[(y + dy) * n + x + dx]
            sa += va; sb += vb; saa += va * va; sbb += vb * vb; sab += va * vb; count += 1
        }
    }
    let cov = sab / count - sa * sb / (count * count)
    let va = saa / count - sa * sa / (count * count), vb = sbb / count - sb * sb / (count * count)
    return cov / max((va * vb).squareRoot(), 1e-9)
}

/// 5×5 box average: compares anatomy rather than individual speckle grains.
private func boxBlur(_ image: GrayImage) -> [Double] {
    let n = image.width
    var out = [Double](repeating: 0, count: n * n)
    for y in 0..<n {
        for x in 0..<n {
            var sum = 0.0, count = 0.0
            for j in max(0, y - 2)...min(n - 1, y + 2) { for i in max(0, x - 2)...min(n - 1, x + 2) { sum += Double(image[i, j]); count += 1 } }
            out[y * n + x] = sum / count
        }
    }
    return out
}

private func fractionDiffering(_ a: GrayImage, _ b: GrayImage) -> Double {
    Double(zip(a.pixels, b.pixels).filter { $0 != $1 }.count) / Double(a.pixels.count)
}

private func standardDeviation(_ image: GrayImage) -> Double { stddev(image) }
private func percentileSpread(_ image: GrayImage) -> Int { spread(image) }
private func fractionSaturated(_ image: GrayImage) -> Double {
    Double(image.pixels.filter { $0 == 255 }.count) / Double(image.pixels.count)
}
private func meanHorizontalGradient(_ image: GrayImage, reference: GrayImage) -> Double { gradient(image, reference: reference) }
private func blocksMatchingAtNonzeroShift(_ moved: GrayImage, _ reference: GrayImage) -> Int {
    displacement(moved, reference).movedBlocks
}
private func maximum(_ image: GrayImage, _ rect: PixelRect) -> UInt8 {
    var result: UInt8 = 0
    for y in rect.y..<(rect.y + rect.height) { for x in rect.x..<(rect.x + rect.width) { result = max(result, image[x, y]) } }
    return result
}
