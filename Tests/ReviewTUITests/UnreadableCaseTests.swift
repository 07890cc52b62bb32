import Dataset
import Foundation
@testable import ReviewTUI
import TerminalGraphics
import Testing

/// A case whose PNG declares more pixels than the limit is marked failed, with the file
/// and the limit named, and the app carries on: prefetch moves past it, the worker takes
/// the next case.
@Suite struct UnreadableCaseTests {
    /// A 4×4 PNG written by usreview, its IHDR rewritten to declare 30000×30000.
    private func hugeDeclaredPNG(in folder: URL) throws -> URL {
        let url = folder.appendingPathComponent("0002.png")
        try PNGCodec.write(GrayImage(width: 4, height: 4, pixels: [UInt8](repeating: 90, count: 16)), to: url)
        var bytes = [UInt8](try Data(contentsOf: url))
        for offset in [16, 20] {  // width, height: big-endian after "IHDR"
            bytes.replaceSubrange(offset..<(offset + 4), with: [0, 0, 0x75, 0x30])
        }
        var crc: UInt32 = 0xFFFF_FFFF  // CRC-32 of the chunk's type and data, as libpng checks
        for byte in bytes[12..<29] {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
        }
        crc = ~crc
        bytes.replaceSubrange(29..<33, with: (0..<4).map { UInt8(truncatingIfNeeded: crc >> (24 - 8 * UInt32($0))) })
        try Data(bytes).write(to: url)
        return url
    }

    private func makeCase(_ number: Int, low: URL, high: URL?) -> Case {
        Case(id: String(format: "%04d", number), organ: .thyroid, devices: DevicePair(low: "portable", high: "cart"),
             lowPath: low, highPath: high, split: .train)
    }

    private func waitForEvent(_ mailbox: Mailbox, _ caseID: String) async throws -> AppEvent? {
        for _ in 0..<500 {
            for case let .event(event) in mailbox.drain() {
                switch event {
                case let .failed(id, _) where id == caseID, let .finished(id) where id == caseID: return event
                default: continue
                }
            }
            try await Task.sleep(nanoseconds: 10_000_000)
        }
        return nil
    }

    @Test func workerReportsTheRefusedImageAndTakesTheNextCase() async throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let good = folder.appendingPathComponent("0003.png")
        try PNGCodec.write(GrayImage(width: 8, height: 8, pixels: [UInt8](repeating: 50, count: 64)), to: good)
        let huge = try hugeDeclaredPNG(in: folder)
        let mailbox = Mailbox()
        let worker = CaseWorker(generator: nil, mailbox: mailbox)

        _ = worker.prefetch(makeCase(2, low: huge, high: good))
        let refused = try await waitForEvent(mailbox, "0002")
        guard case let .failed(_, message)? = refused else {
            Issue.record("expected a failure for 0002, got \(String(describing: refused))")
            return
        }
        #expect(message.contains(huge.path))
        #expect(message.contains("30000×30000"))
        #expect(message.contains("\(ResourceLimits.defaultMaxPixels)"))

        _ = worker.start(makeCase(3, low: good, high: good))
        let next = try await waitForEvent(mailbox, "0003")
        #expect(next == .finished(caseID: "0003"))
        worker.waitUntilIdle()
    }

    @Test func refusedPrefetchIsMarkedFailedAndTheReaderMovesOn() {
        let paths = (1...3).map { URL(fileURLWithPath: "/d/\($0).png") }
        let cases = (1...3).map { makeCase($0, low: paths[$0 - 1], high: nil) }
        var state = reduce(AppState(cases: cases, hasModel: true), .key(.enter))
        state = reduce(state, .finished(caseID: "0001"))
        #expect(state.workToRun?.id == "0002")
        #expect(state.workToRun?.prefetch == true)
        let refusal = PNGError.tooLarge(path: "/d/2.png", width: 30000, height: 30000, limit: ResourceLimits.defaultMaxPixels)
        state = reduce(state, .failed(caseID: "0002", message: "\(refusal)"))
        #expect(state.work["0002"] == .failed("\(refusal)"))
        #expect(state.prefetchWork == nil)  // not tried again
        #expect(state.statusMessage?.contains("/d/2.png") == true)

        // Opening the refused case starts nothing and shows why; the next one prefetches.
        state = reduce(state, .key(.character("n")))
        #expect(state.selectedCase?.id == "0002")
        #expect(state.wantedWork == nil)
        #expect(state.prefetchWork == "0003")
        let screen = Views.draw(state, results: { _ in nil },
                                context: ViewContext(datasetName: "t", modelName: "m", modelError: nil,
                                                     graphics: .halfBlocks, lpipsInstalled: true),
                                size: TerminalSize(columns: 160, rows: 40))
        let text = (0..<40).map { screen.line($0) }.joined(separator: "\n")
        #expect(text.contains("✗"))
        #expect(text.contains("30000×30000"))

        state = reduce(state, .key(.character("n")))
        #expect(state.selectedCase?.id == "0003")
        #expect(state.wantedWork == "0003")
    }
}
