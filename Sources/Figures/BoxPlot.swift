import Foundation

/// Box plots with every point: for each group on the x axis (an organ), one box per
/// series (a model), drawn side by side. Boxes span Q1–Q3 (linear interpolation, numpy's
/// default) with the median; whiskers reach the furthest points within 1.5 IQR (Tukey);
/// every value is a point, spread sideways by a fixed pattern so the picture replays.
public struct BoxPlot: Sendable {
    public struct Series: Sendable {
        public var name: String
        /// One list of values per group, in the order of `groups`.
        public var values: [[Double]]
        /// Its place in the palette, so one model keeps one colour across figures.
        public var colorIndex: Int?
        public init(name: String, values: [[Double]], colorIndex: Int? = nil) {
            self.name = name
            self.values = values
            self.colorIndex = colorIndex
        }
    }

    public var title: String
    public var subtitle: String?
    public var groups: [String]
    public var series: [Series]
    public var xLabel: String
    public var yLabel: String
    /// A value drawn as a dashed reference line (0 for differences).
    public var referenceLine: Double?
    public var frame: Frame

    public init(title: String, subtitle: String? = nil, groups: [String], series: [Series], xLabel: String,
                yLabel: String, referenceLine: Double? = nil, width: Double = 720, height: Double = 400) {
        self.title = title
        self.subtitle = subtitle
        self.groups = groups
        self.series = series
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.referenceLine = referenceLine
        frame = Frame(width: width, height: height)
    }

    public var yScale: LinearScale {
        let all = series.flatMap { $0.values.flatMap { $0 } }
        return LinearScale(domain: LinearScale.niceDomain(all, including: referenceLine.map { [$0] } ?? []),
                           range: frame.plotY, flipped: true)
    }

    /// The centre of series `s`'s box in group `g`.
    public func centerX(group g: Int, series s: Int) -> Double {
        let band = (frame.plotX.upperBound - frame.plotX.lowerBound) / Double(max(1, groups.count))
        let slot = band / Double(series.count + 1)
        return frame.plotX.lowerBound + band * Double(g) + slot * (Double(s) + 1)
    }

    /// The sideways offset of the i-th point of a box: a fixed, repeating spread.
    public func jitter(_ index: Int) -> Double {
        let pattern: [Double] = [0, -0.5, 0.5, -0.25, 0.25, -0.75, 0.75]
        return pattern[index % pattern.count] * boxWidth / 2
    }

    public var boxWidth: Double {
        let band = (frame.plotX.upperBound - frame.plotX.lowerBound) / Double(max(1, groups.count))
        return min(36, band / Double(series.count + 1) * 0.7)
    }

    static func quantile(_ sorted: [Double], _ p: Double) -> Double {
        let position = p * Double(sorted.count - 1)
        let lower = Int(position.rounded(.down)), upper = min(lower + 1, sorted.count - 1)
        return sorted[lower] + (position - Double(lower)) * (sorted[upper] - sorted[lower])
    }

    public func svg() -> String {
        var svg = SVGDocument(width: frame.width, height: frame.height)
        let y = yScale
        frame.draw(&svg, title: title, subtitle: subtitle, xLabel: xLabel, yLabel: yLabel, y: y)
        frame.legend(&svg, series.enumerated().map { ($1.name, Palette.color($1.colorIndex ?? $0)) })
        if let referenceLine {
            svg.line(x1: frame.plotX.lowerBound, y1: y(referenceLine), x2: frame.plotX.upperBound, y2: y(referenceLine),
                     stroke: Palette.ink, dash: "4 3", className: "reference-line")
        }
        for (g, group) in groups.enumerated() {
            svg.text(group, x: centerX(group: g, series: 0) / 2 + centerX(group: g, series: series.count - 1) / 2,
                     y: frame.plotY.upperBound + 18, anchor: .middle, size: 11, className: "tick-label x-tick-label")
            for (s, entry) in series.enumerated() {
                let values = entry.values[g].filter(\.isFinite)
                let color = Palette.color(entry.colorIndex ?? s), x = centerX(group: g, series: s), half = boxWidth / 2
                if !values.isEmpty {
                    let sorted = values.sorted()
                    let q1 = Self.quantile(sorted, 0.25), median = Self.quantile(sorted, 0.5), q3 = Self.quantile(sorted, 0.75)
                    let fence = 1.5 * (q3 - q1)
                    let low = sorted.first { $0 >= q1 - fence } ?? sorted[0]
                    let high = sorted.last { $0 <= q3 + fence } ?? sorted[sorted.count - 1]
                    let summary = "\(entry.name), \(group): n = \(values.count), median \(String(format: "%.4g", median)), "
                        + "IQR \(String(format: "%.4g", q1))–\(String(format: "%.4g", q3))"
                    svg.line(x1: x, y1: y(low), x2: x, y2: y(q1), stroke: color, className: "whisker")
                    svg.line(x1: x, y1: y(q3), x2: x, y2: y(high), stroke: color, className: "whisker")
                    svg.rect(x: x - half, y: y(q3), width: boxWidth, height: y(q1) - y(q3), fill: "none", stroke: color,
                             className: "box", tooltip: summary)
                    svg.line(x1: x - half, y1: y(median), x2: x + half, y2: y(median), stroke: color, width: 2,
                             className: "median")
                }
                for (i, value) in entry.values[g].enumerated() where value.isFinite {
                    svg.circle(cx: x + jitter(i), cy: y(value), r: 2.5, fill: color, className: "point",
                               tooltip: "\(entry.name), \(group): \(String(format: "%.4g", value))")
                }
            }
        }
        return svg.render(title: title)
    }
}
