/// Colours of the figures: the Okabe–Ito palette (Okabe & Ito 2008, "Color Universal
/// Design"), told apart by people with any common colour-vision deficiency. Black is
/// kept for axes and text, so series use the other seven, in this order.
public enum Palette {
    public static let series = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442"]
    public static let ink = "#000000"
    public static let grid = "#D9D9D9"

    /// The colour of series `index` (the palette repeats past seven).
    public static func color(_ index: Int) -> String { series[index % series.count] }

    /// An ordered scale from light to dark: one hue (Okabe–Ito blue) in lightness only,
    /// readable without colour vision. `t` in 0…1.
    public static func sequential(_ t: Double) -> String {
        let clamped = t.isFinite ? min(1, max(0, t)) : 0
        let (r, g, b) = (0.0, 114.0, 178.0)
        func mix(_ channel: Double) -> Int { Int((255 - (255 - channel) * clamped).rounded()) }
        return "#" + [mix(r), mix(g), mix(b)].map { value in
            let digits = String(value, radix: 16, uppercase: true)
            return digits.count == 1 ? "0" + digits : digits
        }.joined()
    }

    /// A diverging scale for ordered categories (Likert 1…n): Okabe–Ito vermillion through
    /// light gray to blue, so the order survives colour blindness.
    public static func diverging(_ index: Int, of count: Int) -> String {
        let ramp = ["#D55E00", "#E69F00", "#BFBFBF", "#56B4E9", "#0072B2"]
        guard count > 1 else { return ramp[2] }
        let position = Double(index) / Double(count - 1) * Double(ramp.count - 1)
        return ramp[Int(position.rounded())]
    }
}
