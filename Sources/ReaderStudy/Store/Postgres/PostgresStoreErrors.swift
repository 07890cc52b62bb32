import Foundation

/// PostgreSQL's errors as `StudyStoreError`, in one place, as drivers map SQLSTATE onto
/// their framework's error kinds.
enum PostgresStoreErrors {
    /// `action` says what a coordinator-only call was doing ("export a study's answers"):
    /// a privilege the role lacks (42501) then means a reader's login tried it.
    static func map(_ error: Error, server: String, action: String? = nil) -> Error {
        switch error {
        case is StudyStoreError, is AnswerError, is StudyDefinitionError, is ImportConflict:
            return error
        case let error as PostgresSchemaError:
            switch error {
            case let .newerSchema(server, unknown): return StudyStoreError.newerSchema(path: server, unknown: unknown)
            case let .olderSchema(server, _): return StudyStoreError.readerNeedsUpgrade(path: server)
            case .noSchema, .databaseNameTooLong: return StudyStoreError.cannotOpen(path: server, reason: error.description)
            }
        case is PostgresReaderRoleError:
            // Its own words: "try again" (writeFailed's advice) cannot help a name.
            return error
        case let PostgresError.badURI(reason):
            return StudyStoreError.cannotOpen(path: server, reason: "the URI does not parse (\(reason)); write it as postgresql://USER@HOST:PORT/DATABASE")
        case let PostgresError.connectionFailed(_, reason):
            return StudyStoreError.cannotOpen(path: server, reason: "\(reason) — check the address, the password (~/.pgpass or PGPASSFILE), the network and that the server runs")
        case let PostgresError.statementFailed(_, state, message):
            switch state {
            case "42501":
                if let action { return StudyStoreError.coordinatorOnly(action: action, location: server) }
                return StudyStoreError.readOnly(path: server, reason: "this login may not do that (\(message))")
            case "53100": return StudyStoreError.diskFull(path: server)
            case "57014", "55P03", "53200", "53300", "57P01", "57P02", "57P03", "08000", "08003", "08006":
                return StudyStoreError.writeFailed(path: server, reason: "\(message) (SQLSTATE \(state)); try again")
            default:
                return StudyStoreError.writeFailed(path: server, reason: "\(message) (SQLSTATE \(state))")
            }
        default:
            return StudyStoreError.writeFailed(path: server, reason: "\(error)")
        }
    }
}
