/// Estimates with their intervals, one row each, around a dashed line of no difference.
public struct ForestPlot: Sendable {
    public struct Row: Sendable {
        public var label: String
        public var estimate: Double
        public var lower: Double
        public var upper: Double
        public init(label: String, estimate: Double, lower: Double, upper: Double) {
            self.label = label
            self.estimate = estimate
            self.lower = lower
            self.upper = upper
        }
    }

    public var title: String
    public var subtitle: String?
    public var rows: [Row]
    public var xLabel: String
    public var frame: Frame

    public init(title: String, subtitle: String? = nil, rows: [Row], xLabel: String, width: Double = 720) {
        self.title = title
        self.subtitle = subtitle
        self.rows = rows
        self.xLabel = xLabel
        frame = Frame(width: width, height: 64 + 70 + Double(rows.count) * 26)
        frame.left = 20 + Double(rows.map(\.label.count).max() ?? 4) * 6.5
    }

    public var xScale: LinearScale {
        let values = rows.flatMap { [$0.lower, $0.upper, $0.estimate] }
        return LinearScale(domain: LinearScale.niceDomain(values, including: [0]), range: frame.plotX)
    }

    public func rowY(_ index: Int) -> Double { frame.plotY.lowerBound + 14 + Double(index) * 26 }

    public func svg() -> String {
        var svg = SVGDocument(width: frame.width, height: frame.height)
        let x = xScale
        svg.text(title, x: frame.width / 2, y: 20, anchor: .middle, size: 14, weight: "bold", className: "title")
        if let subtitle { svg.text(subtitle, x: frame.width / 2, y: 37, anchor: .middle, size: 11, className: "subtitle") }
        let ticks = x.ticks()
        let step = ticks.count > 1 ? ticks[1] - ticks[0] : 1
        for value in ticks {
            svg.line(x1: x(value), y1: frame.plotY.lowerBound, x2: x(value), y2: frame.plotY.upperBound,
                     stroke: Palette.grid, className: "grid")
            svg.text(tickLabel(value, step: step), x: x(value), y: frame.plotY.upperBound + 18, anchor: .middle, size: 11,
                     className: "tick-label x-tick-label")
        }
        svg.line(x1: frame.left, y1: frame.plotY.upperBound, x2: frame.width - frame.right, y2: frame.plotY.upperBound,
                 className: "axis x-axis")
        svg.line(x1: x(0), y1: frame.plotY.lowerBound, x2: x(0), y2: frame.plotY.upperBound, dash: "4 3",
                 className: "reference-line")
        svg.text(xLabel, x: (frame.plotX.lowerBound + frame.plotX.upperBound) / 2, y: frame.height - 12,
                 anchor: .middle, size: 12, className: "axis-label x-label")
        for (index, row) in rows.enumerated() {
            let y = rowY(index)
            svg.text(row.label, x: frame.left - 6, y: y + 4, anchor: .end, size: 11, className: "tick-label y-tick-label")
            let defined = row.lower.isFinite && row.upper.isFinite
            if defined {
                svg.line(x1: x(row.lower), y1: y, x2: x(row.upper), y2: y, stroke: Palette.color(0), width: 2,
                         className: "interval")
            }
            if row.estimate.isFinite {
                svg.rect(x: x(row.estimate) - 4, y: y - 4, width: 8, height: 8, fill: Palette.color(0), className: "estimate",
                         tooltip: "\(row.label): \(String(format: "%.3f", row.estimate))"
                            + (defined ? " (95% CI \(String(format: "%.3f", row.lower)) to \(String(format: "%.3f", row.upper)))" : ""))
            }
        }
        return svg.render(title: title)
    }
}
