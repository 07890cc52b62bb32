import Foundation

/// Writing to the terminal's file descriptor: the one loop every writer of pictures and
/// queries uses, so a write interrupted by a signal (a resize) or a full pty buffer is
/// retried rather than cutting a sequence short.
public enum TerminalOutput {
    /// Writes all of `bytes`, retrying on EINTR and EAGAIN; the count written (less than
    /// `bytes.count` only when the descriptor fails).
    @discardableResult
    public static func write(_ bytes: [UInt8], to descriptor: Int32) -> Int {
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { Foundation.write(descriptor, $0.baseAddress! + offset, bytes.count - offset) }
            if written > 0 {
                offset += written
            } else if written < 0, errno == EINTR || errno == EAGAIN {
                continue
            } else {
                break
            }
        }
        return offset
    }
}
