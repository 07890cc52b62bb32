/// How graphics reach the terminal that draws them: straight, or through tmux's
/// passthrough (`ESC P tmux; … ESC \`, every ESC inside doubled), which tmux forwards
/// to the outer terminal when its `allow-passthrough` option is on.
public enum Passthrough: Equatable, Sendable {
    case direct
    case tmux

    /// tmux drops a passthrough sequence of 1 MiB or more whole (measured: a 1.16 MB
    /// sixel vanished, 0.98 MB worked), so every wrapped sequence stays under this.
    public static let tmuxLimit = 1 << 20

    /// `sequence` ready to write: as it is, or wrapped for tmux, cut into several
    /// wrapped pieces when one would reach `limit` bytes. The outer terminal reads the
    /// pieces' contents as one stream, so a cut anywhere but between an ESC and the
    /// byte after it is harmless; cuts are never made there.
    public func wrap(_ sequence: [UInt8], limit: Int = Passthrough.tmuxLimit) -> [UInt8] {
        guard self == .tmux else { return sequence }
        let prefix: [UInt8] = Array("\u{1B}Ptmux;".utf8)
        let suffix: [UInt8] = [0x1B, UInt8(ascii: "\\")]
        // Room for contents in one piece; an ESC takes two bytes once doubled.
        let room = max(4, limit - 1 - prefix.count - suffix.count)
        var out = [UInt8]()
        out.reserveCapacity(sequence.count + sequence.count / 64 + 16)
        var used = 0
        var open = false
        var index = 0
        while index < sequence.count {
            let isEscape = sequence[index] == 0x1B
            // An ESC travels with the byte after it (unless that is an ESC too), doubled.
            let paired = isEscape && index + 1 < sequence.count && sequence[index + 1] != 0x1B
            let cost = isEscape ? (paired ? 3 : 2) : 1
            if open, used + cost > room {
                out += suffix
                open = false
            }
            if !open {
                out += prefix
                open = true
                used = 0
            }
            if isEscape {
                out += [0x1B, 0x1B]
                if paired {
                    out.append(sequence[index + 1])
                    index += 1
                }
            } else {
                out.append(sequence[index])
            }
            used += cost
            index += 1
        }
        if open { out += suffix }
        return out
    }

    /// Each sequence wrapped on its own (kitty chunks are wrapped one by one), joined.
    public func wrap(each sequences: [[UInt8]], limit: Int = Passthrough.tmuxLimit) -> [UInt8] {
        sequences.flatMap { wrap($0, limit: limit) }
    }
}
