import Foundation

/// The JSON of `usreview metrics`: the four values and the conventions behind them.
public struct MetricsJSON: Encodable {
    public var ssim: Double
    public var psnr: Double
    public var lncc: Double
    public var lpips: Double?
    public var conventions: [String: String]

    public init(scores: PairScores, lnccWindow: Int) {
        ssim = scores.ssim
        psnr = scores.psnr
        lncc = scores.lncc
        lpips = scores.lpips
        conventions = [
            "ssim": "Wang et al. 2004: 11x11 Gaussian sigma 1.5, K1 0.01, K2 0.03, data range 255, population covariance, mean over the interior (scikit-image gaussian_weights=True, use_sample_covariance=False)",
            "psnr": "10 log10(255^2 / MSE) on 8-bit values",
            "lncc": "Pearson r in every \(lnccWindow)x\(lnccWindow) box window inside the image, population moments, windows with variance <= 1e-10 skipped, mean",
            "lpips": lpips == nil ? "unavailable: \(LPIPS.installHint)" : "AlexNet v0.1, gray replicated to 3 channels, x/127.5-1",
        ]
    }

    enum CodingKeys: String, CodingKey { case ssim, psnr, lncc, lpips, conventions }

    /// Written out so that a missing LPIPS is `"lpips": null`, not an absent key.
    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(ssim, forKey: .ssim)
        try container.encode(psnr, forKey: .psnr)
        try container.encode(lncc, forKey: .lncc)
        if let lpips { try container.encode(lpips, forKey: .lpips) } else { try container.encodeNil(forKey: .lpips) }
        try container.encode(conventions, forKey: .conventions)
    }

    public func encoded() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return String(decoding: try encoder.encode(self), as: UTF8.self)
    }
}
