import Foundation

/// Thyroid, transverse view with a linear probe: skin, fat, strap muscles; two lobes
/// joined by the isthmus across the midline; the trachea behind the isthmus (bright
/// anterior wall, then air: shadow with reverberations); the carotid arteries lateral to
/// the lobes; longus colli muscles deep.
enum ThyroidPhantom {
    static func build(size: Int, rng: inout PhantomRandom) -> TissueMap {
        let w = Float(size)
        var t = TissueMap(size: size, backgroundDB: -6)   // deep neck soft tissue
        t.texture(.everywhere, field: SmoothField(width: size, height: size, cell: 16, rng: &rng), depthDB: 3)

        let mid = w / 2 + rng.uniform(-10, 10)
        let skin = rng.uniform(3, 5)
        let fatBottom = t.paintSkinAndFat(skin: skin, fatBottom: skin + rng.uniform(10, 16), rng: &rng)

        // Strap muscles: flat hypoechoic bands either side of the midline over the gland,
        // and the bigger sternocleidomastoid further out.
        let strapTop = fatBottom(mid) + 1, strapThickness = rng.uniform(18, 26)
        let isthmusTop = strapTop + strapThickness + 2
        for side: Float in [-1, 1] {
            let strap = Region.ellipse(cx: mid + side * 42, cy: strapTop + strapThickness / 2,
                                       rx: 48, ry: strapThickness / 2, angle: side * 0.1)
            t.paint(strap, echoDB: -8)
            t.striate(strap, angle: side * 0.1, period: 5, gainDB: 5)
            let scm = Region.ellipse(cx: mid + side * rng.uniform(100, 112), cy: strapTop + rng.uniform(6, 12),
                                     rx: rng.uniform(34, 42), ry: rng.uniform(12, 17), angle: -side * 0.25)
            t.paint(scm, echoDB: -8)
            t.striate(scm, angle: -side * 0.25, period: 6, gainDB: 5)
        }
        t.paintFascia({ _ in isthmusTop - 1.5 }, thickness: 1.5, echoDB: 6)

        // Trachea position decides the isthmus and lobes around it.
        let tracheaRadius = rng.uniform(28, 36)
        let isthmusThickness = rng.uniform(10, 16)
        let tracheaY = isthmusTop + isthmusThickness + tracheaRadius + 2

        // Lobes: homogeneous, a little brighter than muscle and liver, beside the trachea.
        let gland = SmoothField(width: size, height: size, cell: 7, rng: &rng)
        var lobeCentres: [(x: Float, y: Float)] = []
        for side: Float in [-1, 1] {
            let rx = rng.uniform(34, 42), ry = rng.uniform(48, 60)
            let cx = mid + side * (tracheaRadius + rx * 0.75 + rng.uniform(0, 6))
            let cy = isthmusTop + ry * 0.9 + rng.uniform(0, 6)
            let lobe = Region.ellipse(cx: cx, cy: cy, rx: rx, ry: ry, angle: side * rng.uniform(0.1, 0.35),
                                      wobble: .random(strength: 0.05, rng: &rng))
            t.paint(lobe, echoDB: 4, softness: 2)
            t.texture(lobe, field: gland, depthDB: 1.5)
            lobeCentres.append((cx, cy))
        }
        let isthmus = Region.ellipse(cx: mid, cy: isthmusTop + isthmusThickness / 2,
                                     rx: tracheaRadius + 24, ry: isthmusThickness / 2 + 1)
        t.paint(isthmus, echoDB: 4, softness: 2)
        t.texture(isthmus, field: gland, depthDB: 1.5)

        // A nodule in some cases: hypo- or iso-echoic with a thin dark halo.
        if rng.chance(0.4) {
            let lobe = lobeCentres[rng.int(0...1)], r = rng.uniform(7, 13)
            let nx = lobe.x + rng.uniform(-8, 8), ny = lobe.y + rng.uniform(-8, 8)
            t.paint(.circle(cx: nx, cy: ny, r: r + 1.5), echoDB: -14)
            t.paint(.ellipse(cx: nx, cy: ny, rx: r, ry: r * rng.uniform(0.8, 1),
                             wobble: .random(strength: 0.05, rng: &rng)), echoDB: rng.uniform(-8, 2))
        }

        paintTrachea(&t, centreX: mid, centreY: tracheaY, radius: tracheaRadius, rng: &rng)

        // Common carotid arteries lateral to the lobes: round anechoic lumen, bright wall.
        for (index, side) in [Float(-1), 1].enumerated() {
            let r = rng.uniform(15, 20)
            let cx = lobeCentres[index].x + side * rng.uniform(36, 42)
            let cy = lobeCentres[index].y + rng.uniform(5, 20)
            t.paint(.circle(cx: cx, cy: cy, r: r + 2), echoDB: 12)
            t.paint(.circle(cx: cx, cy: cy, r: r), echoDB: Anatomy.fluidDB, attenuation: Anatomy.fluidAttenuation)
        }

        // Longus colli muscles deep to the lobes, then the vertebral body: bone reflects
        // brightly and passes almost nothing, so its surface is a bright arc over a shadow.
        let deep = (lobeCentres[0].y + lobeCentres[1].y) / 2 + 48
        for side: Float in [-1, 1] {
            let muscle = Region.ellipse(cx: mid + side * 42, cy: deep + 14, rx: 36, ry: 15)
            t.paint(muscle, echoDB: -10)
            t.striate(muscle, angle: side * 0.2, period: 6, gainDB: 4)
        }
        let bone: (Float) -> Float = { x in max(deep + 62, 226) + 0.0008 * (x - mid) * (x - mid) }
        t.paint(.layer(top: { bone($0) + 1.5 }, bottom: { _ in 1000 }), echoDB: -12, attenuation: 1.5)
        t.paintFascia(bone, thickness: 3, echoDB: 16)

        t.mark(.thyroidLobe, minX: lobeCentres[0].x - 8, minY: lobeCentres[0].y - 8,
               maxX: lobeCentres[0].x + 8, maxY: lobeCentres[0].y + 8)
        t.mark(.tracheaShadow, minX: mid - tracheaRadius * 0.4, minY: tracheaY + tracheaRadius + 6,
               maxX: mid + tracheaRadius * 0.4, maxY: min(w - 4, tracheaY + tracheaRadius + 40))
        return t
    }

    /// The trachea: a hypoechoic cartilage ring whose inner surface meets air. Only the
    /// anterior wall is seen — a bright arc; the air behind it reflects everything back,
    /// which leaves a shadow and repeated arcs (reverberations between probe and air).
    private static func paintTrachea(_ t: inout TissueMap, centreX: Float, centreY: Float, radius: Float,
                                     rng: inout PhantomRandom) {
        t.paint(.circle(cx: centreX, cy: centreY, r: radius + 4), echoDB: -16)       // cartilage
        let front = Region.above(y0: centreY - radius * 0.3)
        t.paint(Region.ring(cx: centreX, cy: centreY, inner: radius - 2, outer: radius).intersecting(front), echoDB: 20)
        t.paint(.circle(cx: centreX, cy: centreY, r: radius - 2), echoDB: -30, attenuation: Anatomy.airAttenuation)
        // Reverberations: copies of the anterior arc, one gap deeper each time and
        // weaker, seen only inside the air column (the shadow below the trachea stays clean).
        let gap = rng.uniform(9, 13)
        for k in 1...4 {
            let shift = gap * Float(k)
            let arc = Region.ring(cx: centreX, cy: centreY + shift, inner: radius - 2, outer: radius)
                .intersecting(Region.above(y0: centreY + shift - radius * 0.3))
                .intersecting(.circle(cx: centreX, cy: centreY, r: radius - 3))
            t.addReverberation(arc, echoDB: 14 - 6 * Float(k))
        }
    }
}
