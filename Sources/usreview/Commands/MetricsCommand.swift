import ArgumentParser
import Dataset
import Foundation
import Metrics

struct MetricsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "metrics",
        abstract: "SSIM, PSNR, LNCC and LPIPS of an image against a reference.",
        discussion: """
            SSIM: 11x11 Gaussian (sigma 1.5), K1 0.01, K2 0.03, data range 255, mean over the \
            interior (scikit-image's gaussian_weights=True convention). PSNR on 8-bit values. \
            LNCC: Pearson r in every box window inside the image, averaged. LPIPS: AlexNet v0.1, \
            when its weights are installed (scripts/fetch-lpips-weights).

            Example:
              usreview metrics enhanced.png high.png --json
            """
    )

    @Argument(help: "The image to score.")
    var image: String

    @Argument(help: "The reference (high-quality) image.")
    var reference: String

    @Option(name: .customLong("lncc-window"), help: "LNCC box window: odd, 3 to 31 (9 is the usual; 11 the other common choice).", transform: NumericRange.lnccWindow.parse)
    var lnccWindow: Int = 9

    @Flag(help: "Print JSON: ssim, psnr, lncc, lpips (null without weights) and the conventions.")
    var json = false

    func run() throws {
        let lpips = try LPIPS.loadInstalled()
        let scores = try PairScorer(lnccWindow: lnccWindow, lpips: lpips)
            .score(try PNGCodec.read(URL(fileURLWithPath: image)), against: try PNGCodec.read(URL(fileURLWithPath: reference)))
        if json {
            printJSON(try MetricsJSON(scores: scores, lnccWindow: lnccWindow).encoded())
        } else {
            printText(String(format: "SSIM  %.6f\nPSNR  %.4f dB\nLNCC  %.6f (%dx%d)", scores.ssim, scores.psnr, scores.lncc,
                         lnccWindow, lnccWindow))
            printText(scores.lpips.map { String(format: "LPIPS %.6f", $0) } ?? "LPIPS unavailable: \(LPIPS.installHint)")
        }
    }
}
