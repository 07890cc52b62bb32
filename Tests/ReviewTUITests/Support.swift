import Foundation
import TerminalGraphics

enum TerminalGraphicsSize {
    static func make(_ columns: Int, _ rows: Int) -> TerminalSize { TerminalSize(columns: columns, rows: rows) }
}

/// A fresh temporary folder; the caller removes it.
func temporaryFolder() throws -> URL {
    let url = FileManager.default.temporaryDirectory
        .appendingPathComponent("usreview-tests-\(UUID().uuidString)", isDirectory: true)
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}
