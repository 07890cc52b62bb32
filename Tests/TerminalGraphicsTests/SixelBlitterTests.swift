import Dataset
@testable import TerminalGraphics
import XCTest

final class SixelBlitterTests: XCTestCase {
    func testBlitterDrawsOnePixelPerScreenPixel() throws {
        let blitter = SixelBlitter()
        XCTAssertEqual(blitter.mode, .sixel)
        let perCell = blitter.pixelsPerCell(CellPixelSize(width: 9, height: 19))
        XCTAssertEqual(perCell.width, 9)
        XCTAssertEqual(perCell.height, 19)
    }

    func testRenderReturnsTheEncodersBytesAndTheCellArea() throws {
        let image = SixelTestImages.speckle(width: 30, height: 40, seed: 5)
        let rendering = try SixelBlitter(registers: 16, dither: false).render(image, columns: 3, rows: 2)
        XCTAssertEqual(rendering, .pixels(bytes: SixelEncoder(registers: 16).encode(image), columns: 3, rows: 2))
        let dithered = try SixelBlitter(dither: true).render(image, columns: 3, rows: 2)
        XCTAssertEqual(dithered, .pixels(bytes: SixelEncoder(dither: true).encode(image), columns: 3, rows: 2))
    }

    func testZoomRepeatsEachPixelAsABlock() {
        let image = GrayImage(width: 2, height: 2, pixels: [1, 2, 3, 4])
        let zoomed = image.zoomed(by: 3)
        XCTAssertEqual(zoomed.width, 6)
        XCTAssertEqual(zoomed.height, 6)
        XCTAssertEqual(zoomed.pixels, [
            1, 1, 1, 2, 2, 2,
            1, 1, 1, 2, 2, 2,
            1, 1, 1, 2, 2, 2,
            3, 3, 3, 4, 4, 4,
            3, 3, 3, 4, 4, 4,
            3, 3, 3, 4, 4, 4,
        ])
        XCTAssertEqual(image.zoomed(by: 1), image)
    }

    func testZoomKeepsSpeckleGrays() {
        // No interpolation: the zoomed image has exactly the source's grays, each
        // pixel's gray repeated factor² times.
        let image = SixelTestImages.speckle(width: 13, height: 7, seed: 9)
        let zoomed = image.zoomed(by: 4)
        XCTAssertEqual(Set(zoomed.pixels), Set(image.pixels))
        for y in 0..<zoomed.height {
            for x in 0..<zoomed.width { XCTAssertEqual(zoomed[x, y], image[x / 4, y / 4]) }
        }
    }

    func testFittingToSixelBands() {
        let image = SixelTestImages.speckle(width: 5, height: 14, seed: 1)
        let padded = image.fittedToSixelBands(.pad(fill: 9))
        XCTAssertEqual(padded.height, 18)
        XCTAssertEqual(Array(padded.pixels[0..<(5 * 14)]), image.pixels)
        XCTAssertTrue(padded.pixels[(5 * 14)...].allSatisfy { $0 == 9 })
        let cropped = image.fittedToSixelBands(.crop)
        XCTAssertEqual(cropped.height, 12)
        XCTAssertEqual(cropped.pixels, Array(image.pixels[0..<(5 * 12)]))
        let whole = SixelTestImages.speckle(width: 5, height: 12, seed: 1)
        XCTAssertEqual(whole.fittedToSixelBands(.crop), whole)
        XCTAssertEqual(whole.fittedToSixelBands(.pad(fill: 0)), whole)
    }
}
