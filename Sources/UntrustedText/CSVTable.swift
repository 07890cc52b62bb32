import CSV
import Foundation

/// One cell of a CSV that usreview writes. Text cells may hold outside text and are
/// neutralised against formulas; number cells (and times and booleans the program
/// formats itself) are written as they are, so a negative number stays a number.
public enum CSVCell: Equatable, Sendable {
    case text(String)
    case number(String)
}

/// A record read from a CSV, with the line it starts on (1-based) for error messages.
public struct CSVRecord: Equatable, Sendable {
    public var fields: [String]
    public var line: Int
    public init(fields: [String], line: Int) {
        self.fields = fields
        self.line = line
    }
}

/// A CSV whose quoting is broken. Callers name the file.
public enum CSVFormatError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A quoted field runs to the end of the file: it starts in the record on `line`.
    case unclosedQuote(line: Int)

    public var description: String {
        switch self {
        case let .unclosedQuote(line):
            return "line \(line): a quoted field is never closed (or a quote inside a field is not doubled)"
        }
    }
}

/// Every CSV usreview reads or writes — study export and import, split files, `eval --csv`.
///
/// Quoting and line breaks are RFC 4180 (read by yaslab/CSV.swift): fields with a comma,
/// quote, CR or LF are quoted, quotes doubled; a quoted field keeps CR, LF and CRLF
/// exactly. On top, OWASP's CSV-injection defence: a text cell beginning with `=`, `+`,
/// `-`, `@`, tab or CR — which a spreadsheet would run as a formula — or with `'` gets
/// one `'` in front, and reading takes exactly that one off again, so a round trip is
/// lossless.
public enum CSVTable {
    /// Scalars that make a spreadsheet read a cell as a formula, and the escape itself.
    public static let neutralisedFirstScalars: Set<Unicode.Scalar> = ["=", "+", "-", "@", "\t", "\r", "'"]

    /// `text` as a text cell is written: with a `'` in front when it begins with a
    /// formula trigger or with `'`.
    public static func neutralised(_ text: String) -> String {
        guard let first = text.unicodeScalars.first, neutralisedFirstScalars.contains(first) else { return text }
        return "'" + text
    }

    /// The inverse of `neutralised`: one leading `'` is removed when what follows it
    /// would have been neutralised. Any other cell, hand-written ones included, is kept.
    public static func restored(_ cell: String) -> String {
        let scalars = cell.unicodeScalars
        guard scalars.first == "'", let second = scalars.dropFirst().first,
              neutralisedFirstScalars.contains(second) else { return cell }
        return String(String.UnicodeScalarView(scalars.dropFirst()))
    }

    /// A whole CSV: the header line, then one line per row, each ended by `lineEnd`
    /// (CRLF as RFC 4180 says by default). Text cells are neutralised.
    public static func render(header: [String], rows: [[CSVCell]], lineEnd: LineEnd = .crlf) -> String {
        let newline = lineEnd == .crlf ? "\r\n" : "\n"
        var out = ""
        out.reserveCapacity(64 * (rows.count + 1))
        func append(_ fields: some Sequence<String>) {
            var first = true
            for field in fields {
                if !first { out += "," }
                first = false
                appendField(field, to: &out)
            }
            out += newline
        }
        append(header.lazy.map(neutralised))
        for row in rows {
            append(row.lazy.map { cell -> String in
                switch cell {
                case let .text(text): return neutralised(text)
                case let .number(text): return text
                }
            })
        }
        return out
    }

    /// One field, quoted (quotes doubled) when it holds a comma, quote, CR or LF. Written
    /// here rather than by the library's writer, whose Foundation string searches made a
    /// 130,000-answer export take 4 s.
    static func appendField(_ field: String, to out: inout String) {
        guard field.utf8.contains(where: { $0 == 0x2C || $0 == 0x22 || $0 == 0x0D || $0 == 0x0A }) else {
            out += field
            return
        }
        out += "\""
        out += field.split(separator: "\"", omittingEmptySubsequences: false).joined(separator: "\"\"")
        out += "\""
    }

    public enum LineEnd: Sendable { case crlf, lf }

    /// The records of `text` as written, fields not restored (callers restore their text
    /// columns with `restored`). A UTF-8 byte-order mark is skipped, blank lines are
    /// skipped, and each record carries the line it starts on.
    public static func parse(_ text: String) throws(CSVFormatError) -> [CSVRecord] {
        var body = Substring(text)
        if body.unicodeScalars.first == "\u{FEFF}" { body = Substring(body.unicodeScalars.dropFirst()) }
        // RFC 4180 quotes always pair up: an odd count means a field that never closes,
        // which the library would silently run to the end of the file.
        let quotes = body.utf8.reduce(0) { $0 + ($1 == UInt8(ascii: "\"") ? 1 : 0) }
        // Throws only when asked for a header row, which is not asked here.
        let reader = try! CSVReader(string: String(body))
        var records: [CSVRecord] = []
        var line = 1
        while let fields = reader.next() {
            if !(fields.count == 1 && fields[0].isEmpty) {
                records.append(CSVRecord(fields: fields, line: line))
            }
            line += 1 + fields.reduce(0) { $0 + lineBreaks(in: $1) }
        }
        if quotes % 2 == 1 { throw .unclosedQuote(line: records.last?.line ?? 1) }
        return records
    }

    /// CR, LF and CRLF each count as one line break.
    static func lineBreaks(in field: String) -> Int {
        var count = 0
        var previous: Unicode.Scalar?
        for scalar in field.unicodeScalars {
            if scalar == "\r" || (scalar == "\n" && previous != "\r") { count += 1 }
            previous = scalar
        }
        return count
    }
}
