import Foundation

/// The tissue moved between the two acquisitions: a different probe, pressed a little
/// differently, by a hand that slid a little. Modelled as a smooth displacement field —
/// a small rigid shift, a uniform axial compression from probe pressure, and a few
/// low-frequency waves — of a few pixels, applied with bilinear resampling. This keeps
/// the pair from being pixel-registered, as with the real portable/high-end pairs.
struct Deformation {
    struct Wave {
        var amplitudeX: Float, amplitudeY: Float
        var frequencyX: Float, frequencyY: Float   // cycles per image
        var phase: Float
    }

    var shiftX: Float
    var shiftY: Float
    /// Fractional axial compression: depth y moves by −compression·y.
    var compression: Float
    var waves: [Wave]

    init(rng: inout PhantomRandom) {
        // The probe sat 2–3.5 px elsewhere; the waves (at most 1.8 px together) bend the
        // tissue but never cancel that shift, so the pair is never registered by accident.
        let shift = rng.uniform(2, 3.5), direction = rng.uniform(0, 2 * .pi)
        shiftX = shift * cos(direction)
        shiftY = shift * sin(direction)
        compression = rng.sign() * rng.uniform(0.005, 0.015)
        waves = (0..<3).map { _ in
            Wave(amplitudeX: rng.uniform(-0.6, 0.6), amplitudeY: rng.uniform(-0.5, 0.5),
                 frequencyX: rng.uniform(0.3, 1.5), frequencyY: rng.uniform(0.3, 1.5),
                 phase: rng.uniform(0, 2 * .pi))
        }
    }

    /// Where the low-quality image's pixel (x, y) comes from in the undeformed image.
    func source(x: Float, y: Float) -> (x: Float, y: Float) {
        let size = Float(PhantomGenerator.imageSize)
        var dx = shiftX, dy = shiftY + compression * (y - size / 2)
        for wave in waves {
            let s = sin(2 * .pi * (wave.frequencyX * x + wave.frequencyY * y) / size + wave.phase)
            dx += wave.amplitudeX * s
            dy += wave.amplitudeY * s
        }
        return (x + dx, y + dy)
    }

    /// Resamples a square plane through the displacement field (bilinear, edges clamped).
    func apply(to plane: [Float]) -> [Float] {
        let size = PhantomGenerator.imageSize
        var output = [Float](repeating: 0, count: size * size)
        let limit = Float(size - 1) - 0.001
        plane.withUnsafeBufferPointer { p in
            for y in 0..<size {
                for x in 0..<size {
                    let (sx, sy) = source(x: Float(x), y: Float(y))
                    let gx = max(0, min(limit, sx)), gy = max(0, min(limit, sy))
                    let ix = Int(gx), iy = Int(gy), fx = gx - Float(ix), fy = gy - Float(iy)
                    let i = iy * size + ix
                    let top = p[i] + (p[i + 1] - p[i]) * fx
                    let bottom = p[i + size] + (p[i + size + 1] - p[i + size]) * fx
                    output[y * size + x] = top + (bottom - top) * fy
                }
            }
        }
        return output
    }
}
