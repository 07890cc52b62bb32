import Dataset
@testable import Enhancer
import Foundation
import XCTest

final class WorkerPoolTests: XCTestCase {
    /// Every share of every loop runs exactly once, loop after loop, also when the workers
    /// have gone to sleep in between, and a loop started inside a loop runs on its thread.
    func testEveryShareRunsOnceAcrossLoopsSleepAndNesting() throws {
        guard #available(macOS 15, *) else { throw XCTSkip("WorkerPool needs the Synchronization module") }
        let pool = WorkerPool(workers: 2)
        let loop = ParallelLoop(threads: 3, minimumChunkCost: 1, team: pool)
        let counts = UnsafeMutablePointer<Int>.allocate(capacity: 1000)
        defer { counts.deallocate() }
        for round in 0..<300 {
            counts.update(repeating: 0, count: 1000)
            loop.forEach(1000, itemCost: 1) { range in
                for i in range { counts[i] += 1 }
            }
            XCTAssertTrue((0..<1000).allSatisfy { counts[$0] == 1 }, "round \(round)")
            if round == 150 { Thread.sleep(forTimeInterval: Double(WorkerPool.idleSpin) / 1e9 + 0.02) }
        }
        let nested = UnsafeMutablePointer<Int>.allocate(capacity: 64)
        defer { nested.deallocate() }
        nested.update(repeating: 0, count: 64)
        loop.forEachItem(8, itemCost: 1) { outer in
            loop.forEachItem(8, itemCost: 1) { inner in nested[outer * 8 + inner] += 1 }
        }
        XCTAssertTrue((0..<64).allSatisfy { nested[$0] == 1 })
    }

    /// A generator with a pool gives the same result as one on libdispatch's threads.
    func testPooledRunMatchesSingleThreaded() throws {
        let url = fixtureURL("unet_ngf8_256_f32.safetensors")
        let input = GrayImage(width: 256, height: 256, pixels: (0..<65536).map { UInt8(truncatingIfNeeded: $0 * 31 ^ ($0 >> 7)) })
        let single = try Generator.load(url, threads: 1).enhance(input).raw
        let pooled = try Generator.load(url, threads: 3)
        for _ in 0..<3 {
            let raw = try pooled.enhance(input).raw
            XCTAssertLessThan(zip(raw, single).map { abs($0 - $1) }.max() ?? 0, 1e-5)
        }
    }
}
