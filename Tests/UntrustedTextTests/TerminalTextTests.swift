@testable import UntrustedText
import XCTest

final class TerminalTextTests: XCTestCase {
    /// Every C0 control, DEL and every C1 control is shown, never passed.
    func testEveryControlIsEscaped() {
        let controls = (0x00...0x1F).map { UInt32($0) } + [0x7F] + (0x80...0x9F).map { UInt32($0) }
        for value in controls {
            let scalar = Unicode.Scalar(value)!
            let shown = TerminalText.sanitized("a" + String(Character(scalar)) + "b")
            XCTAssertFalse(shown.unicodeScalars.contains(scalar), "U+\(String(value, radix: 16)) passed raw")
            XCTAssertTrue(shown.hasPrefix("a\\") && shown.hasSuffix("b"), shown)
        }
    }

    func testNamedEscapesAndHexForTheRest() {
        XCTAssertEqual(TerminalText.sanitized("\u{1B}]0;title\u{7}"), "\\e]0;title\\u{7}")
        XCTAssertEqual(TerminalText.sanitized("\u{1B}[2J"), "\\e[2J")
        XCTAssertEqual(TerminalText.sanitized("a\tb\nc\rd"), "a\\tb\\nc\\rd")
        XCTAssertEqual(TerminalText.sanitized("\u{7F}\u{80}\u{9B}\u{9F}"), "\\u{7F}\\u{80}\\u{9B}\\u{9F}")
        XCTAssertEqual(TerminalText.sanitized("\u{0}"), "\\u{0}")
    }

    /// The boundaries of the C1 block: U+009F is a control, U+00A0 (no-break space) text.
    func testC1Boundaries() {
        XCTAssertTrue(TerminalText.isUnsafe("\u{9F}"))
        XCTAssertFalse(TerminalText.isUnsafe("\u{A0}"))
        XCTAssertTrue(TerminalText.isUnsafe("\u{80}"))
        XCTAssertTrue(TerminalText.isUnsafe("\u{7F}"))
        XCTAssertFalse(TerminalText.isUnsafe("\u{7E}"))
        XCTAssertFalse(TerminalText.isUnsafe(" "))
        XCTAssertEqual(TerminalText.sanitized("x\u{A0}y"), "x\u{A0}y")
    }

    /// Bidi embeddings, overrides and isolates (Trojan Source) and the invisible
    /// characters that hide or break text.
    func testBidiAndInvisibleFormattingAreEscaped() {
        let unsafe: [UInt32] = [0x202A, 0x202B, 0x202C, 0x202D, 0x202E, 0x2066, 0x2067, 0x2068, 0x2069,
                                0x200B, 0x2060, 0x2028, 0x2029, 0xFEFF, 0xFFF9, 0xFFFB]
        for value in unsafe {
            XCTAssertTrue(TerminalText.isUnsafe(Unicode.Scalar(value)!), String(value, radix: 16))
        }
        XCTAssertEqual(TerminalText.sanitized("scan\u{202E}gnp.exe"), "scan\\u{202E}gnp.exe")
        XCTAssertEqual(TerminalText.sanitized("\u{2066}x\u{2069}"), "\\u{2066}x\\u{2069}")
        // Just outside the ranges: kept.
        for value: UInt32 in [0x2027, 0x202F, 0x2065, 0x206A, 0x200A, 0x200C, 0x200D, 0x200E, 0x200F, 0xFFFC] {
            XCTAssertFalse(TerminalText.isUnsafe(Unicode.Scalar(value)!), String(value, radix: 16))
        }
    }

    /// Valid text of any script passes byte for byte: accents (composed and combining),
    /// CJK, Arabic and Hebrew with their marks, emoji with joiners.
    func testPrintableTextPassesUnchanged() {
        let texts = [
            "Dr. O'Brien, MD", "Zoë Müller", "e\u{301}cho", "甲状腺 超声", "초음파", "مرحبا\u{200F}", "שלום\u{200E}",
            "👩\u{200D}⚕️", "क्\u{200D}ष", "price: 5 € — ok", "back\\slash", "",
        ]
        for text in texts {
            XCTAssertEqual(TerminalText.sanitized(text), text)
            XCTAssertEqual(Array(TerminalText.sanitized(text).utf8), Array(text.utf8))
        }
    }

    func testKeepingLineBreaksKeepsLFAndCRLFButNotALoneCR() {
        XCTAssertEqual(TerminalText.sanitized("a\nb\r\nc\rd\u{1B}", keepingLineBreaks: true), "a\nb\r\nc\\rd\\e")
        XCTAssertEqual(TerminalText.sanitized("end\r", keepingLineBreaks: true), "end\\r")
    }

    /// Escaping is idempotent: text already shown escaped is not changed again.
    func testSanitisingTwiceChangesNothing() {
        let once = TerminalText.sanitized("\u{1B}[2J\u{202E}\u{9B}")
        XCTAssertEqual(TerminalText.sanitized(once), once)
    }

    /// JSON stays the same value: C1 and bidi become \u escapes a JSON parser reads back.
    func testJSONSafeIsTheSameJSONValue() throws {
        let value = ["name": "a\u{1B}]0;t\u{7}\u{9B}2J\u{202E}b\u{7F}", "plain": "甲 é"]
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        let json = String(decoding: try encoder.encode(value), as: UTF8.self)
        let safe = TerminalText.jsonSafe(json)
        XCTAssertFalse(safe.unicodeScalars.contains { TerminalText.isUnsafe($0) && $0 != "\n" }, safe)
        XCTAssertTrue(safe.contains("\\u009B"), safe)
        XCTAssertTrue(safe.contains("\\u202E"), safe)
        XCTAssertTrue(safe.contains("甲 é"), safe)
        let back = try JSONDecoder().decode([String: String].self, from: Data(safe.utf8))
        XCTAssertEqual(back, value)
    }
}
