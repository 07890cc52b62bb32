import Dataset
import Foundation

/// Why a metric cannot be computed for a pair of images.
public enum MetricsError: Error, Equatable, CustomStringConvertible {
    case sizeMismatch(first: String, second: String)
    case tooSmall(size: String, needed: Int, metric: String)

    public var description: String {
        switch self {
        case let .sizeMismatch(first, second):
            return "the images differ in size (\(first) vs \(second)); compare a low/high pair of the same case"
        case let .tooSmall(size, needed, metric):
            return "\(metric) needs images of at least \(needed)x\(needed) pixels, got \(size)"
        }
    }
}

/// Full-reference image quality metrics on 8-bit gray pairs, with the conventions of
/// the USEnhance challenge papers (and of Tests/MetricsTests/Fixtures/metrics_ref.json).
public enum ImageMetrics {
    /// Peak signal-to-noise ratio in dB for 8-bit data: 10·log10(255² / MSE).
    /// Identical images give +infinity.
    public static func psnr(_ a: GrayImage, _ b: GrayImage) throws -> Double {
        try requireSameSize(a, b)
        var sumSquares: Int = 0
        for i in 0..<a.pixels.count {
            let d = Int(a.pixels[i]) - Int(b.pixels[i])
            sumSquares += d * d
        }
        guard sumSquares > 0 else { return .infinity }
        let mse = Double(sumSquares) / Double(a.pixels.count)
        return 10 * log10(255.0 * 255.0 / mse)
    }

    /// Structural similarity (Wang et al. 2004): 11×11 Gaussian window σ = 1.5,
    /// K1 = 0.01, K2 = 0.03, data range 255, population covariance, mean over the
    /// positions where the window lies inside the image (scikit-image's
    /// `structural_similarity(gaussian_weights=True, use_sample_covariance=False)`,
    /// which crops the 5-pixel border).
    public static func ssim(_ a: GrayImage, _ b: GrayImage) throws -> Double {
        try requireSameSize(a, b)
        let window = gaussianWindow(sigma: 1.5, radius: 5)
        try requireAtLeast(window.count, a, metric: "SSIM")
        let c1 = (0.01 * 255.0) * (0.01 * 255.0)
        let c2 = (0.03 * 255.0) * (0.03 * 255.0)
        var total = 0.0
        var count = 0
        WindowedMoments.forEach(a, b, horizontal: window, vertical: window) { m in
            let vx = m.xx - m.x * m.x
            let vy = m.yy - m.y * m.y
            let cxy = m.xy - m.x * m.y
            total += ((2 * m.x * m.y + c1) * (2 * cxy + c2)) / ((m.x * m.x + m.y * m.y + c1) * (vx + vy + c2))
            count += 1
        }
        return total / Double(count)
    }

    /// Local normalised cross-correlation: Pearson r in every `window`×`window` box
    /// that lies inside the image (population moments), averaged; boxes where either
    /// image is flat (variance ≤ 1e-10) are skipped. A flat pair gives 0.
    public static func lncc(_ a: GrayImage, _ b: GrayImage, window: Int = 9) throws -> Double {
        try requireSameSize(a, b)
        precondition(window >= 1, "window must be positive")
        try requireAtLeast(window, a, metric: "LNCC")
        let box = [Double](repeating: 1.0 / Double(window), count: window)
        var total = 0.0
        var used = 0
        WindowedMoments.forEach(a, b, horizontal: box, vertical: box) { m in
            let vx = m.xx - m.x * m.x
            let vy = m.yy - m.y * m.y
            guard vx > 1e-10, vy > 1e-10 else { return }
            total += (m.xy - m.x * m.y) / (vx * vy).squareRoot()
            used += 1
        }
        return used == 0 ? 0 : total / Double(used)
    }

    /// The normalised 1-D Gaussian that scipy.ndimage builds for `sigma` and `radius`.
    static func gaussianWindow(sigma: Double, radius: Int) -> [Double] {
        let raw = (-radius...radius).map { exp(-0.5 * Double($0 * $0) / (sigma * sigma)) }
        let sum = raw.reduce(0, +)
        return raw.map { $0 / sum }
    }

    private static func requireSameSize(_ a: GrayImage, _ b: GrayImage) throws {
        guard a.width == b.width, a.height == b.height else {
            throw MetricsError.sizeMismatch(first: "\(a.width)x\(a.height)", second: "\(b.width)x\(b.height)")
        }
    }

    private static func requireAtLeast(_ size: Int, _ image: GrayImage, metric: String) throws {
        guard image.width >= size, image.height >= size else {
            throw MetricsError.tooSmall(size: "\(image.width)x\(image.height)", needed: size, metric: metric)
        }
    }
}
