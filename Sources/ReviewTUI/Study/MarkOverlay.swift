import ReaderStudy

/// The marks to draw over a case's panels, in source image pixels: each mark on its
/// own candidate panel, mirrored at the same image position on the others (linked, as
/// the crosshair is), and the mark mode's cursor. Drawn over the picture, never into
/// the image the reader rates.
public struct MarkOverlay: Equatable, Sendable {
    public enum Style: Equatable, Sendable {
        /// A stored or placed mark.
        case mark
        /// The mark mode's selected mark.
        case selected
        /// The mark mode's cursor (or the box being drawn from its first corner).
        case cursor
    }

    public struct Item: Equatable, Sendable {
        public var shape: MarkShape
        /// The candidate panel's label the mark belongs to; "" for the cursor, which
        /// is drawn on every panel.
        public var panel: String
        public var style: Style

        public init(shape: MarkShape, panel: String, style: Style) {
            self.shape = shape
            self.panel = panel
            self.style = style
        }
    }

    public var items: [Item]
    /// Hidden with a key, to see the image without them.
    public var isHidden: Bool

    public init(items: [Item] = [], isHidden: Bool = false) {
        self.items = items
        self.isHidden = isHidden
    }

    public static let none = MarkOverlay()

    /// What is drawn: nothing when hidden.
    public var visibleItems: [Item] { isHidden ? [] : items }
}
