@testable import Enhancer
import Foundation
import XCTest

/// The ops against direct loops written from PyTorch's definitions.
final class OpsTests: XCTestCase {
    /// Conv2d by its definition: y[o,oy,ox] = b[o] + Σ w[o,i,ky,kx]·x[i, oy·s−p+ky, ox·s−p+kx].
    private func naiveConv(_ x: Tensor, weight: [Float], shape: [Int], bias: [Float], stride: Int, padding: Int,
                           reflect: Bool) -> Tensor {
        let (o, i, kh, kw) = (shape[0], shape[1], shape[2], shape[3])
        let outHeight = (x.height + 2 * padding - kh) / stride + 1
        let outWidth = (x.width + 2 * padding - kw) / stride + 1
        var y = Tensor(channels: o, height: outHeight, width: outWidth)
        for oc in 0..<o {
            for oy in 0..<outHeight {
                for ox in 0..<outWidth {
                    var total = Double(bias[oc])
                    for ic in 0..<i {
                        for ky in 0..<kh {
                            for kx in 0..<kw {
                                var iy = oy * stride - padding + ky
                                var ix = ox * stride - padding + kx
                                if reflect {
                                    iy = mirror(iy, x.height)
                                    ix = mirror(ix, x.width)
                                } else if iy < 0 || iy >= x.height || ix < 0 || ix >= x.width {
                                    continue
                                }
                                total += Double(weight[((oc * i + ic) * kh + ky) * kw + kx]) * Double(x[ic, iy, ix])
                            }
                        }
                    }
                    y[oc, oy, ox] = Float(total)
                }
            }
        }
        return y
    }

    private func maxDifference(_ a: [Float], _ b: [Float]) -> Float {
        XCTAssertEqual(a.count, b.count)
        return zip(a, b).map { abs($0 - $1) }.max() ?? 0
    }

    func testConv2dMatchesDefinition() {
        var random = SeededFloats(seed: 7)
        // (in, out, kernel, stride, padding, reflect, height, width): AlexNet-like, UNet-like, ResNet-like.
        let cases: [(Int, Int, Int, Int, Int, Bool, Int, Int)] = [
            (3, 5, 11, 4, 2, false, 35, 31), (4, 6, 4, 2, 1, false, 16, 12), (3, 4, 3, 1, 1, true, 9, 7),
            (2, 3, 7, 1, 3, true, 8, 10), (5, 2, 1, 1, 0, false, 6, 5), (3, 4, 5, 1, 2, false, 7, 9),
            (2, 3, 3, 2, 1, false, 7, 5), (4, 3, 4, 2, 1, false, 2, 2), (3, 5, 4, 2, 1, false, 4, 6),
            (6, 5, 4, 2, 1, false, 12, 10), (3, 4, 4, 2, 1, false, 7, 9), (2, 3, 4, 2, 1, false, 6, 18),
        ]
        for (i, o, k, s, p, reflect, h, w) in cases {
            let x = Tensor(channels: i, height: h, width: w, values: random.array(i * h * w))
            let weight = random.array(o * i * k * k)
            let bias = random.array(o)
            let conv = Conv2d(weight: weight, shape: [o, i, k, k], bias: bias, stride: s, padding: p,
                              paddingMode: reflect ? .reflect : .zeros)
            let expected = naiveConv(x, weight: weight, shape: [o, i, k, k], bias: bias, stride: s, padding: p,
                                     reflect: reflect)
            // The innermost-taps variant takes its own path only on a 2×2 input.
            let variants = conv.supportsWinograd
                ? [conv, conv.usingWinograd(tile: 2), conv.usingWinograd(tile: 4), conv.withInnermostTaps()] : [conv]
            for (variant, threads) in variants.flatMap({ v in [1, 2].map { (v, $0) } }) {
                // A chunk cost of 1 makes even these small layers take the threaded paths.
                let y = variant(x, loop: ParallelLoop(threads: threads, minimumChunkCost: 1))
                XCTAssertEqual([y.channels, y.height, y.width], [expected.channels, expected.height, expected.width])
                XCTAssertLessThan(maxDifference(y.values, expected.values), 1e-4,
                                  "conv \(i)→\(o) k\(k) s\(s) p\(p) \(h)×\(w) winograd \(variant.winograd?.tile ?? 0) "
                                  + "innermost taps \(variant.innermostTaps != nil)")
            }
        }
    }

    func testConvTranspose2dMatchesDefinition() {
        var random = SeededFloats(seed: 11)
        // (in, out, kernel, stride, padding, output padding, height, width)
        let cases: [(Int, Int, Int, Int, Int, Int, Int, Int)] = [
            (4, 3, 4, 2, 1, 0, 5, 6), (3, 2, 3, 2, 1, 1, 4, 7), (2, 2, 4, 2, 1, 0, 1, 1), (3, 4, 4, 2, 1, 0, 2, 2),
            (5, 6, 4, 2, 1, 0, 8, 6), (3, 2, 4, 2, 1, 0, 7, 3),
        ]
        for (i, o, k, s, p, op, h, w) in cases {
            let x = random.array(i * h * w)
            let weight = random.array(i * o * k * k)
            let conv = ConvTranspose2d(weight: FloatBuffer(weight), shape: [i, o, k, k], bias: nil, stride: s,
                                       padding: p, outputPadding: op)
            let (outHeight, outWidth) = conv.outputSize(height: h, width: w)
            XCTAssertEqual(outHeight, (h - 1) * s - 2 * p + k + op)
            // Definition: every input pixel scatters its kernel onto the output.
            var expected = [Double](repeating: 0, count: o * outHeight * outWidth)
            for ic in 0..<i { for iy in 0..<h { for ix in 0..<w { for oc in 0..<o { for ky in 0..<k { for kx in 0..<k {
                let oy = iy * s - p + ky
                let ox = ix * s - p + kx
                guard oy >= 0, oy < outHeight, ox >= 0, ox < outWidth else { continue }
                expected[(oc * outHeight + oy) * outWidth + ox] +=
                    Double(weight[((ic * o + oc) * k + ky) * k + kx]) * Double(x[(ic * h + iy) * w + ix])
            } } } } } }
            var y = [Float](repeating: .nan, count: o * outHeight * outWidth)
            // The innermost-taps variant takes its own path only on a 1×1 input.
            let variants = conv.supportsWinograd
                ? [conv, conv.usingWinograd(tile: 2), conv.usingWinograd(tile: 4), conv.withInnermostTaps()] : [conv]
            for (conv, threads) in variants.flatMap({ v in [1, 2].map { (v, $0) } }) {
                y = [Float](repeating: .nan, count: y.count)
                x.withUnsafeBufferPointer { input in
                    y.withUnsafeMutableBufferPointer { output in
                        conv.forward(input.baseAddress!, height: h, width: w, into: output.baseAddress!,
                                     workspace: Workspace(), loop: ParallelLoop(threads: threads, minimumChunkCost: 1))
                    }
                }
                XCTAssertLessThan(maxDifference(y, expected.map(Float.init)), 1e-4,
                                  "convT \(i)→\(o) k\(k) s\(s) \(h)×\(w) winograd \(conv.winograd?.tile ?? 0) "
                                  + "innermost taps \(conv.innermostTaps != nil)")
            }
        }
    }
}

final class SplitGemmTests: XCTestCase {
    /// The products split over threads (by rows, or by columns when B is the larger operand)
    /// against one call.
    func testSplitProductsMatchOneCall() {
        var random = SeededFloats(seed: 13)
        for (m, n, k, transposeA) in [(300, 40, 200, false), (40, 3000, 20, false), (512, 1, 2048, false),
                                      (257, 33, 129, true)] {
            let a = random.array(m * k)
            let b = random.array(k * n)
            var single = [Float](repeating: 0, count: m * n)
            var split = [Float](repeating: .nan, count: m * n)
            let lda = transposeA ? m : k
            single.withUnsafeMutableBufferPointer { c in
                BLAS.gemm(m: m, n: n, k: k, a: a, lda: lda, transposeA: transposeA, b: b, ldb: n, c: c.baseAddress!, ldc: n)
            }
            split.withUnsafeMutableBufferPointer { c in
                BLAS.gemm(m: m, n: n, k: k, a: a, lda: lda, transposeA: transposeA, b: b, ldb: n, c: c.baseAddress!, ldc: n,
                          loop: ParallelLoop(threads: 3))
            }
            // Equal up to the kernels' summation order.
            let worst = zip(single, split).map { abs($0 - $1) }.max() ?? .nan
            XCTAssertLessThan(worst, 1e-4, "\(m)×\(n)×\(k)")
        }
    }
}

final class PointwiseTests: XCTestCase {
    func testPublicConvReLUAndMaxPoolChain() {
        // AlexNet's first stage on a small input: conv 11×11 s4 p2, ReLU, max pool 3 s2.
        var random = SeededFloats(seed: 3)
        let x = Tensor(channels: 3, height: 63, width: 63, values: random.array(3 * 63 * 63))
        let conv = Conv2d(weight: random.array(8 * 3 * 121), shape: [8, 3, 11, 11], bias: random.array(8),
                          stride: 4, padding: 2)
        let y = MaxPool2d(kernelSize: 3, stride: 2)(ReLU()(conv(x, threads: 1)))
        XCTAssertEqual([y.channels, y.height, y.width], [8, 7, 7])
        XCTAssertTrue(y.values.allSatisfy { $0 >= 0 })
        let activated = ReLU()(conv(x, threads: 1))
        // Pool output (c, 1, 2) is the largest of rows 2…4, columns 4…6.
        var expected = -Float.infinity
        for row in 2...4 { for column in 4...6 { expected = max(expected, activated[5, row, column]) } }
        XCTAssertEqual(y[5, 1, 2], expected)
    }

    func testReflectionPadMatchesPyTorch() {
        // ReflectionPad2d((2, 1, 1, 2)) of [[1, 2, 3], [4, 5, 6], [7, 8, 9]].
        let x: [Float] = [1, 2, 3, 4, 5, 6, 7, 8, 9]
        var y = [Float](repeating: 0, count: 6 * 6)
        x.withUnsafeBufferPointer { input in
            y.withUnsafeMutableBufferPointer { output in
                reflectionPad(input.baseAddress!, channels: 1, height: 3, width: 3, top: 1, bottom: 2, left: 2, right: 1,
                              into: output.baseAddress!, loop: ParallelLoop(threads: 2, minimumChunkCost: 1))
            }
        }
        XCTAssertEqual(y, [6, 5, 4, 5, 6, 5,
                           3, 2, 1, 2, 3, 2,
                           6, 5, 4, 5, 6, 5,
                           9, 8, 7, 8, 9, 8,
                           6, 5, 4, 5, 6, 5,
                           3, 2, 1, 2, 3, 2])
    }

    func testInstanceNormFusedWithActivation() {
        let x: [Float] = [1, 2, 3, 4, -1, -1, 1, 1]
        var y = [Float](repeating: 0, count: 8)
        x.withUnsafeBufferPointer { input in
            y.withUnsafeMutableBufferPointer { output in
                instanceNorm(input.baseAddress!, channels: 2, planeSize: 4, into: output.baseAddress!,
                             activation: .leakyReLU(0.2), loop: ParallelLoop(threads: 2, minimumChunkCost: 1))
            }
        }
        // Channel 0: mean 2.5, biased variance 1.25; channel 1: mean 0, variance 1.
        let s0 = 1 / (1.25 + 1e-5 as Float).squareRoot()
        let s1 = 1 / (1 + 1e-5 as Float).squareRoot()
        let expected: [Float] = [-1.5 * s0 * 0.2, -0.5 * s0 * 0.2, 0.5 * s0, 1.5 * s0, -s1 * 0.2, -s1 * 0.2, s1, s1]
        for (a, b) in zip(y, expected) { XCTAssertEqual(a, b, accuracy: 1e-6) }
    }
}

final class FastTanhTests: XCTestCase {
    func testMatchesFoundationTanh() {
        var values: [Float] = stride(from: -12, through: 12, by: 0.0007).map { Float($0) }
        values += [0, -0, 1e-8, -1e-8, 1e-3, 88, -88, 100, -1000, .greatestFiniteMagnitude, -.greatestFiniteMagnitude]
        var result = values
        result.withUnsafeMutableBufferPointer { tanhInPlace($0.baseAddress!, count: $0.count) }
        var worst: Float = 0
        for (x, y) in zip(values, result) { worst = max(worst, abs(y - Float(Foundation.tanh(Double(x))))) }
        XCTAssertLessThan(worst, 3e-7)
    }
}
