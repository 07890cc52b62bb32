/// Horizontal bars of 100 %, one per row (a model in an organ), split into the shares of
/// each ordered category (Likert 1…n), lowest on the left.
public struct StackedBars: Sendable {
    public struct Row: Sendable {
        public var label: String
        public var counts: [Int]
        public init(label: String, counts: [Int]) {
            self.label = label
            self.counts = counts
        }
    }

    public var title: String
    public var subtitle: String?
    public var categories: [String]
    public var rows: [Row]
    public var xLabel: String
    public var frame: Frame

    public init(title: String, subtitle: String? = nil, categories: [String], rows: [Row], xLabel: String,
                width: Double = 720) {
        self.title = title
        self.subtitle = subtitle
        self.categories = categories
        self.rows = rows
        self.xLabel = xLabel
        frame = Frame(width: width, height: 64 + 70 + Double(rows.count) * 26)
        frame.left = 20 + Double(rows.map(\.label.count).max() ?? 4) * 6.5
    }

    public var xScale: LinearScale { LinearScale(domain: 0...100, range: frame.plotX) }

    public func rowY(_ index: Int) -> Double { frame.plotY.lowerBound + 4 + Double(index) * 26 }

    public func svg() -> String {
        var svg = SVGDocument(width: frame.width, height: frame.height)
        let x = xScale
        svg.text(title, x: frame.width / 2, y: 20, anchor: .middle, size: 14, weight: "bold", className: "title")
        if let subtitle { svg.text(subtitle, x: frame.width / 2, y: 37, anchor: .middle, size: 11, className: "subtitle") }
        frame.legend(&svg, categories.enumerated().map { ($1, Palette.diverging($0, of: categories.count)) })
        for value in stride(from: 0.0, through: 100, by: 20) {
            svg.line(x1: x(value), y1: frame.plotY.lowerBound, x2: x(value), y2: frame.plotY.upperBound,
                     stroke: Palette.grid, className: "grid")
            svg.text(tickLabel(value, step: 20), x: x(value), y: frame.plotY.upperBound + 18, anchor: .middle, size: 11,
                     className: "tick-label x-tick-label")
        }
        svg.line(x1: frame.left, y1: frame.plotY.upperBound, x2: frame.width - frame.right, y2: frame.plotY.upperBound,
                 className: "axis x-axis")
        svg.line(x1: frame.left, y1: frame.plotY.lowerBound, x2: frame.left, y2: frame.plotY.upperBound,
                 className: "axis y-axis")
        svg.text(xLabel, x: (frame.plotX.lowerBound + frame.plotX.upperBound) / 2, y: frame.height - 12,
                 anchor: .middle, size: 12, className: "axis-label x-label")
        for (index, row) in rows.enumerated() {
            let top = rowY(index)
            svg.text(row.label, x: frame.left - 6, y: top + 14, anchor: .end, size: 11, className: "tick-label y-tick-label")
            let total = row.counts.reduce(0, +)
            var start = 0.0
            for (c, count) in row.counts.enumerated() where count > 0 {
                let share = 100 * Double(count) / Double(total)
                svg.rect(x: x(start), y: top, width: x(start + share) - x(start), height: 20,
                         fill: Palette.diverging(c, of: categories.count), className: "segment",
                         tooltip: "\(row.label): \(categories[c]) \(count) of \(total) (\(Int(share.rounded())) %)")
                start += share
            }
        }
        return svg.render(title: title)
    }
}
