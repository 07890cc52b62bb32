import Foundation
@testable import ReaderStudy
import XCTest

/// The text forms values take on their way to and from the server (no server needed).
final class PostgresValuesTests: XCTestCase {
    func testTimestampsAreUTCWithMicroseconds() {
        XCTAssertEqual(PostgresValues.timestamp(Date(timeIntervalSince1970: 1_800_000_035.25)), "2027-01-15T08:00:35.250000Z")
        XCTAssertEqual(PostgresValues.timestamp(Date(timeIntervalSince1970: 0.9999996)), "1970-01-01T00:00:01.000000Z")
        XCTAssertEqual(PostgresValues.date("1800000035.25"), Date(timeIntervalSince1970: 1_800_000_035.25))
        XCTAssertNil(PostgresValues.date(nil))
    }

    func testByteaHexRoundTripsEveryByte() {
        let bytes = Data((0...255).map { UInt8($0) })
        let text = PostgresValues.bytea(bytes)
        XCTAssertTrue(text.hasPrefix("\\x000102"))
        XCTAssertEqual(PostgresValues.data(hex: text), bytes)
        XCTAssertEqual(PostgresValues.data(hex: "\\xFF0a"), Data([255, 10]))
        XCTAssertNil(PostgresValues.data(hex: "\\x0g"))
        XCTAssertNil(PostgresValues.data(hex: "89504e"))
    }

    func testSourcesKeepAModelNamedLikeAnImage() {
        for source in [ImageSource.low, .high, .model("low"), .model("u-net:v2")] {
            XCTAssertEqual(PostgresValues.source(PostgresValues.source(source)), source)
        }
        XCTAssertNil(PostgresValues.source("unet"))
    }
}
