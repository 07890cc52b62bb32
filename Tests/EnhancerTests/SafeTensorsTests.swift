@testable import Enhancer
import Foundation
import XCTest

final class SafeTensorsTests: XCTestCase {
    private func expectError(_ data: Data, named name: String = "broken.safetensors", containing fragments: [String],
                             file: StaticString = #filePath, line: UInt = #line) throws {
        let url = try makeTemporaryFolder(self).appendingPathComponent(name)
        try data.write(to: url)
        XCTAssertThrowsError(try SafeTensors.read(url), file: file, line: line) { error in
            let message = "\(error)"
            XCTAssertTrue(message.contains(url.path), "names the file: \(message)", file: file, line: line)
            for fragment in fragments {
                XCTAssertTrue(message.contains(fragment), "'\(fragment)' in: \(message)", file: file, line: line)
            }
        }
    }

    private let twoTensors = #"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[1],"data_offsets":[8,12]}}"#

    func testWriterRoundTripWithMetadata() throws {
        let url = try makeTemporaryFolder(self).appendingPathComponent("round.safetensors")
        let tensors: [(name: String, shape: [Int], values: [Float])] = [
            ("weight", [2, 3], [1, -2, 3.5, 0, .infinity, -0.25]), ("bias", [2], [7, 8]), ("empty", [0, 4], []),
        ]
        try SafeTensors.write(tensors, metadata: ["ngf": "64", "note": "quote \" and \\ and é"], to: url)
        let file = try SafeTensors.read(url)
        XCTAssertEqual(file.metadata, ["ngf": "64", "note": "quote \" and \\ and é"])
        XCTAssertEqual(file.names, ["weight", "bias", "empty"])
        XCTAssertEqual(try file.entry("weight").shape, [2, 3])
        XCTAssertEqual(try file.floats("weight"), [1, -2, 3.5, 0, .infinity, -0.25])
        XCTAssertEqual(try file.floats("bias"), [7, 8])
        XCTAssertEqual(try file.floats("empty"), [])
        // The data section starts 8-byte aligned, as the reference writer leaves it.
        let headerLength = try Data(contentsOf: url).prefix(8).withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) }
        XCTAssertEqual(headerLength % 8, 0)
        XCTAssertThrowsError(try file.floats("missing")) { error in
            XCTAssertEqual(error as? EnhancerError, .missingTensor(path: url.path, tensor: "missing"))
        }
    }

    func testHalfPrecisionAndIntegerTensorsConvert() throws {
        // F16: 1, -2, 65504 (largest), 2^-24 (smallest subnormal), inf. BF16: 1, -2.5. I64: 7, -3.
        let halves: [UInt16] = [0x3C00, 0xC000, 0x7BFF, 0x0001, 0x7C00]
        let bfloats: [UInt16] = [0x3F80, 0xC020]
        let integers: [Int64] = [7, -3]
        var data: [UInt8] = []
        for h in halves { data += [UInt8(h & 0xFF), UInt8(h >> 8)] }
        for b in bfloats { data += [UInt8(b & 0xFF), UInt8(b >> 8)] }
        for i in integers { withUnsafeBytes(of: i.littleEndian) { data += $0 } }
        let header = #"{"h":{"dtype":"F16","shape":[5],"data_offsets":[0,10]},"b":{"dtype":"BF16","shape":[2],"data_offsets":[10,14]},"#
            + #""n":{"dtype":"I64","shape":[2],"data_offsets":[14,30]},"__metadata__":{"format":"pt"}}"#
        let url = try makeTemporaryFolder(self).appendingPathComponent("mixed.safetensors")
        try rawSafeTensors(header: header, data: data).write(to: url)
        let file = try SafeTensors.read(url)
        XCTAssertEqual(try file.floats("h"), [1, -2, 65504, 0x1p-24, .infinity])
        XCTAssertEqual(try file.floats("b"), [1, -2.5])
        XCTAssertEqual(try file.floats("n"), [7, -3])
        XCTAssertEqual(file.metadata, ["format": "pt"])
        XCTAssertEqual(try file.rawBytes("n").count, 16)
    }

    func testTruncatedFiles() throws {
        let whole = rawSafeTensors(header: twoTensors, data: [UInt8](repeating: 0, count: 12))
        try expectError(whole.prefix(5), containing: ["shorter than the 8-byte header length"])
        try expectError(whole.prefix(40), containing: ["header length says"])
        try expectError(whole.prefix(whole.count - 2), containing: ["'b'", "outside the 10-byte data section"])
    }

    func testHeaderLengthLargerThanFile() throws {
        try expectError(rawSafeTensors(header: twoTensors, data: [UInt8](repeating: 0, count: 12), headerLength: 1 << 40),
                        containing: ["header length says 1099511627776 bytes"])
    }

    func testOverlappingGappedAndOutOfRangeOffsets() throws {
        let overlap = #"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}"#
        try expectError(rawSafeTensors(header: overlap, data: [UInt8](repeating: 0, count: 8)),
                        containing: ["'b'", "overlap those of 'a'"])
        let gap = #"{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"b":{"dtype":"F32","shape":[1],"data_offsets":[8,12]}}"#
        try expectError(rawSafeTensors(header: gap, data: [UInt8](repeating: 0, count: 12)), containing: ["'b'", "unused bytes"])
        let outside = #"{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"b":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}"#
        try expectError(rawSafeTensors(header: outside, data: [UInt8](repeating: 0, count: 6)),
                        containing: ["'b'", "data offsets [4, 8] lie outside the 6-byte data section"])
        let backwards = #"{"a":{"dtype":"F32","shape":[0],"data_offsets":[4,0]}}"#
        try expectError(rawSafeTensors(header: backwards, data: [UInt8](repeating: 0, count: 4)), containing: ["'a'", "outside"])
        try expectError(rawSafeTensors(header: twoTensors, data: [UInt8](repeating: 0, count: 16)),
                        containing: ["4 bytes at the end of the data section belong to no tensor"])
    }

    func testWrongByteSize() throws {
        let header = #"{"w":{"dtype":"F16","shape":[2,3],"data_offsets":[0,8]}}"#
        try expectError(rawSafeTensors(header: header, data: [UInt8](repeating: 0, count: 8)),
                        containing: ["'w'", "holds 8 bytes but shape [2, 3] of F16 needs 12"])
    }

    func testUnknownDtypeAndBadEntries() throws {
        let unknown = #"{"q":{"dtype":"Q4_K","shape":[2],"data_offsets":[0,1]}}"#
        try expectError(rawSafeTensors(header: unknown, data: [0]), containing: ["'q'", "unknown dtype 'Q4_K'", "F32, F16, BF16"])
        let badShape = #"{"s":{"dtype":"F32","shape":[-1],"data_offsets":[0,4]}}"#
        try expectError(rawSafeTensors(header: badShape, data: [0, 0, 0, 0]), containing: ["'s'", "shape"])
        try expectError(rawSafeTensors(header: "[1, 2, 3]", data: []), containing: ["not a JSON object"])
        try expectError(rawSafeTensors(header: #"{"__metadata__":{"n":5}}"#, data: []), containing: ["__metadata__"])
    }

    func testEightBitFloatsValidateButDoNotConvert() throws {
        let header = #"{"f":{"dtype":"F8_E4M3","shape":[3],"data_offsets":[0,3]}}"#
        let url = try makeTemporaryFolder(self).appendingPathComponent("f8.safetensors")
        try rawSafeTensors(header: header, data: [1, 2, 3]).write(to: url)
        let file = try SafeTensors.read(url)
        XCTAssertThrowsError(try file.floats("f")) { error in
            XCTAssertTrue("\(error)".contains("cannot be converted"), "\(error)")
        }
    }

    func testMissingFileIsUnreadable() {
        XCTAssertThrowsError(try SafeTensors.read(URL(fileURLWithPath: "/nonexistent/model.safetensors"))) { error in
            guard case let .unreadable(path, _)? = error as? EnhancerError else { return XCTFail("\(error)") }
            XCTAssertEqual(path, "/nonexistent/model.safetensors")
        }
    }
}
