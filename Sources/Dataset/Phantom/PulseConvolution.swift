import Foundation

/// A complex plane in beam space: `rows` depth samples × `columns` beam lines, row-major.
/// Complex because the simulation works on the analytic (baseband) RF signal, whose
/// magnitude is the envelope that B-mode displays.
struct ComplexPlane {
    let rows: Int
    let columns: Int
    var re: [Float]
    var im: [Float]

    init(rows: Int, columns: Int) {
        self.rows = rows
        self.columns = columns
        re = [Float](repeating: 0, count: rows * columns)
        im = re
    }
}

/// The pulse-echo point-spread function, applied as two 1-D convolutions (it is separable):
/// along depth a Gaussian envelope times the carrier exp(i·2πf·y) — the pulse; across
/// the beams a Gaussian — the focused beam profile, whose width may change with depth.
/// Both kernels have unit energy, so a field of random scatterers keeps its mean intensity
/// whatever the pulse: resolution changes the speckle size, not the brightness.
enum PulseConvolution {
    /// Gaussian taps out to 3σ, scaled to unit energy (Σ g² = 1).
    static func gaussian(sigma: Float) -> [Float] {
        let half = max(1, Int((3 * sigma).rounded(.up)))
        var taps = (-half...half).map { k -> Float in exp(-Float(k * k) / (2 * sigma * sigma)) }
        let norm = taps.reduce(0) { $0 + $1 * $1 }.squareRoot()
        for i in taps.indices { taps[i] /= norm }
        return taps
    }

    /// Gaussian taps out to 3σ that sum to 1: a smoothing filter that keeps the mean.
    static func smoothing(sigma: Float) -> [Float] {
        let taps = gaussian(sigma: sigma), sum = taps.reduce(0, +)
        return taps.map { $0 / sum }
    }

    /// The axial pulse: Gaussian envelope (σ in samples) modulated by the carrier
    /// (cycles per sample).
    static func pulse(sigma: Float, cyclesPerSample: Float) -> (re: [Float], im: [Float]) {
        let envelope = gaussian(sigma: sigma), half = envelope.count / 2
        var re = envelope, im = envelope
        for (i, g) in envelope.enumerated() {
            let phase = 2 * Float.pi * cyclesPerSample * Float(i - half)
            re[i] = g * cos(phase)
            im[i] = g * sin(phase)
        }
        return (re, im)
    }

    /// Mirrors an out-of-range index back inside 0..<count, so that edges are not darkened.
    @inline(__always)
    static func reflect(_ i: Int, _ count: Int) -> Int {
        i < 0 ? min(-i, count - 1) : (i >= count ? max(2 * count - 2 - i, 0) : i)
    }

    /// Convolves every beam line (column) with the complex axial pulse.
    static func axial(_ input: ComplexPlane, pulse: (re: [Float], im: [Float])) -> ComplexPlane {
        var output = ComplexPlane(rows: input.rows, columns: input.columns)
        let half = pulse.re.count / 2, columns = input.columns
        input.re.withUnsafeBufferPointer { ar in
            input.im.withUnsafeBufferPointer { ai in
                output.re.withUnsafeMutableBufferPointer { or in
                    output.im.withUnsafeMutableBufferPointer { oi in
                        for row in 0..<input.rows {
                            let out = row * columns
                            for k in 0..<pulse.re.count {
                                // out(y) = Σ_k h(k)·in(y − k): a true convolution, carrier sign as written.
                                let source = reflect(row - (k - half), input.rows) * columns
                                let hr = pulse.re[k], hi = pulse.im[k]
                                for c in 0..<columns {
                                    let xr = ar[source + c], xi = ai[source + c]
                                    or[out + c] += hr * xr - hi * xi
                                    oi[out + c] += hr * xi + hi * xr
                                }
                            }
                        }
                    }
                }
            }
        }
        return output
    }

    /// Convolves every depth row with its own real lateral beam profile `kernels[row]`.
    static func lateral(_ input: ComplexPlane, kernels: [[Float]]) -> ComplexPlane {
        var output = ComplexPlane(rows: input.rows, columns: input.columns)
        let columns = input.columns
        let widest = kernels.map(\.count).max() ?? 1
        var padded = [Float](repeating: 0, count: columns + widest)
        for row in 0..<input.rows {
            let kernel = kernels[row], half = kernel.count / 2
            let base = row * columns
            for part in 0..<2 {
                let source = part == 0 ? input.re : input.im
                // A reflected copy of the row, so the inner loop runs without index checks.
                for i in 0..<(columns + 2 * half) {
                    padded[i] = source[base + reflect(i - half, columns)]
                }
                var result = [Float](repeating: 0, count: columns)
                padded.withUnsafeBufferPointer { p in
                    result.withUnsafeMutableBufferPointer { r in
                        for (k, g) in kernel.enumerated() {
                            for c in 0..<columns { r[c] += g * p[c + k] }
                        }
                    }
                }
                if part == 0 {
                    output.re.replaceSubrange(base..<(base + columns), with: result)
                } else {
                    output.im.replaceSubrange(base..<(base + columns), with: result)
                }
            }
        }
        return output
    }
}
