@testable import Enhancer
import Foundation
import XCTest

/// A fresh temporary folder, removed when the test ends.
func makeTemporaryFolder(_ test: XCTestCase) throws -> URL {
    let url = FileManager.default.temporaryDirectory
        .appendingPathComponent("usreview-enhancer-tests-\(UUID().uuidString)", isDirectory: true)
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    test.addTeardownBlock { try? FileManager.default.removeItem(at: url) }
    return url
}

func fixtureURL(_ name: String) -> URL {
    Bundle.module.url(forResource: "Fixtures", withExtension: nil)!.appendingPathComponent(name)
}

/// Builds safetensors bytes by hand: `header` is the JSON text, `data` the data section.
/// For files the writer would refuse to make (broken offsets, unknown dtypes…).
func rawSafeTensors(header: String, data: [UInt8], headerLength: UInt64? = nil) -> Data {
    let headerBytes = Array(header.utf8)
    var bytes = Data()
    withUnsafeBytes(of: (headerLength ?? UInt64(headerBytes.count)).littleEndian) { bytes.append(contentsOf: $0) }
    bytes.append(contentsOf: headerBytes)
    bytes.append(contentsOf: data)
    return bytes
}

/// Deterministic pseudo-random floats (SplitMix64), uniform in -scale…scale.
struct SeededFloats {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next(scale: Float = 1) -> Float {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        z ^= z >> 31
        return (Float(z >> 40) / Float(1 << 24) * 2 - 1) * scale
    }

    mutating func array(_ count: Int, scale: Float = 1) -> [Float] {
        (0..<count).map { _ in next(scale: scale) }
    }
}

/// Random pix2pix UNet weights (instance norm, so every conv has a bias), as writer input.
/// Channels follow the reference: ngf, 2ngf, 4ngf, then 8ngf for the rest.
func randomUNetTensors(downs: Int, ngf: Int, inChannels: Int = 1, outChannels: Int = 1, seed: UInt64 = 1)
    -> [(name: String, shape: [Int], values: [Float])] {
    var random = SeededFloats(seed: seed)
    var tensors: [(name: String, shape: [Int], values: [Float])] = []
    func add(_ name: String, _ shape: [Int]) {
        let fanIn = shape.count == 4 ? shape[1] * shape[2] * shape[3] : 16
        tensors.append((name, shape, random.array(shape.reduce(1, *), scale: 1 / Float(fanIn).squareRoot())))
    }
    func inner(_ depth: Int) -> Int { ngf * (1 << min(depth, 3)) }
    // Outermost.
    add("model.model.0.weight", [ngf, inChannels, 4, 4]); add("model.model.0.bias", [ngf])
    add("model.model.3.weight", [2 * ngf, outChannels, 4, 4]); add("model.model.3.bias", [outChannels])
    var prefix = "model.model.1.model."
    for depth in 1..<downs {
        let (outer, innerChannels) = (inner(depth - 1), inner(depth))
        add("\(prefix)1.weight", [innerChannels, outer, 4, 4]); add("\(prefix)1.bias", [innerChannels])
        if depth == downs - 1 {
            add("\(prefix)3.weight", [innerChannels, outer, 4, 4]); add("\(prefix)3.bias", [outer])
        } else {
            add("\(prefix)5.weight", [2 * innerChannels, outer, 4, 4]); add("\(prefix)5.bias", [outer])
            prefix += "3.model."
        }
    }
    return tensors
}
