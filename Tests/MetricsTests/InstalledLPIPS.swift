import Foundation
@testable import Metrics
import XCTest

/// The LPIPS network for the tests that need its weights (built by
/// scripts/fetch-lpips-weights, never committed). `make test` installs them and sets
/// USREVIEW_REQUIRE_LPIPS=1, so there a missing file fails the test instead of skipping it.
enum InstalledLPIPS {
    struct Missing: Error, CustomStringConvertible {
        let description: String
    }

    static var isRequired: Bool { ProcessInfo.processInfo.environment["USREVIEW_REQUIRE_LPIPS"] == "1" }

    static func load() throws -> LPIPS {
        let url = ProcessInfo.processInfo.environment["USREVIEW_LPIPS_WEIGHTS"].map { URL(fileURLWithPath: $0) }
            ?? LPIPS.installedURL
        guard FileManager.default.fileExists(atPath: url.path) else {
            let reason = "LPIPS weights missing at \(url.path): \(LPIPS.installHint)"
            if isRequired { throw Missing(description: "\(reason) (USREVIEW_REQUIRE_LPIPS=1: make test installs them first)") }
            throw XCTSkip("\(reason) (make test does)")
        }
        return try LPIPS(weights: url, threads: 2)
    }
}
