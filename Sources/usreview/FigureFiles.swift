import Dataset
import Figures
import Foundation

/// Writes each figure into `folder` under its own name (atomically), making the folder if needed.
func writeFigures(_ figures: [HTMLPage.Figure], to folder: String) throws {
    let url = URL(fileURLWithPath: folder, isDirectory: true)
    do {
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    } catch {
        throw AtomicFileError.writeFailed(path: url.path, reason: "cannot make this folder for the figures: "
            + error.localizedDescription)
    }
    for figure in figures {
        try AtomicFile.write(Data(figure.svg.utf8), to: url.appendingPathComponent(figure.name))
    }
    printError("Wrote \(figures.count) figure(s) to \(folder).")
}
