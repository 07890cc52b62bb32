import Foundation

/// usreview's log file ($XDG_STATE_HOME/usreview/usreview.log): one timestamped line
/// per event. While curses owns the screen, warnings and errors go here, never to the
/// terminal. When a line would take the file past `maxBytes` it is renamed to
/// `usreview.log.1` (replacing the older one) and a new file begun. Logging never
/// throws and never prints: a log that cannot be written is silently skipped.
public final class AppLog: @unchecked Sendable {
    public enum Level: String, Sendable {
        case info = "INFO"
        case warning = "WARN"
        case error = "ERROR"
    }

    public static let defaultMaxBytes = 1_000_000

    public let url: URL
    public let maxBytes: Int
    private let lock = NSLock()
    private let now: @Sendable () -> Date

    public init(url: URL, maxBytes: Int = AppLog.defaultMaxBytes, now: @escaping @Sendable () -> Date = { Date() }) {
        self.url = url
        self.maxBytes = max(1, maxBytes)
        self.now = now
    }

    /// The rotated previous file.
    public var previousURL: URL { url.appendingPathExtension("1") }

    public func info(_ message: String) { write(.info, message) }
    public func warning(_ message: String) { write(.warning, message) }
    public func error(_ message: String) { write(.error, message) }

    public func write(_ level: Level, _ message: String) {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        let flat = message.replacingOccurrences(of: "\n", with: " ⏎ ")
        let data = Data("\(formatter.string(from: now())) \(level.rawValue) \(flat)\n".utf8)
        lock.withLock {
            let fileManager = FileManager.default
            try? fileManager.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            let size = (try? fileManager.attributesOfItem(atPath: url.path)[.size] as? Int) ?? 0
            if size > 0, size + data.count > maxBytes {
                try? fileManager.removeItem(at: previousURL)
                try? fileManager.moveItem(at: url, to: previousURL)
            }
            if !fileManager.fileExists(atPath: url.path) {
                fileManager.createFile(atPath: url.path, contents: nil, attributes: [.posixPermissions: 0o600])
            }
            guard let handle = try? FileHandle(forWritingTo: url) else { return }
            defer { try? handle.close() }
            _ = try? handle.seekToEnd()
            try? handle.write(contentsOf: data)
        }
    }
}
