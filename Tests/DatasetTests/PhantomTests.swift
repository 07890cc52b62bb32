import Foundation
import XCTest
import Dataset
import Metrics

/// The synthetic phantom pairs: reproducible, textured, anatomically placed, and with a
/// low image that is a degraded, displaced view of the high one. Thresholds were checked
/// on 40 seeds × 3 cases × 5 organs (600 pairs); the observed ranges are noted beside them.
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
                // Observed: std ≥ 35, 1st–99th percentile spread ≥ 149, saturated ≤ 0.1 %.
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
                // Observed: PSNR 13.0…20.6 dB, SSIM 0.18…0.62.
                XCTAssertLessThan(try ImageMetrics.psnr(pair.low, pair.high), 30, label)
                XCTAssertLessThan(try ImageMetrics.ssim(pair.low, pair.high), 0.8, label)
                // Wider PSF: less fine detail. Observed ratio 0.34…0.74.
                XCTAssertLessThan(meanHorizontalGradient(pair.low, reference: pair.high),
                                  0.85 * meanHorizontalGradient(pair.high, reference: pair.high), label)
                // Not registered: block matching finds nonzero shifts (observed in 3–4 of 4 blocks).
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
            // Observed lobe − shadow: high 91…141, low 67…148.
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
            // Observed wall − lumen: high 175…209, low 105…216; the lumen itself is near black.
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
            // Observed diaphragm − parenchyma (high): 62…125.
            XCTAssertGreaterThan(mean(pair.high, marks[.diaphragm]!) - mean(pair.high, marks[.liverParenchyma]!), 40,
                                 "seed \(seed)")
        }
    }

    func testKidneySinusIsBrighterThanCortex() {
        for seed: UInt64 in [1, 2, 3] {
            let generator = PhantomGenerator(seed: seed), id = 1100
            let pair = generator.pair(organ: .kidney, caseID: id)
            let marks = generator.landmarks(organ: .kidney, caseID: id)
            // Observed sinus − cortex (high): 63…134.
            XCTAssertGreaterThan(mean(pair.high, marks[.kidneySinus]!) - mean(pair.high, marks[.kidneyCortex]!), 35,
                                 "seed \(seed)")
        }
    }

    func testBreastLesionShadowsTheTissueBehindIt() {
        for seed: UInt64 in [1, 2, 3] {
            let generator = PhantomGenerator(seed: seed), id = 1400
            let pair = generator.pair(organ: .breast, caseID: id)
            let marks = generator.landmarks(organ: .breast, caseID: id)
            let below = marks[.belowLesion]!, beside = marks[.besideLesion]!
            // Observed beside − below: high 34…114, low 27…100.
            XCTAssertGreaterThan(mean(pair.high, beside) - mean(pair.high, below), 20, "seed \(seed)")
            XCTAssertGreaterThan(mean(pair.low, beside) - mean(pair.low, below), 12, "seed \(seed)")
            // The lesion is hypoechoic: darker than the tissue beside its shadow.
            XCTAssertLessThan(mean(pair.high, marks[.lesion]!), mean(pair.high, beside), "seed \(seed)")
        }
    }
}

// MARK: - Image statistics

private func standardDeviation(_ image: GrayImage) -> Double {
    let values = image.pixels.map(Double.init)
    let mean = values.reduce(0, +) / Double(values.count)
    return (values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(values.count)).squareRoot()
}

/// 99th minus 1st percentile of the pixel values.
private func percentileSpread(_ image: GrayImage) -> Int {
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
private func meanHorizontalGradient(_ image: GrayImage, reference: GrayImage) -> Double {
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
/// Returns how many of four blocks match best at a nonzero shift.
private func blocksMatchingAtNonzeroShift(_ moved: GrayImage, _ reference: GrayImage) -> Int {
    let a = boxBlur(moved), b = boxBlur(reference)
    var movedBlocks = 0
    let centres = [(104, 120), (152, 120), (104, 176), (152, 176)]
    for (cx, cy) in centres {
        var best = -2.0, bestShift = (0, 0)
        for dy in -6...6 {
            for dx in -6...6 {
                let c = ncc(a, b, cx, cy, dx, dy)
                if c > best { best = c; bestShift = (dx, dy) }
            }
        }
        if bestShift != (0, 0) { movedBlocks += 1 }
    }
    return movedBlocks
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

private func fractionSaturated(_ image: GrayImage) -> Double {
    Double(image.pixels.filter { $0 == 255 }.count) / Double(image.pixels.count)
}

private func maximum(_ image: GrayImage, _ rect: PixelRect) -> UInt8 {
    var result: UInt8 = 0
    for y in rect.y..<(rect.y + rect.height) { for x in rect.x..<(rect.x + rect.width) { result = max(result, image[x, y]) } }
    return result
}
