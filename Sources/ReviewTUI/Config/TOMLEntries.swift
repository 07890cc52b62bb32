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

/// One value of the file: the path of tables above it (`""` at the top), its key, and the
/// 1-based line where its definition starts.
public struct TOMLEntry: Equatable, Sendable {
    public let table: String
    public let key: String
    public let value: TOMLEntryValue
    public let line: Int
    /// `table.key`, or `key` at the top level.
    public var dottedKey: String { table.isEmpty ? key : "\(table).\(key)" }
}

/// A file that is not TOML, where TOMLKit (toml++) found it: line and column are 1-based.
public struct TOMLSyntaxError: Error, Equatable, Sendable {
    public let line: Int
    public let column: Int
    public let reason: String
}

/// Reads a TOML file with TOMLKit into its values, in the order they are written.
public enum TOMLEntries {
    public static func read(_ text: String) throws(TOMLSyntaxError) -> [TOMLEntry] {
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
        var found: [(path: [String], value: TOMLEntryValue)] = []
        func walk(_ table: TOMLTable, _ path: [String]) {
            for (key, value) in table {
                if let inner = value.table { walk(inner, path + [key]) } else { found.append((path + [key], entryValue(value))) }
            }
        }
        walk(root, [])
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        return found.map { path, value in
            TOMLEntry(table: path.dropLast().map(keyText).joined(separator: "."), key: keyText(path.last!), value: value,
                      line: line(of: path, in: lines))
        }.sorted { ($0.line, $0.dottedKey) < ($1.line, $1.dottedKey) }
    }

    private static func entryValue(_ value: TOMLValueConvertible) -> TOMLEntryValue {
        switch value.tomlValue.type {
        case .string: return .string(value.string ?? "")
        case .int: return .integer(value.int ?? 0)
        case .bool: return .bool(value.bool ?? false)
        case .array:
            let items = Array(value.array ?? [])
            let strings = items.compactMap(\.string)
            return strings.count == items.count ? .strings(strings) : .other(typeName: "an array of other values than strings")
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

    /// The line where the definition of `path` starts. TOMLKit 0.6 keeps no positions of
    /// parsed values, so TOMLKit is asked again on whole-line prefixes of the text: the
    /// definition ends on the first prefix that parses and holds the key, and starts on the
    /// line after the last prefix before it that parses (lines between are inside it, such
    /// as a multi-line array). A binary search keeps this to a few parses.
    static func line(of path: [String], in lines: [Substring]) -> Int {
        func holds(_ count: Int) -> Bool? {
            guard let table = try? TOMLTable(string: lines[..<count].joined(separator: "\n")) else { return nil }
            var current: TOMLValueConvertible = table
            for key in path {
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
