import CPNG
import Foundation

/// What went wrong reading or writing a PNG: always names the file and says what to do.
public enum PNGError: Error, Equatable, CustomStringConvertible {
    case cannotOpen(path: String, reason: String)
    case notPNG(path: String, reason: String)
    case corrupt(path: String, reason: String)
    case cannotWrite(path: String, reason: String)
    /// A FIFO, folder or device given as an image.
    case notAFile(path: String, kind: String)
    /// The header declares more pixels than `ResourceLimits.maxPixels`.
    case tooLarge(path: String, width: Int, height: Int, limit: Int)

    public var description: String {
        switch self {
        case let .cannotOpen(path, reason):
            return "\(path): cannot open (\(reason)). Check that the file exists and is readable."
        case let .notPNG(path, reason):
            return "\(path): not a PNG image (\(reason)). Replace it with a PNG export of the image."
        case let .corrupt(path, reason):
            return "\(path): the PNG is corrupt or truncated (libpng: \(reason)). Re-copy the file from its source."
        case let .cannotWrite(path, reason):
            return "\(path): cannot write the PNG (\(reason)). Check free disk space and folder permissions."
        case let .notAFile(path, kind):
            return "\(path): is \(kind), not a PNG file. Give the path of the image file itself."
        case let .tooLarge(path, width, height, limit):
            return "\(path): the PNG declares \(width)×\(height) = \(width * height) pixels, over the limit of "
                + "\(limit) pixels. If the image is genuine, raise the limit with "
                + "\(ResourceLimits.pixelsVariable)=N (pixels); otherwise the file is damaged or hostile."
        }
    }
}

/// PNG files in and out, through libpng.
///
/// Reading accepts every PNG colour type and bit depth and returns 8-bit gray:
/// 16-bit samples are scaled to 8 bits (rounded), palettes expanded, alpha ignored,
/// colour converted with ITU-R BT.601 luma (0.299 R + 0.587 G + 0.114 B, rounded),
/// Adam7 interlacing undone. Writing produces 8-bit gray PNGs, atomically: the data
/// goes to a temporary file beside the target, which is renamed over it only once
/// complete, so a crash or a full disk never leaves half an image.
public enum PNGCodec {
    /// The header facts of a file as stored, before conversion to gray.
    public struct StoredFormat: Equatable, Sendable {
        public var bitDepth: Int
        public var colorType: Int
        public var interlaced: Bool
    }

    public static func read(_ url: URL, limits: ResourceLimits? = nil) throws -> GrayImage {
        try readWithFormat(url, limits: limits).image
    }

    /// Reads `url`, refusing anything but a regular file and any image that declares more
    /// than `limits.maxPixels` pixels (default: the environment's `ResourceLimits`).
    public static func readWithFormat(_ url: URL, limits: ResourceLimits? = nil) throws -> (image: GrayImage, format: StoredFormat) {
        let path = url.path
        let maxPixels = try (limits ?? ResourceLimits.current()).maxPixels
        let descriptor: Int32
        switch Result(catching: { () throws(RegularFileError) in try RegularFile.openForReading(path) }) {
        case let .success(opened): descriptor = opened.descriptor
        case let .failure(.notRegular(_, kind)): throw PNGError.notAFile(path: path, kind: kind)
        case let .failure(.cannotOpen(_, reason)): throw PNGError.cannotOpen(path: path, reason: reason)
        }
        defer { close(descriptor) }
        var buffer: UnsafeMutablePointer<UInt8>?
        var info = cpng_info()
        let result = cpng_read_gray8(descriptor, UInt64(maxPixels), &buffer, &info)
        defer { cpng_free(buffer) }
        if result.status == CPNG_TOO_LARGE {
            throw PNGError.tooLarge(path: path, width: Int(info.width), height: Int(info.height), limit: maxPixels)
        }
        try check(result, path: path, writing: false)
        let width = Int(info.width), height = Int(info.height)
        let pixels = [UInt8](UnsafeBufferPointer(start: buffer, count: width * height))
        let format = StoredFormat(bitDepth: Int(info.bit_depth), colorType: Int(info.color_type),
                                  interlaced: info.interlaced != 0)
        return (GrayImage(width: width, height: height, pixels: pixels), format)
    }

    /// Decodes PNG bytes held in memory (a frozen study panel); `what` names them in errors.
    public static func decode(_ bytes: Data, what: String, limits: ResourceLimits? = nil) throws -> GrayImage {
        let decoded = try decodeMemory(bytes, what: what, limits: limits, channels: 1, cpng_decode_gray8)
        return GrayImage(width: decoded.width, height: decoded.height, pixels: decoded.pixels)
    }

    /// PNG bytes in memory through `decoder` (gray or RGB), `channels` bytes per pixel.
    private static func decodeMemory(
        _ bytes: Data, what: String, limits: ResourceLimits?, channels: Int,
        _ decoder: (UnsafePointer<UInt8>?, Int, UInt64, UnsafeMutablePointer<UnsafeMutablePointer<UInt8>?>?,
                    UnsafeMutablePointer<cpng_info>?) -> cpng_result
    ) throws -> (width: Int, height: Int, pixels: [UInt8]) {
        let maxPixels = try (limits ?? ResourceLimits.current()).maxPixels
        var buffer: UnsafeMutablePointer<UInt8>?
        var info = cpng_info()
        let result = bytes.withUnsafeBytes { raw in
            decoder(raw.bindMemory(to: UInt8.self).baseAddress, raw.count, UInt64(maxPixels), &buffer, &info)
        }
        defer { cpng_free(buffer) }
        if result.status == CPNG_TOO_LARGE {
            throw PNGError.tooLarge(path: what, width: Int(info.width), height: Int(info.height), limit: maxPixels)
        }
        try check(result, path: what, writing: false)
        let width = Int(info.width), height = Int(info.height)
        return (width, height, [UInt8](UnsafeBufferPointer(start: buffer, count: width * height * channels)))
    }

    /// Writes `image` as an 8-bit gray PNG, replacing `url` atomically.
    public static func write(_ image: GrayImage, to url: URL) throws {
        try AtomicFile.replace(url) { temporary in
            let result = image.pixels.withUnsafeBufferPointer { pixels in
                cpng_write_gray8(temporary.path, pixels.baseAddress, UInt32(image.width), UInt32(image.height))
            }
            try check(result, path: url.path, writing: true)
        }
    }

    /// `image` as the bytes of an 8-bit gray PNG (zlib level 9: it is sent, not stored),
    /// for the kitty graphics protocol.
    public static func encode(_ image: GrayImage, level: Int = 9) throws -> [UInt8] {
        var bytes: UnsafeMutablePointer<UInt8>?
        var count = 0
        let result = image.pixels.withUnsafeBufferPointer { pixels in
            cpng_encode_gray8(pixels.baseAddress, UInt32(image.width), UInt32(image.height), Int32(level), &bytes, &count)
        }
        try check(result, path: "(PNG in memory, \(image.width)×\(image.height))", writing: true)
        defer { cpng_free(bytes) }
        guard let bytes else { return [] }
        return Array(UnsafeBufferPointer(start: bytes, count: count))
    }

    /// `image` as the bytes of an 8-bit RGB PNG (zlib `level`), for the kitty graphics
    /// protocol when a coloured overlay sits on a gray picture.
    public static func encode(_ image: RGBImage, level: Int = 9) throws -> [UInt8] {
        var bytes: UnsafeMutablePointer<UInt8>?
        var count = 0
        let result = image.pixels.withUnsafeBufferPointer { pixels in
            cpng_encode_rgb8(pixels.baseAddress, UInt32(image.width), UInt32(image.height), Int32(level), &bytes, &count)
        }
        try check(result, path: "(RGB PNG in memory, \(image.width)×\(image.height))", writing: true)
        defer { cpng_free(bytes) }
        guard let bytes else { return [] }
        return Array(UnsafeBufferPointer(start: bytes, count: count))
    }

    /// Decodes PNG bytes in memory keeping colour (a gray PNG comes back with equal
    /// channels); `what` names them in errors.
    public static func decodeRGB(_ bytes: Data, what: String, limits: ResourceLimits? = nil) throws -> RGBImage {
        let decoded = try decodeMemory(bytes, what: what, limits: limits, channels: 3, cpng_decode_rgb8)
        return RGBImage(width: decoded.width, height: decoded.height, pixels: decoded.pixels)
    }

    private static func check(_ result: cpng_result, path: String, writing: Bool) throws {
        let message = withUnsafeBytes(of: result.message) { raw in
            String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
        }
        switch result.status {
        case CPNG_OK:
            return
        case CPNG_OPEN_FAILED:
            throw writing ? PNGError.cannotWrite(path: path, reason: message)
                          : PNGError.cannotOpen(path: path, reason: message)
        case CPNG_NOT_PNG:
            throw PNGError.notPNG(path: path, reason: message)
        case CPNG_WRITE_FAILED:
            throw PNGError.cannotWrite(path: path, reason: message)
        default:
            throw writing ? PNGError.cannotWrite(path: path, reason: message)
                          : PNGError.corrupt(path: path, reason: message)
        }
    }
}
