import Foundation

/// Carotid artery, longitudinal view with a linear probe: skin, fat, the
/// sternocleidomastoid above; the vessel across the image — anechoic lumen between near
/// and far walls that show the intima-media double line; a plaque rising from the far
/// wall, sometimes with a calcified part that casts a shadow.
enum CarotidPhantom {
    static func build(size: Int, rng: inout PhantomRandom) -> TissueMap {
        let w = Float(size)
        var t = TissueMap(size: size, backgroundDB: -4)
        t.texture(.everywhere, field: SmoothField(width: size, height: size, cell: 14, rng: &rng), depthDB: 4)

        let skin = rng.uniform(3, 5)
        let fatBottom = t.paintSkinAndFat(skin: skin, fatBottom: skin + rng.uniform(8, 16), rng: &rng)

        // The vessel's centre line: nearly horizontal, gently curved.
        let radius = rng.uniform(20, 28)
        let centreDepth = rng.uniform(105, 135)
        let slope = rng.uniform(-0.02, 0.02)
        let bend = rng.uniform(0, 3), bendPeriod = rng.uniform(600, 900), bendPhase = rng.uniform(0, 2 * .pi)
        let centre: (Float) -> Float = { x in
            centreDepth + slope * (x - w / 2) + bend * sin(2 * .pi * x / bendPeriod + bendPhase)
        }

        // Sternocleidomastoid between the fat and the vessel, with its fascia.
        let muscleBottom: (Float) -> Float = { x in centre(x) - radius - 16 }
        let muscle = Region.layer(top: fatBottom, bottom: muscleBottom)
        t.paint(muscle, echoDB: -7)
        t.striate(muscle, angle: rng.uniform(-0.12, 0.12), period: rng.uniform(6, 9), gainDB: 10)
        t.paintFascia({ fatBottom($0) + 1 }, thickness: 2, echoDB: 10)
        t.paintFascia(muscleBottom, thickness: 2, echoDB: 10)

        // Walls from outside in: adventitia (bright), media (dark), intima (thin, bright),
        // then the lumen. |y − centre| bands paint near and far walls together.
        let band: (Float) -> Region = { half in .layer(top: { centre($0) - half }, bottom: { centre($0) + half }) }
        t.paint(band(radius + 7.5), echoDB: 15)
        t.paint(band(radius + 3.5), echoDB: -10)
        t.paint(band(radius + 1.5), echoDB: 2)
        t.paint(band(radius), echoDB: Anatomy.fluidDB, attenuation: Anatomy.fluidAttenuation)

        // Plaque on the far wall: an irregular heterogeneous mound bulging into the lumen.
        let plaqueX = rng.uniform(60, 196), plaqueLength = rng.uniform(40, 80)
        let plaqueHeight = radius * rng.uniform(0.3, 0.55)
        let farWall = centre(plaqueX) + radius
        let plaque = Region.ellipse(cx: plaqueX, cy: farWall + 2, rx: plaqueLength / 2, ry: plaqueHeight + 2,
                                    angle: slope, wobble: .random(strength: 0.08, count: 5, rng: &rng))
            .intersecting(Region.above(y0: farWall + 4, x0: plaqueX, slope: slope))
        t.paint(plaque, echoDB: 3, attenuation: 0.05)
        t.texture(plaque, field: SmoothField(width: size, height: size, cell: 5, rng: &rng), depthDB: 6)
        if rng.chance(0.6) {
            // Calcium: very bright, and almost opaque to sound, so a shadow falls below it.
            let cx = plaqueX + rng.uniform(-0.25, 0.25) * plaqueLength
            t.paint(.ellipse(cx: cx, cy: farWall - plaqueHeight * 0.4, rx: rng.uniform(4, 9), ry: rng.uniform(2, 3.5),
                             angle: slope), echoDB: 20, attenuation: 1.2)
        }

        // Landmarks: a stretch of lumen and far wall well clear of the plaque.
        let clearX = plaqueX < w / 2 ? min(w - 30, plaqueX + plaqueLength / 2 + 18)
                                     : max(6, plaqueX - plaqueLength / 2 - 42)
        let mid = clearX + 12
        t.mark(.vesselLumen, minX: clearX, minY: centre(mid) - radius * 0.5,
               maxX: clearX + 24, maxY: centre(mid) + radius * 0.5)
        t.mark(.vesselWall, minX: clearX + 4, minY: centre(mid) + radius + 4.5,
               maxX: clearX + 20, maxY: centre(mid) + radius + 6.5)
        return t
    }
}
