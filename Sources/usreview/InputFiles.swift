import ArgumentParser
import Dataset

/// Refuses a path that exists but is not a regular file (a FIFO, folder or device), for
/// files a library opens itself; `what` names the option, e.g. "--db".
func requireRegularFileIfPresent(_ path: String, _ what: String) throws {
    if let kind = RegularFile.nonRegularKind(path) {
        throw ValidationError("\(what): \(path) is \(kind), not a regular file.")
    }
}
