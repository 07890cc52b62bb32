@testable import UntrustedText
import XCTest

final class CSVTableTests: XCTestCase {
    /// Cells that break naive CSV: commas, quotes, every kind of line break inside a
    /// cell, UTF-8, surrounding spaces, formula-like text and text starting with `'`.
    static let hostileCells = [
        "plain", "a,b", "say \"hi\"", "\"", "\"\"", "line1\nline2", "line1\rline2", "line1\r\nline2", "\n", "\r", "\r\n",
        "trailing\n", "甲状腺, 超声", "Zoë", "  spaces  ", " ", "", "=1+2", "+1", "-1", "@SUM(A1)", "\tx", "\rx",
        "=HYPERLINK(\"http://x\",\"y\")", "'quoted", "'=1", "''", "'", "a'b", "x=1", "\u{1B}[2J", ",", "a,\"b\"\r\n,c",
    ]

    func testRoundTripOfHostileTextCellsIsLossless() throws {
        let rows: [[CSVCell]] = Self.hostileCells.map { [.text($0), .text("id"), .number("-1.5")] }
        for lineEnd in [CSVTable.LineEnd.crlf, .lf] {
            let csv = CSVTable.render(header: ["value", "id", "n"], rows: rows, lineEnd: lineEnd)
            let records = try CSVTable.parse(csv)
            XCTAssertEqual(records.count, 1 + Self.hostileCells.count)
            XCTAssertEqual(records[0].fields, ["value", "id", "n"])
            for (cell, record) in zip(Self.hostileCells, records.dropFirst()) {
                XCTAssertEqual(record.fields.count, 3, "\(cell.debugDescription) split its row")
                XCTAssertEqual(CSVTable.restored(record.fields[0]), cell)
                XCTAssertEqual(record.fields[2], "-1.5")
            }
        }
    }

    /// OWASP: a text cell starting with = + - @ tab CR, or with the escape `'` itself,
    /// is written with one `'` in front; nothing else is touched.
    func testFormulaNeutralisation() {
        for cell in ["=1+2", "+1", "-1", "@x", "\tx", "\rx", "'x", "''"] {
            XCTAssertEqual(CSVTable.neutralised(cell), "'" + cell)
            XCTAssertEqual(CSVTable.restored("'" + cell), cell)
        }
        for cell in ["1", "a=1", "", " =1", "x-", "\nx", "é"] {
            XCTAssertEqual(CSVTable.neutralised(cell), cell)
        }
        // A hand-written cell with a lone leading ' before ordinary text is kept.
        XCTAssertEqual(CSVTable.restored("'abc"), "'abc")
        XCTAssertEqual(CSVTable.restored("'"), "'")
        // Exactly one is taken off.
        XCTAssertEqual(CSVTable.restored("'''x"), "''x")
    }

    /// What a spreadsheet sees: no written text cell starts with a formula trigger, and
    /// number cells — negative ones included — are left as numbers.
    func testWrittenCellsNeverStartAFormulaAndNumbersStayNumbers() throws {
        let csv = CSVTable.render(header: ["t", "n"], rows: Self.hostileCells.map { [.text($0), .number("-0.25")] })
        for record in try CSVTable.parse(csv).dropFirst() {
            if let first = record.fields[0].unicodeScalars.first {
                XCTAssertFalse(["=", "+", "-", "@", "\t", "\r"].contains(first), record.fields[0].debugDescription)
            }
            XCTAssertEqual(record.fields[1], "-0.25")
        }
    }

    /// RFC 4180 on the wire: CRLF record ends, the fields that need it quoted, quotes doubled.
    func testWriterQuotesWhatRFC4180Requires() {
        let csv = CSVTable.render(header: ["a", "b"], rows: [[.text("x,y"), .text("say \"hi\"")],
                                                              [.text("cr\ronly"), .text("lf\nonly")],
                                                              [.text(" sp "), .number("3")]])
        XCTAssertEqual(csv, "a,b\r\n\"x,y\",\"say \"\"hi\"\"\"\r\n\"cr\ronly\",\"lf\nonly\"\r\n sp ,3\r\n")
    }

    func testLinesAreCountedAcrossQuotedLineBreaks() throws {
        let text = "h1,h2\r\n\"a\r\nb\",1\r\n\r\n\"c\nd\re\",2\nlast,3"
        let records = try CSVTable.parse(text)
        XCTAssertEqual(records.map(\.line), [1, 2, 5, 8])
        XCTAssertEqual(records[2].fields, ["c\nd\re", "2"])
    }

    func testByteOrderMarkIsSkipped() throws {
        XCTAssertEqual(try CSVTable.parse("\u{FEFF}id,split\n0001,train\n").first?.fields, ["id", "split"])
    }

    func testAnUnclosedQuoteIsAnErrorNamingItsLine() {
        XCTAssertThrowsError(try CSVTable.parse("a,b\n1,2\n3,\"never closed\n4,5\n")) { error in
            XCTAssertEqual(error as? CSVFormatError, .unclosedQuote(line: 3))
        }
    }
}
