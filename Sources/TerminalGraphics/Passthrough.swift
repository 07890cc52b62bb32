/// How graphics reach the terminal that draws them: straight, or through tmux's
/// passthrough (`ESC P tmux; … ESC \`, every ESC inside doubled), which tmux forwards
/// to the outer terminal when its `allow-passthrough` option is on.
///
/// Two facts of tmux 3.3 shape this. It drops a passthrough sequence of 1 MiB or more
/// whole (measured: a 1.16 MB sixel vanished, 0.98 MB worked). And after forwarding
/// each one it resets the outer terminal's state — attributes, scroll region, cursor
/// home — so nothing may span two pieces: an image's cursor move travels in the same
/// piece as the sequence that draws it, and a sixel too large for one piece is cut into
/// strips that are whole images (`SixelStrips`), never into pieces of one DCS.
public enum Passthrough: Equatable, Sendable {
    case direct
    case tmux

    public static let tmuxLimit = 1 << 20

    /// `sequence` ready to write: as it is, or as one tmux passthrough piece.
    public func wrap(_ sequence: [UInt8]) -> [UInt8] {
        guard self == .tmux else { return sequence }
        var out: [UInt8] = Array("\u{1B}Ptmux;".utf8)
        out.reserveCapacity(sequence.count + sequence.count / 64 + 16)
        for byte in sequence {
            if byte == 0x1B { out.append(0x1B) }
            out.append(byte)
        }
        out += [0x1B, UInt8(ascii: "\\")]
        return out
    }

    /// Each sequence wrapped on its own (kitty chunks are wrapped one by one), joined.
    public func wrap(each sequences: [[UInt8]]) -> [UInt8] {
        sequences.flatMap { wrap($0) }
    }

    /// `sequences` drawn at a place: the last one — the sequence that shows the image
    /// (a sixel, a kitty placement or a final chunk) — in one piece with `move` before
    /// and `restore` after it, the ones before it (kitty chunks, placed nowhere) each in
    /// its own. Directly, simply move, sequences, restore.
    public func place(_ sequences: [[UInt8]], move: [UInt8], restore: [UInt8]) -> [UInt8] {
        guard let last = sequences.last else { return [] }
        return wrap(each: Array(sequences.dropLast())) + wrap(move + last + restore)
    }

    /// The size `sequence` takes once wrapped.
    public func wrappedSize(_ sequence: [UInt8]) -> Int {
        guard self == .tmux else { return sequence.count }
        return sequence.count + sequence.reduce(0) { $0 + ($1 == 0x1B ? 1 : 0) } + 9
    }

    /// The escape sequences in `bytes`, cut after each string terminator (`ESC \`):
    /// kitty's chunks one by one, a sixel whole.
    public static func sequences(in bytes: [UInt8]) -> [[UInt8]] {
        var sequences = [[UInt8]]()
        var start = 0
        var index = 0
        while index + 1 < bytes.count {
            if bytes[index] == 0x1B, bytes[index + 1] == UInt8(ascii: "\\") {
                sequences.append(Array(bytes[start...(index + 1)]))
                start = index + 2
                index += 2
            } else {
                index += 1
            }
        }
        if start < bytes.count { sequences.append(Array(bytes[start...])) }
        return sequences
    }
}
