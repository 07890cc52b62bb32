import Foundation

/// How one scanner images the tissue: pulse, beam, receiver and display settings.
/// Lengths are in image pixels (about 0.15 mm), levels in dB relative to the mean echo of
/// liver-like tissue (0 dB) at the receiver.
struct ScannerSettings: Sendable {
    /// Axial σ of the pulse envelope: short pulses come from high frequency and bandwidth.
    var axialSigma: Float
    /// Carrier frequency of the pulse, cycles per pixel of depth.
    var carrierCyclesPerPixel: Float
    /// Lateral σ of the beam at its focus; a wide aperture gives a narrow beam.
    var lateralSigmaAtFocus: Float
    /// Depth of the focus and the depth of field around it (the beam widens like a
    /// Gaussian beam, σ(d) = σ₀·√(1 + ((d − focus)/depthOfField)²)).
    var focusDepth: Float
    var depthOfField: Float
    /// Attenuation grows with frequency: 1 for the high-end probe, less for a lower one.
    var attenuationScale: Float
    /// Fraction of the baseline attenuation the time-gain compensation undoes (1 = exact),
    /// and a slow error on top of it (dB, peak).
    var tgcCompensation: Float
    var tgcRippleDB: Float
    var tgcRipplePhase: Float
    /// Electronic noise at the receiver, before TGC: it rises with depth as TGC amplifies it.
    var noiseDB: Float
    /// Side-lobe and off-axis clutter: a faint speckle that fills anechoic regions.
    var clutterDB: Float
    /// Near-field haze (reverberation between the probe face and the first layers): a
    /// smooth additive signal that fades with depth.
    var hazeDB: Float
    var hazeDepth: Float
    /// Post-detection smoothing of the echo intensity (σ, pixels), as scanners do in
    /// their scan converter and speckle filter; it softens the speckle's dark nulls.
    var smoothingSigma: Float
    /// Display: gain maps 0 dB tissue to `gainDB` above black, over `dynamicRangeDB`.
    var gainDB: Float
    var dynamicRangeDB: Float

    /// A high-end cart scanner: short pulse, wide aperture with multi-zone focusing (the
    /// beam is narrow at every depth), exact TGC, quiet receiver, 60 dB dynamic range.
    static let highEnd = ScannerSettings(
        axialSigma: 1.0, carrierCyclesPerPixel: 0.25,
        lateralSigmaAtFocus: 1.3, focusDepth: 128, depthOfField: 170,
        attenuationScale: 1, tgcCompensation: 1, tgcRippleDB: 0, tgcRipplePhase: 0,
        noiseDB: -65, clutterDB: -42, hazeDB: -60, hazeDepth: 20,
        smoothingSigma: 0.6, gainDB: 28, dynamicRangeDB: 60)

    /// A handheld portable scanner of the same anatomy: lower frequency (longer pulse,
    /// less attenuation), small aperture with one fixed focus (wide beam, worse away from
    /// the focus), noisy receiver, imperfect TGC, near-field haze, lower gain and a
    /// 40–45 dB dynamic range. Drawn per case, since operators and devices vary.
    static func portable(rng: inout PhantomRandom) -> ScannerSettings {
        ScannerSettings(
            axialSigma: rng.uniform(1.8, 2.2), carrierCyclesPerPixel: rng.uniform(0.12, 0.16),
            lateralSigmaAtFocus: rng.uniform(2.8, 3.3), focusDepth: rng.uniform(90, 140),
            depthOfField: rng.uniform(80, 100),
            attenuationScale: 0.7, tgcCompensation: rng.uniform(0.55, 0.85),
            tgcRippleDB: rng.uniform(1, 3), tgcRipplePhase: rng.uniform(0, 2 * .pi),
            noiseDB: rng.uniform(-34, -30), clutterDB: rng.uniform(-24, -20),
            hazeDB: rng.uniform(-6, -3), hazeDepth: rng.uniform(25, 40),
            smoothingSigma: 1.2, gainDB: rng.uniform(17, 20), dynamicRangeDB: rng.uniform(40, 45))
    }

    /// Lateral σ of the beam at depth `depth`, pixels.
    func lateralSigma(atDepth depth: Float) -> Float {
        let offset = (depth - focusDepth) / depthOfField
        return lateralSigmaAtFocus * (1 + offset * offset).squareRoot()
    }

    /// TGC gain in dB at `depth`: the baseline round-trip attenuation, undone by the
    /// fraction `tgcCompensation`, plus the operator's slider ripple.
    func tgcDB(atDepth depth: Float) -> Float {
        let compensation = 2 * TissueMap.baselineAttenuation * attenuationScale * depth * tgcCompensation
        let ripple = tgcRippleDB * sin(2 * .pi * depth / 170 + tgcRipplePhase)
        return compensation + ripple
    }
}
