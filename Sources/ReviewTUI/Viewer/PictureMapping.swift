import Dataset
import TerminalGraphics

/// Where a source-image pixel lands in the displayed picture of a panel: the one
/// mapping the crosshair and every overlay (marks) go through, fitted or zoomed, so a
/// thing drawn at an image pixel stays on it whatever the terminal size, zoom or pan.
struct PictureMapping: Equatable, Sendable {
    /// Picture pixels per image pixel, across and down.
    let scaleX: Double
    let scaleY: Double
    /// The image pixel at the picture's top-left corner.
    let originX: Int
    let originY: Int
    /// The picture's size (the blitter's pixels).
    let pictureWidth: Int
    let pictureHeight: Int

    /// A panel fitted to `fit` (no zoom): the image fills the fit's content.
    static func fitted(imageWidth: Int, imageHeight: Int, fit: ImageFit) -> PictureMapping {
        PictureMapping(scaleX: Double(fit.contentWidth) / Double(max(1, imageWidth)),
                       scaleY: Double(fit.contentHeight) / Double(max(1, imageHeight)),
                       originX: 0, originY: 0, pictureWidth: fit.pixelWidth, pictureHeight: fit.pixelHeight)
    }

    /// A zoomed and panned panel: through its view transform.
    static func zoomed(_ transform: ViewTransform) -> PictureMapping {
        PictureMapping(scaleX: transform.scaleX, scaleY: transform.scaleY, originX: transform.originX,
                       originY: transform.originY, pictureWidth: transform.targetWidth, pictureHeight: transform.targetHeight)
    }

    /// The viewer's panel: zoomed when the view is, else fitted.
    static func viewer(image: GrayImage, fit: ImageFit, transform: ViewTransform, view: ViewerControls) -> PictureMapping {
        view.isZoomed ? zoomed(transform) : fitted(imageWidth: image.width, imageHeight: image.height, fit: fit)
    }

    /// The picture pixel at the centre of image pixel (x, y), which may lie outside the
    /// picture (a mark partly in view is drawn clipped).
    func centre(x: Int, y: Int) -> (x: Int, y: Int) {
        (Int(((Double(x - originX) + 0.5) * scaleX).rounded(.down)),
         Int(((Double(y - originY) + 0.5) * scaleY).rounded(.down)))
    }

    /// The centre, or nil when it is off the picture.
    func visibleCentre(x: Int, y: Int) -> (x: Int, y: Int)? {
        let point = centre(x: x, y: y)
        guard point.x >= 0, point.x < pictureWidth, point.y >= 0, point.y < pictureHeight else { return nil }
        return point
    }

    /// The picture pixels image pixels x..<x+width, y..<y+height cover: first and last
    /// column and row, inclusive (at least one each).
    func span(x: Int, y: Int, width: Int, height: Int) -> (left: Int, top: Int, right: Int, bottom: Int) {
        let left = Int((Double(x - originX) * scaleX).rounded(.down))
        let top = Int((Double(y - originY) * scaleY).rounded(.down))
        let right = max(left, Int((Double(x + width - originX) * scaleX).rounded(.down)) - 1)
        let bottom = max(top, Int((Double(y + height - originY) * scaleY).rounded(.down)) - 1)
        return (left, top, right, bottom)
    }
}
