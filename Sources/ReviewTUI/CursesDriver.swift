import CNcursesw
import TerminalGraphics

/// The only code that calls curses: starts and restores the terminal, reads keys,
/// and copies a `ScreenBuffer` to the screen through colour pairs.
///
/// Image grays go through one colour pair per (foreground, background) level pair,
/// made once at start: 64 grays on direct-colour terminals, the 30 grays of the
/// 256-colour palette (`TerminalWriter.paletteGrays`) otherwise — fewer when the
/// terminal has too few pairs. Below 256 colours images are drawn as ascii.
final class CursesDriver {
    private static let grayPairBase: Int32 = 16

    let graphics: GraphicsMode
    private let noColor: Bool
    /// The curses colour number of each gray level, darkest first.
    private var levelColors: [Int32] = []
    /// Gray (0…255) → level index.
    private var levelForGray = [Int](repeating: 0, count: 256)
    private var shown: ScreenBuffer?
    /// Pairs made on first use for an overlay ink over a gray level, after the gray pairs.
    private var inkPairs: [InkPair: Int32] = [:]
    private struct InkPair: Hashable {
        var ink: OverlayInk
        var background: Int
    }
    private var started = false
    /// The last mouse click read by `readKey` (which then returns no key); taken by the run loop.
    var pendingClick: MouseClick?

    /// The interface colours (never the image's); ignored under NO_COLOR.
    private var theme: Theme = .readingRoom

    /// What a fatal signal writes before restoring the terminal (at most 64 KiB; more clears it).
    static func setBytesOnFatalSignal(_ bytes: [UInt8]) {
        bytes.withUnsafeBufferPointer { usr_set_exit_bytes($0.baseAddress, $0.count) }
    }

    init(noColor: Bool, theme: Theme = .readingRoom) {
        self.theme = theme
        usr_start(50)
        started = true
        usr_install_signal_handlers()
        usr_enable_mouse()  // button-1 clicks, where the terminal sends them (Browser/Mouse.swift)
        self.noColor = noColor
        let hasColor = usr_start_color() != 0
        let colors = Int(usr_colors())
        let pairs = Int(usr_color_pairs())
        guard hasColor, colors >= 256 else {
            graphics = .ascii
            return
        }
        graphics = .halfBlocks
        var grays: [(color: Int32, level: Int)]
        if colors >= 0x1000000 {
            grays = (0..<64).map { step in
                let level = step * 255 / 63
                return (Int32(level * 0x010101), level)
            }
        } else {
            grays = TerminalWriter.paletteGrays.map { (Int32($0.index), Int($0.level)) }
        }
        let room = max(2, Int(Double(max(0, pairs - Int(Self.grayPairBase))).squareRoot()))
        if grays.count > room {
            grays = (0..<room).map { grays[$0 * (grays.count - 1) / (room - 1)] }
        }
        levelColors = grays.map(\.color)
        for gray in 0..<256 {
            var best = 0
            for (index, candidate) in grays.enumerated() where abs(candidate.level - gray) < abs(grays[best].level - gray) {
                best = index
            }
            levelForGray[gray] = best
        }
        for (f, fg) in levelColors.enumerated() {
            for (b, bg) in levelColors.enumerated() {
                init_extended_pair(grayPair(f, b), fg, bg)
            }
        }
        if !noColor { initChrome() }
    }

    private func grayPair(_ foreground: Int, _ background: Int) -> Int32 {
        Self.grayPairBase + Int32(foreground * levelColors.count + background)
    }

    /// The pair of `ink` over the gray `background`, made when first asked for: the
    /// ink's RGB on direct-colour terminals, its 256-colour index otherwise. When the
    /// terminal has no pairs left the ink is drawn as the brightest gray.
    private func inkPair(_ ink: OverlayInk, background: UInt8) -> Int32 {
        guard !levelColors.isEmpty else { return 0 }
        let level = levelForGray[Int(background)]
        let key = InkPair(ink: ink, background: level)
        if let pair = inkPairs[key] { return pair }
        let next = grayPair(levelColors.count - 1, levelColors.count - 1) + 1 + Int32(inkPairs.count)
        guard next < usr_color_pairs() else { return grayPair(levelColors.count - 1, level) }
        let color = usr_colors() >= 0x1000000 ? Int32(ink.rgb) : Int32(ink.paletteIndex)
        init_extended_pair(next, color, levelColors[level])
        inkPairs[key] = next
        return next
    }

    /// The theme's colours (default: the dark "reading-room" palette): truecolor on
    /// direct-colour terminals, the 256-colour fallbacks otherwise.
    private func initChrome() {
        let directColor = usr_colors() >= 0x1000000
        for role in ChromeRole.allCases {
            let paint = theme.paint(role)
            init_extended_pair(Int32(role.rawValue), paint.foreground.cursesColor(directColor: directColor),
                               paint.background.cursesColor(directColor: directColor))
        }
    }

    private func attributes(_ role: ChromeRole) -> (pair: Int32, attributes: UInt32) {
        let useColor = !noColor && graphics != .ascii
        let pair = useColor ? Int32(role.rawValue) : 0
        switch role {
        case .heading: return (pair, useColor ? usr_A_BOLD() : usr_A_REVERSE() | usr_A_BOLD())
        case .selection, .statusBar, .hint: return (pair, useColor ? usr_A_NORMAL() : usr_A_REVERSE())
        case .label, .error: return (pair, usr_A_BOLD())
        case .dim: return (pair, useColor ? usr_A_NORMAL() : usr_A_DIM())
        case .text, .warning: return (pair, usr_A_NORMAL())
        }
    }

    var size: TerminalSize { TerminalSize(columns: Int(usr_cols()), rows: Int(usr_lines())) }

    /// The next key, or nil when none came within the read timeout.
    func readKey() -> (key: Key?, resized: Bool) {
        var code: Int32 = 0
        switch usr_read_key(&code) {
        case 2:
            switch code {
            case usr_KEY_RESIZE: return (nil, true)
            case usr_KEY_MOUSE:
                var row: Int32 = 0, column: Int32 = 0
                let kind = usr_get_click(&row, &column)
                if kind > 0 { pendingClick = MouseClick(row: Int(row), column: Int(column), double: kind == 2) }
                return (nil, false)
            case usr_KEY_UP: return (.up, false)
            case usr_KEY_DOWN: return (.down, false)
            case usr_KEY_LEFT: return (.left, false)
            case usr_KEY_RIGHT: return (.right, false)
            case usr_KEY_ENTER: return (.enter, false)
            case usr_KEY_BACKSPACE: return (.backspace, false)
            case usr_KEY_NPAGE: return (.pageDown, false)
            case usr_KEY_PPAGE: return (.pageUp, false)
            case usr_KEY_HOME: return (.home, false)
            case usr_KEY_END: return (.end, false)
            case 0o541: return (.backTab, false)  // KEY_BTAB
            case 0o521: return (.shiftUp, false)  // KEY_SR
            case 0o520: return (.shiftDown, false)  // KEY_SF
            case 0o611: return (.shiftLeft, false)  // KEY_SLEFT
            case 0o622: return (.shiftRight, false)  // KEY_SRIGHT
            case 0o512: return (.delete, false)  // KEY_DC
            default: return (nil, false)
            }
        case 1:
            switch code {
            case 3: return (.interrupt, false)
            case 10, 13: return (.enter, false)
            case 27: return (.escape, false)
            case 8, 127: return (.backspace, false)
            default:
                guard let scalar = Unicode.Scalar(UInt32(code)) else { return (nil, false) }
                return (.character(Character(scalar)), false)
            }
        default:
            return (nil, false)
        }
    }

    /// Copies the cells that changed since the last frame and refreshes.
    func show(_ screen: ScreenBuffer) {
        let previous = shown?.columns == screen.columns && shown?.rows == screen.rows ? shown : nil
        if previous == nil { erase() }
        for row in 0..<screen.rows {
            for column in 0..<screen.columns {
                let cell = screen[column, row]
                if let previous, previous[column, row] == cell { continue }
                let (pair, attributes): (Int32, UInt32)
                switch cell.style {
                case let .chrome(role): (pair, attributes) = self.attributes(role)
                case let .gray(foreground, background):
                    pair = levelColors.isEmpty ? 0
                        : grayPair(levelForGray[Int(foreground)], levelForGray[Int(background)])
                    attributes = usr_A_NORMAL()
                case let .ink(ink, background):
                    pair = inkPair(ink, background: background)
                    attributes = usr_A_NORMAL()
                case .plain: (pair, attributes) = (0, usr_A_NORMAL())
                }
                usr_put(Int32(row), Int32(column), cell.scalar.value, pair, attributes)
            }
        }
        shown = screen
        refresh()
    }

    /// Forgets what is on screen, so the next frame is drawn whole (after a resize).
    func invalidate() {
        shown = nil
        usr_redraw_all()
    }

    func stop() {
        guard started else { return }
        started = false
        endwin()
    }

    deinit { stop() }
}
