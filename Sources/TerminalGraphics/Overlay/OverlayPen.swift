import Foundation

/// Outlines drawn into an `OverlayLayer` in its pixels: the shapes any overlay (marks,
/// later a measurement or a region) is made of. Coordinates may lie outside the layer;
/// what falls outside is clipped.
public struct OverlayPen: Equatable, Sendable {
    /// Ink number (from `OverlayLayer.index(of:)`).
    public var ink: UInt8
    /// Line width in layer pixels, at least 1; grows inwards for rectangles.
    public var thickness: Int
    /// Dashes as (drawn, skipped) pixels along the path; nil for a solid line.
    public var dash: (on: Int, off: Int)?

    public init(ink: UInt8, thickness: Int = 1, dash: (on: Int, off: Int)? = nil) {
        self.ink = ink
        self.thickness = max(1, thickness)
        self.dash = dash.map { (max(1, $0.on), max(0, $0.off)) }
    }

    public static func == (a: OverlayPen, b: OverlayPen) -> Bool {
        a.ink == b.ink && a.thickness == b.thickness && a.dash?.on == b.dash?.on && a.dash?.off == b.dash?.off
    }

    /// Whether step `k` along a path is drawn.
    func draws(_ k: Int) -> Bool {
        guard let dash, dash.off > 0 else { return true }
        return k % (dash.on + dash.off) < dash.on
    }
}

extension OverlayLayer {
    /// The outline of the rectangle whose corner pixels are (left, top) and
    /// (right, bottom), inclusive.
    public mutating func strokeRectangle(left: Int, top: Int, right: Int, bottom: Int, pen: OverlayPen) {
        let right = max(left, right), bottom = max(top, bottom)
        for t in 0..<pen.thickness {
            let l = left + t, r = right - t, tp = top + t, b = bottom - t
            guard l <= r, tp <= b else { break }
            var k = 0
            // Clockwise from the top-left corner, so dashes run on round the corners.
            for x in l...r { if pen.draws(k) { plot(x: x, y: tp, ink: pen.ink) }; k += 1 }
            if tp < b { for y in (tp + 1)...b { if pen.draws(k) { plot(x: r, y: y, ink: pen.ink) }; k += 1 } }
            if l < r, tp < b { for x in stride(from: r - 1, through: l, by: -1) { if pen.draws(k) { plot(x: x, y: b, ink: pen.ink) }; k += 1 } }
            if tp + 1 < b, l < r { for y in stride(from: b - 1, to: tp, by: -1) { if pen.draws(k) { plot(x: l, y: y, ink: pen.ink) }; k += 1 } }
        }
    }

    /// Only the corners of that rectangle: L-shapes whose arms are `arm` pixels long.
    public mutating func strokeCorners(left: Int, top: Int, right: Int, bottom: Int, arm: Int, pen: OverlayPen) {
        let right = max(left, right), bottom = max(top, bottom)
        let armX = max(1, min(arm, (right - left + 1) / 2)), armY = max(1, min(arm, (bottom - top + 1) / 2))
        for t in 0..<pen.thickness {
            for d in 0..<armX {
                for y in [top + t, bottom - t] {
                    plot(x: left + d, y: y, ink: pen.ink)
                    plot(x: right - d, y: y, ink: pen.ink)
                }
            }
            for d in 0..<armY {
                for x in [left + t, right - t] {
                    plot(x: x, y: top + d, ink: pen.ink)
                    plot(x: x, y: bottom - d, ink: pen.ink)
                }
            }
        }
    }

    /// An elliptical ring around (cx, cy) with radii `rx`, `ry` (in layer pixels, so a
    /// circle on screen where layer pixels are not square), `pen.thickness` thick inwards.
    public mutating func strokeEllipse(centerX cx: Int, centerY cy: Int, radiusX rx: Double, radiusY ry: Double,
                                       pen: OverlayPen) {
        let rx = max(0.5, rx), ry = max(0.5, ry)
        // Points on the ring at angles fine enough that neighbours touch.
        let steps = max(8, Int((2 * Double.pi * max(rx, ry)).rounded(.up)) * 2)
        for t in 0..<pen.thickness {
            let ax = max(0.5, rx - Double(t)), ay = max(0.5, ry - Double(t))
            var lastPoint: (Int, Int)?
            var k = 0
            for step in 0..<steps {
                let angle = 2 * Double.pi * Double(step) / Double(steps)
                let x = cx + Int((ax * cos(angle)).rounded()), y = cy + Int((ay * sin(angle)).rounded())
                if let lastPoint, lastPoint == (x, y) { continue }
                lastPoint = (x, y)
                if pen.draws(k) { plot(x: x, y: y, ink: pen.ink) }
                k += 1
            }
        }
    }

    /// A plus sign of arms `armX`, `armY` pixels around (cx, cy), leaving `gapX`, `gapY`
    /// pixels clear on each side of the centre so what is marked stays visible.
    public mutating func strokeCross(centerX cx: Int, centerY cy: Int, armX: Int, armY: Int, gapX: Int, gapY: Int,
                                     pen: OverlayPen) {
        let half = (pen.thickness - 1) / 2
        for d in (gapX + 1)...max(gapX + 1, armX) where pen.draws(d - gapX - 1) {
            for t in -half...(pen.thickness - 1 - half) {
                plot(x: cx - d, y: cy + t, ink: pen.ink)
                plot(x: cx + d, y: cy + t, ink: pen.ink)
            }
        }
        for d in (gapY + 1)...max(gapY + 1, armY) where pen.draws(d - gapY - 1) {
            for t in -half...(pen.thickness - 1 - half) {
                plot(x: cx + t, y: cy - d, ink: pen.ink)
                plot(x: cx + t, y: cy + d, ink: pen.ink)
            }
        }
    }
}
