import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
@testable import Figures
import XCTest

/// Reads an SVG back with Foundation's XML parser (so it must be well-formed XML) and
/// keeps every element's name, attributes and text.
final class SVGElements: NSObject, XMLParserDelegate {
    struct Element {
        var name: String
        var attributes: [String: String]
        var text = ""
    }

    var elements: [Element] = []
    private var open: [Int] = []

    init(_ svg: String) throws {
        super.init()
        let parser = XMLParser(data: Data(svg.utf8))
        parser.delegate = self
        guard parser.parse() else {
            throw NSError(domain: "SVG", code: 1, userInfo: [NSLocalizedDescriptionKey: "\(String(describing: parser.parserError))"])
        }
    }

    func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
                attributes: [String: String] = [:]) {
        elements.append(Element(name: name, attributes: attributes))
        open.append(elements.count - 1)
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        if let last = open.last { elements[last].text += string }
    }

    func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
        open.removeLast()
    }

    func ofClass(_ name: String) -> [Element] {
        elements.filter { ($0.attributes["class"] ?? "").split(separator: " ").contains { $0 == name } }
    }

    func texts(_ className: String) -> [String] { ofClass(className).map(\.text) }
}

final class FigureTests: XCTestCase {
    func testUntrustedTextIsEscapedAndControlCharactersDropped() throws {
        let hostile = "R<script>alert('x')</script>&\"\u{01}\u{1B}[31m\u{7F}\u{85}\u{FFFE}\tok\n"
        XCTAssertEqual(MarkupText.escape(hostile),
                       "R&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&amp;&quot;[31m\tok\n")
        // Through a whole figure and page: well-formed, and the name comes out as text.
        let plot = BoxPlot(title: "t", groups: [hostile], series: [.init(name: hostile, values: [[1, 2]])],
                           xLabel: hostile, yLabel: "y")
        let svg = plot.svg()
        XCTAssertFalse(svg.contains("<script"))
        XCTAssertFalse(svg.contains("\u{1B}"))
        let parsed = try SVGElements(svg)
        XCTAssertEqual(parsed.texts("x-label"), ["R<script>alert('x')</script>&\"[31m\tok\n"])
        XCTAssertFalse(parsed.elements.contains { $0.name == "script" })
        let oneLine = hostile.replacingOccurrences(of: "\n", with: "")
        let page = HTMLPage(title: hostile, markdown: "# \(oneLine)\n\n| a | b |\n| --- | ---: |\n| \(oneLine) | 1 |\n",
                            figures: [.init(name: hostile, svg: svg, caption: hostile)]).render()
        XCTAssertFalse(page.contains("<script"))
        XCTAssertFalse(page.unicodeScalars.contains { $0.value < 0x20 && $0 != "\n" && $0 != "\t" })
        XCTAssertTrue(page.contains("<td class=\"num\">1</td>"))
    }

    /// A hand-made data set: two organs, two series, seven values.
    private func plot() -> BoxPlot {
        BoxPlot(title: "SSIM per organ", subtitle: "7 cases", groups: ["liver", "kidney"],
                series: [.init(name: "low", values: [[0, 1, 0.5], [0.2]]), .init(name: "model", values: [[0.4], [0.6, 0.8]])],
                xLabel: "organ", yLabel: "SSIM (unitless)")
    }

    func testBoxPlotHasAxesLabelsAndOnePointPerValue() throws {
        let svg = try SVGElements(plot().svg())
        XCTAssertEqual(svg.elements.first?.name, "svg")
        XCTAssertEqual(svg.ofClass("point").count, 7)
        XCTAssertEqual(svg.ofClass("box").count, 4)
        XCTAssertEqual(svg.ofClass("x-axis").count, 1)
        XCTAssertEqual(svg.ofClass("y-axis").count, 1)
        XCTAssertEqual(svg.texts("x-label"), ["organ"])
        XCTAssertEqual(svg.texts("y-label"), ["SSIM (unitless)"])
        XCTAssertEqual(svg.texts("title"), ["SSIM per organ"])
        XCTAssertEqual(svg.texts("x-tick-label"), ["liver", "kidney"])
        XCTAssertEqual(svg.texts("legend-label"), ["low", "model"])
        XCTAssertFalse(svg.ofClass("y-tick-label").isEmpty)

        // By hand: plot area x 70…700, y 64…330; y domain 0…1 padded by 5 % → −0.05…1.05.
        // Groups are 315 wide, each split into 3 slots of 105: low/liver centred at 175,
        // model/kidney at 70 + 315 + 210 = 595. Box width min(36, 0.7·105) = 36, so the
        // second point of a box sits 0.5 · 18 = 9 to the left.
        let points = svg.ofClass("point").map { (Double($0.attributes["cx"]!)!, Double($0.attributes["cy"]!)!) }
        XCTAssertEqual(points[0].0, 175, accuracy: 0.01)         // low, liver, value 0
        XCTAssertEqual(points[0].1, 330 - 0.05 / 1.1 * 266, accuracy: 0.01)
        XCTAssertEqual(points[1].0, 166, accuracy: 0.01)         // low, liver, value 1
        XCTAssertEqual(points[1].1, 330 - 1.05 / 1.1 * 266, accuracy: 0.01)
        let tooltip = try XCTUnwrap(svg.elements.firstIndex { $0.name == "title" && $0.text == "model, kidney: 0.6" })
        let modelKidney = svg.elements[tooltip - 1]
        XCTAssertEqual(modelKidney.name, "circle")
        XCTAssertEqual(Double(modelKidney.attributes["cx"]!)!, 595, accuracy: 0.01)
        XCTAssertEqual(Double(modelKidney.attributes["cy"]!)!, 330 - 0.65 / 1.1 * 266, accuracy: 0.01)
    }

    func testCurveForestStackedAndHeatMapMarks() throws {
        let curve = try SVGElements(CurvePlot(
            title: "VGC", curves: [.init(name: "R1", points: [(0, 0), (0.25, 0.5), (1, 1)]),
                                   .init(name: "mean", points: [(0, 0), (0.5, 0.5), (1, 1)], emphasised: true)],
            xLabel: "P(b ≥ t)", yLabel: "P(a ≥ t)", size: 400).svg())
        XCTAssertEqual(curve.ofClass("curve").count, 2)
        XCTAssertEqual(curve.ofClass("mean-curve").count, 1)
        XCTAssertEqual(curve.ofClass("point").count, 6)
        // Plot area x 70…470 (width 680 − 210 kept for the legend), y 64…390 (height 460 − 70): (0.25, 0.5) → (170, 227).
        let point = curve.ofClass("point")[1]
        XCTAssertEqual(Double(point.attributes["cx"]!)!, 170, accuracy: 0.01)
        XCTAssertEqual(Double(point.attributes["cy"]!)!, 227, accuracy: 0.01)
        XCTAssertEqual(curve.texts("x-label"), ["P(b ≥ t)"])

        let forest = try SVGElements(ForestPlot(title: "F", rows: [
            .init(label: "a vs b · liver", estimate: 0.5, lower: 0.1, upper: 0.9),
            .init(label: "a vs b · all", estimate: -0.2, lower: .nan, upper: .nan),
        ], xLabel: "difference").svg())
        XCTAssertEqual(forest.ofClass("estimate").count, 2)
        XCTAssertEqual(forest.ofClass("interval").count, 1, "no interval where it is undefined")
        XCTAssertEqual(forest.ofClass("reference-line").count, 1)

        let bars = try SVGElements(StackedBars(title: "S", categories: ["1", "2", "3"],
                                               rows: [.init(label: "a", counts: [1, 0, 3]), .init(label: "b", counts: [2, 2, 2])],
                                               xLabel: "%").svg())
        XCTAssertEqual(bars.ofClass("segment").count, 5, "one segment per non-zero count")
        let widths = bars.ofClass("segment").prefix(2).map { Double($0.attributes["width"]!)! }
        XCTAssertEqual(widths[1] / widths[0], 3, accuracy: 0.01)

        let heat = try SVGElements(HeatMap(title: "κ", labels: ["R0", "R1", "R2"],
                                           values: [[nil, 0.5, 1], [0.5, nil, nil], [1, nil, nil]], legend: "κ").svg())
        XCTAssertEqual(heat.ofClass("cell").count, 9)
        XCTAssertEqual(heat.texts("cell-label").filter { $0 != "–" }, ["0.50", "1.00", "0.50", "1.00"])
    }

    func testScaleTicksAreRound() {
        XCTAssertEqual(LinearScale(domain: 0...1, range: 0...100).ticks(), [0, 0.2, 0.4, 0.6, 0.8, 1])
        XCTAssertEqual(LinearScale(domain: 18...31, range: 0...100).ticks(), [20, 25, 30])
        XCTAssertEqual(LinearScale(domain: 0...10, range: 0...100, flipped: true)(2.5), 75)
    }
}

