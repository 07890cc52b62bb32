import Foundation

/// The order in which a TOML table's keys are written in the file. TOMLKit decodes tables
/// into toml++'s sorted maps, so the order a user wrote models in (which the report's
/// comparisons follow) is read back from the text. Only called on text TOMLKit already
/// accepted; covers `[table]` sections, dotted `table.key = …` lines and inline tables.
enum TOMLKeyOrder {
    /// `keys` in the order they appear under `table` in `text`; keys not found keep
    /// their alphabetical order after the found ones.
    static func ordered(_ keys: [String], table: String, in text: String) -> [String] {
        let found = scan(table: table, in: text)
        let position = Dictionary(found.enumerated().map { ($1, $0) }, uniquingKeysWith: { first, _ in first })
        return keys.sorted { a, b in
            switch (position[a], position[b]) {
            case let (x?, y?): return x < y
            case (.some, nil): return true
            case (nil, .some): return false
            case (nil, nil): return a < b
            }
        }
    }

    static func scan(table: String, in text: String) -> [String] {
        var keys: [String] = []
        var current: [String] = []  // the path of the section being read
        for rawLine in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline) {
            let line = rawLine.trimmingCharacters(in: .whitespaces)
            if line.hasPrefix("[") {
                let inner = line.hasPrefix("[[") ? line.dropFirst(2) : line.dropFirst()
                current = keyPath(String(inner.prefix { $0 != "]" }))
                continue
            }
            guard let equals = indexOfUnquoted("=", in: line) else { continue }
            let path = current + keyPath(String(line[..<equals]))
            let value = line[line.index(after: equals)...].trimmingCharacters(in: .whitespaces)
            if path == [table], value.hasPrefix("{") {
                keys += inlineKeys(value)
            } else if path.count == 2, path[0] == table {
                keys.append(path[1])
            }
        }
        return keys
    }

    /// `a."b c".d` → ["a", "b c", "d"].
    static func keyPath(_ text: String) -> [String] {
        var parts: [String] = [], part = "", quote: Character? = nil
        for character in text {
            if let open = quote {
                if character == open { quote = nil } else { part.append(character) }
            } else if character == "\"" || character == "'" {
                quote = character
            } else if character == "." {
                parts.append(part.trimmingCharacters(in: .whitespaces))
                part = ""
            } else {
                part.append(character)
            }
        }
        parts.append(part.trimmingCharacters(in: .whitespaces))
        return parts
    }

    /// The keys of `{ a = "x", "b" = "y" }` in order.
    static func inlineKeys(_ value: String) -> [String] {
        var keys: [String] = [], segment = "", quote: Character? = nil
        var escaped = false
        for character in value.dropFirst() {
            if let open = quote {
                if escaped { escaped = false } else if character == "\\" && open == "\"" { escaped = true }
                else if character == open { quote = nil }
                segment.append(character)
            } else if character == "\"" || character == "'" {
                quote = character
                segment.append(character)
            } else if character == "," || character == "}" {
                if let equals = indexOfUnquoted("=", in: segment) {
                    keys.append(keyPath(String(segment[..<equals])).first ?? "")
                }
                segment = ""
                if character == "}" { break }
            } else {
                segment.append(character)
            }
        }
        return keys
    }

    static func indexOfUnquoted(_ target: Character, in text: String) -> String.Index? {
        var quote: Character? = nil
        var index = text.startIndex
        while index < text.endIndex {
            let character = text[index]
            if let open = quote {
                if character == open { quote = nil }
            } else if character == "\"" || character == "'" {
                quote = character
            } else if character == "#" {
                return nil
            } else if character == target {
                return index
            }
            index = text.index(after: index)
        }
        return nil
    }
}
