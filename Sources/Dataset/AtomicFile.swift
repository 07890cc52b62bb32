import Foundation

/// Replaces a file all at once: write to a temporary sibling, then rename.
///
/// rename(2) within one folder is atomic, so readers see the old file or the new
/// one, never a half-written mix, and a failed write leaves the old file intact.
public enum AtomicFile {
    public static func replace(_ url: URL, write: (URL) throws -> Void) throws {
        let folder = url.deletingLastPathComponent()
        let temporary = folder.appendingPathComponent(".\(url.lastPathComponent).\(getpid()).\(UInt32.random(in: 0...UInt32.max)).tmp")
        do {
            try write(temporary)
            if rename(temporary.path, url.path) != 0 {
                throw AtomicFileError.renameFailed(path: url.path, reason: String(cString: strerror(errno)))
            }
        } catch {
            unlink(temporary.path)
            throw error
        }
    }

    /// Writes `data` to `url` atomically (temporary file, fsync, rename).
    public static func write(_ data: Data, to url: URL) throws {
        try replace(url) { temporary in
            guard FileManager.default.createFile(atPath: temporary.path, contents: nil) else {
                throw AtomicFileError.writeFailed(path: url.path, reason: String(cString: strerror(errno)))
            }
            let handle = try FileHandle(forWritingTo: temporary)
            defer { try? handle.close() }
            do {
                try handle.write(contentsOf: data)
                try handle.synchronize()
            } catch {
                throw AtomicFileError.writeFailed(path: url.path, reason: "\(error.localizedDescription)")
            }
        }
    }
}

public enum AtomicFileError: Error, CustomStringConvertible {
    case writeFailed(path: String, reason: String)
    case renameFailed(path: String, reason: String)

    public var description: String {
        switch self {
        case let .writeFailed(path, reason):
            return "\(path): cannot write (\(reason)). Check free disk space and folder permissions."
        case let .renameFailed(path, reason):
            return "\(path): cannot replace the file (\(reason)). Check folder permissions."
        }
    }
}
