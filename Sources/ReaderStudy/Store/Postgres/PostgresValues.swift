import Foundation

/// How values cross libpq's text protocol: timestamps, bytea and image sources.
enum PostgresValues {
    /// "2026-12-06T08:45:33.123456Z": microseconds, timestamptz's own precision.
    static func timestamp(_ date: Date) -> String {
        let interval = date.timeIntervalSince1970
        var seconds = interval.rounded(.down)
        var micros = Int(((interval - seconds) * 1_000_000).rounded())
        if micros == 1_000_000 { seconds += 1; micros = 0 }
        var time = time_t(seconds)
        var parts = tm()
        gmtime_r(&time, &parts)
        return String(format: "%04d-%02d-%02dT%02d:%02d:%02d.%06dZ", Int(parts.tm_year) + 1900, Int(parts.tm_mon) + 1,
                      Int(parts.tm_mday), Int(parts.tm_hour), Int(parts.tm_min), Int(parts.tm_sec), micros)
    }

    /// A date from `extract(epoch FROM column)`'s text.
    static func date(_ text: String?) -> Date? {
        text.flatMap(Double.init).map { Date(timeIntervalSince1970: $0) }
    }

    /// bytea as a text parameter: `\x` and hex digits.
    static func bytea(_ data: Data) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var bytes = [UInt8](repeating: 0, count: 2 + data.count * 2)
        bytes[0] = UInt8(ascii: "\\"); bytes[1] = UInt8(ascii: "x")
        for (index, byte) in data.enumerated() {
            bytes[2 + 2 * index] = digits[Int(byte >> 4)]
            bytes[3 + 2 * index] = digits[Int(byte & 15)]
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// bytea's hex output (`\x89504e…`, the server's default since 9.0) as bytes.
    static func data(hex text: String) -> Data? {
        let utf8 = Array(text.utf8)
        guard utf8.count >= 2, utf8[0] == UInt8(ascii: "\\"), utf8[1] == UInt8(ascii: "x"), utf8.count % 2 == 0 else { return nil }
        func nibble(_ c: UInt8) -> UInt8? {
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): return c - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): return c - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): return c - UInt8(ascii: "A") + 10
            default: return nil
            }
        }
        var data = Data(capacity: (utf8.count - 2) / 2)
        var index = 2
        while index < utf8.count {
            guard let high = nibble(utf8[index]), let low = nibble(utf8[index + 1]) else { return nil }
            data.append(high << 4 | low)
            index += 2
        }
        return data
    }

    /// `panel_key.source`: "low", "high" or "model:NAME" (a model may be called "low").
    static func source(_ source: ImageSource) -> String {
        switch source {
        case .low: return "low"
        case .high: return "high"
        case let .model(name): return "model:" + name
        }
    }

    static func source(_ text: String) -> ImageSource? {
        switch text {
        case "low": return .low
        case "high": return .high
        default: return text.hasPrefix("model:") ? .model(String(text.dropFirst(6))) : nil
        }
    }

    static func bool(_ text: String?) -> Bool { text == "t" }
    static func int(_ text: String?) -> Int { text.flatMap { Int($0) } ?? 0 }
    static func int64(_ text: String?) -> Int64 { text.flatMap { Int64($0) } ?? 0 }
}
