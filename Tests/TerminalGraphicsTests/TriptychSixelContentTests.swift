import Dataset
import Foundation
import TerminalGraphics
import Testing

/// `usreview show`'s sixel output decoded by libsixel: each panel shows its own image,
/// left to right, pixel for pixel at zoom 1 and scaled by nearest neighbour at zoom 2.
@Suite(.enabled(if: TriptychSixel.decoder != nil || ProcessInfo.processInfo.environment["CI"] == "true",
                "sixel2png (libsixel-bin) is not installed"))
struct TriptychSixelContentTests {
    /// Three 48×40 images unlike each other everywhere: columns, rows, a checkerboard.
    static let images: [GrayImage] = [
        { x, _ in 20 + 4 * x }, { _, y in 30 + 5 * y }, { x, y in 40 + 2 * x + y + 60 * ((x / 6 + y / 6) % 2) },
    ].map { (value: (Int, Int) -> Int) in
        GrayImage(width: 48, height: 40, pixels: (0..<(48 * 40)).map { UInt8(value($0 % 48, $0 / 48)) })
    }

    @Test(arguments: [1, 2])
    func eachPanelDecodesToItsImage(zoom: Int) throws {
        let capabilities = TerminalCapabilities(answered: true, sixel: true, cellPixelSize: CellPixelSize(width: 10, height: 20))
        let bytes = try renderTriptych(images: Self.images, capabilities: capabilities,
                                       terminalSize: TerminalSize(columns: 120, rows: 40), mode: .sixel, zoom: zoom)
        let pictures = try TriptychSixel.pictures(in: bytes)
        try #require(pictures.count == 3)
        for (index, (picture, image)) in zip(pictures, Self.images).enumerated() {
            // Sixel pads to whole cells with black; the image sits at the top-left, each
            // pixel a zoom × zoom block. The 101-level palette decodes within 1 gray.
            try #require(picture.width >= zoom * image.width && picture.height >= zoom * image.height)
            var worst = 0
            for y in 0..<(zoom * image.height) {
                for x in 0..<(zoom * image.width) {
                    worst = max(worst, abs(Int(picture[x, y]) - Int(image[x / zoom, y / zoom])))
                }
            }
            #expect(worst <= 1, "panel \(index) at zoom \(zoom): off by \(worst)")
        }
    }
}

enum TriptychSixel {
    static let decoder: String? = (["/usr/bin/sixel2png", "/usr/local/bin/sixel2png"]
        + (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":").map { "\($0)/sixel2png" })
        .first { FileManager.default.isExecutableFile(atPath: $0) }

    /// Every DCS (ESC P … ESC \) in `bytes`, in order, decoded by sixel2png.
    static func pictures(in bytes: [UInt8]) throws -> [GrayImage] {
        let tool = try #require(decoder, "sixel2png not found: apt-get install libsixel-bin")
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("usreview-triptych-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        var pictures: [GrayImage] = []
        var index = 0
        while index + 1 < bytes.count {
            guard bytes[index] == 0x1B, bytes[index + 1] == UInt8(ascii: "P") else {
                index += 1
                continue
            }
            var end = index + 2
            while end + 1 < bytes.count, !(bytes[end] == 0x1B && bytes[end + 1] == UInt8(ascii: "\\")) { end += 1 }
            let input = folder.appendingPathComponent("\(pictures.count).six")
            let output = folder.appendingPathComponent("\(pictures.count).png")
            try Data(bytes[index...min(end + 1, bytes.count - 1)]).write(to: input)
            let process = Process()
            process.executableURL = URL(fileURLWithPath: tool)
            process.arguments = ["-i", input.path, "-o", output.path]
            try process.run()
            process.waitUntilExit()
            try #require(process.terminationStatus == 0, "sixel2png failed on picture \(pictures.count)")
            pictures.append(try PNGCodec.read(output))
            index = end + 2
        }
        return pictures
    }
}
