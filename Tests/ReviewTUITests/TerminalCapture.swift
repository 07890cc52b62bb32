#if canImport(Glibc)
import Glibc
#endif
import Dataset
import Foundation
import Testing

/// A file standing in for the terminal: pixel panels write to `write`, tests read back
/// what was written since the last look.
final class TerminalCapture {
    let write: Int32
    private let path = FileManager.default.temporaryDirectory.appendingPathComponent("terminal-\(UUID().uuidString)").path
    private var offset = 0

    init() {
        write = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        precondition(write >= 0)
    }

    /// The bytes written since the last call.
    func take() -> [UInt8] {
        let all = FileManager.default.contents(atPath: path) ?? Data()
        defer { offset = all.count }
        return [UInt8](all.dropFirst(offset))
    }

    /// The same, as text (escape sequences are ASCII).
    func takeText() -> String { String(decoding: take(), as: UTF8.self) }

    deinit {
        close(write)
        unlink(path)
    }
}

/// The PNG files kitty transmissions carry (`a=t,f=100`, base64 in chunks), in order.
func kittyPNGPayloads(_ bytes: [UInt8]) throws -> [Data] {
    let text = String(decoding: bytes, as: UTF8.self)
    var files: [Data] = [], payload = ""
    for command in text.components(separatedBy: "\u{1B}_G").dropFirst() {
        guard let end = command.range(of: "\u{1B}\\") else { continue }
        let parts = command[..<end.lowerBound].split(separator: ";", maxSplits: 1)
        guard parts.count == 2 else { continue }
        let keys = parts[0]
        if keys.contains("a=t") { payload = "" }
        guard keys.contains("a=t") || keys.hasPrefix("m=") else { continue }
        payload += parts[1]
        if keys.contains("m=0") || !keys.contains("m=") {
            files.append(try #require(Data(base64Encoded: payload)))
            payload = ""
        }
    }
    return files
}
