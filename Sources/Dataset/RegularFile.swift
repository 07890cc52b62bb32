#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Why a path given as an input file cannot be read as one.
public enum RegularFileError: Error, Equatable, CustomStringConvertible {
    case cannotOpen(path: String, reason: String)
    /// A FIFO, folder, device or socket: reading it would hang or make no sense.
    case notRegular(path: String, kind: String)

    public var description: String {
        switch self {
        case let .cannotOpen(path, reason):
            return "\(path): cannot open (\(reason)). Check that the file exists and is readable."
        case let .notRegular(path, kind):
            return "\(path): is \(kind), not a regular file. Give the path of the file itself."
        }
    }
}

/// The one way usreview opens an input file (PNG, weights): only regular files.
///
/// A FIFO opened for reading blocks until a writer comes, and a character device may
/// never end, so the file is opened with O_NONBLOCK (which makes open return at once
/// for a FIFO) and refused by fstat on the open descriptor — no window between check
/// and use — before a byte is read.
public enum RegularFile {
    /// An open descriptor of the regular file at `path` and its size; the caller closes it.
    public static func openForReading(_ path: String) throws(RegularFileError) -> (descriptor: Int32, size: Int) {
        let descriptor = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY)
        guard descriptor >= 0 else {
            throw .cannotOpen(path: path, reason: String(cString: strerror(errno)))
        }
        var info = stat()
        guard fstat(descriptor, &info) == 0 else {
            let reason = String(cString: strerror(errno))
            close(descriptor)
            throw .cannotOpen(path: path, reason: reason)
        }
        guard (info.st_mode & S_IFMT) == S_IFREG else {
            close(descriptor)
            throw .notRegular(path: path, kind: kind(of: info.st_mode))
        }
        // Reads from here on block normally (O_NONBLOCK means nothing for regular files,
        // but a later reader should not see EAGAIN semantics by surprise).
        _ = fcntl(descriptor, F_SETFL, fcntl(descriptor, F_GETFL) & ~O_NONBLOCK)
        return (descriptor, Int(info.st_size))
    }

    /// What `path` is when it exists but is not a regular file (a FIFO, folder, device);
    /// nil for a regular file or nothing there. For paths another library opens itself
    /// (SQLite opens a FIFO and waits forever for a writer).
    public static func nonRegularKind(_ path: String) -> String? {
        var info = stat()
        guard stat(path, &info) == 0, (info.st_mode & S_IFMT) != S_IFREG else { return nil }
        return kind(of: info.st_mode)
    }

    static func kind(of mode: mode_t) -> String {
        switch mode & S_IFMT {
        case S_IFDIR: return "a folder"
        case S_IFIFO: return "a FIFO (named pipe)"
        case S_IFCHR: return "a character device"
        case S_IFBLK: return "a block device"
        case S_IFSOCK: return "a socket"
        default: return "not a plain file"
        }
    }
}
