/// Text from outside usreview — file and folder names, device names from `devices.json`,
/// reader names, comments, config and theme values — made safe to show on a terminal.
///
/// A terminal acts on some characters instead of showing them: ESC and the other C0
/// controls, DEL, the C1 controls U+0080–U+009F (U+009B is CSI in some terminals), and
/// the bidirectional overrides and isolates that reorder what follows them (CVE-2021-42574).
/// A file name holding ESC ] 0 ; … BEL retitles the window; ESC [ 2 J clears the screen.
/// Every such scalar is written visibly instead (`\e`, `\t`, `\u{9B}`, `\u{202E}`), so
/// the person sees that the name holds it. Everything else — any printable script,
/// combining marks, CJK, emoji with their joiners — passes unchanged.
public enum TerminalText {
    /// `text` with every scalar a terminal would act on (`isUnsafe`) written visibly.
    /// With `keepingLineBreaks`, LF and CRLF stay line breaks (for multi-line output the
    /// program itself composed, or a CSV); a lone CR is always escaped, since it lets a
    /// line overwrite itself.
    public static func sanitized(_ text: String, keepingLineBreaks: Bool = false) -> String {
        guard text.unicodeScalars.contains(where: isUnsafe) else { return text }
        var out = String.UnicodeScalarView()
        let scalars = Array(text.unicodeScalars)
        for (index, scalar) in scalars.enumerated() {
            if keepingLineBreaks, scalar == "\n" || (scalar == "\r" && index + 1 < scalars.count && scalars[index + 1] == "\n") {
                out.append(scalar)
            } else if isUnsafe(scalar) {
                out.append(contentsOf: visible(scalar).unicodeScalars)
            } else {
                out.append(scalar)
            }
        }
        return String(out)
    }

    /// JSON text (as `JSONEncoder` writes it) with the unsafe scalars it leaves raw — DEL,
    /// C1, bidi controls — written as `\uXXXX` escapes: the same JSON value, byte for
    /// byte safe on a terminal. The encoder already escapes C0 inside strings, and
    /// outside strings JSON holds only ASCII punctuation and whitespace, so line breaks
    /// and indentation are left as they are.
    public static func jsonSafe(_ json: String) -> String {
        func needsEscape(_ scalar: Unicode.Scalar) -> Bool { scalar.value >= 0x7F && isUnsafe(scalar) }
        guard json.unicodeScalars.contains(where: needsEscape) else { return json }
        var out = String.UnicodeScalarView()
        for scalar in json.unicodeScalars {
            if needsEscape(scalar) {
                // Every unsafe scalar is in the Basic Multilingual Plane: one \uXXXX.
                out.append(contentsOf: ("\\u" + hex(scalar.value, digits: 4)).unicodeScalars)
            } else {
                out.append(scalar)
            }
        }
        return String(out)
    }

    /// C0 controls (tab and line feed included), DEL, C1 controls, the bidirectional
    /// embeddings, overrides and isolates, and invisible characters that hide or break
    /// lines: zero-width space, word joiner and invisible operators, the line and
    /// paragraph separators, the byte-order mark and the interlinear annotation marks.
    /// The joiners U+200C/U+200D and the marks LRM, RLM and ALM stay: scripts and emoji
    /// need them, and they reorder nothing by themselves.
    public static func isUnsafe(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x00...0x1F, 0x7F, 0x80...0x9F: return true
        case 0x202A...0x202E, 0x2066...0x2069: return true
        case 0x200B, 0x2060...0x2064, 0x2028, 0x2029, 0xFEFF, 0xFFF9...0xFFFB: return true
        default: return false
        }
    }

    /// How an unsafe scalar is shown: the usual short escapes for the common controls,
    /// `\u{…}` (Swift's notation) for the rest.
    static func visible(_ scalar: Unicode.Scalar) -> String {
        switch scalar {
        case "\u{1B}": return "\\e"
        case "\t": return "\\t"
        case "\n": return "\\n"
        case "\r": return "\\r"
        default: return "\\u{" + hex(scalar.value, digits: 1) + "}"
        }
    }

    private static func hex(_ value: UInt32, digits: Int) -> String {
        let text = String(value, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, digits - text.count)) + text
    }
}
