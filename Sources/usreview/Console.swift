import Dataset
import Foundation
import UntrustedText

// Every line usreview prints goes through one of these, so outside text in it — file
// and device names, reader names, comments, config values — reaches the terminal only
// as `TerminalText` shows it (controls and bidi overrides escaped).

/// Messages for the person at the terminal go to stderr, so stdout stays data.
func printError(_ message: String) {
    FileHandle.standardError.write(Data((TerminalText.sanitized(message, keepingLineBreaks: true) + "\n").utf8))
}

/// Text for the person on stdout, with a line break after it (or `terminator`).
/// Written at once, not buffered, so a reader of a pipe sees each line as it is made
/// (`study simulate-reader` is killed mid-run by tests that count its lines).
func printText(_ text: String, terminator: String = "\n") {
    FileHandle.standardOutput.write(Data((TerminalText.sanitized(text, keepingLineBreaks: true) + terminator).utf8))
}

/// JSON on stdout: the same JSON value, with what a terminal would act on as \u escapes.
func printJSON(_ json: String) {
    FileHandle.standardOutput.write(Data((TerminalText.jsonSafe(json) + "\n").utf8))
}

/// JSON bytes on stdout, as `printJSON`, without adding a line break.
func printJSON(_ data: Data) {
    FileHandle.standardOutput.write(Data(TerminalText.jsonSafe(String(decoding: data, as: UTF8.self)).utf8))
}

/// A document on stdout (a CSV): exact into a pipe or file, which is where data goes;
/// escaped when stdout is a terminal, where a person reads it.
func printDocument(_ data: Data) {
    if isatty(STDOUT_FILENO) != 0 {
        FileHandle.standardOutput.write(Data(TerminalText.sanitized(String(decoding: data, as: UTF8.self),
                                                                    keepingLineBreaks: true).utf8))
    } else {
        FileHandle.standardOutput.write(data)
    }
}

/// A command's CSV or JSON: to `out` (whole or not at all, then `summary` on stderr), or to
/// stdout as `printDocument` or `printJSON` write it.
func emitDocument(_ data: Data, isJSON: Bool, to out: String?, summary: String) throws {
    if let out {
        try AtomicFile.write(data, to: URL(fileURLWithPath: out))
        printError(summary)
    } else if isJSON {
        printJSON(data)
    } else {
        printDocument(data)
    }
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
