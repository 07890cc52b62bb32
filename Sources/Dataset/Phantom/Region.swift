import Foundation

/// A piece of anatomy as an approximate signed distance in pixels (negative inside, zero
/// on the boundary), with a bounding box so that painting only visits pixels near it.
/// Distances, not hard masks, let boundaries be painted with a soft edge: real tissue
/// interfaces are not pixel-sharp, and aliased staircases would show through the speckle.
struct Region {
    var minX: Float, minY: Float, maxX: Float, maxY: Float
    var distance: (Float, Float) -> Float

    /// The whole plane.
    static var everywhere: Region {
        Region(minX: -.infinity, minY: -.infinity, maxX: .infinity, maxY: .infinity) { _, _ in -1e6 }
    }

    /// An ellipse centred at (cx, cy) with semi-axes rx along `angle` and ry across it;
    /// `wobble` perturbs the radius with angular harmonics for irregular outlines.
    static func ellipse(cx: Float, cy: Float, rx: Float, ry: Float, angle: Float = 0,
                        wobble: Wobble = .none) -> Region {
        let c = cos(angle), s = sin(angle)
        let reach = max(rx, ry) * (1 + wobble.maxAmplitude) + 3
        return Region(minX: cx - reach, minY: cy - reach, maxX: cx + reach, maxY: cy + reach) { x, y in
            let dx = x - cx, dy = y - cy
            let u = (dx * c + dy * s) / rx, v = (-dx * s + dy * c) / ry
            let rho = (u * u + v * v).squareRoot()
            let edge = wobble.isNone ? 1 : wobble.radius(atan2(v, u))
            // Scaled by the smaller semi-axis: exact for circles, close enough elsewhere.
            return (rho - edge) * min(rx, ry)
        }
    }

    static func circle(cx: Float, cy: Float, r: Float) -> Region {
        ellipse(cx: cx, cy: cy, rx: r, ry: r)
    }

    /// Everything between the curves y = top(x) and y = bottom(x): a tissue layer.
    static func layer(top: @escaping (Float) -> Float, bottom: @escaping (Float) -> Float) -> Region {
        Region(minX: -.infinity, minY: -.infinity, maxX: .infinity, maxY: .infinity) { x, y in
            max(top(x) - y, y - bottom(x))
        }
    }

    /// Everything at a distance inner…outer from (cx, cy): a layer that follows a curved
    /// probe face, or the bright arc of a curved interface.
    static func ring(cx: Float, cy: Float, inner: Float, outer: Float) -> Region {
        Region(minX: cx - outer - 2, minY: cy - outer - 2, maxX: cx + outer + 2, maxY: cy + outer + 2) { x, y in
            let rho = ((x - cx) * (x - cx) + (y - cy) * (y - cy)).squareRoot()
            return max(inner - rho, rho - outer)
        }
    }

    /// A thick line along the polyline `points`: ligaments, fascia, walls.
    static func stroke(_ points: [(x: Float, y: Float)], halfWidth: Float) -> Region {
        let xs = points.map(\.x), ys = points.map(\.y)
        let pad = halfWidth + 3
        return Region(minX: xs.min()! - pad, minY: ys.min()! - pad, maxX: xs.max()! + pad, maxY: ys.max()! + pad) { x, y in
            var best = Float.infinity
            for i in 0..<(points.count - 1) {
                let a = points[i], b = points[i + 1]
                let abx = b.x - a.x, aby = b.y - a.y
                let t = max(0, min(1, ((x - a.x) * abx + (y - a.y) * aby) / max(abx * abx + aby * aby, 1e-6)))
                let px = a.x + t * abx - x, py = a.y + t * aby - y
                best = min(best, px * px + py * py)
            }
            return best.squareRoot() - halfWidth
        }
    }

    /// The half-plane above (smaller y than) the line through (x0, y0) with the given slope.
    static func above(y0: Float, x0: Float = 0, slope: Float = 0) -> Region {
        Region(minX: -.infinity, minY: -.infinity, maxX: .infinity, maxY: .infinity) { x, y in
            y - (y0 + slope * (x - x0))
        }
    }

    func intersecting(_ other: Region) -> Region {
        let a = distance, b = other.distance
        return Region(minX: max(minX, other.minX), minY: max(minY, other.minY),
                      maxX: min(maxX, other.maxX), maxY: min(maxY, other.maxY)) { x, y in max(a(x, y), b(x, y)) }
    }

    func subtracting(_ other: Region) -> Region {
        let a = distance, b = other.distance
        return Region(minX: minX, minY: minY, maxX: maxX, maxY: maxY) { x, y in max(a(x, y), -b(x, y)) }
    }
}

/// Angular harmonics added to an ellipse's unit radius: lobulated or spiculated outlines.
struct Wobble {
    var harmonics: [(order: Float, amplitude: Float, phase: Float)]

    static let none = Wobble(harmonics: [])

    /// `count` harmonics of order 2…(1+count), each of amplitude up to `strength`.
    static func random(strength: Float, count: Int = 4, rng: inout PhantomRandom) -> Wobble {
        Wobble(harmonics: (0..<count).map { k in
            (Float(k + 2), rng.uniform(0.3, 1) * strength / Float(k + 1).squareRoot(),
             rng.uniform(0, 2 * .pi))
        })
    }

    var isNone: Bool { harmonics.isEmpty }
    var maxAmplitude: Float { harmonics.reduce(0) { $0 + abs($1.amplitude) } }

    func radius(_ theta: Float) -> Float {
        harmonics.reduce(1) { $0 + $1.amplitude * cos($1.order * theta + $1.phase) }
    }
}
