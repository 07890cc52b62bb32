import Foundation

/// Decoded study questions by their stored JSON text. A submit checks its marks against
/// the study's questions; decoding them from JSON on every submit cost a SQLite submit
/// ~0.2 ms (half its time). Keyed by the text itself, an entry can never be stale.
final class QuestionsCache: @unchecked Sendable {
    static let shared = QuestionsCache()
    /// Studies held at once; more (a server with many studies) empties it and starts over.
    private let capacity = 64
    private let lock = NSLock()
    private var entries: [String: [QuestionDefinition]] = [:]

    /// The questions of one JSON array of definitions (PostgreSQL's `json_agg`).
    func questions(jsonArray text: String) throws -> [QuestionDefinition] {
        try cached(text) { try JSONDecoder().decode([QuestionDefinition].self, from: Data(text.utf8)) }
    }

    /// The questions of each stored definition, in order (SQLite's question rows).
    func questions(definitions: [String]) throws -> [QuestionDefinition] {
        try cached(definitions.joined(separator: "\u{0}")) {
            try definitions.map { try JSONDecoder().decode(QuestionDefinition.self, from: Data($0.utf8)) }
        }
    }

    private func cached(_ key: String, decode: () throws -> [QuestionDefinition]) throws -> [QuestionDefinition] {
        lock.lock()
        if let hit = entries[key] {
            lock.unlock()
            return hit
        }
        lock.unlock()
        let decoded = try decode()
        lock.lock()
        if entries.count >= capacity { entries.removeAll() }
        entries[key] = decoded
        lock.unlock()
        return decoded
    }
}
