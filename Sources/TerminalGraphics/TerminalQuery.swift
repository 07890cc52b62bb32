#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// Asks the terminal what it can do, once at start-up: the one place that talks to
/// the terminal to find out.
///
/// The exchange: put the input in raw mode (no echo, no line buffering; restored
/// always), write the kitty graphics query (`a=q`, a 1-pixel image that is not kept),
/// XTSMGRAPHICS for colour registers and maximum sixel geometry, `CSI 16 t` for the
/// cell size, DA2 and XTVERSION (which name tmux), and Primary Device Attributes (DA1)
/// *last*. Every
/// terminal answers DA1 and answers in order, so its reply marks the end of the
/// others; queries a terminal does not know are ignored. Replies are read with
/// `poll()` until the DA1 reply arrives or the deadline passes, so a terminal that never
/// answers costs the timeout and no more. Whatever is left in the input afterwards is
/// flushed, so no reply leaks into the application as keystrokes.
public enum TerminalQuery {
    /// Kitty graphics, XTSMGRAPHICS colour registers, XTSMGRAPHICS maximum geometry,
    /// cell size: what the terminal that draws is asked.
    public static let graphicsQueries: [UInt8] = KittyEncoder.query
        + Array("\u{1B}[?1;1;0S\u{1B}[?2;1;0S\u{1B}[16t".utf8)
    /// DA2 and XTVERSION: who is answering (tmux says so here, never in DA1).
    public static let identityQueries: [UInt8] = Array("\u{1B}[>c\u{1B}[>0q".utf8)
    public static let primaryDeviceAttributes: [UInt8] = Array("\u{1B}[c".utf8)
    /// Everything, DA1 last.
    public static let queries: [UInt8] = graphicsQueries + identityQueries + primaryDeviceAttributes

    /// Inside tmux: the graphics queries and a DA1 through passthrough to the outer
    /// terminal (when `allow-passthrough` is on), then tmux's own DA2, XTVERSION and
    /// DA1. tmux answers its DA1 at once, the outer terminal's replies come after it.
    public static func tmuxQueries(passthrough: Bool) -> [UInt8] {
        let outer = passthrough ? Passthrough.tmux.wrap(graphicsQueries + primaryDeviceAttributes) : []
        return outer + identityQueries + primaryDeviceAttributes
    }

    /// The whole budget for the exchange.
    public static let defaultTimeout: Duration = .milliseconds(200)

    /// The capabilities of the terminal on `input`/`output`. Asks nothing when either is
    /// not a terminal (then `isTerminal` is false and auto mode is ascii), when TERM is dumb or unset, or when the process is in the
    /// background (changing the terminal's mode there would stop it with SIGTTOU).
    public static func detect(input: Int32 = STDIN_FILENO, output: Int32 = STDOUT_FILENO,
                              environment: [String: String] = ProcessInfo.processInfo.environment,
                              timeout: Duration = defaultTimeout) -> TerminalCapabilities {
        guard isatty(input) == 1, isatty(output) == 1 else {
            // Still honour TERM and COLUMNS/LINES, for `--graphics blocks > file`.
            return TerminalCapabilities(replies: [], environment: environment, windowSize: nil, isTerminal: false)
        }
        let window = windowSize(of: output) ?? windowSize(of: input)
        let term = environment["TERM"] ?? ""
        let tmux = TmuxPane.current(environment: environment)
        guard !term.isEmpty, term != "dumb", isForeground(input) else {
            return TerminalCapabilities(replies: [], environment: environment, windowSize: window, tmux: tmux)
        }
        // Inside tmux, replies through passthrough are not guaranteed: the outer DA1
        // is waited for within the same budget, and the environment fills in after.
        let insideTmux = !(environment["TMUX"] ?? "").isEmpty
        let throughTmux = insideTmux && (tmux?.passthrough ?? true)
        let replies = exchange(input: input, output: output,
                               queries: insideTmux ? tmuxQueries(passthrough: throughTmux) : queries,
                               expectedAnswers: throughTmux ? 2 : 1, timeout: timeout)
        return TerminalCapabilities(replies: replies, environment: environment, windowSize: window, tmux: tmux)
    }

    /// Sends `queries` and returns what came back: everything read until
    /// `expectedAnswers` DA1 replies (two inside tmux: its own and the outer
    /// terminal's) or `timeout`, whichever is first. Empty when the terminal said nothing.
    public static func exchange(input: Int32, output: Int32, queries: [UInt8] = TerminalQuery.queries,
                                expectedAnswers: Int = 1, timeout: Duration = defaultTimeout) -> [UInt8] {
        let clock = ContinuousClock()
        let deadline = clock.now + timeout
        var saved = termios()
        guard tcgetattr(input, &saved) == 0 else { return [] }
        var raw = saved
        raw.c_lflag &= ~tcflag_t(ICANON | ECHO)
        withUnsafeMutableBytes(of: &raw.c_cc) { controls in
            controls[Int(VMIN)] = 0
            controls[Int(VTIME)] = 0
        }
        guard tcsetattr(input, TCSANOW, &raw) == 0 else { return [] }
        defer {
            // Late or unread replies must not reach the application as keys.
            tcflush(input, TCIFLUSH)
            tcsetattr(input, TCSANOW, &saved)
        }
        guard writeAll(queries, to: output) else { return [] }

        var received = [UInt8]()
        var buffer = [UInt8](repeating: 0, count: 512)
        while TerminalReply.parse(received).filter(\.isPrimaryDeviceAttributes).count < expectedAnswers {
            let left = clock.now.duration(to: deadline)
            guard left > .zero else { break }
            let milliseconds = Int32(clamping: (left.components.seconds * 1000) + Int64(left.components.attoseconds / 1_000_000_000_000_000) + 1)
            var descriptor = pollfd(fd: input, events: Int16(POLLIN), revents: 0)
            let ready = poll(&descriptor, 1, milliseconds)
            if ready < 0 {
                if errno == EINTR { continue }
                break
            }
            guard ready > 0 else { continue }  // the loop checks the deadline
            let count = buffer.withUnsafeMutableBytes { read(input, $0.baseAddress, $0.count) }
            if count > 0 {
                received += buffer[0..<count]
            } else if count < 0, errno == EINTR || errno == EAGAIN {
                continue
            } else {
                break  // end of input or an error: nothing more will come
            }
        }
        return received
    }

    /// Where the cursor is (1-based row and column), from a Cursor Position Report
    /// (`CSI 6 n`, answered `CSI row ; column R`; a DA1 after it ends the wait); nil
    /// when there is no terminal or no answer in time. Inside tmux it is the pane's cursor.
    public static func cursorPosition(input: Int32 = STDIN_FILENO, output: Int32 = STDOUT_FILENO,
                                      timeout: Duration = defaultTimeout) -> (row: Int, column: Int)? {
        guard isatty(input) == 1, isatty(output) == 1, isForeground(input) else { return nil }
        let replies = exchange(input: input, output: output, queries: Array("\u{1B}[6n".utf8) + primaryDeviceAttributes,
                               timeout: timeout)
        for reply in TerminalReply.parse(replies)
        where reply.introducer == .csi && reply.marker == nil && reply.final == UInt8(ascii: "R") && reply.parameters.count == 2 {
            return (reply.parameters[0], reply.parameters[1])
        }
        return nil
    }

    /// The window size the kernel keeps for `descriptor` (TIOCGWINSZ), or nil.
    public static func windowSize(of descriptor: Int32) -> WindowSize? {
        var size = winsize()
        guard ioctl(descriptor, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0, size.ws_row > 0 else { return nil }
        return WindowSize(columns: Int(size.ws_col), rows: Int(size.ws_row),
                          pixelWidth: Int(size.ws_xpixel), pixelHeight: Int(size.ws_ypixel))
    }

    /// False only when the terminal says another process group is in the foreground.
    private static func isForeground(_ descriptor: Int32) -> Bool {
        let group = tcgetpgrp(descriptor)
        return group < 0 || group == getpgrp()
    }

    private static func writeAll(_ bytes: [UInt8], to descriptor: Int32) -> Bool {
        TerminalOutput.write(bytes, to: descriptor) == bytes.count
    }
}
