/// Curves on the unit square with the diagonal drawn as "no difference": VGC curves
/// (Båth & Månsson 2007), one thin curve per reader and a thick one for their mean.
public struct CurvePlot: Sendable {
    public struct Curve: Sendable {
        public var name: String
        public var points: [(x: Double, y: Double)]
        /// The mean curve is drawn thick and black, the readers thin and in colour.
        public var emphasised: Bool
        public init(name: String, points: [(x: Double, y: Double)], emphasised: Bool = false) {
            self.name = name
            self.points = points
            self.emphasised = emphasised
        }
    }

    public var title: String
    public var subtitle: String?
    public var curves: [Curve]
    public var xLabel: String
    public var yLabel: String
    public var frame: Frame

    public init(title: String, subtitle: String? = nil, curves: [Curve], xLabel: String, yLabel: String,
                size: Double = 440) {
        self.title = title
        self.subtitle = subtitle
        self.curves = curves
        self.xLabel = xLabel
        self.yLabel = yLabel
        // Room on the right for the legend, one entry per line.
        frame = Frame(width: size + 90 + 190, height: size + 60)
        frame.right = 210
    }

    public var xScale: LinearScale { LinearScale(domain: 0...1, range: frame.plotX) }
    public var yScale: LinearScale { LinearScale(domain: 0...1, range: frame.plotY, flipped: true) }

    public func svg() -> String {
        var svg = SVGDocument(width: frame.width, height: frame.height)
        let x = xScale, y = yScale
        frame.draw(&svg, title: title, subtitle: subtitle, xLabel: xLabel, yLabel: yLabel, y: y)
        for value in x.ticks() {
            svg.line(x1: x(value), y1: frame.plotY.upperBound, x2: x(value), y2: frame.plotY.upperBound + 5,
                     className: "tick x-tick")
            svg.text(tickLabel(value, step: 0.2), x: x(value), y: frame.plotY.upperBound + 18, anchor: .middle, size: 11,
                     className: "tick-label x-tick-label")
        }
        svg.line(x1: x(0), y1: y(0), x2: x(1), y2: y(1), stroke: Palette.grid, width: 1.5, dash: "5 4",
                 className: "reference-line")
        var colour = 0
        var legend: [(String, String)] = []
        for curve in curves {
            let stroke = curve.emphasised ? Palette.ink : Palette.color(colour)
            if !curve.emphasised { colour += 1 }
            legend.append((curve.name, stroke))
            svg.polyline(curve.points.map { (x($0.x), y($0.y)) }, stroke: stroke, width: curve.emphasised ? 3 : 1.5,
                         className: curve.emphasised ? "curve mean-curve" : "curve", tooltip: curve.name)
            for point in curve.points {
                svg.circle(cx: x(point.x), cy: y(point.y), r: curve.emphasised ? 3 : 2, fill: stroke, className: "point")
            }
        }
        for (index, entry) in legend.enumerated() {
            let top = frame.plotY.lowerBound + Double(index) * 18
            svg.rect(x: frame.width - 195, y: top, width: 10, height: 10, fill: entry.1, className: "legend-key")
            svg.text(entry.0, x: frame.width - 181, y: top + 9, size: 11, className: "legend-label")
        }
        return svg.render(title: title)
    }
}
