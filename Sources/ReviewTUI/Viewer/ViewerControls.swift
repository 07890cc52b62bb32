/// The clinical viewer controls, linked across every panel: integer zoom and pan, fit or
/// 1:1, crosshair, window/level, invert, and which model the enhanced panel shows.
/// Part of `AppState` (as `view`), changed only by the reducer.
public struct ViewerControls: Equatable, Sendable {
    public static let zoomRange = 1...16
    public static let levelStep = 8.0
    public static let defaultLevel = 128.0

    /// Integer zoom over the base scale (fit or 1:1); nearest neighbour.
    public var zoom = 1
    /// One image pixel per blitter pixel instead of fitting the panel.
    public var oneToOne = false
    /// The centre of the view, as fractions of the image's width and height.
    public var panX = 0.5
    public var panY = 0.5
    /// The crosshair, shown when on; its position as fractions of the image.
    public var crosshair = false
    public var crosshairX = 0.5
    public var crosshairY = 0.5
    /// Window level (centre, in input grays); the window's width is 256 / gain.
    public var level = ViewerControls.defaultLevel
    public var inverted = false
    /// How many models were given, and which one the enhanced panel shows.
    public var modelCount = 1
    public var modelIndex = 0
    /// LOW, HIGH and every model's output side by side instead of the triptych.
    public var nUp = false

    public init() {}

    public var isZoomed: Bool { zoom > 1 || oneToOne }

    /// Pan moves a quarter of what a fitted view at this zoom shows.
    var panStep: Double { 0.25 / Double(zoom) }
    /// The crosshair moves 1/64 of the image at zoom 1, finer as the zoom grows.
    var crosshairStep: Double { 1.0 / (64.0 * Double(zoom)) }

    /// The centre may go no further than the edge of a fitted view at this zoom.
    mutating func clampPan() {
        let half = oneToOne ? 0.0 : 0.5 / Double(zoom)
        panX = min(max(panX, half), 1 - half)
        panY = min(max(panY, half), 1 - half)
    }

    /// The image pixel the crosshair points at, for an image of `width × height`.
    public func crosshairPixel(width: Int, height: Int) -> (x: Int, y: Int) {
        (min(max(0, Int(crosshairX * Double(width))), max(0, width - 1)),
         min(max(0, Int(crosshairY * Double(height))), max(0, height - 1)))
    }

    /// The display gray for input gray `value` with window/level `gain` and invert.
    public func displayTable(gain: Double) -> [UInt8] {
        (0...255).map { value in
            let shown = min(255, max(0, ((Double(value) - level) * gain + 128).rounded()))
            return UInt8(inverted ? 255 - shown : shown)
        }
    }

    /// Whether the display table is the identity (nothing to apply).
    public func isIdentity(gain: Double) -> Bool { gain == 1 && level == Self.defaultLevel && !inverted }
}

/// The viewer keys for the controls; true when `key` was one of them. Runs before the
/// viewer's navigation keys so that, while the crosshair is shown, arrows move it.
func reduceViewerControls(_ state: inout AppState, _ key: Key) -> Bool {
    var view = state.view
    defer { state.view = view }
    switch key {
    case .character("z"):
        view.zoom = min(view.zoom * 2, ViewerControls.zoomRange.upperBound)
    case .character("Z"):
        view.zoom = max(view.zoom / 2, ViewerControls.zoomRange.lowerBound)
    case .character("1"):
        view.oneToOne.toggle()
    case .character("H"): view.panX -= view.panStep
    case .character("L"): view.panX += view.panStep
    case .character("K"): view.panY -= view.panStep
    case .character("J"): view.panY += view.panStep
    case .character("c"):
        view.crosshair.toggle()
    case .left where view.crosshair: view.crosshairX = max(0, view.crosshairX - view.crosshairStep)
    case .right where view.crosshair: view.crosshairX = min(1, view.crosshairX + view.crosshairStep)
    case .up where view.crosshair: view.crosshairY = max(0, view.crosshairY - view.crosshairStep)
    case .down where view.crosshair: view.crosshairY = min(1, view.crosshairY + view.crosshairStep)
    case .character("["):
        view.level = max(0, view.level - ViewerControls.levelStep)
    case .character("]"):
        view.level = min(255, view.level + ViewerControls.levelStep)
    case .character("i"):
        view.inverted.toggle()
    case .character("F"):
        state.middle = state.middle == .flickerLow ? .enhanced : .flickerLow
    case .character("d"):
        state.middle = switch state.middle {
        case .difference: .differenceLow
        case .differenceLow: .enhanced
        default: .difference
        }
    case .character("m"):
        guard view.modelCount > 1 else {
            state.statusMessage = "one model only: give --model more than once to compare"
            return true
        }
        view.modelIndex = (view.modelIndex + 1) % view.modelCount
    case .character("N"):
        view.nUp.toggle()
    case .character("0"):
        let models = (view.modelCount, view.modelIndex, view.nUp)
        view = ViewerControls()
        (view.modelCount, view.modelIndex, view.nUp) = models
        state.gain = 1
        state.middle = .enhanced
    default:
        return false
    }
    view.clampPan()
    return true
}
