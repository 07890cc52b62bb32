import TerminalGraphics

enum TerminalGraphicsSize {
    static func make(_ columns: Int, _ rows: Int) -> TerminalSize { TerminalSize(columns: columns, rows: rows) }
}
