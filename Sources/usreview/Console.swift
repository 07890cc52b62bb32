import Foundation

/// Messages for the person at the terminal go to stderr, so stdout stays data.
func printError(_ message: String) {
    FileHandle.standardError.write(Data((message + "\n").utf8))
}

/// A one-line progress bar on stderr, drawn only when stderr is a terminal.
final class ProgressBar: @unchecked Sendable {
    private let label: String
    private let enabled = isatty(STDERR_FILENO) != 0
    private let lock = NSLock()
    private var lastPercent = -1

    init(label: String) { self.label = label }

    func update(_ done: Int, _ total: Int) {
        guard enabled, total > 0 else { return }
        let percent = done * 100 / total
        lock.withLock {
            guard percent != lastPercent else { return }
            lastPercent = percent
            let filled = percent / 5
            let bar = String(repeating: "█", count: filled) + String(repeating: "·", count: 20 - filled)
            FileHandle.standardError.write(Data("\r\(label) \(bar) \(percent)% (\(done)/\(total))".utf8))
        }
    }

    func finish() {
        if enabled { FileHandle.standardError.write(Data("\n".utf8)) }
    }
}
