import Foundation

/// Kidney, long axis with a curvilinear probe, seen through the liver: an ellipse with a
/// bright capsule in echogenic perirenal fat; a medium-low cortex; hypoechoic medullary
/// pyramids arranged around a bright, heterogeneous central sinus (fat and vessels).
enum KidneyPhantom {
    static func build(size: Int, rng: inout PhantomRandom) -> TissueMap {
        var t = TissueMap(size: size, backgroundDB: 0)   // liver as the acoustic window
        t.texture(.everywhere, field: SmoothField(width: size, height: size, cell: 24, rng: &rng), depthDB: 1.5)
        let fan = ProbeGeometry.Fan()
        _ = t.paintAbdominalWall(fan: fan, rng: &rng)

        // Deep to the kidney: the psoas/quadratus muscles, darker and striated.
        let muscleTop = rng.uniform(205, 225)
        let muscle = Region.layer(top: { x in muscleTop + 0.0015 * (x - 128) * (x - 128) }, bottom: { _ in 400 })
        t.paint(muscle, echoDB: -7)
        t.striate(muscle, angle: 0.3, period: 7, gainDB: 5)

        let cx = fan.apexX + rng.uniform(-15, 15), cy = rng.uniform(128, 148)
        let a = rng.uniform(70, 84), b = rng.uniform(36, 46), angle = rng.uniform(-0.35, 0.35)
        let outline = Wobble.random(strength: 0.03, rng: &rng)
        let kidney: (Float, Float) -> Region = { grow, scale in
            .ellipse(cx: cx, cy: cy, rx: a * scale + grow, ry: b * scale + grow, angle: angle, wobble: outline)
        }
        let fatRing = kidney(rng.uniform(7, 12), 1)
        t.paint(fatRing, echoDB: 5, softness: 3)
        t.texture(fatRing, field: SmoothField(width: size, height: size, cell: 6, rng: &rng), depthDB: 4)
        t.paint(kidney(2, 1), echoDB: 14)            // capsule
        t.paint(kidney(0, 1), echoDB: -7)            // cortex
        t.texture(kidney(0, 1), field: SmoothField(width: size, height: size, cell: 10, rng: &rng), depthDB: 1.5)

        // Pyramids: dark cones with their bases toward the cortex, evenly spaced around the
        // sinus but not on the long axis, which keeps the poles as pure cortex.
        let count = rng.int(6...8)
        let c = cos(angle), s = sin(angle)
        for k in 0..<count {
            let phi = (Float(k) + 0.5) * 2 * .pi / Float(count) + rng.uniform(-0.15, 0.15)
            let u = 0.64 * a * cos(phi), v = 0.62 * b * sin(phi)
            let px = cx + u * c - v * s, py = cy + u * s + v * c
            // Oriented along the local radius of the kidney.
            let radial = atan2(u * s + v * c, u * c - v * s)
            t.paint(.ellipse(cx: px, cy: py, rx: rng.uniform(10, 14), ry: rng.uniform(7, 10), angle: radial,
                             wobble: .random(strength: 0.06, rng: &rng)), echoDB: -20)
        }

        // Central sinus: fat, vessels and collecting system — bright and heterogeneous.
        let sinus = Region.ellipse(cx: cx, cy: cy, rx: 0.45 * a, ry: 0.34 * b, angle: angle,
                                   wobble: .random(strength: 0.12, count: 5, rng: &rng))
        t.paint(sinus, echoDB: 11, softness: 2.5)
        t.texture(sinus, field: SmoothField(width: size, height: size, cell: 5, rng: &rng), depthDB: 7)
        if rng.chance(0.35) {
            // A slightly distended renal pelvis: an anechoic slit in the sinus.
            t.paint(.ellipse(cx: cx, cy: cy, rx: 0.25 * a, ry: 3.5, angle: angle + rng.uniform(-0.2, 0.2)),
                    echoDB: Anatomy.fluidDB, attenuation: Anatomy.fluidAttenuation)
        }

        // Landmarks: the brightest 8×8 patch of sinus near the centre (clear of the pelvis),
        // and the cortex at one pole.
        var sinusPatch = (x: cx, y: cy, level: -Float.infinity)
        for du in stride(from: Float(-0.3), through: 0.3, by: 0.1) {
            for dv in stride(from: Float(-6), through: 6, by: 3) {
                let x = cx + du * a * c - dv * s, y = cy + du * a * s + dv * c
                let level = patchEchoDB(t, x: x, y: y)
                if level > sinusPatch.level { sinusPatch = (x, y, level) }
            }
        }
        t.mark(.kidneySinus, minX: sinusPatch.x - 4, minY: sinusPatch.y - 4, maxX: sinusPatch.x + 4, maxY: sinusPatch.y + 4)
        // Walk out along the long axis to the first 6×6 patch that is all cortex.
        var pole = (x: cx + 0.85 * a * c, y: cy + 0.85 * a * s)
        for fraction in stride(from: Float(0.7), through: 0.95, by: 0.02) {
            let x = cx + fraction * a * c, y = cy + fraction * a * s
            if allCortex(t, x: x, y: y) { pole = (x, y); break }
        }
        t.mark(.kidneyCortex, minX: pole.x - 3, minY: pole.y - 3, maxX: pole.x + 3, maxY: pole.y + 3)
        return t
    }

    /// True when the 7×7 pixels around (x, y) all have cortex-level echo (−7 ± 3 dB).
    private static func allCortex(_ t: TissueMap, x: Float, y: Float) -> Bool {
        let px = Int(x.rounded()), py = Int(y.rounded())
        for j in (py - 3)...(py + 3) {
            for i in (px - 3)...(px + 3) {
                guard i >= 0, j >= 0, i < t.width, j < t.height, abs(t.echoDB(x: i, y: j) + 7) < 3 else { return false }
            }
        }
        return true
    }

    /// Mean echo (dB) of the 8×8 pixels around (x, y).
    private static func patchEchoDB(_ t: TissueMap, x: Float, y: Float) -> Float {
        let px = Int(x.rounded()), py = Int(y.rounded())
        var sum: Float = 0
        for j in (py - 4)..<(py + 4) {
            for i in (px - 4)..<(px + 4) {
                sum += t.echoDB(x: max(0, min(t.width - 1, i)), y: max(0, min(t.height - 1, j)))
            }
        }
        return sum / 64
    }
}
