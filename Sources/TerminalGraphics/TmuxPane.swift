import Foundation

/// The tmux pane usreview runs in, as tmux itself tells (`tmux display`, `tmux show`):
/// where the pane sits in the outer terminal — a passthrough image lands at the outer
/// terminal's cursor, so it is positioned from the pane's offset —, the outer
/// terminal's name, and whether `allow-passthrough` lets graphics through.
public struct TmuxPane: Equatable, Sendable {
    /// The pane's top row and left column in the outer terminal, from 0.
    public var top: Int
    public var left: Int
    /// The terminal tmux's client runs in (`#{client_termname}`), e.g. "xterm-kitty".
    public var clientTerm: String
    /// `allow-passthrough` is on (or `all`) for this pane.
    public var passthrough: Bool

    public init(top: Int, left: Int, clientTerm: String, passthrough: Bool) {
        self.top = top
        self.left = left
        self.clientTerm = clientTerm
        self.passthrough = passthrough
    }

    /// The format `current` asks `tmux display -p` for.
    public static let displayFormat = "#{pane_top} #{pane_left} #{client_termname}"

    /// The pane from `tmux display -p displayFormat`'s output and `tmux show -Apv
    /// allow-passthrough`'s; nil when the first is not two numbers and a name.
    public static func parse(display: String, passthroughOption: String) -> TmuxPane? {
        let fields = display.trimmingCharacters(in: .whitespacesAndNewlines)
            .split(separator: " ", maxSplits: 2, omittingEmptySubsequences: false)
        guard fields.count >= 2, let top = Int(fields[0]), let left = Int(fields[1]), top >= 0, left >= 0 else {
            return nil
        }
        let option = passthroughOption.trimmingCharacters(in: .whitespacesAndNewlines)
        return TmuxPane(top: top, left: left, clientTerm: fields.count > 2 ? String(fields[2]) : "",
                        passthrough: option == "on" || option == "all")
    }

    /// The pane this process runs in when TMUX is set, asked of the `tmux` on PATH
    /// (which finds the server through TMUX, the pane through TMUX_PANE); nil outside
    /// tmux or when tmux cannot be run. Half a second at most: tmux answers in
    /// milliseconds, and a hung server must not hang start-up.
    public static func current(environment: [String: String] = ProcessInfo.processInfo.environment) -> TmuxPane? {
        guard let socket = environment["TMUX"], !socket.isEmpty else { return nil }
        let target = environment["TMUX_PANE"].map { ["-t", $0] } ?? []
        guard let display = run(["display", "-p"] + target + [displayFormat], environment: environment) else {
            return nil
        }
        let option = run(["show", "-Apv"] + target + ["allow-passthrough"], environment: environment) ?? ""
        return parse(display: display, passthroughOption: option)
    }

    /// The position in the outer terminal (1-based, for CUP) of the pane's cell
    /// (`row`, `column`), counted from 0.
    public func outerPosition(row: Int, column: Int) -> (row: Int, column: Int) {
        (top + row + 1, left + column + 1)
    }

    private static func run(_ arguments: [String], environment: [String: String]) -> String? {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["tmux"] + arguments
        process.environment = environment
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        do { try process.run() } catch { return nil }
        let deadline = Date().addingTimeInterval(0.5)
        while process.isRunning, Date() < deadline { usleep(2_000) }
        if process.isRunning {
            process.terminate()
            return nil
        }
        let data = output.fileHandleForReading.readDataToEndOfFile()
        guard process.terminationStatus == 0 else { return nil }
        return String(decoding: data, as: UTF8.self)
    }
}
