import Foundation
import XCTest

// MARK: - A terminal on a pseudo-terminal, for TerminalQuery

/// A fake terminal on the master side of a pty: it reads what the program writes and,
/// once DA1 (`ESC [ c`) arrives, sends back `reply`.
final class FakeTerminal: @unchecked Sendable {
    let master: Int32
    let slave: Int32
    private let done = DispatchSemaphore(value: 0)
    private let lock = NSLock()
    private var _received = [UInt8]()
    var received: [UInt8] { lock.lock(); defer { lock.unlock() }; return _received }

    /// A pty of `size` (rows, columns and the pixels the terminal reports).
    init(size: winsize = winsize(ws_row: 40, ws_col: 120, ws_xpixel: 1200, ws_ypixel: 800)) throws {
        var master: Int32 = -1, slave: Int32 = -1
        guard openpty(&master, &slave, nil, nil, nil) == 0 else { throw XCTSkip("no pseudo-terminals here") }
        self.master = master
        self.slave = slave
        var size = size
        _ = ioctl(master, UInt(TIOCSWINSZ), &size)
    }

    /// Answers with `reply` (in `chunks` writes, 5 ms apart) after the DA1 query; with
    /// nil, never answers.
    func start(reply: [UInt8]?, chunks: Int = 1) {
        Thread.detachNewThread { [self] in
            defer { done.signal() }
            let deadline = Date().addingTimeInterval(2)
            var buffer = [UInt8](repeating: 0, count: 4096)
            while Date() < deadline {
                var descriptor = pollfd(fd: master, events: Int16(POLLIN), revents: 0)
                guard poll(&descriptor, 1, 20) > 0 else { continue }
                let count = buffer.withUnsafeMutableBytes { read(master, $0.baseAddress, $0.count) }
                guard count > 0 else { return }
                lock.lock()
                _received += buffer[0..<count]
                let sawDA1 = _received.count >= 3 && Array(_received.suffix(3)) == [0x1B, UInt8(ascii: "["), UInt8(ascii: "c")]
                lock.unlock()
                if sawDA1 {
                    guard let reply else { return }
                    let size = (reply.count + chunks - 1) / chunks
                    for start in stride(from: 0, to: reply.count, by: size) {
                        let piece = Array(reply[start..<min(reply.count, start + size)])
                        _ = piece.withUnsafeBytes { write(master, $0.baseAddress, $0.count) }
                        usleep(5_000)
                    }
                    return
                }
            }
        }
    }

    func waitUntilDone() { done.wait() }

    /// Whether the program side has input waiting (stray bytes).
    var programHasInput: Bool {
        var descriptor = pollfd(fd: slave, events: Int16(POLLIN), revents: 0)
        return poll(&descriptor, 1, 30) > 0
    }

    /// Whether the terminal side got anything more (an echo of the replies).
    var terminalHasInput: Bool {
        var descriptor = pollfd(fd: master, events: Int16(POLLIN), revents: 0)
        return poll(&descriptor, 1, 30) > 0
    }

    deinit {
        close(slave)
        close(master)
    }
}
