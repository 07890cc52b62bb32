import ReaderStudy
import TerminalGraphics

/// The theme's mark colours as overlay inks, with the glyph each stands for in ascii.
struct MarkInks: Equatable, Sendable {
    var mark: OverlayInk
    var selected: OverlayInk
    var cursor: OverlayInk

    init(theme: Theme) {
        func ink(_ role: MarkRole, _ glyph: Unicode.Scalar) -> OverlayInk {
            let color = theme.markColor(role)
            let rgb = color.rgb ?? 0xFFFFFF
            return OverlayInk(red: UInt8(rgb >> 16 & 0xFF), green: UInt8(rgb >> 8 & 0xFF), blue: UInt8(rgb & 0xFF),
                              paletteIndex: (0...255).contains(color.index) ? UInt8(color.index) : nil, glyph: glyph)
        }
        mark = ink(.mark, "x")
        selected = ink(.selected, "X")
        cursor = ink(.cursor, "o")
    }

    func ink(_ style: MarkOverlay.Style) -> OverlayInk {
        switch style {
        case .mark: return mark
        case .selected: return selected
        case .cursor: return cursor
        }
    }
}

/// Marks drawn into a panel's `OverlayLayer`, through the panel's `PictureMapping`, so
/// each lands on its source-image pixel at any zoom and terminal size.
///
/// A mark of this panel (and the cursor, on every panel) is drawn in full: a point as
/// a ring (a cross with a clear centre in block modes, where a ring would hide the
/// cell it marks), a box as an outline just outside its pixels. A mark of another
/// panel, mirrored at the same image position, is lighter: a thin dashed ring or the
/// box's corners only (in blocks: the cross's horizontal arms, the corners). Shapes
/// keep a fixed size on screen whatever the zoom.
enum MarkDrawing {
    /// Radius of a point's ring, in screen pixels (pixel modes).
    static let ringRadius = 7.0

    /// The overlay of `items` over the picture of the panel labelled `panel`; nil when
    /// nothing of them is in view. `pixelsPerCell` is the blitter's; in pixel modes a
    /// picture pixel is a screen pixel.
    static func layer(_ items: [MarkOverlay.Item], panel: String, mapping: PictureMapping, mode: GraphicsMode,
                      pixelsPerCell ppc: (width: Int, height: Int), inks: MarkInks) -> OverlayLayer? {
        guard !items.isEmpty, mapping.pictureWidth > 0, mapping.pictureHeight > 0 else { return nil }
        var layer = OverlayLayer(width: mapping.pictureWidth, height: mapping.pictureHeight)
        // Least important first: where two meet in one cell, the later ink wins.
        for ink in [inks.mark, inks.selected, inks.cursor] { _ = layer.index(of: ink) }
        func rank(_ item: MarkOverlay.Item) -> Int {
            let own = item.panel == panel || item.panel.isEmpty
            switch item.style {
            case .mark: return own ? 1 : 0
            case .selected: return own ? 3 : 2
            case .cursor: return 4
            }
        }
        for item in items.sorted(by: { rank($0) < rank($1) }) {
            guard let ink = layer.index(of: inks.ink(item.style)) else { continue }
            let own = item.panel == panel || item.panel.isEmpty
            if mode.isPixel {
                drawPixels(item, own: own, ink: ink, mapping: mapping, into: &layer)
            } else {
                drawBlocks(item, own: own, ink: ink, mapping: mapping, ppc: ppc, into: &layer)
            }
        }
        return layer.isEmpty ? nil : layer
    }

    private static func drawPixels(_ item: MarkOverlay.Item, own: Bool, ink: UInt8, mapping: PictureMapping,
                                   into layer: inout OverlayLayer) {
        switch item.shape {
        case let .point(x, y):
            let centre = mapping.centre(x: x, y: y)
            if item.style == .cursor {
                layer.strokeCross(centerX: centre.x, centerY: centre.y, armX: 10, armY: 10, gapX: 3, gapY: 3,
                                  pen: OverlayPen(ink: ink, thickness: 2))
            } else {
                layer.strokeEllipse(centerX: centre.x, centerY: centre.y, radiusX: ringRadius, radiusY: ringRadius,
                                    pen: own ? OverlayPen(ink: ink, thickness: 2) : OverlayPen(ink: ink, dash: (2, 2)))
            }
        case let .box(x, y, width, height):
            let span = mapping.span(x: x, y: y, width: width, height: height)
            if own {
                // Outside the marked pixels, so they stay visible.
                let thickness = item.style == .cursor ? 1 : 2
                layer.strokeRectangle(left: span.left - thickness, top: span.top - thickness,
                                      right: span.right + thickness, bottom: span.bottom + thickness,
                                      pen: OverlayPen(ink: ink, thickness: thickness,
                                                      dash: item.style == .cursor ? (4, 2) : nil))
            } else {
                layer.strokeCorners(left: span.left - 1, top: span.top - 1, right: span.right + 1,
                                    bottom: span.bottom + 1, arm: 6, pen: OverlayPen(ink: ink))
            }
        }
    }

    private static func drawBlocks(_ item: MarkOverlay.Item, own: Bool, ink: UInt8, mapping: PictureMapping,
                                   ppc: (width: Int, height: Int), into layer: inout OverlayLayer) {
        let pen = OverlayPen(ink: ink)
        switch item.shape {
        case let .point(x, y):
            let centre = mapping.centre(x: x, y: y)
            // Gaps that keep the marked pixel's cell clear wherever in the cell it lies.
            let gapX = ppc.width - 1, gapY = ppc.height - 1
            let armX = gapX + ppc.width, armY = gapY + ppc.height
            if own {
                layer.strokeCross(centerX: centre.x, centerY: centre.y, armX: armX, armY: armY, gapX: gapX, gapY: gapY,
                                  pen: pen)
            } else {
                layer.strokeRectangle(left: centre.x - armX, top: centre.y, right: centre.x - gapX - 1, bottom: centre.y, pen: pen)
                layer.strokeRectangle(left: centre.x + gapX + 1, top: centre.y, right: centre.x + armX, bottom: centre.y, pen: pen)
            }
        case let .box(x, y, width, height):
            let span = mapping.span(x: x, y: y, width: width, height: height)
            let left = span.left - 1, top = span.top - 1, right = span.right + 1, bottom = span.bottom + 1
            if own {
                layer.strokeRectangle(left: left, top: top, right: right, bottom: bottom, pen: pen)
            } else {
                layer.strokeCorners(left: left, top: top, right: right, bottom: bottom,
                                    arm: max(ppc.width, ppc.height), pen: pen)
            }
        }
    }
}
