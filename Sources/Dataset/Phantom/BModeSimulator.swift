import Foundation

/// Simulates B-mode images of one piece of tissue with different scanners.
///
/// The tissue is a field of random scatterers (complex Gaussian: many sub-resolution
/// scatterers per cell with random phase) scaled by the echogenicity map, plus a few
/// strong point reflectors. It is drawn once, so every scanner images the same tissue.
/// Per scanner: attenuation → pulse-echo PSF → electronic noise → TGC → haze →
/// envelope detection → log compression → scan conversion.
struct BModeSimulator {
    let geometry: ProbeGeometry
    /// Unit scatterers (E|z|² = 1) in beam space, rows = depth samples.
    private let scatterers: ComplexPlane
    /// Tissue properties sampled along the beams.
    private let echo: [Float]
    private let reverberation: [Float]
    /// Cumulative extra one-way attenuation (dB) from the probe down to each sample.
    private let extraAttenuation: [Float]
    /// Sparse strong reflectors (specular fragments, micro-calcifications): beam-space
    /// index and complex amplitude.
    private let pointReflectors: [(index: Int, re: Float, im: Float)]

    private var rows: Int { ProbeGeometry.samples }
    private var columns: Int { ProbeGeometry.lines }

    init(tissue: TissueMap, geometry: ProbeGeometry, rng: inout PhantomRandom) {
        self.geometry = geometry
        let rows = ProbeGeometry.samples, columns = ProbeGeometry.lines
        var echo = [Float](repeating: 0, count: rows * columns)
        var reverberation = echo, extra = echo
        for line in 0..<columns {
            var cumulative: Float = 0
            for sample in 0..<rows {
                let (x, y) = geometry.position(line: line, sample: sample)
                let i = sample * columns + line
                echo[i] = Self.bilinear(tissue.echo, tissue.width, x, y)
                reverberation[i] = Self.bilinear(tissue.reverberation, tissue.width, x, y)
                // Attenuation accrues on the way down to this sample (half of its own cell).
                let local = Self.bilinear(tissue.attenuation, tissue.width, x, y) * geometry.sampleSpacing
                extra[i] = cumulative + local / 2
                cumulative += local
            }
        }
        var field = ComplexPlane(rows: rows, columns: columns)
        for i in 0..<(rows * columns) {
            let z = rng.complexNormal()
            field.re[i] = z.re
            field.im[i] = z.im
        }
        var points: [(index: Int, re: Float, im: Float)] = []
        let wanted = rng.int(15...30)
        for _ in 0..<(wanted * 4) where points.count < wanted {
            let i = rng.int(0...(rows * columns - 1))
            // Only in solid tissue: fluid has no reflectors, and reverberation is no tissue.
            guard echo[i] > decibels(-12), reverberation[i] == 0 else { continue }
            let amplitude = echo[i] * rng.uniform(4, 9), phase = rng.uniform(0, 2 * .pi)
            points.append((i, amplitude * cos(phase), amplitude * sin(phase)))
        }
        scatterers = field
        self.echo = echo
        self.reverberation = reverberation
        extraAttenuation = extra
        pointReflectors = points
    }

    /// The image this scanner makes, as gray levels 0…255 (unrounded), black outside the
    /// field of view. `receiver` draws the scanner's own noise and clutter.
    func image(_ settings: ScannerSettings, receiver rng: inout PhantomRandom) -> [Float] {
        var echoes = attenuatedScatterers(settings, rng: &rng)
        echoes = PulseConvolution.axial(echoes, pulse: PulseConvolution.pulse(
            sigma: settings.axialSigma / geometry.sampleSpacing,
            cyclesPerSample: settings.carrierCyclesPerPixel * geometry.sampleSpacing))
        echoes = PulseConvolution.lateral(echoes, kernels: (0..<rows).map { sample in
            PulseConvolution.gaussian(sigma: settings.lateralSigma(atDepth: geometry.depth(sample: sample))
                                      / geometry.lineSpacing(sample: sample))
        })
        receive(&echoes, settings, rng: &rng)
        return geometry.scanConvert(logCompress(echoes, settings))
    }

    /// The scatterer field each scanner insonifies: scaled by echogenicity and by the
    /// round-trip attenuation down to each depth (frequency-dependent), plus point
    /// reflectors, reverberations (which skip the shadowing) and the scanner's clutter.
    private func attenuatedScatterers(_ settings: ScannerSettings, rng: inout PhantomRandom) -> ComplexPlane {
        var field = ComplexPlane(rows: rows, columns: columns)
        let clutter = decibels(settings.clutterDB)
        var total = [Float](repeating: 0, count: rows * columns)
        for sample in 0..<rows {
            let baseline = TissueMap.baselineAttenuation * geometry.depth(sample: sample)
            // Two-way: the pulse goes down and the echo comes back up.
            let baseGain = decibels(-2 * settings.attenuationScale * baseline)
            for line in 0..<columns {
                let i = sample * columns + line
                total[i] = decibels(-2 * settings.attenuationScale * (baseline + extraAttenuation[i]))
                let amplitude = echo[i] * total[i] + reverberation[i] * baseGain
                let c = rng.complexNormal()
                field.re[i] = scatterers.re[i] * amplitude + c.re * clutter * baseGain
                field.im[i] = scatterers.im[i] * amplitude + c.im * clutter * baseGain
            }
        }
        for point in pointReflectors {
            field.re[point.index] += point.re * total[point.index]
            field.im[point.index] += point.im * total[point.index]
        }
        return field
    }

    /// The receiver: electronic noise enters before the TGC amplifier, so it grows with
    /// depth; near-field haze is added on top, strongest just under the probe.
    private func receive(_ signal: inout ComplexPlane, _ settings: ScannerSettings, rng: inout PhantomRandom) {
        let noise = decibels(settings.noiseDB), haze = decibels(settings.hazeDB)
        let size = PhantomGenerator.imageSize
        let hazeRe = SmoothField(width: size, height: size, cell: 28, rng: &rng)
        let hazeIm = SmoothField(width: size, height: size, cell: 28, rng: &rng)
        for sample in 0..<rows {
            let depth = geometry.depth(sample: sample)
            let gain = decibels(settings.tgcDB(atDepth: depth))
            let hazeLevel = haze * exp(-depth / settings.hazeDepth)
            for line in 0..<columns {
                let i = sample * columns + line
                let n = rng.complexNormal()
                var re = (signal.re[i] + n.re * noise) * gain
                var im = (signal.im[i] + n.im * noise) * gain
                if hazeLevel > 1e-4 {
                    let (x, y) = geometry.position(line: line, sample: sample)
                    re += hazeLevel * hazeRe(x, y)
                    im += hazeLevel * hazeIm(x, y)
                }
                signal.re[i] = re
                signal.im[i] = im
            }
        }
    }

    /// Envelope detection (magnitude of the analytic signal), a light smoothing of the
    /// intensity, and log compression: the display maps `gainDB − dynamicRangeDB`…`gainDB`
    /// above the tissue level onto 0…255.
    private func logCompress(_ signal: ComplexPlane, _ settings: ScannerSettings) -> [Float] {
        var power = ComplexPlane(rows: rows, columns: columns)
        for i in power.re.indices {
            power.re[i] = signal.re[i] * signal.re[i] + signal.im[i] * signal.im[i]
        }
        if settings.smoothingSigma > 0 {
            // The same filter code as the pulse, on a real plane (imaginary part stays 0).
            let taps = PulseConvolution.smoothing(sigma: settings.smoothingSigma / geometry.sampleSpacing)
            power = PulseConvolution.axial(power, pulse: (taps, [Float](repeating: 0, count: taps.count)))
            power = PulseConvolution.lateral(power, kernels: (0..<rows).map { sample in
                PulseConvolution.smoothing(sigma: settings.smoothingSigma / geometry.lineSpacing(sample: sample))
            })
        }
        let scale = 255 / settings.dynamicRangeDB
        return power.re.map { p in
            max(0, min(255, (10 * log10(max(p, 1e-12)) + settings.gainDB) * scale))
        }
    }

    /// Bilinear sample of a `size` × `size` plane at (x, y), clamped at the edges.
    private static func bilinear(_ plane: [Float], _ size: Int, _ x: Float, _ y: Float) -> Float {
        let gx = max(0, min(Float(size - 1) - 0.001, x)), gy = max(0, min(Float(size - 1) - 0.001, y))
        let ix = Int(gx), iy = Int(gy), fx = gx - Float(ix), fy = gy - Float(iy)
        let i = iy * size + ix
        let top = plane[i] + (plane[i + 1] - plane[i]) * fx
        let bottom = plane[i + size] + (plane[i + size + 1] - plane[i + size]) * fx
        return top + (bottom - top) * fy
    }
}
