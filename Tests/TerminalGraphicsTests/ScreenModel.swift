/// A minimal terminal screen for tests: applies the bytes `renderTriptych` writes in the
/// text and block modes (newline, carriage return, DECSC/DECRC, relative cursor moves,
/// SGR ignored) and keeps the character of every cell, so a test can read what stands
/// where. Anything else it does not know fails loudly rather than being guessed.
struct ScreenModel {
    struct Unsupported: Error, CustomStringConvertible { let description: String }

    let columns: Int
    private(set) var cells: [[Character]]
    private var row = 0, column = 0
    private var saved = (row: 0, column: 0)

    init(columns: Int, rows: Int) {
        self.columns = columns
        cells = Array(repeating: Array(repeating: " ", count: columns), count: rows)
    }

    /// The text of `row` from `column`, `count` characters long.
    func text(row: Int, column: Int, count: Int) -> String {
        String(cells[row][column..<min(column + count, columns)])
    }

    mutating func apply(_ bytes: [UInt8]) throws {
        let scalars = Array(String(decoding: bytes, as: UTF8.self).unicodeScalars)
        var i = 0
        while i < scalars.count {
            let scalar = scalars[i]
            switch scalar {
            case "\n": row += 1
            case "\r": column = 0
            case "\u{1B}":
                guard i + 1 < scalars.count else { throw Unsupported(description: "ESC at the end") }
                let next = scalars[i + 1]
                if next == "7" { saved = (row, column); i += 2; continue }
                if next == "8" { (row, column) = saved; i += 2; continue }
                guard next == "[" else { throw Unsupported(description: "ESC \(next)") }
                var j = i + 2, parameters = ""
                while j < scalars.count, !(0x40...0x7E).contains(scalars[j].value) {
                    parameters.unicodeScalars.append(scalars[j]); j += 1
                }
                guard j < scalars.count else { throw Unsupported(description: "unterminated CSI") }
                let count = max(Int(parameters) ?? 1, 1)
                switch scalars[j] {
                case "A": row -= count
                case "B": row += count
                case "C": column += count
                case "D": column -= count
                case "m": break
                default: throw Unsupported(description: "CSI \(parameters)\(scalars[j])")
                }
                i = j + 1
                continue
            default:
                guard row >= 0, row < cells.count, column >= 0, column < columns else {
                    throw Unsupported(description: "character \(scalar) outside the screen at row \(row), column \(column)")
                }
                cells[row][column] = Character(scalar)
                column += 1
            }
            i += 1
        }
    }
}
