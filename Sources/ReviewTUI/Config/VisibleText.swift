/// `text` with its control characters written out (`\e`, `\n`, `\t`, `\u{9b}` …), so a
/// value read from a file or a flag cannot send escape sequences to the terminal when a
/// message or report echoes it. Kept to this one function so a shared sanitiser can
/// replace it.
public func escapingControlCharacters(_ text: String) -> String {
    var out = ""
    for scalar in text.unicodeScalars {
        switch scalar.value {
        case 0x1B: out += "\\e"
        case 0x0A: out += "\\n"
        case 0x0D: out += "\\r"
        case 0x09: out += "\\t"
        case 0x00..<0x20, 0x7F..<0xA0: out += "\\u{" + String(scalar.value, radix: 16) + "}"
        default: out.unicodeScalars.append(scalar)
        }
    }
    return out
}
