import Dataset
import TerminalGraphics

/// Drawing for the viewer controls: zoomed, panned, windowed, inverted panels with the
/// crosshair, the readout line, and the difference maps. The image stays gray: the
/// crosshair is drawn in black or white over the image, never in a colour.
extension Views {
    /// |a − b| per pixel; nil when the sizes differ.
    static func absoluteDifference(_ a: GrayImage?, _ b: GrayImage?) -> GrayImage? {
        guard let a, let b, a.width == b.width, a.height == b.height else { return nil }
        return GrayImage(width: a.width, height: a.height,
                         pixels: zip(a.pixels, b.pixels).map { x, y in x > y ? x - y : y - x })
    }

    /// The transform a panel of `fit` uses for an image of `width × height` with `view`.
    static func transform(width: Int, height: Int, fit: ImageFit, view: ViewerControls) -> ViewTransform {
        let baseX = view.oneToOne ? 1 : Double(fit.contentWidth) / Double(max(1, width))
        let baseY = view.oneToOne ? 1 : Double(fit.contentHeight) / Double(max(1, height))
        return ViewTransform(imageWidth: width, imageHeight: height, targetWidth: fit.pixelWidth,
                             targetHeight: fit.pixelHeight, baseScaleX: baseX, baseScaleY: baseY,
                             zoom: view.zoom, center: (view.panX, view.panY))
    }

    /// Draws `image` into the panel at (`column`, `row`) of `fit` cells with the
    /// state's gain and viewer controls, then the crosshair when it is on.
    static func drawViewerImage(_ image: GrayImage, fit: ImageFit, state: AppState, blitter: any Blitter,
                                plain: Bool, column: Int, row: Int, into screen: inout ScreenBuffer) {
        let view = state.view
        let ppc = blitter.pixelsPerCell(.typical)
        let transform = transform(width: image.width, height: image.height, fit: fit, view: view)
        var picture: GrayImage
        if view.isZoomed {
            picture = GrayImage(width: fit.pixelWidth, height: fit.pixelHeight, pixels: transform.render(image.pixels))
        } else {
            picture = Scaling.prepare(image, for: fit, mode: blitter.mode)
        }
        if !view.isIdentity(gain: state.gain) {
            // Image pixels only: the black beyond the image (sixel's padding to whole
            // cells, a view past the image's edge) is not image and stays black.
            let table = view.displayTable(gain: state.gain)
            let width = min(picture.width, view.isZoomed ? transform.coveredWidth : fit.contentWidth)
            let height = min(picture.height, view.isZoomed ? transform.coveredHeight : fit.contentHeight)
            picture.pixels.withUnsafeMutableBufferPointer { pixels in
                for y in 0..<height {
                    for x in (y * picture.width)..<(y * picture.width + width) { pixels[x] = table[Int(pixels[x])] }
                }
            }
        }
        if blitter.mode.isPixel {
            recordPixelPicture(picture, image: image, fit: fit, transform: transform, view: view,
                               column: column, row: row, into: &screen)
            return
        }
        guard let grid = drawCells(picture, fit: fit, blitter: blitter, plain: plain, column: column, row: row,
                                   into: &screen),
              view.crosshair,
              let target = crosshairTarget(image: image, fit: fit, transform: transform, view: view) else { return }
        let cx = target.x / max(1, ppc.width), cy = target.y / max(1, ppc.height)
        guard cx < fit.columns, cy < fit.rows else { return }
        let under = grid[cx, cy]
        let mean = (Int(under.foreground) + Int(under.background)) / 2
        let ink: UInt8 = mean > 127 ? 0 : 255
        screen[column + cx, row + cy] = ScreenCell("+", plain ? .plain : .gray(foreground: ink, background: under.background))
    }

    /// What the controls change, for the line above the panels.
    static func controlsSummary(_ view: ViewerControls) -> [String] {
        var parts = [String]()
        if view.oneToOne { parts.append("1:1") }
        if view.zoom > 1 { parts.append("zoom ×\(view.zoom)") }
        if view.level != ViewerControls.defaultLevel { parts.append("level \(Int(view.level))") }
        if view.inverted { parts.append("INVERTED") }
        return parts
    }

    /// "✛ (x,y) LOW 12 · ENHANCED 40 · HIGH 35": the pixel under the crosshair in each
    /// panel, as stored (before window/level and invert).
    static func crosshairReadout(_ view: ViewerControls, labels: [String], images: [GrayImage?]) -> String? {
        guard view.crosshair, let reference = images.compactMap({ $0 }).first else { return nil }
        let pixel = view.crosshairPixel(width: reference.width, height: reference.height)
        let values = zip(labels, images).map { label, image -> String in
            guard let image, pixel.x < image.width, pixel.y < image.height else { return "\(label) —" }
            return "\(label) \(image[pixel.x, pixel.y])"
        }
        return "✛ (\(pixel.x),\(pixel.y)) " + values.joined(separator: " · ")
    }
}

extension Views {
    /// The name of the model the enhanced panel shows (cycled with `m`).
    static func shownModelName(_ state: AppState, _ context: ViewContext) -> String? {
        context.modelNames.indices.contains(state.view.modelIndex) ? context.modelNames[state.view.modelIndex]
            : context.modelName
    }

    /// The N-up comparison: LOW, each model's output, HIGH (as in the paper's figure).
    static func nUpPanels(_ result: CaseResult?, _ item: Case, _ context: ViewContext)
        -> ([String], [String], [GrayImage?]) {
        var labels = ["LOW"], sublabels = [item.devices.low], images: [GrayImage?] = [result?.low]
        for (number, name) in context.modelNames.enumerated() {
            labels.append("MODEL \(number + 1)")
            sublabels.append(name)
            images.append(result?.models.indices.contains(number) == true ? result?.models[number].enhanced : nil)
        }
        labels.append("HIGH")
        sublabels.append(item.devices.high)
        images.append(result?.high)
        return (labels, sublabels, images)
    }
}

extension Views {
    /// Where the crosshair's image pixel lands in the displayed picture (zoomed: through
    /// the view transform; fitted: scaled to the fit), or nil when it is off screen.
    static func crosshairTarget(image: GrayImage, fit: ImageFit, transform: ViewTransform,
                                view: ViewerControls) -> (x: Int, y: Int)? {
        let pixel = view.crosshairPixel(width: image.width, height: image.height)
        let mapping = PictureMapping.viewer(image: image, fit: fit, transform: transform, view: view)
        return view.isZoomed ? mapping.visibleCentre(x: pixel.x, y: pixel.y) : mapping.centre(x: pixel.x, y: pixel.y)
    }
}
