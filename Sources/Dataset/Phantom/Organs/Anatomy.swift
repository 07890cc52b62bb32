import Foundation

/// The echogenicity maps of the five organs, each in its own file. Levels are in dB
/// relative to liver parenchyma; typical values: specular walls and fascia +10…+20,
/// thyroid +3, muscle −5…−8, fat −10…−12, hypoechoic lesions −20, blood −40.
enum Anatomy {
    static func tissue(of organ: Organ, size: Int, rng: inout PhantomRandom) -> TissueMap {
        switch organ {
        case .thyroid: return ThyroidPhantom.build(size: size, rng: &rng)
        case .carotid: return CarotidPhantom.build(size: size, rng: &rng)
        case .liver: return LiverPhantom.build(size: size, rng: &rng)
        case .kidney: return KidneyPhantom.build(size: size, rng: &rng)
        case .breast: return BreastPhantom.build(size: size, rng: &rng)
        }
    }

    /// Echo of flowing blood or other clear fluid: almost nothing scatters.
    static let fluidDB: Float = -40
    /// Fluid attenuates far less than tissue, so what lies behind it looks brighter.
    static let fluidAttenuation: Float = -0.045
    /// Air reflects nearly everything and passes nothing on: a complete shadow.
    static let airAttenuation: Float = 4
}

extension TissueMap {
    /// Skin (a bright line) over subcutaneous fat whose lower boundary undulates:
    /// the first layers of every superficial view. Returns the fat's bottom curve.
    mutating func paintSkinAndFat(skin: Float, fatBottom: Float, rng: inout PhantomRandom) -> (Float) -> Float {
        let amplitude = rng.uniform(1, 3), period = rng.uniform(80, 160), phase = rng.uniform(0, 2 * .pi)
        let bottom: (Float) -> Float = { x in fatBottom + amplitude * sin(2 * .pi * x / period + phase) }
        paint(.layer(top: { _ in -10 }, bottom: { _ in skin }), echoDB: 10)
        paint(.layer(top: { _ in skin }, bottom: bottom), echoDB: -11)
        let lobules = SmoothField(width: width, height: height, cell: 9, rng: &rng)
        texture(.layer(top: { _ in skin }, bottom: bottom), field: lobules, depthDB: 4)
        return bottom
    }

    /// A thin bright interface (fascia, capsule) along y = curve(x).
    mutating func paintFascia(_ curve: @escaping (Float) -> Float, thickness: Float = 2, echoDB: Float = 10) {
        paint(.layer(top: { curve($0) - thickness / 2 }, bottom: { curve($0) + thickness / 2 }), echoDB: echoDB)
    }

    /// Muscle fibres seen along their length: thin bright lines at a slight angle.
    mutating func striate(_ region: Region, angle: Float, period: Float, gainDB: Float) {
        let c = cos(angle), s = sin(angle)
        texture(region, depthDB: gainDB) { x, y in
            let phase = 2 * Float.pi * (y * c + x * s) / period
            let ridge = max(0, cos(phase)), squared = ridge * ridge
            return squared * squared - 0.25
        }
    }

    /// The abdominal wall under a curved probe: skin, fat, muscle and the peritoneum, in
    /// arcs around the probe's apex. Returns the radius where the organ starts.
    mutating func paintAbdominalWall(fan: ProbeGeometry.Fan, rng: inout PhantomRandom) -> Float {
        let (cx, cy) = (fan.apexX, fan.apexY)
        var r = fan.faceRadius - 10
        let skin = rng.uniform(3, 5), fat = rng.uniform(10, 22), muscle = rng.uniform(12, 22)
        paint(.ring(cx: cx, cy: cy, inner: r, outer: fan.faceRadius + skin), echoDB: 10)
        r = fan.faceRadius + skin
        paint(.ring(cx: cx, cy: cy, inner: r, outer: r + fat), echoDB: -11)
        let lobules = SmoothField(width: width, height: height, cell: 10, rng: &rng)
        texture(.ring(cx: cx, cy: cy, inner: r, outer: r + fat), field: lobules, depthDB: 4)
        r += fat
        paint(.ring(cx: cx, cy: cy, inner: r - 1, outer: r + 1), echoDB: 10)
        paint(.ring(cx: cx, cy: cy, inner: r + 1, outer: r + muscle), echoDB: -6)
        striate(.ring(cx: cx, cy: cy, inner: r + 1, outer: r + muscle), angle: 0.15, period: 6, gainDB: 7)
        r += muscle
        paint(.ring(cx: cx, cy: cy, inner: r, outer: r + 2.5), echoDB: 12)   // peritoneum and capsule
        return r + 2.5
    }
}
