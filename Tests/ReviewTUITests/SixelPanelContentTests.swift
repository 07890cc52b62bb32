#if canImport(Glibc)
import Glibc
#endif
import Dataset
import Foundation
@testable import ReviewTUI
import TerminalGraphics
import Testing

/// libsixel's decoder, the stand-in for a terminal. `make test` installs it; under
/// CI=true a missing decoder fails the tests instead of skipping them.
enum Sixel2PNG {
    static let tool: String? = (["/usr/bin/sixel2png", "/usr/local/bin/sixel2png"]
        + (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":").map { "\($0)/sixel2png" })
        .first { FileManager.default.isExecutableFile(atPath: $0) }
    static let required = tool != nil || ProcessInfo.processInfo.environment["CI"] == "true"

    static func decode(_ sixel: [UInt8]) throws -> GrayImage {
        try PNGCodec.decode(try png(sixel), what: "sixel2png's output")
    }

    /// The picture in colour, for overlays drawn in their own registers.
    static func decodeRGB(_ sixel: [UInt8]) throws -> RGBImage {
        try PNGCodec.decodeRGB(try png(sixel), what: "sixel2png's output")
    }

    /// The PNG file sixel2png makes of `sixel` (one whole DCS).
    private static func png(_ sixel: [UInt8]) throws -> Data {
        let tool = try #require(tool, "sixel2png not found: apt-get install libsixel-bin")
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let input = folder.appendingPathComponent("panel.six"), output = folder.appendingPathComponent("panel.png")
        try Data(sixel).write(to: input)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tool)
        process.arguments = ["-i", input.path, "-o", output.path]
        try process.run()
        process.waitUntilExit()
        try #require(process.terminationStatus == 0, "sixel2png failed")
        return try Data(contentsOf: output)
    }
}

/// What `SixelPanels` sends to the terminal for a frame, split into pictures: the cell
/// the cursor is moved to before each (1-based, as sent) and the picture decoded.
func sentSixelPictures(_ frame: ScreenBuffer, size: TerminalSize) throws -> [(row: Int, column: Int, picture: GrayImage)] {
    let folder = try temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let path = folder.appendingPathComponent("terminal.bytes").path
    let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
    try #require(fd >= 0)
    SixelPanels(registers: 256, output: fd).draw(frame, overlay: false, size: size)
    close(fd)
    let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
    var pictures: [(Int, Int, GrayImage)] = []
    var index = 0
    let escape: UInt8 = 0x1B
    while index < bytes.count {
        // ESC [ row ; column H, then the DCS: ESC P … ESC \.
        guard bytes[index] == escape, index + 1 < bytes.count, bytes[index + 1] == UInt8(ascii: "[") else {
            index += 1
            continue
        }
        guard let end = bytes[index...].firstIndex(of: UInt8(ascii: "H")) else { break }
        let numbers = String(decoding: bytes[(index + 2)..<end], as: UTF8.self).split(separator: ";").compactMap { Int($0) }
        var stop = end + 1
        while stop + 1 < bytes.count, !(bytes[stop] == escape && bytes[stop + 1] == UInt8(ascii: "\\")) { stop += 1 }
        try #require(numbers.count == 2 && stop + 1 < bytes.count, "a cursor move then a whole DCS")
        pictures.append((numbers[0], numbers[1], try Sixel2PNG.decode(Array(bytes[(end + 1)...(stop + 1)]))))
        index = stop + 2
    }
    return pictures
}

@Suite(.enabled(if: Sixel2PNG.required, "sixel2png (libsixel-bin) is not installed"))
struct SixelPanelContentTests {
    let worked: WorkedCase
    let size = TerminalSize(columns: 120, rows: 40)

    init() throws { worked = try WorkedCase.shared.get() }

    /// The fitted pictures' content size: the lit part of the normal frame's LOW picture
    /// (every gray of LOW is ≥ 20; sixel pads the cells with black at the right and bottom).
    private func contentSize() throws -> (width: Int, height: Int) {
        let frame = worked.draw([], sixel: true, size: size)
        let picture = try #require(frame.images.first?.picture)
        let width = (0..<picture.width).filter { picture[$0, 0] != 0 }.count
        let height = (0..<picture.height).filter { picture[0, $0] != 0 }.count
        try #require(width > 0 && height > 0)
        return (width, height)
    }

    private func check(_ mode: ViewerMode, zoomed: Bool) throws {
        let content = try contentSize()
        let frame = worked.draw(keys((zoomed ? zoomKeys : "") + mode.keys), sixel: true, size: size)
        let sent = try sentSixelPictures(frame, size: size)
        try #require(sent.count == 3 && frame.images.count == 3, "three sixel pictures in \(mode)")
        for (index, (row, column, decoded)) in sent.enumerated() {
            let place = frame.images[index]
            let cursor: [Int] = [row, column], cell: [Int] = [place.row + 1, place.column + 1]
            #expect(cursor == cell, "picture \(index) drawn at its cells")
            let label = String(frame.line(place.row - 2).unicodeScalars.dropFirst(place.column).prefix(place.columns))
                .trimmingCharacters(in: .whitespaces)
            #expect(label == mode.labels[index], "\(mode): panel \(index) is labelled \(label)")
            let (width, height) = (place.columns * 10, place.rows * 20)
            let shown = zoomed
                ? ExpectedPicture.zoomed(mode.images[index], canvasWidth: width, canvasHeight: height,
                                         scaleX: 2 * Double(content.width) / 64, scaleY: 2 * Double(content.height) / 64,
                                         pan: zoomPan)
                : ExpectedPicture.fitted(mode.images[index], contentWidth: content.width, contentHeight: content.height,
                                         canvasWidth: width, canvasHeight: height, averaging: false)
            let expected = ExpectedPicture.display(shown, level: mode.level, gain: mode.gain, inverted: mode.inverted)
            // The 101-level palette decodes to grays 2 or 3 apart, so the nearest is
            // within 1. Fitted, only the picture is compared, not the black padding.
            let difference = firstDifference(decoded, expected, tolerance: 1,
                                             region: zoomed ? nil : (content.width, content.height))
            #expect(difference == nil, "\(mode)\(zoomed ? " zoomed" : ""), \(mode.labels[index]): \(difference ?? "")")
        }
    }

    @Test func crosshairIsDrawnIntoEachPictureAtItsPixel() throws {
        // c, → three times, ↓ twice: image pixel (35, 34). The cross is ink (black over
        // light, white over dark) from 2 to 6 pixels out on both axes; the gap keeps the
        // pixel itself and its neighbours visible.
        let content = try contentSize()
        let frame = worked.draw(keys("c→→→↓↓"), sixel: true, size: size)
        let sent = try sentSixelPictures(frame, size: size)
        try #require(sent.count == 3)
        for (index, (_, _, decoded)) in sent.enumerated() {
            let image = ViewerMode.all[0].images[index]
            let tx = Int(35.5 * Double(content.width) / 64), ty = Int(34.5 * Double(content.height) / 64)
            let ink = image[35, 34] > 127 ? 0 : 255
            for d in [-6, -4, -2, 2, 4, 6] {
                #expect(abs(Int(decoded[tx + d, ty]) - ink) <= 1, "\(index): across at \(d)")
                #expect(abs(Int(decoded[tx, ty + d]) - ink) <= 1, "\(index): down at \(d)")
            }
            #expect(abs(Int(decoded[tx, ty]) - Int(image[35, 34])) <= 1, "\(index): the pixel itself stays visible")
        }
    }

    @Test(arguments: ["i", "]]]+", "i1", "[[[[1"])
    func blackBeyondTheImageStaysBlack(_ keys: String) throws {
        // Fitted, sixel pads the picture to whole cells; at 1:1 the 64-pixel image fills
        // only the panel's top-left corner. That black is not image: invert and
        // window/level leave it black.
        let image = keys.hasSuffix("1") ? (width: 64, height: 64) : try contentSize()
        let frame = worked.draw(ReviewTUITests.keys(keys), sixel: true, size: size)
        try #require(frame.images.count == 3)
        for place in frame.images {
            let picture = place.picture
            #expect(image.width < picture.width || image.height < picture.height, "\(keys): black beyond the image")
            var lit = 0
            for y in 0..<picture.height {
                for x in 0..<picture.width where (x >= image.width || y >= image.height) && picture[x, y] != 0 { lit += 1 }
            }
            #expect(lit == 0, "\(keys): \(lit) pixels beyond the image are not black")
        }
    }

    @Test(arguments: ViewerMode.all)
    func fittedPicturesDecodeToTheirImages(_ mode: ViewerMode) throws { try check(mode, zoomed: false) }

    @Test(arguments: ViewerMode.all)
    func zoomedAndPannedPicturesDecodeToTheirImages(_ mode: ViewerMode) throws { try check(mode, zoomed: true) }
}
