/// Text from a study or a dataset (names, comments, device names) on its way into SVG or
/// HTML: markup characters escaped, and the characters XML 1.0 forbids (C0 controls other
/// than tab, newline and carriage return, U+FFFE, U+FFFF) dropped, with the C1 controls
/// and DEL, which XML allows but no reader wants to see.
public enum MarkupText {
    public static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            case "\t", "\n", "\r": out.unicodeScalars.append(scalar)
            default:
                let value = scalar.value
                if value < 0x20 || (0x7F...0x9F).contains(value) || value == 0xFFFE || value == 0xFFFF { continue }
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}
