import Foundation

/// A linear map from data values to SVG coordinates.
public struct LinearScale: Sendable, Equatable {
    public var domain: ClosedRange<Double>
    public var range: ClosedRange<Double>
    /// SVG's y axis points down: a flipped scale maps the domain's low end to the range's high end.
    public var flipped: Bool

    public init(domain: ClosedRange<Double>, range: ClosedRange<Double>, flipped: Bool = false) {
        self.domain = domain.lowerBound == domain.upperBound
            ? (domain.lowerBound - 0.5)...(domain.upperBound + 0.5) : domain
        self.range = range
        self.flipped = flipped
    }

    public func callAsFunction(_ value: Double) -> Double {
        let t = (value - domain.lowerBound) / (domain.upperBound - domain.lowerBound)
        let span = range.upperBound - range.lowerBound
        return flipped ? range.upperBound - t * span : range.lowerBound + t * span
    }

    /// Round tick values (1, 2 or 5 × 10^k apart), about `count` of them inside the domain.
    public func ticks(_ count: Int = 5) -> [Double] {
        let span = domain.upperBound - domain.lowerBound
        guard span > 0, span.isFinite else { return [domain.lowerBound] }
        let raw = span / Double(max(1, count))
        let magnitude = pow(10, floor(log10(raw)))
        let step = [1.0, 2, 5, 10].map { $0 * magnitude }.first { $0 >= raw } ?? 10 * magnitude
        var ticks: [Double] = []
        var value = ceil(domain.lowerBound / step) * step
        while value <= domain.upperBound + step * 1e-9 {
            // Printed and read back to 12 digits: 3 × 0.2 is 0.6, not 0.6000000000000001.
            ticks.append(abs(value) < step * 1e-9 ? 0 : Double(String(format: "%.12g", value)) ?? value)
            value += step
        }
        return ticks
    }

    /// The domain widened to round values around `values` (with `padding` of the span).
    public static func niceDomain(_ values: [Double], padding: Double = 0.05,
                                  including fixed: [Double] = []) -> ClosedRange<Double> {
        let finite = (values + fixed).filter(\.isFinite)
        guard let low = finite.min(), let high = finite.max() else { return 0...1 }
        let span = high - low
        let pad = span == 0 ? max(abs(low) * 0.1, 0.5) : span * padding
        return (low - pad)...(high + pad)
    }
}

/// Numbers on axes and in labels: as few digits as the step between ticks needs.
public func tickLabel(_ value: Double, step: Double) -> String {
    let digits = step >= 1 || step <= 0 ? 0 : min(6, Int(ceil(-log10(step) - 1e-9)))
    return String(format: "%.\(digits)f", value)
}
