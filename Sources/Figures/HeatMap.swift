import Foundation

/// A square matrix of agreement between readers: each cell shaded by its value (one
/// hue, light to dark) with the value written in it; undefined cells are left white.
public struct HeatMap: Sendable {
    public var title: String
    public var subtitle: String?
    public var labels: [String]
    /// values[i][j], nil where undefined (the diagonal, or too few units).
    public var values: [[Double?]]
    /// The value shaded darkest (lightest is 0; below 0 stays lightest).
    public var maximum: Double
    public var legend: String

    public init(title: String, subtitle: String? = nil, labels: [String], values: [[Double?]], maximum: Double = 1,
                legend: String) {
        self.title = title
        self.subtitle = subtitle
        self.labels = labels
        self.values = values
        self.maximum = maximum
        self.legend = legend
    }

    public var cell: Double { 48 }
    public var left: Double { 30 + Double(labels.map(\.count).max() ?? 2) * 6.5 }
    public var top: Double { 64 }

    public func svg() -> String {
        let width = max(420, left + Double(labels.count) * cell + 30)
        let height = top + Double(labels.count) * cell + 70
        var svg = SVGDocument(width: width, height: height)
        svg.text(title, x: width / 2, y: 20, anchor: .middle, size: 14, weight: "bold", className: "title")
        if let subtitle { svg.text(subtitle, x: width / 2, y: 37, anchor: .middle, size: 11, className: "subtitle") }
        for (i, label) in labels.enumerated() {
            svg.text(label, x: left - 6, y: top + (Double(i) + 0.5) * cell + 4, anchor: .end, size: 11,
                     className: "tick-label y-tick-label")
            svg.text(label, x: left + (Double(i) + 0.5) * cell, y: top + Double(labels.count) * cell + 16,
                     anchor: .middle, size: 11, className: "tick-label x-tick-label")
            for j in labels.indices {
                let value = values[i][j]
                let t = (value ?? 0) / maximum
                svg.rect(x: left + Double(j) * cell, y: top + Double(i) * cell, width: cell, height: cell,
                         fill: value == nil ? "#FFFFFF" : Palette.sequential(t), stroke: Palette.grid, className: "cell",
                         tooltip: "\(labels[i]) vs \(labels[j]): " + (value.map { String(format: "%.3f", $0) } ?? "n/a"))
                svg.text(value.map { String(format: "%.2f", $0) } ?? "–", x: left + (Double(j) + 0.5) * cell,
                         y: top + (Double(i) + 0.5) * cell + 4, anchor: .middle, size: 11,
                         fill: value != nil && t > 0.55 ? "#FFFFFF" : Palette.ink, className: "cell-label")
            }
        }
        svg.text(legend, x: width / 2, y: height - 14, anchor: .middle, size: 12,
                 className: "axis-label x-label")
        return svg.render(title: title)
    }
}
