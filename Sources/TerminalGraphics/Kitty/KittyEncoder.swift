import Dataset
import Foundation

/// The kitty graphics protocol's commands as bytes: pure, no terminal.
///
/// An 8-bit gray image is sent losslessly as PNG (RGB where an overlay colours it) (`f=100`; kitty has no gray format —
/// it answers `EINVAL:Unknown image format` to one), base64 in chunks of at most
/// 4096 bytes (`m=1` on every chunk but the last, `m=0` on the last), each chunk a
/// whole `ESC _ G … ESC \` sequence, so a passthrough wrapper can wrap them one by one.
/// Every command carries `q=2`: the terminal stays quiet, so no reply can reach the
/// application as keys.
public struct KittyEncoder: Sendable {
    /// kitty's limit on one chunk's payload.
    public static let chunkLimit = 4096
    /// zlib level of the PNG: 9, because the bytes go over a terminal line.
    public let level: Int

    public init(level: Int = 9) {
        self.level = level
    }

    /// The sequences that store `image` in the terminal under `id` (`a=t`), without
    /// showing it. Show it with `place(id:placement:)`.
    public func transmit(_ image: GrayImage, id: UInt32) throws -> [[UInt8]] {
        try Self.chunks(payload: PNGCodec.encode(image, level: level), keys: "a=t,f=100,i=\(id),q=2")
    }

    /// As `transmit(_:id:)` with `overlay` painted over the image: an RGB PNG when the
    /// overlay has ink, else the gray PNG, byte for byte what `transmit(_:id:)` sends.
    public func transmit(_ image: GrayImage, overlay: OverlayLayer?, id: UInt32) throws -> [[UInt8]] {
        guard let overlay, !overlay.isEmpty else { return try transmit(image, id: id) }
        return try Self.chunks(payload: PNGCodec.encode(overlay.composite(image), level: level),
                               keys: "a=t,f=100,i=\(id),q=2")
    }

    /// The sequences that send `image` and show it at the cursor at once (`a=T`),
    /// without moving the cursor (`C=1`). With no `id` the terminal keeps it anonymous:
    /// nothing can replace or delete it by mistake (`usreview show`'s pictures).
    public func encode(_ image: GrayImage, id: UInt32? = nil) throws -> [[UInt8]] {
        let idKey = id.map { ",i=\($0)" } ?? ""
        return try Self.chunks(payload: PNGCodec.encode(image, level: level), keys: "a=T,f=100\(idKey),C=1,q=2")
    }

    /// Shows the stored image `id` at the cursor as placement `placement` (replacing
    /// that placement if it is shown elsewhere), without moving the cursor: no image
    /// bytes, a few dozen bytes in all.
    public static func place(id: UInt32, placement: UInt32) -> [UInt8] {
        command("a=p,i=\(id),p=\(placement),C=1,q=2")
    }

    /// Takes placement `placement` of image `id` off the screen; the terminal keeps
    /// the image for a later `place`.
    public static func deletePlacement(id: UInt32, placement: UInt32) -> [UInt8] {
        command("a=d,d=i,i=\(id),p=\(placement),q=2")
    }

    /// Takes every placement of image `id` off the screen and frees the image.
    public static func deleteImage(id: UInt32) -> [UInt8] {
        command("a=d,d=I,i=\(id),q=2")
    }

    /// The start-up query: would the terminal take a 1×1 RGB image (`a=q` stores
    /// nothing)? kitty and Konsole answer `ESC _ G i=31;OK ESC \`; others ignore it.
    public static let queryID = 31
    public static let query: [UInt8] = command("i=\(queryID),s=1,v=1,a=q,t=d,f=24", payload: Array("AAAA".utf8))

    /// `ESC _ G keys ; payload ESC \`.
    static func command(_ keys: String, payload: [UInt8] = []) -> [UInt8] {
        var out: [UInt8] = [0x1B, UInt8(ascii: "_"), UInt8(ascii: "G")]
        out += Array(keys.utf8)
        if !payload.isEmpty {
            out.append(UInt8(ascii: ";"))
            out += payload
        }
        out += [0x1B, UInt8(ascii: "\\")]
        return out
    }

    /// `payload` base64-encoded and cut into chunks of at most `limit` bytes (a multiple
    /// of 4, so each chunk decodes on its own): the first chunk carries `keys`, every
    /// chunk `m=1` but the last (`m=0`), and `q=2` so no chunk is answered.
    static func chunks(payload: [UInt8], keys: String, limit: Int = chunkLimit) -> [[UInt8]] {
        let encoded = Array(Data(payload).base64EncodedData())
        let size = max(4, limit / 4 * 4)
        var sequences = [[UInt8]]()
        var start = 0
        repeat {
            let end = min(encoded.count, start + size)
            let more = end < encoded.count ? 1 : 0
            let chunkKeys = start == 0 ? "\(keys),m=\(more)" : "m=\(more),q=2"
            sequences.append(command(chunkKeys, payload: Array(encoded[start..<end])))
            start = end
        } while start < encoded.count
        return sequences
    }
}
