import Foundation
import XCTest

/// Loading the JSON and CSV fixtures that the statistics tests compare against.
enum StatsFixtures {
    static func url(_ name: String) -> URL {
        Bundle.module.url(forResource: "Fixtures", withExtension: nil)!.appendingPathComponent(name)
    }

    static func json(_ name: String) throws -> [String: Any] {
        try JSONSerialization.jsonObject(with: Data(contentsOf: url(name))) as! [String: Any]
    }

    /// A JSON number (NSNumber) or null (→ nil); NaN in the references is written as null.
    /// "inf" / "-inf" strings stand for infinities (JSON has none).
    static func number(_ value: Any?) -> Double? {
        if let text = value as? String { return text == "inf" ? .infinity : text == "-inf" ? -.infinity : nil }
        return (value as? NSNumber)?.doubleValue
    }

    static func matrix(_ value: Any?) -> [[Double]] {
        (value as! [[Any]]).map { $0.map { number($0)! } }
    }

    static func optionalMatrix(_ value: Any?) -> [[Double?]] {
        (value as! [[Any]]).map { $0.map { number($0) } }
    }
}

/// Tracks the largest |actual − expected| of one kind of check so the report can quote it.
/// With STATS_REPORT_ERRORS=1 in the environment it prints the maximum when done.
final class ErrorTally: @unchecked Sendable {
    private(set) var worst = 0.0
    private let name: String
    init(_ name: String = #function) { self.name = name }
    deinit {
        if ProcessInfo.processInfo.environment["STATS_REPORT_ERRORS"] != nil {
            print("max |error| \(name): \(worst)")
        }
    }
    func assertClose(_ actual: Double?, _ expected: Double?, _ tolerance: Double, _ message: String,
                     file: StaticString = #filePath, line: UInt = #line) {
        switch (actual, expected) {
        case (nil, nil): return
        case let (a?, nil) where a.isNaN: return  // null in the reference = NaN there
        case let (a?, e?) where a.isNaN && e.isNaN: return
        case let (a?, e?) where a.isInfinite || e.isInfinite:
            XCTAssertEqual(a, e, message, file: file, line: line)
        case let (a?, e?):
            worst = max(worst, abs(a - e))
            XCTAssertEqual(a, e, accuracy: tolerance, message, file: file, line: line)
        default:
            XCTFail("\(message): got \(String(describing: actual)), expected \(String(describing: expected))",
                    file: file, line: line)
        }
    }
}
