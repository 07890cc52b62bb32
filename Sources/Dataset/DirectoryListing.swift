import Foundation

/// One entry of a folder, with just what indexing needs. Built on readdir/stat so
/// that indexing a thousand pairs stays within milliseconds.
struct DirectoryEntry: Sendable {
    let name: String
    let path: String
    let isDirectory: Bool
    let size: Int

    var url: URL { URL(fileURLWithPath: path, isDirectory: isDirectory) }
}

enum DirectoryListing {
    /// The entries of `url`, sorted by name, hidden files (".DS_Store", "._0001.png") skipped.
    /// Nil when the folder does not exist.
    static func entries(of url: URL) throws -> [DirectoryEntry]? {
        guard let directory = opendir(url.path) else {
            if errno == ENOENT || errno == ENOTDIR { return nil }
            throw DatasetError.unreadable(path: url.path, reason: String(cString: strerror(errno)))
        }
        defer { closedir(directory) }
        let folderPath = url.path.hasSuffix("/") ? url.path : url.path + "/"
        let descriptor = dirfd(directory)
        var result: [DirectoryEntry] = []
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            if name.hasPrefix(".") { continue }
            // fstatat on the open folder: no path building, no second lookup of the folder.
            var info = stat()
            guard fstatat(descriptor, name, &info, 0) == 0 else { continue }
            let isDirectory = (info.st_mode & S_IFMT) == S_IFDIR
            result.append(DirectoryEntry(name: name, path: folderPath + name, isDirectory: isDirectory,
                                         size: Int(info.st_size)))
        }
        return result.sorted { $0.name < $1.name }
    }

    static func isDirectory(_ url: URL) -> Bool {
        var info = stat()
        return stat(url.path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR
    }
}

extension DirectoryEntry {
    /// The case ID of an image file named like "0838.png", or nil.
    var caseID: String? {
        guard !isDirectory, name.lowercased().hasSuffix(".png") else { return nil }
        let stem = String(name.dropLast(4))
        guard !stem.isEmpty, stem.allSatisfy(\.isASCII), stem.allSatisfy(\.isNumber) else { return nil }
        return stem
    }
}
