import Dataset

/// The four full-reference metrics of the USEnhance papers for one image against its
/// high-quality reference.
public struct PairScores: Codable, Equatable, Sendable {
    public var ssim: Double
    public var psnr: Double
    public var lncc: Double
    /// Nil when the LPIPS weights are not installed.
    public var lpips: Double?

    public init(ssim: Double, psnr: Double, lncc: Double, lpips: Double?) {
        self.ssim = ssim
        self.psnr = psnr
        self.lncc = lncc
        self.lpips = lpips
    }
}

/// A metric of `PairScores`, with the direction that counts as better.
public enum MetricName: String, CaseIterable, Codable, Sendable {
    case ssim, psnr, lncc, lpips

    /// The seed paper's Table 2 order.
    public static let paperOrder: [MetricName] = [.lncc, .ssim, .psnr, .lpips]

    /// The column heading: "PSNR (dB)".
    public var label: String { self == .psnr ? "PSNR (dB)" : rawValue.uppercased() }

    /// LPIPS is a distance: lower is better. The others are similarities.
    public var higherIsBetter: Bool { self != .lpips }

    public func value(of scores: PairScores) -> Double? {
        switch self {
        case .ssim: return scores.ssim
        case .psnr: return scores.psnr
        case .lncc: return scores.lncc
        case .lpips: return scores.lpips
        }
    }
}

/// Computes `PairScores`, with LPIPS when a network is given.
public struct PairScorer: Sendable {
    public var lnccWindow: Int
    public var lpips: LPIPS?

    public init(lnccWindow: Int = 9, lpips: LPIPS? = nil) {
        self.lnccWindow = lnccWindow
        self.lpips = lpips
    }

    public func score(_ image: GrayImage, against reference: GrayImage) throws -> PairScores {
        PairScores(ssim: try ImageMetrics.ssim(image, reference),
                   psnr: try ImageMetrics.psnr(image, reference),
                   lncc: try ImageMetrics.lncc(image, reference, window: lnccWindow),
                   lpips: try lpips?.distance(image, reference))
    }
}
