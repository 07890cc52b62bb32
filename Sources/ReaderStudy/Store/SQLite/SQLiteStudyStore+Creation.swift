import Foundation
import GRDB

extension SQLiteStudyStore {
    /// Makes a new study database at `url` all at once: the schema is built in a
    /// temporary sibling (rollback journal, one self-contained file), synced, and only
    /// then linked into place. A creation cut short (SIGKILL, full disk) leaves at most a
    /// temporary file, which the next run removes, never a half-made database at `url`.
    ///
    /// `replacing` is set for an empty file (zero bytes, or the remains of a creation by an
    /// older usreview that stopped before its first migration); otherwise the file is
    /// linked without replacing, so two processes creating the same file at once both end
    /// up with the one that came first.
    static func createFile(at url: URL, replacing: Bool) throws {
        removeStaleTemporaries(of: url)
        let temporary = temporarySibling(of: url)
        defer { removeTemporary(temporary) }
        do {
            let queue = try DatabaseQueue(path: temporary.path)
            FaultPoint.reach("create-temporary-opened")
            try migrator.migrate(queue)
            FaultPoint.reach("create-migrated")
            try queue.close()
            try syncFile(temporary)
        } catch let error as StudyStoreError {
            throw error
        } catch {
            throw openingError(error, path: url.path)
        }
        FaultPoint.reach("create-before-link")
        if replacing {
            // The empty file's own journal files would be replayed onto the new one.
            for suffix in ["-wal", "-shm", "-journal"] { unlink(url.path + suffix) }
            guard rename(temporary.path, url.path) == 0 else {
                throw StudyStoreError.writeFailed(path: url.path, reason: String(cString: strerror(errno)))
            }
        } else if link(temporary.path, url.path) != 0, errno != EEXIST {
            throw StudyStoreError.writeFailed(path: url.path, reason: String(cString: strerror(errno)))
        }
        syncFolder(of: url)
    }

    /// `.NAME.PID.RANDOM.tmp` beside `url`: the PID lets a later run tell a temporary
    /// file of a killed process from one still being written.
    static func temporarySibling(of url: URL) -> URL {
        url.deletingLastPathComponent().appendingPathComponent(
            ".\(url.lastPathComponent).\(getpid()).\(UInt32.random(in: 0...UInt32.max)).tmp")
    }

    static func removeTemporary(_ temporary: URL) {
        for suffix in ["", "-journal", "-wal", "-shm"] { unlink(temporary.path + suffix) }
    }

    /// Removes the temporary siblings of `url` (and their journals) left by processes
    /// that no longer run: a killed creation, backup or merge. A merge builds its new file
    /// in a temporary one, which has a temporary of its own while it is created: names
    /// like `..NAME.PID.RANDOM.tmp.PID.RANDOM.tmp` are matched too.
    static func removeStaleTemporaries(of url: URL) {
        let folder = url.deletingLastPathComponent()
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder.path) else { return }
        for name in names {
            guard let pids = temporaryOwners(name, of: url.lastPathComponent),
                  pids.allSatisfy({ $0 != getpid() && kill($0, 0) != 0 && errno == ESRCH }) else { continue }
            unlink(folder.appendingPathComponent(name).path)
        }
    }

    /// The PIDs in a temporary name of `base` (`.base.PID.RANDOM.tmp`, possibly nested,
    /// with a `-journal`, `-wal` or `-shm` suffix); nil for any other name.
    static func temporaryOwners(_ name: String, of base: String) -> [Int32]? {
        var rest = Substring(name)
        var dots = 0
        while rest.hasPrefix(".") { rest = rest.dropFirst(); dots += 1 }
        guard dots >= 1, rest.hasPrefix(base + ".") else { return nil }
        rest = rest.dropFirst(base.count + 1)
        for suffix in ["-journal", "-wal", "-shm"] where rest.hasSuffix(suffix) { rest = rest.dropLast(suffix.count) }
        let parts = rest.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3 * dots, parts.count >= 3 else { return nil }
        var pids: [Int32] = []
        for group in stride(from: 0, to: parts.count, by: 3) {
            guard let pid = Int32(parts[group]), UInt32(parts[group + 1]) != nil, parts[group + 2] == "tmp" else { return nil }
            pids.append(pid)
        }
        return pids
    }

    static func syncFile(_ url: URL) throws {
        let handle = try FileHandle(forUpdating: url)
        defer { try? handle.close() }
        try handle.synchronize()
    }

    /// Makes a rename or link in the folder durable.
    static func syncFolder(of url: URL) {
        let descriptor = open(url.deletingLastPathComponent().path, O_RDONLY | O_DIRECTORY)
        guard descriptor >= 0 else { return }
        fsync(descriptor)
        Glibc.close(descriptor)
    }
}

/// Crash points for the interruption tests: when `USREVIEW_TEST_KILL_AT` names the
/// point, the process kills itself there with SIGKILL, as a power cut or the kernel's
/// out-of-memory killer would stop it. Unset, it costs one environment lookup.
enum FaultPoint {
    static func reach(_ name: String) {
        if let point = getenv("USREVIEW_TEST_KILL_AT"), String(cString: point) == name {
            kill(getpid(), SIGKILL)
        }
    }
}
