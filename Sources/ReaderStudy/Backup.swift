import Foundation
import GRDB

extension StudyStore {
    /// Writes a consistent copy of the whole database to `destination` while readers may
    /// be writing: SQLite's online backup (through GRDB) copies one snapshot into a
    /// temporary sibling, which is closed, synced and renamed over `destination`, so the
    /// destination is either the old file or the complete copy, never half of one.
    public func backup(to destination: URL) throws {
        let folder = destination.deletingLastPathComponent()
        let temporary = folder.appendingPathComponent(
            ".\(destination.lastPathComponent).\(getpid()).\(UInt32.random(in: 0...UInt32.max)).tmp")
        func cleanUp() {
            for suffix in ["", "-wal", "-shm", "-journal"] { unlink(temporary.path + suffix) }
        }
        do {
            let copy = try DatabaseQueue(path: temporary.path)
            try pool.backup(to: copy)
            // The copy in rollback-journal mode: one self-contained file.
            try copy.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA journal_mode = DELETE") }
            try copy.close()
            let handle = try FileHandle(forUpdating: temporary)
            try handle.synchronize()
            try handle.close()
            guard rename(temporary.path, destination.path) == 0 else {
                throw StudyStoreError.writeFailed(path: destination.path, reason: String(cString: strerror(errno)))
            }
        } catch {
            cleanUp()
            if let error = error as? StudyStoreError { throw error }
            throw StudyStoreError.writeFailed(path: destination.path, reason: "\(error)")
        }
    }
}
