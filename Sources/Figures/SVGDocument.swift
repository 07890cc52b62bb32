import Foundation

/// An SVG picture built element by element. Every string that reaches the file goes
/// through `MarkupText.escape`; numbers are written with two decimals.
public struct SVGDocument: Sendable {
    public let width: Double
    public let height: Double
    private var body: [String] = []

    public init(width: Double, height: Double) {
        self.width = width
        self.height = height
    }

    static func n(_ value: Double) -> String {
        let rounded = (value * 100).rounded() / 100
        return rounded == rounded.rounded() ? String(Int(rounded)) : String(format: "%.2f", rounded)
    }

    private static func attributes(_ pairs: [(String, String)]) -> String {
        pairs.map { " \($0.0)=\"\(MarkupText.escape($0.1))\"" }.joined()
    }

    public mutating func rect(x: Double, y: Double, width: Double, height: Double, fill: String,
                              stroke: String? = nil, className: String, tooltip: String? = nil) {
        var pairs = [("class", className), ("x", Self.n(x)), ("y", Self.n(y)), ("width", Self.n(max(0, width))),
                     ("height", Self.n(max(0, height))), ("fill", fill)]
        if let stroke { pairs.append(("stroke", stroke)) }
        element("rect", pairs, tooltip: tooltip)
    }

    public mutating func line(x1: Double, y1: Double, x2: Double, y2: Double, stroke: String = Palette.ink,
                              width: Double = 1, dash: String? = nil, className: String) {
        var pairs = [("class", className), ("x1", Self.n(x1)), ("y1", Self.n(y1)), ("x2", Self.n(x2)), ("y2", Self.n(y2)),
                     ("stroke", stroke), ("stroke-width", Self.n(width))]
        if let dash { pairs.append(("stroke-dasharray", dash)) }
        element("line", pairs, tooltip: nil)
    }

    public mutating func circle(cx: Double, cy: Double, r: Double, fill: String, className: String,
                                tooltip: String? = nil) {
        element("circle", [("class", className), ("cx", Self.n(cx)), ("cy", Self.n(cy)), ("r", Self.n(r)),
                           ("fill", fill), ("fill-opacity", "0.75")], tooltip: tooltip)
    }

    public mutating func polyline(_ points: [(Double, Double)], stroke: String, width: Double, className: String,
                                  tooltip: String? = nil) {
        let list = points.map { "\(Self.n($0.0)),\(Self.n($0.1))" }.joined(separator: " ")
        element("polyline", [("class", className), ("points", list), ("fill", "none"), ("stroke", stroke),
                             ("stroke-width", Self.n(width))], tooltip: tooltip)
    }

    public enum Anchor: String, Sendable { case start, middle, end }

    public mutating func text(_ content: String, x: Double, y: Double, anchor: Anchor = .start, size: Double = 12,
                              weight: String? = nil, rotate: Double? = nil, fill: String? = nil, className: String) {
        var pairs = [("class", className), ("x", Self.n(x)), ("y", Self.n(y)), ("text-anchor", anchor.rawValue),
                     ("font-size", Self.n(size))]
        if let fill { pairs.append(("fill", fill)) }
        if let weight { pairs.append(("font-weight", weight)) }
        if let rotate { pairs.append(("transform", "rotate(\(Self.n(rotate)) \(Self.n(x)) \(Self.n(y)))")) }
        body.append("<text\(Self.attributes(pairs))>\(MarkupText.escape(content))</text>")
    }

    private mutating func element(_ name: String, _ pairs: [(String, String)], tooltip: String?) {
        if let tooltip {
            body.append("<\(name)\(Self.attributes(pairs))><title>\(MarkupText.escape(tooltip))</title></\(name)>")
        } else {
            body.append("<\(name)\(Self.attributes(pairs))/>")
        }
    }

    /// The document; `title` becomes its accessible name.
    public func render(title: String) -> String {
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Self.n(width))\" height=\"\(Self.n(height))\" "
            + "viewBox=\"0 0 \(Self.n(width)) \(Self.n(height))\" font-family=\"DejaVu Sans, Arial, sans-serif\" "
            + "role=\"img\" aria-label=\"\(MarkupText.escape(title))\">\n<title>\(MarkupText.escape(title))</title>\n"
            + "<rect class=\"background\" width=\"100%\" height=\"100%\" fill=\"#FFFFFF\"/>\n"
            + body.joined(separator: "\n") + "\n</svg>\n"
    }
}

/// The plotting area of a chart and the frame around it: title, axis labels, ticks.
public struct Frame: Sendable {
    public var width: Double
    public var height: Double
    public var left: Double = 70
    public var right: Double = 20
    public var top: Double = 64
    public var bottom: Double = 70

    public init(width: Double, height: Double) {
        self.width = width
        self.height = height
    }

    public var plotX: ClosedRange<Double> { left...(width - right) }
    public var plotY: ClosedRange<Double> { top...(height - bottom) }

    /// Title, y axis with ticks and grid lines, and the axis labels.
    func draw(_ svg: inout SVGDocument, title: String, subtitle: String?, xLabel: String, yLabel: String,
              y: LinearScale) {
        svg.text(title, x: width / 2, y: 20, anchor: .middle, size: 14, weight: "bold", className: "title")
        if let subtitle { svg.text(subtitle, x: width / 2, y: 37, anchor: .middle, size: 11, className: "subtitle") }
        let ticks = y.ticks()
        let step = ticks.count > 1 ? ticks[1] - ticks[0] : 1
        for value in ticks {
            let position = y(value)
            svg.line(x1: left, y1: position, x2: width - right, y2: position, stroke: Palette.grid, className: "grid")
            svg.line(x1: left - 5, y1: position, x2: left, y2: position, className: "tick y-tick")
            svg.text(tickLabel(value, step: step), x: left - 8, y: position + 4, anchor: .end, size: 11,
                     className: "tick-label y-tick-label")
        }
        svg.line(x1: left, y1: top, x2: left, y2: height - bottom, className: "axis y-axis")
        svg.line(x1: left, y1: height - bottom, x2: width - right, y2: height - bottom, className: "axis x-axis")
        svg.text(yLabel, x: 16, y: (top + height - bottom) / 2, anchor: .middle, size: 12, rotate: -90,
                 className: "axis-label y-label")
        svg.text(xLabel, x: (left + width - right) / 2, y: height - 12, anchor: .middle, size: 12,
                 className: "axis-label x-label")
    }

    /// A legend row of coloured squares and names, under the title.
    func legend(_ svg: inout SVGDocument, _ entries: [(name: String, color: String)]) {
        var x = left
        for entry in entries {
            svg.rect(x: x, y: top - 10, width: 10, height: 10, fill: entry.color, className: "legend-key")
            svg.text(entry.name, x: x + 14, y: top - 1, size: 11, className: "legend-label")
            x += 24 + Double(entry.name.count) * 6.5
        }
    }
}
