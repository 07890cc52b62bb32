import Foundation

/// A value of the small TOML subset that themes and the config file use.
public enum SimpleTOMLValue: Equatable, Sendable {
    case string(String)
    case integer(Int)
    case bool(Bool)
    case strings([String])

    var typeName: String {
        switch self {
        case .string: return "a string"
        case .integer: return "an integer"
        case .bool: return "a boolean"
        case .strings: return "an array of strings"
        }
    }
}

/// One `key = value` line: its table (`""` at the top), key, value and 1-based line.
public struct SimpleTOMLEntry: Equatable, Sendable {
    public let table: String
    public let key: String
    public let value: SimpleTOMLValue
    public let line: Int
    /// `table.key`, or `key` at the top level.
    public var dottedKey: String { table.isEmpty ? key : "\(table).\(key)" }
}

public struct SimpleTOMLError: Error, Equatable, Sendable {
    public let line: Int
    public let reason: String
}

/// A line-oriented reader of the TOML subset usreview's own files use: comments,
/// `[table]` headers, and `key = value` with basic or literal strings, integers,
/// booleans and one-line arrays of strings. It keeps each entry's line so errors can
/// name it (a general TOML decoder loses positions after parsing).
public enum SimpleTOML {
    public static func parse(_ text: String) throws(SimpleTOMLError) -> [SimpleTOMLEntry] {
        var entries: [SimpleTOMLEntry] = []
        var table = ""
        var seen = Set<String>()
        for (offset, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let number = offset + 1
            let line = stripComment(String(rawLine)).trimmingCharacters(in: .whitespaces)
            if line.isEmpty { continue }
            if line.hasPrefix("[") {
                guard line.hasSuffix("]"), !line.hasPrefix("[[") else {
                    throw SimpleTOMLError(line: number, reason: "malformed table header '\(line)'")
                }
                let name = line.dropFirst().dropLast().trimmingCharacters(in: .whitespaces)
                guard isBareKey(name) else { throw SimpleTOMLError(line: number, reason: "malformed table name '\(name)'") }
                table = name
                continue
            }
            guard let equals = line.firstIndex(of: "=") else {
                throw SimpleTOMLError(line: number, reason: "expected 'key = value', found '\(line)'")
            }
            var key = line[..<equals].trimmingCharacters(in: .whitespaces)
            if key.count >= 2, key.hasPrefix("\""), key.hasSuffix("\"") { key = String(key.dropFirst().dropLast()) }
            guard !key.isEmpty, isBareKey(key) || !key.contains(".") else {
                throw SimpleTOMLError(line: number, reason: "malformed key '\(key)'")
            }
            let valueText = line[line.index(after: equals)...].trimmingCharacters(in: .whitespaces)
            let value = try parseValue(valueText, line: number, key: key)
            let dotted = table.isEmpty ? key : "\(table).\(key)"
            guard seen.insert(dotted).inserted else {
                throw SimpleTOMLError(line: number, reason: "key '\(dotted)' is defined twice")
            }
            entries.append(SimpleTOMLEntry(table: table, key: key, value: value, line: number))
        }
        return entries
    }

    private static func isBareKey(_ key: String) -> Bool {
        !key.isEmpty && key.unicodeScalars.allSatisfy {
            CharacterSet.alphanumerics.contains($0) || $0 == "_" || $0 == "-" || $0 == "."
        }
    }

    /// Drops a `#` comment that is outside quotes.
    private static func stripComment(_ line: String) -> String {
        var quote: Character?
        var escaped = false
        var out = ""
        for character in line {
            if let open = quote {
                if escaped { escaped = false } else if character == "\\" && open == "\"" { escaped = true } else if character == open { quote = nil }
            } else if character == "\"" || character == "'" {
                quote = character
            } else if character == "#" {
                break
            }
            out.append(character)
        }
        return out
    }

    private static func parseValue(_ text: String, line: Int, key: String) throws(SimpleTOMLError) -> SimpleTOMLValue {
        if text.isEmpty { throw SimpleTOMLError(line: line, reason: "key '\(key)' has no value") }
        if text == "true" { return .bool(true) }
        if text == "false" { return .bool(false) }
        if text.hasPrefix("\"") || text.hasPrefix("'") {
            let (string, rest) = try parseString(Substring(text), line: line)
            guard rest.trimmingCharacters(in: .whitespaces).isEmpty else {
                throw SimpleTOMLError(line: line, reason: "unexpected text after the value of '\(key)'")
            }
            return .string(string)
        }
        if text.hasPrefix("[") {
            guard text.hasSuffix("]") else {
                throw SimpleTOMLError(line: line, reason: "the array of '\(key)' must close on the same line")
            }
            var rest = Substring(text.dropFirst().dropLast())
            var items: [String] = []
            while true {
                rest = rest.drop(while: { $0 == " " || $0 == "\t" })
                if rest.isEmpty { break }
                guard rest.first == "\"" || rest.first == "'" else {
                    throw SimpleTOMLError(line: line, reason: "'\(key)' must be an array of strings")
                }
                let (item, after) = try parseString(rest, line: line)
                items.append(item)
                rest = after.drop(while: { $0 == " " || $0 == "\t" })
                if rest.first == "," { rest = rest.dropFirst() } else if !rest.isEmpty {
                    throw SimpleTOMLError(line: line, reason: "expected ',' in the array of '\(key)'")
                }
            }
            return .strings(items)
        }
        let digits = text.replacingOccurrences(of: "_", with: "")
        if let integer = Int(digits.hasPrefix("+") ? String(digits.dropFirst()) : digits) { return .integer(integer) }
        throw SimpleTOMLError(line: line, reason: "cannot read the value of '\(key)': \(text) (strings need quotes)")
    }

    private static func parseString(_ text: Substring, line: Int) throws(SimpleTOMLError) -> (String, Substring) {
        let quote = text.first!
        var out = ""
        var index = text.index(after: text.startIndex)
        while index < text.endIndex {
            let character = text[index]
            if character == quote { return (out, text[text.index(after: index)...]) }
            if character == "\\" && quote == "\"" {
                index = text.index(after: index)
                guard index < text.endIndex else { break }
                switch text[index] {
                case "n": out.append("\n")
                case "t": out.append("\t")
                case "\\": out.append("\\")
                case "\"": out.append("\"")
                default: throw SimpleTOMLError(line: line, reason: "unsupported escape '\\\(text[index])'")
                }
            } else {
                out.append(character)
            }
            index = text.index(after: index)
        }
        throw SimpleTOMLError(line: line, reason: "unterminated string")
    }
}
