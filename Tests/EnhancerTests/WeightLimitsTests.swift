import Dataset
@testable import Enhancer
import Foundation
import XCTest

/// Hostile weights files: a sparse file declaring gigabytes, NaN and infinite weights,
/// weights whose output overflows, and paths that are not regular files.
final class WeightLimitsTests: XCTestCase {
    /// The peak resident size of this process so far, in bytes (ru_maxrss is in KiB on Linux).
    private func peakResidentBytes() -> Int {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return usage.ru_maxrss * 1024
    }

    /// A file whose header declares `model.model.0.weight` as `elements` F32 values; the data
    /// section is a hole (truncate, as `truncate -s` does), so it costs no disk.
    private func sparseModel(elements: Int) throws -> URL {
        let url = try makeTemporaryFolder(self).appendingPathComponent("sparse.safetensors")
        let header = #"{"model.model.0.weight":{"dtype":"F32","shape":[\#(elements / 16),1,4,4],"data_offsets":[0,\#(elements * 4)]}}"#
        try rawSafeTensors(header: header, data: []).write(to: url)
        let handle = try FileHandle(forWritingTo: url)
        try handle.truncate(atOffset: UInt64(8 + header.utf8.count + elements * 4))
        try handle.close()
        return url
    }

    func testSparseFileDeclaringGigabytesIsRefusedFromTheHeader() throws {
        let elements = 1 << 31  // 8 GiB of F32
        let url = try sparseModel(elements: elements)
        let peakBefore = peakResidentBytes()
        let start = Date()
        XCTAssertThrowsError(try SafeTensors.read(url, limits: ResourceLimits())) { error in
            XCTAssertEqual(error as? EnhancerError,
                           .tooManyParameters(path: url.path, count: elements, limit: ResourceLimits.defaultMaxParameters))
            XCTAssertTrue("\(error)".contains("USREVIEW_MAX_PARAMETERS"), "\(error)")
        }
        // Only once the header is refused: a loader without the check would fill 8 GiB here.
        if (try? SafeTensors.read(url, limits: ResourceLimits())) == nil {
            XCTAssertThrowsError(try Generator.load(url)) { error in
                guard case .tooManyParameters? = error as? EnhancerError else { return XCTFail("\(error)") }
            }
        }
        XCTAssertLessThan(Date().timeIntervalSince(start), 1)
        XCTAssertLessThan(peakResidentBytes() - peakBefore, 64 << 20, "nothing proportional to the tensor was allocated")
    }

    func testParameterLimitIsInclusive() throws {
        let url = fixtureURL("unet_ngf8_256_f16.safetensors")
        let count = try SafeTensors.read(url).entries.values.reduce(0) { $0 + $1.elementCount }
        XCTAssertNoThrow(try SafeTensors.read(url, limits: ResourceLimits(maxParameters: count)))
        XCTAssertThrowsError(try SafeTensors.read(url, limits: ResourceLimits(maxParameters: count - 1))) { error in
            XCTAssertEqual(error as? EnhancerError, .tooManyParameters(path: url.path, count: count, limit: count - 1))
        }
    }

    func testNaNAndInfiniteWeightsAreRefusedAtLoad() throws {
        for (bad, label) in [(Float.nan, "nan"), (-Float.infinity, "inf")] {
            var tensors = randomUNetTensors(downs: 3, ngf: 2)
            let target = tensors.firstIndex { $0.name == "model.model.1.model.1.weight" }!
            tensors[target].values[5] = bad
            tensors[target].values[9] = bad
            let url = try makeTemporaryFolder(self).appendingPathComponent("\(label).safetensors")
            try SafeTensors.write(tensors, metadata: [:], to: url)
            XCTAssertThrowsError(try Generator.load(url), label) { error in
                guard case let .badTensor(path, tensor, problem)? = error as? EnhancerError else { return XCTFail("\(error)") }
                XCTAssertEqual(path, url.path)
                XCTAssertEqual(tensor, "model.model.1.model.1.weight")
                XCTAssertTrue(problem.contains("2 NaN or infinite value(s), the first at element 5"), problem)
            }
        }
    }

    func testOverflowingOutputIsRefusedNotQuantisedToBlack() throws {
        // Finite weights near Float's maximum: the first convolution overflows to infinity,
        // instance norm turns that into NaN, and the output would quantise to black.
        var tensors = randomUNetTensors(downs: 3, ngf: 2)
        let first = tensors.firstIndex { $0.name == "model.model.0.weight" }!
        tensors[first].values = tensors[first].values.map { $0 < 0 ? -3e38 : 3e38 }
        let url = try makeTemporaryFolder(self).appendingPathComponent("overflow.safetensors")
        try SafeTensors.write(tensors, metadata: [:], to: url)
        let generator = try Generator.load(url, threads: 1)
        let image = GrayImage(width: 16, height: 16, pixels: (0..<256).map { UInt8($0) })
        XCTAssertThrowsError(try generator.enhance(image)) { error in
            guard case let .nonFiniteOutput(count, _)? = error as? EnhancerError else { return XCTFail("\(error)") }
            XCTAssertGreaterThan(count, 0)
        }
        // The same network with sane weights runs.
        let sane = try makeTemporaryFolder(self).appendingPathComponent("sane.safetensors")
        try SafeTensors.write(randomUNetTensors(downs: 3, ngf: 2), metadata: [:], to: sane)
        XCTAssertNoThrow(try Generator.load(sane, threads: 1).enhance(image))
    }

    func testFIFOAndFolderAreRefusedAsModels() throws {
        let folder = try makeTemporaryFolder(self)
        let fifo = folder.appendingPathComponent("pipe.safetensors")
        XCTAssertEqual(mkfifo(fifo.path, 0o600), 0)
        let done = expectation(description: "load returned")
        let message = Box()
        DispatchQueue.global().async {
            do { _ = try Generator.load(fifo) } catch { message.set("\(error)") }
            done.fulfill()
        }
        if XCTWaiter.wait(for: [done], timeout: 5) != .completed {
            let writer = open(fifo.path, O_WRONLY | O_NONBLOCK)
            if writer >= 0 { close(writer) }
            return XCTFail("loading a FIFO hung")
        }
        XCTAssertEqual(message.get(), EnhancerError.unreadable(path: fifo.path, reason: "it is a FIFO (named pipe), not a regular file").description)
        XCTAssertThrowsError(try Generator.load(folder)) { error in
            XCTAssertEqual(error as? EnhancerError, .unreadable(path: folder.path, reason: "it is a folder, not a regular file"))
        }
    }
}

private final class Box: @unchecked Sendable {
    private let lock = NSLock()
    private var text: String?
    func set(_ value: String) { lock.withLock { text = value } }
    func get() -> String? { lock.withLock { text } }
}
