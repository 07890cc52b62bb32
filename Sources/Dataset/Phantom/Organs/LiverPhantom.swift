import Foundation

/// Liver with a curvilinear probe: abdominal wall, then fine homogeneous parenchyma with
/// several vessels — portal veins (bright echogenic walls) and hepatic veins (no visible
/// wall, often elongated) — and the diaphragm deep as a bright curved line.
enum LiverPhantom {
    static func build(size: Int, rng: inout PhantomRandom) -> TissueMap {
        var t = TissueMap(size: size, backgroundDB: 0)
        t.texture(.everywhere, field: SmoothField(width: size, height: size, cell: 24, rng: &rng), depthDB: 1.5)
        let fan = ProbeGeometry.Fan()
        let liverTopRadius = t.paintAbdominalWall(fan: fan, rng: &rng)

        // Diaphragm: an arc roughly concentric with the sector, deep in the image.
        let domeX = fan.apexX + rng.uniform(-50, 50)
        let domeRadius = rng.uniform(240, 280)
        let domeY = rng.uniform(185, 215) - domeRadius + rng.uniform(-10, 10)
        let diaphragm = Region.ring(cx: domeX, cy: domeY, inner: domeRadius, outer: domeRadius + rng.uniform(3, 5))
        // Beyond it the lung: its surface mirrors the liver (mirror-image artifact), fainter.
        let beyond = Region.circle(cx: domeX, cy: domeY, r: 1000).subtracting(.circle(cx: domeX, cy: domeY, r: domeRadius))
        t.paint(beyond, echoDB: -7)
        t.texture(beyond, field: SmoothField(width: size, height: size, cell: 12, rng: &rng), depthDB: 4)
        t.paint(diaphragm, echoDB: 20, softness: 1.5)

        // Vessels: placed at random inside the liver, not overlapping one another.
        var placed: [(x: Float, y: Float, r: Float)] = []
        let wanted = rng.int(4...7)
        for _ in 0..<(wanted * 20) where placed.count < wanted {
            let angle = rng.uniform(-0.8, 0.8) * fan.halfAngle
            let radius = rng.uniform(liverTopRadius + 16, domeY + domeRadius - fan.apexY - 20)
            let x = fan.apexX + radius * sin(angle), y = fan.apexY + radius * cos(angle)
            let portal = rng.chance(0.5)
            // Cut across, a vessel is a round or oval hole; cut along, a curved tube.
            let tube = rng.chance(0.55)
            let orientation = rng.uniform(-1.2, 1.2)
            let lumen: Region, wall: Region, reach: Float
            if tube {
                let length = rng.uniform(40, 90), halfWidth = rng.uniform(4.5, 8), bow = rng.uniform(-10, 10)
                let (c, s) = (cos(orientation), sin(orientation))
                let points = (0...10).map { i -> (x: Float, y: Float) in
                    let u = Float(i) / 10 - 0.5
                    let along = u * length, across = bow * (1 - 4 * u * u)
                    return (x + along * c - across * s, y + along * s + across * c)
                }
                lumen = .stroke(points, halfWidth: halfWidth)
                wall = .stroke(points, halfWidth: halfWidth + 2.5)
                reach = length / 2 + halfWidth + 3
            } else {
                let rx = rng.uniform(6, 14), ry = rx * rng.uniform(0.6, 1)
                let wobble = Wobble.random(strength: 0.04, rng: &rng)
                lumen = .ellipse(cx: x, cy: y, rx: rx, ry: ry, angle: orientation, wobble: wobble)
                wall = .ellipse(cx: x, cy: y, rx: rx + 2.5, ry: ry + 2.5, angle: orientation, wobble: wobble)
                reach = rx + 3
            }
            let distanceToDome = domeRadius - ((x - domeX) * (x - domeX) + (y - domeY) * (y - domeY)).squareRoot()
            let depth = ((x - fan.apexX) * (x - fan.apexX) + (y - fan.apexY) * (y - fan.apexY)).squareRoot()
            guard depth > liverTopRadius + reach * 0.6, distanceToDome > reach + 4, y < 240,
                  placed.allSatisfy({ (($0.x - x) * ($0.x - x) + ($0.y - y) * ($0.y - y)).squareRoot() > $0.r + reach + 4 })
            else { continue }
            // Portal veins run in fibrous sheaths: a bright rim; hepatic veins have none.
            if portal { t.paint(wall, echoDB: 13) }
            t.paint(lumen, echoDB: Anatomy.fluidDB, attenuation: Anatomy.fluidAttenuation)
            placed.append((x, y, reach))
        }

        // Landmarks: a parenchyma patch clear of vessels, and the diaphragm at the midline.
        let liverTopY = fan.apexY + liverTopRadius
        var patch = (x: fan.apexX - 12, y: liverTopY + 20)
        search: for dy in stride(from: Float(0), through: 100, by: 8) {
            for dx in [Float(0), -30, 30, -55, 55] {
                let candidate = (x: fan.apexX - 12 + dx, y: liverTopY + 20 + dy)
                if clear(t, candidate.x, candidate.y) { patch = candidate; break search }
            }
        }
        t.mark(.liverParenchyma, minX: patch.x, minY: patch.y, maxX: patch.x + 24, maxY: patch.y + 24)
        let lineY = domeY + (domeRadius * domeRadius - (fan.apexX - domeX) * (fan.apexX - domeX)).squareRoot()
        t.mark(.diaphragm, minX: fan.apexX - 6, minY: lineY + 1, maxX: fan.apexX + 6, maxY: lineY + 3)
        return t
    }

    /// True when the 24 × 24 patch at (x, y) holds only parenchyma-level echo.
    private static func clear(_ t: TissueMap, _ x: Float, _ y: Float) -> Bool {
        for py in Int(y)..<(Int(y) + 24) {
            for px in Int(x)..<(Int(x) + 24) {
                guard px >= 0, py >= 0, px < t.width, py < t.height else { return false }
                if abs(t.echoDB(x: px, y: py)) > 4 { return false }
            }
        }
        return true
    }
}
