import Foundation

/// Breast with a linear probe: skin; hypoechoic subcutaneous fat crossed by Cooper's
/// ligaments (thin bright curves); the brighter fibroglandular layer; retromammary fat;
/// the striated pectoral muscle deep; a hypoechoic irregular lesion in the glandular
/// layer, whose extra attenuation casts a posterior acoustic shadow.
enum BreastPhantom {
    static func build(size: Int, rng: inout PhantomRandom) -> TissueMap {
        let w = Float(size)
        var t = TissueMap(size: size, backgroundDB: -6)
        let skin = rng.uniform(4, 6)
        let fatBottom = t.paintSkinAndFat(skin: skin, fatBottom: skin + rng.uniform(28, 48), rng: &rng)

        // Fibroglandular layer: its upper surface is scalloped where ligaments pull at it.
        let scallop = rng.uniform(3, 7), scallopPeriod = rng.uniform(40, 70), scallopPhase = rng.uniform(0, 2 * .pi)
        let glandTop: (Float) -> Float = { x in fatBottom(x) + scallop * abs(sin(.pi * x / scallopPeriod + scallopPhase)) }
        let glandDepth = rng.uniform(150, 170), tilt = rng.uniform(-0.08, 0.08)
        let glandBottom: (Float) -> Float = { x in glandDepth + tilt * (x - w / 2) + 4 * sin(x / 37) }
        let gland = Region.layer(top: glandTop, bottom: glandBottom)
        t.paint(gland, echoDB: 3, softness: 2)
        t.texture(gland, field: SmoothField(width: size, height: size, cell: 8, rng: &rng), depthDB: 5)

        // Cooper's ligaments: from the gland surface up through the fat toward the skin,
        // curving as they go.
        let ligaments = rng.int(5...8)
        for k in 0..<ligaments {
            let x0 = (Float(k) + rng.uniform(0.2, 0.8)) * w / Float(ligaments)
            let drift = rng.uniform(-35, 35), bow = rng.uniform(-14, 14)
            let start = (x: x0, y: glandTop(x0) + rng.uniform(3, 12)), end = (x: x0 + drift, y: skin + rng.uniform(2, 8))
            let points = (0...12).map { i -> (x: Float, y: Float) in
                let u = Float(i) / 12
                return (start.x + (end.x - start.x) * u + bow * 4 * u * (1 - u), start.y + (end.y - start.y) * u)
            }
            t.paint(.stroke(points, halfWidth: 0.8), echoDB: 12, softness: 1)
        }

        // Retromammary fat, then the pectoralis major with its fibres and fasciae.
        let pectoralTop: (Float) -> Float = { x in glandBottom(x) + 14 + 3 * sin(x / 51) }
        let pectoralBottom: (Float) -> Float = { x in pectoralTop(x) + 45 }
        let retromammary = Region.layer(top: glandBottom, bottom: pectoralTop)
        t.paint(retromammary, echoDB: -11)
        t.texture(retromammary, field: SmoothField(width: size, height: size, cell: 9, rng: &rng), depthDB: 4)
        let pectoral = Region.layer(top: pectoralTop, bottom: pectoralBottom)
        t.paint(pectoral, echoDB: -8)
        t.striate(pectoral, angle: tilt + rng.uniform(-0.15, 0.15), period: rng.uniform(7, 10), gainDB: 12)
        t.paintFascia(pectoralTop, thickness: 2, echoDB: 11)
        t.paintFascia(pectoralBottom, thickness: 2, echoDB: 11)

        // The lesion: hypoechoic, taller-than-usual irregular ellipse with angular margins;
        // it attenuates more than the gland, so the tissue behind it is shadowed.
        let cx = rng.uniform(80, 176)
        let rx = rng.uniform(20, 32), ry = rng.uniform(14, 22)
        let cy = (glandTop(cx) + glandBottom(cx)) / 2 + rng.uniform(-8, 8)
        let lesion = Region.ellipse(cx: cx, cy: cy, rx: rx, ry: ry, angle: rng.uniform(-0.3, 0.3),
                                    wobble: .random(strength: 0.2, count: 7, rng: &rng))
        t.paint(lesion, echoDB: -16, attenuation: rng.uniform(0.18, 0.28), softness: 1.5)
        t.texture(lesion, field: SmoothField(width: size, height: size, cell: 6, rng: &rng), depthDB: 3)

        let bottom = cy + ry * 1.3
        t.mark(.lesion, minX: cx - rx * 0.4, minY: cy - ry * 0.4, maxX: cx + rx * 0.4, maxY: cy + ry * 0.4)
        t.mark(.belowLesion, minX: cx - rx * 0.4, minY: bottom + 6, maxX: cx + rx * 0.4, maxY: min(w - 4, bottom + 46))
        // Beside: the same depths on whichever side has more room.
        let side: Float = cx < w / 2 ? 1 : -1
        let besideX = cx + side * (rx * 1.6 + 30)
        t.mark(.besideLesion, minX: besideX - rx * 0.4, minY: bottom + 6, maxX: besideX + rx * 0.4, maxY: min(w - 4, bottom + 46))
        return t
    }
}
