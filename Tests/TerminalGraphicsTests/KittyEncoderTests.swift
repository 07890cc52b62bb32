import Dataset
import Foundation
@testable import TerminalGraphics
import XCTest

/// The kitty graphics commands as bytes, checked against the protocol's rules
/// (kitty's docs, "Transferring pixel data" and "Deleting images") and against the
/// query bytes recorded with real terminals.
final class KittyEncoderTests: XCTestCase {
    /// `ESC _ G keys ; payload ESC \` split into (keys, payload).
    private func split(_ sequence: [UInt8], file: StaticString = #filePath, line: UInt = #line) -> (keys: String, payload: [UInt8]) {
        XCTAssertEqual(Array(sequence.prefix(3)), [0x1B, UInt8(ascii: "_"), UInt8(ascii: "G")], file: file, line: line)
        XCTAssertEqual(Array(sequence.suffix(2)), [0x1B, UInt8(ascii: "\\")], file: file, line: line)
        let body = Array(sequence.dropFirst(3).dropLast(2))
        guard let semicolon = body.firstIndex(of: UInt8(ascii: ";")) else { return (String(decoding: body, as: UTF8.self), []) }
        return (String(decoding: body[..<semicolon], as: UTF8.self), Array(body[(semicolon + 1)...]))
    }

    func testTransmitChunksDecodeToALosslessPNG() throws {
        let image = SixelTestImages.speckle(width: 300, height: 200, seed: 14)
        let sequences = try KittyEncoder().transmit(image, id: 0xABC01)
        XCTAssertGreaterThan(sequences.count, 3, "a noisy 300×200 PNG is several chunks")
        var base64 = [UInt8]()
        for (index, sequence) in sequences.enumerated() {
            let (keys, payload) = split(sequence)
            let last = index == sequences.count - 1
            XCTAssertLessThanOrEqual(payload.count, 4096)
            if !last { XCTAssertEqual(payload.count, 4096, "every chunk but the last is full") }
            XCTAssertEqual(payload.count % 4, 0, "each chunk is whole base64 quads")
            if index == 0 {
                XCTAssertEqual(keys, "a=t,f=100,i=703489,q=2,m=1")
            } else {
                XCTAssertEqual(keys, last ? "m=0,q=2" : "m=1,q=2")
            }
            XCTAssertFalse(payload.contains(0x1B), "no ESC inside a payload")
            base64 += payload
        }
        let png = try XCTUnwrap(Data(base64Encoded: Data(base64)))
        XCTAssertEqual(Array(png.prefix(8)), [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A], "a PNG")
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("kitty-\(UUID().uuidString).png")
        defer { try? FileManager.default.removeItem(at: url) }
        try png.write(to: url)
        let decoded = try PNGCodec.readWithFormat(url)
        XCTAssertEqual(decoded.image, image, "lossless: every pixel back")
        XCTAssertEqual(decoded.format.colorType, 0, "8-bit gray (PNG colour type 0), not RGB")
    }

    func testChunkBoundaries() {
        // 3072 raw bytes are exactly 4096 base64 characters: one chunk, m=0.
        let one = KittyEncoder.chunks(payload: [UInt8](repeating: 7, count: 3072), keys: "a=t")
        XCTAssertEqual(one.count, 1)
        XCTAssertEqual(split(one[0]).keys, "a=t,m=0")
        XCTAssertEqual(split(one[0]).payload.count, 4096)
        // One byte more spills into a second chunk of one quad.
        let two = KittyEncoder.chunks(payload: [UInt8](repeating: 7, count: 3073), keys: "a=t")
        XCTAssertEqual(two.map { split($0).payload.count }, [4096, 4])
        XCTAssertEqual(two.map { split($0).keys }, ["a=t,m=1", "m=0,q=2"])
        // 1 MiB of payload: 342 chunks, none over the limit, all decoding back.
        let big = [UInt8]((0..<(1 << 20)).map { UInt8(truncatingIfNeeded: $0 &* 2_654_435_761 >> 7) })
        let chunks = KittyEncoder.chunks(payload: big, keys: "a=t")
        XCTAssertEqual(chunks.count, (big.count * 4 / 3 + 4095) / 4096)
        XCTAssertTrue(chunks.allSatisfy { split($0).payload.count <= 4096 })
        XCTAssertEqual(Data(base64Encoded: Data(chunks.flatMap { split($0).payload })).map(Array.init), big)
    }

    func testAnonymousImagesHaveNoID() throws {
        let sequences = try KittyEncoder().encode(GrayImage(width: 2, height: 2, pixels: [0, 85, 170, 255]))
        XCTAssertEqual(sequences.count, 1)
        XCTAssertEqual(split(sequences[0]).keys, "a=T,f=100,C=1,q=2,m=0")
        let named = try KittyEncoder().encode(GrayImage(width: 2, height: 2, pixels: [0, 85, 170, 255]), id: 9)
        XCTAssertEqual(split(named[0]).keys, "a=T,f=100,i=9,C=1,q=2,m=0")
    }

    func testPlacementsAndDeletions() {
        XCTAssertEqual(String(decoding: KittyEncoder.place(id: 5, placement: 2), as: UTF8.self),
                       "\u{1B}_Ga=p,i=5,p=2,C=1,q=2\u{1B}\\")
        XCTAssertEqual(String(decoding: KittyEncoder.deletePlacement(id: 5, placement: 2), as: UTF8.self),
                       "\u{1B}_Ga=d,d=i,i=5,p=2,q=2\u{1B}\\")
        XCTAssertEqual(String(decoding: KittyEncoder.deleteImage(id: 5), as: UTF8.self),
                       "\u{1B}_Ga=d,d=I,i=5,q=2\u{1B}\\")
        XCTAssertLessThan(KittyEncoder.place(id: 0xFFFF_FFFF, placement: 99).count, 1024,
                          "re-showing a held image costs far under 1 KB")
    }

    func testQueryIsTheOneRealTerminalsAnswered() throws {
        let kitty = try RecordedTerminals.entry("kitty 0.26.5")
        XCTAssertEqual(Array(kitty.sent.prefix(KittyEncoder.query.count)), KittyEncoder.query)
        XCTAssertEqual(Array(TerminalQuery.queries.prefix(KittyEncoder.query.count)), KittyEncoder.query,
                       "the graphics query goes first, DA1 last")
        XCTAssertEqual(Array(TerminalQuery.queries.suffix(3)), Array("\u{1B}[c".utf8))
        XCTAssertEqual(try RecordedTerminals.entry("kitty 0.26.5, usreview's start-up queries").sent, TerminalQuery.queries)
    }

    func testKittyBlitterDrawsPixelsOneToOne() throws {
        let blitter = KittyBlitter()
        XCTAssertEqual(blitter.mode, .kitty)
        XCTAssertTrue(blitter.mode.isPixel)
        XCTAssertEqual(blitter.pixelsPerCell(CellPixelSize(width: 8, height: 17)).width, 8)
        let image = GrayImage(width: 16, height: 34, pixels: (0..<(16 * 34)).map { UInt8($0 % 256) })
        guard case let .pixels(bytes, columns, rows) = try blitter.render(image, columns: 2, rows: 2) else {
            return XCTFail("kitty renders pixels")
        }
        XCTAssertEqual(columns, 2)
        XCTAssertEqual(rows, 2)
        XCTAssertEqual(bytes, try KittyEncoder().encode(image).flatMap { $0 })
    }
}

/// tmux's passthrough wrapping, checked against the bytes recorded going through a
/// real tmux 3.3a to kitty and xterm.
final class PassthroughTests: XCTestCase {
    /// Undoes `wrap`: the pieces' contents, checking that each piece is well formed
    /// (every ESC inside doubled) and under `limit`.
    private func unwrap(_ bytes: [UInt8], limit: Int = Passthrough.tmuxLimit, file: StaticString = #filePath,
                        line: UInt = #line) -> [[UInt8]] {
        let prefix = Array("\u{1B}Ptmux;".utf8)
        var pieces = [[UInt8]](), index = 0
        while index < bytes.count {
            guard Array(bytes[index..<min(bytes.count, index + prefix.count)]) == prefix else {
                XCTFail("bytes outside a passthrough piece at \(index)", file: file, line: line)
                return pieces
            }
            let start = index
            var contents = [UInt8]()
            index += prefix.count
            while index < bytes.count {
                if bytes[index] == 0x1B, index + 1 < bytes.count, bytes[index + 1] == 0x1B {
                    contents.append(0x1B)
                    index += 2
                } else if bytes[index] == 0x1B, index + 1 < bytes.count, bytes[index + 1] == UInt8(ascii: "\\") {
                    index += 2
                    break
                } else {
                    XCTAssertNotEqual(bytes[index], 0x1B, "a lone ESC inside a piece", file: file, line: line)
                    contents.append(bytes[index])
                    index += 1
                }
            }
            XCTAssertLessThan(index - start, limit, "a wrapped piece reaches the limit", file: file, line: line)
            pieces.append(contents)
        }
        return pieces
    }

    func testWrappingMatchesTheRecordedBytes() throws {
        // What went through tmux to kitty and came back with kitty's OK.
        let recorded = try RecordedTerminals.entry("tmux 3.3a inside kitty, query and DA1 wrapped for passthrough, then a plain DA1")
        let da1 = Array("\u{1B}[c".utf8)
        XCTAssertEqual(Passthrough.tmux.wrap(each: [KittyEncoder.query, da1]) + da1, recorded.sent)
        let xterm = try RecordedTerminals.entry("tmux 3.3a inside xterm -ti vt340, DA1 wrapped for passthrough, then a plain DA1")
        XCTAssertEqual(Passthrough.tmux.wrap(da1) + da1, xterm.sent)
        XCTAssertEqual(TerminalQuery.tmuxQueries(passthrough: true),
                       try RecordedTerminals.entry("tmux 3.3a inside kitty 0.26.5, allow-passthrough on, usreview's start-up queries").sent)
        XCTAssertEqual(TerminalQuery.tmuxQueries(passthrough: false), TerminalQuery.identityQueries + da1,
                       "passthrough off: nothing wrapped")
    }

    func testDirectIsUnchanged() {
        let bytes = KittyEncoder.place(id: 1, placement: 1)
        XCTAssertEqual(Passthrough.direct.wrap(bytes), bytes)
        XCTAssertEqual(Passthrough.direct.wrap(each: [bytes, bytes]), bytes + bytes)
    }

    func testEachKittyChunkIsWrappedOnItsOwnAndTheLastWithTheMove() throws {
        let sequences = try KittyEncoder().encode(SixelTestImages.speckle(width: 200, height: 200, seed: 3))
        XCTAssertGreaterThan(sequences.count, 2)
        let move = Array("\u{1B}7\u{1B}[5;9H".utf8), restore = Array("\u{1B}8".utf8)
        let pieces = unwrap(Passthrough.tmux.place(sequences, move: move, restore: restore))
        XCTAssertEqual(pieces.count, sequences.count)
        XCTAssertEqual(Array(pieces.dropLast()), Array(sequences.dropLast()), "chunks before the last travel alone")
        XCTAssertEqual(pieces.last, move + sequences.last! + restore,
                       "tmux homes the cursor after each piece: the move shares the last chunk's piece")
        XCTAssertEqual(Passthrough.direct.place(sequences, move: move, restore: restore),
                       sequences.dropLast().flatMap { $0 } + move + sequences.last! + restore)
    }

    func testLargeSixelsBecomeStripsUnderOneMebibyte() {
        // Noise 1200×1000 pixels: one sixel of several MB, which tmux would drop whole.
        let picture = SixelTestImages.speckle(width: 1200, height: 1000, seed: 11)
        let encoder = SixelEncoder(registers: 256)
        let whole = encoder.encode(picture)
        XCTAssertGreaterThan(Passthrough.tmux.wrappedSize(whole), Passthrough.tmuxLimit)
        let strips = SixelStrips.encode(picture, cellHeight: 20, encoder: encoder, passthrough: .tmux)
        XCTAssertGreaterThan(strips.count, 1)
        XCTAssertEqual(strips.first?.row, 0)
        var top = 0
        for strip in strips {
            let wrapped = Passthrough.tmux.wrap(strip.sixel)
            XCTAssertLessThan(wrapped.count + 32, Passthrough.tmuxLimit, "each strip, with its move, under 1 MiB")
            XCTAssertEqual(Passthrough.tmux.wrappedSize(strip.sixel), wrapped.count)
            XCTAssertEqual(strip.row * 20, top, "strips stack on cell rows")
            // Strips are whole images of 60-pixel steps (3 cells of 20, 10 sixel bands).
            let header = String(decoding: strip.sixel.prefix(40), as: UTF8.self)
            let raster = header.components(separatedBy: "q\"1;1;")[1].split(separator: ";")  // W;H
            let height = Int(raster[1].prefix { $0.isNumber })!
            XCTAssertTrue(height % 60 == 0 || top + height == 1000, "strip height \(height)")
            top += height
        }
        XCTAssertEqual(top, 1000, "the strips cover the picture")
        // Directly, or small enough: one strip, the plain sixel.
        let small = SixelTestImages.speckle(width: 200, height: 120, seed: 1)
        XCTAssertEqual(SixelStrips.encode(small, cellHeight: 20, encoder: encoder, passthrough: .tmux).map(\.sixel),
                       [encoder.encode(small)])
    }
}
