import Foundation

/// One case's anatomy as the probe sees it, on the image's pixel grid (x lateral, y depth).
///
/// - `echo`: backscatter amplitude (linear; 1 = liver parenchyma, 0 dB), the scale of the
///   scatterer field at each pixel.
/// - `attenuation`: extra one-way attenuation above the soft-tissue baseline, in dB per
///   pixel: large under air and calcium (shadows), negative in fluid (posterior enhancement).
/// - `reverberation`: echo amplitude of multiple reflections. These reach the probe along
///   a path that does not cross the shadowing structure, so they escape its extra attenuation.
struct TissueMap {
    /// Soft tissue's one-way attenuation in dB per pixel of depth: about 0.5 dB/cm/MHz at
    /// 7.5 MHz and 0.15 mm pixels. The scanner's TGC is designed to undo this.
    static let baselineAttenuation: Float = 0.06

    let width: Int
    let height: Int
    var echo: [Float]
    var attenuation: [Float]
    var reverberation: [Float]
    var landmarks: [PhantomLandmark: PixelRect] = [:]

    init(size: Int, backgroundDB: Float) {
        width = size
        height = size
        echo = [Float](repeating: decibels(backgroundDB), count: size * size)
        attenuation = [Float](repeating: 0, count: size * size)
        reverberation = [Float](repeating: 0, count: size * size)
    }

    /// Calls `body(index, x, y, weight)` for every pixel the region covers, where weight is
    /// 1 inside, 0 outside and ramps over `softness` pixels across the boundary.
    private func forEachCovered(_ region: Region, softness: Float, _ body: (Int, Float, Float, Float) -> Void) {
        // Bounds may be infinite (layers): clamp to the image before converting.
        func pixel(_ value: Float, _ limit: Int) -> Int { Int(max(0, min(Float(limit), value.rounded(.down)))) }
        let x0 = pixel(region.minX - softness, width - 1), x1 = pixel(region.maxX + softness + 1, width - 1)
        let y0 = pixel(region.minY - softness, height - 1), y1 = pixel(region.maxY + softness + 1, height - 1)
        guard x0 <= x1, y0 <= y1 else { return }
        for y in y0...y1 {
            for x in x0...x1 {
                let d = region.distance(Float(x), Float(y))
                let weight = max(0, min(1, 0.5 - d / max(softness, 1e-3)))
                if weight > 0 { body(y * width + x, Float(x), Float(y), weight) }
            }
        }
    }

    /// Fills `region` with a tissue of echogenicity `echoDB` (relative to liver) and extra
    /// attenuation `attenuation`; nil leaves that property as it was.
    mutating func paint(_ region: Region, echoDB: Float? = nil, attenuation extra: Float? = nil, softness: Float = 1.2) {
        let amplitude = echoDB.map(decibels)
        var echo = self.echo, attenuation = self.attenuation
        self.echo = []; self.attenuation = []   // keep the arrays uniquely referenced
        forEachCovered(region, softness: softness) { i, _, _, w in
            if let amplitude { echo[i] += (amplitude - echo[i]) * w }
            if let extra { attenuation[i] += (extra - attenuation[i]) * w }
        }
        self.echo = echo; self.attenuation = attenuation
    }

    /// Scales the echo inside `region` by up to ±`depthDB` following `field` (roughly ±1),
    /// or by `pattern(x, y)` in 0…1 when given: heterogeneous or striated tissue.
    mutating func texture(_ region: Region, depthDB: Float, softness: Float = 1.2, pattern: (Float, Float) -> Float) {
        var echo = self.echo
        self.echo = []
        forEachCovered(region, softness: softness) { i, x, y, w in
            echo[i] *= decibels(depthDB * pattern(x, y) * w)
        }
        self.echo = echo
    }

    mutating func texture(_ region: Region, field: SmoothField, depthDB: Float) {
        texture(region, depthDB: depthDB) { x, y in field(x, y) }
    }

    /// Adds reverberation echoes of amplitude `echoDB` inside `region`.
    mutating func addReverberation(_ region: Region, echoDB: Float, softness: Float = 1.2) {
        let amplitude = decibels(echoDB)
        var reverberation = self.reverberation
        self.reverberation = []
        forEachCovered(region, softness: softness) { i, _, _, w in reverberation[i] += amplitude * w }
        self.reverberation = reverberation
    }

    /// The echo amplitude at pixel (x, y), in dB.
    func echoDB(x: Int, y: Int) -> Float {
        20 * log10(max(echo[y * width + x], 1e-6))
    }

    mutating func mark(_ landmark: PhantomLandmark, minX: Float, minY: Float, maxX: Float, maxY: Float) {
        landmarks[landmark] = PixelRect(minX: minX, minY: minY, maxX: maxX, maxY: maxY, clippedTo: width)
    }
}

/// Amplitude ratio of `db` decibels.
@inline(__always)
func decibels(_ db: Float) -> Float { exp(db * 0.115_129_25) }   // 10^(db/20) = e^(db·ln10/20)
