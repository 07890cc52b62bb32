import Dataset
import Foundation
import GRDB

extension SQLiteStudyStore {
    /// Writes a consistent copy of the whole database to `destination` while readers may
    /// be writing: SQLite's online backup (through GRDB) copies one snapshot into a
    /// temporary sibling, which is closed, synced and renamed over `destination`, so the
    /// destination is either the old file or the complete copy, never half of one.
    ///
    /// A failed backup removes its temporary file; one left by a killed backup is removed
    /// by the next backup to the same destination. The store may be open read-only.
    public func backup(to destination: URL) throws {
        try OutputGuard.check(output: destination, inputs: [url, URL(fileURLWithPath: path + "-wal")])
        let folder = destination.deletingLastPathComponent()
        guard FileManager.default.fileExists(atPath: folder.path) else {
            throw StudyStoreError.cannotOpen(path: destination.path, reason: "the folder \(folder.path) does not exist")
        }
        Self.removeStaleTemporaries(of: destination)
        let temporary = Self.temporarySibling(of: destination)
        do {
            let copy = try DatabaseQueue(path: temporary.path)
            try pool.backup(to: copy)
            FaultPoint.reach("backup-copied")
            // The copy in rollback-journal mode: one self-contained file.
            try copy.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA journal_mode = DELETE") }
            try copy.close()
            try Self.syncFile(temporary)
            FaultPoint.reach("backup-before-rename")
            guard rename(temporary.path, destination.path) == 0 else {
                throw StudyStoreError.writeFailed(path: destination.path, reason: String(cString: strerror(errno)))
            }
            Self.syncFolder(of: destination)
        } catch {
            Self.removeTemporary(temporary)
            throw Self.backupError(error, destination: destination.path)
        }
    }

    /// The destination's errors by SQLite's result code, not its message: a full disk
    /// during `sqlite3_backup_step` comes back as "SQLite error 13: not an error".
    static func backupError(_ error: Error, destination: String) -> Error {
        if error is StudyStoreError || error is OutputGuardError { return error }
        if let error = error as? DatabaseError {
            switch error.resultCode {
            case .SQLITE_FULL: return StudyStoreError.diskFull(path: destination)
            case .SQLITE_READONLY, .SQLITE_PERM, .SQLITE_CANTOPEN, .SQLITE_AUTH:
                return StudyStoreError.readOnly(path: destination, reason: error.message ?? "\(error.resultCode)")
            case .SQLITE_IOERR:
                // ENOSPC while syncing or growing the file also surfaces as an I/O error.
                return StudyStoreError.writeFailed(path: destination, reason: "input/output error (\(error.message ?? "")); is the disk full?")
            default:
                return StudyStoreError.writeFailed(path: destination, reason: error.message ?? "\(error.resultCode)")
            }
        }
        let nsError = error as NSError
        if nsError.domain == NSPOSIXErrorDomain, nsError.code == Int(ENOSPC) {
            return StudyStoreError.diskFull(path: destination)
        }
        return StudyStoreError.writeFailed(path: destination, reason: "\(error)")
    }
}
