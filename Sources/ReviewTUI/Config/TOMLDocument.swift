import Foundation
import TOMLKit

/// A value in one of usreview's own TOML files (themes, `config.toml`), as the readers
/// of those files need it; anything else keeps only its type name for the message.
public enum TOMLEntryValue: Equatable, Sendable {
    case string(String)
    case integer(Int)
    case bool(Bool)
    case strings([String])
    case other(typeName: String)

    var typeName: String {
        switch self {
        case .string: return "a string"
        case .integer: return "an integer"
        case .bool: return "a boolean"
        case .strings: return "an array of strings"
        case let .other(typeName): return typeName
        }
    }
}

/// One value of the file: the path of tables above it (`""` at the top) and its key, as
/// written in messages.
public struct TOMLEntry: Equatable, Sendable {
    public let table: String
    public let key: String
    public let value: TOMLEntryValue
    /// The keys from the top, unquoted.
    let path: [String]
    /// `table.key`, or `key` at the top level.
    public var dottedKey: String { table.isEmpty ? key : "\(table).\(key)" }
}

/// A file that is not TOML, where TOMLKit (toml++) found it: line and column are 1-based.
public struct TOMLSyntaxError: Error, Equatable, Sendable {
    public let line: Int
    public let column: Int
    public let reason: String
}

/// Why a settings file could not be read; the reason is a phrase for "cannot read it: …".
public struct TOMLReadError: Error, Equatable, Sendable {
    public let reason: String
}

/// A TOML file read with TOMLKit: its values, and the line of any of them on request.
public struct TOMLDocument: Sendable {
    /// Themes and config files are a few KiB; a line lookup parses the text again, and a
    /// device or a huge file must not be read without end.
    public static let maxBytes = 64 * 1024

    /// The UTF-8 text of `url`, at most `maxBytes`.
    public static func readText(_ url: URL) throws(TOMLReadError) -> String {
        let data: Data
        do {
            let handle = try FileHandle(forReadingFrom: url)
            defer { try? handle.close() }
            data = try handle.read(upToCount: maxBytes + 1) ?? Data()
        } catch {
            throw TOMLReadError(reason: error.localizedDescription)
        }
        guard data.count <= maxBytes else { throw TOMLReadError(reason: "it is larger than \(maxBytes / 1024) KiB, too large for a settings file") }
        guard let text = String(data: data, encoding: .utf8) else { throw TOMLReadError(reason: "it is not UTF-8 text") }
        return text
    }

    /// Every value that is not a table, by key within each table (TOMLKit's order).
    public let entries: [TOMLEntry]
    private let lines: [Substring]

    public init(parsing text: String) throws(TOMLSyntaxError) {
        // TOMLKit hands the text to C++ as a C string, which would end at a NUL.
        if let nul = text.firstIndex(of: "\0") {
            let lineStart = text[..<nul].lastIndex(of: "\n").map { text.index(after: $0) } ?? text.startIndex
            throw TOMLSyntaxError(line: text[..<nul].count(where: { $0 == "\n" }) + 1, column: text[lineStart..<nul].count + 1,
                                  reason: "a NUL byte is not allowed in a TOML file")
        }
        let root: TOMLTable
        do { root = try TOMLTable(string: text) } catch let error as TOMLParseError {
            throw TOMLSyntaxError(line: error.source.begin.line, column: error.source.begin.column, reason: error.description)
        } catch {
            throw TOMLSyntaxError(line: 0, column: 0, reason: "\(error)")
        }
        var entries: [TOMLEntry] = []
        func walk(_ table: TOMLTable, _ path: [String]) {
            for (key, value) in table {
                if let inner = value.table { walk(inner, path + [key]); continue }
                entries.append(TOMLEntry(table: path.map(Self.keyText).joined(separator: "."), key: Self.keyText(key),
                                         value: Self.entryValue(value), path: path + [key]))
            }
        }
        walk(root, [])
        self.entries = entries
        lines = text.split(separator: "\n", omittingEmptySubsequences: false)
    }

    private static func entryValue(_ value: TOMLValueConvertible) -> TOMLEntryValue {
        switch value.tomlValue.type {
        case .string: return .string(value.string ?? "")
        case .int: return .integer(value.int ?? 0)
        case .bool: return .bool(value.bool ?? false)
        case .array:
            let items = Array(value.array ?? [])
            let strings = items.compactMap(\.string)
            return strings.count == items.count ? .strings(strings) : .other(typeName: "an array that is not all strings")
        case .double: return .other(typeName: "a floating-point number")
        case .date, .time, .dateTime: return .other(typeName: "a date or time")
        case .table: return .other(typeName: "a table")
        }
    }

    /// A key as written in a key path: bare when it can be, else quoted.
    private static func keyText(_ key: String) -> String {
        let bare = !key.isEmpty && key.unicodeScalars.allSatisfy {
            ($0.isASCII && CharacterSet.alphanumerics.contains($0)) || $0 == "_" || $0 == "-"
        }
        return bare ? key : "\"" + key.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }

    /// The 1-based line where the definition of `entry` starts. TOMLKit 0.6 keeps no
    /// positions of parsed values, so TOMLKit is asked again on whole-line prefixes of the
    /// text: the definition ends on the first prefix that parses and holds the key, and
    /// starts on the line after the last prefix before it that parses (lines between are
    /// inside it, as in a multi-line array). A binary search keeps this to a few parses, so
    /// callers ask only for the lines they show.
    public func line(of entry: TOMLEntry) -> Int {
        func holds(_ count: Int) -> Bool? {
            guard let table = try? TOMLTable(string: lines[..<count].joined(separator: "\n")) else { return nil }
            var current: TOMLValueConvertible = table
            for key in entry.path {
                guard let inner = current.table?[key] else { return false }
                current = inner
            }
            return true
        }
        // lower: a prefix that parses without the key; upper: one that parses with it.
        var lower = 0
        var upper = lines.count
        search: while upper - lower > 1 {
            let middle = (lower + upper) / 2
            for count in Array((lower + 1...middle).reversed()) + Array(middle + 1..<upper) {
                guard let held = holds(count) else { continue }
                if held { upper = count } else { lower = count }
                continue search
            }
            break
        }
        return lower + 1
    }
}
