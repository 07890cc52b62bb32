/// A terminal's size in character cells.
public struct TerminalSize: Equatable, Sendable {
    public var columns: Int
    public var rows: Int
    public init(columns: Int, rows: Int) {
        self.columns = columns
        self.rows = rows
    }
    /// What to assume when the terminal does not say (the VT100's screen).
    public static let fallback = TerminalSize(columns: 80, rows: 24)
}

/// A size in screen pixels.
public struct PixelSize: Equatable, Sendable {
    public var width: Int
    public var height: Int
    public init(width: Int, height: Int) {
        self.width = width
        self.height = height
    }
    /// xterm's default maximum sixel image, assumed when the terminal does not answer
    /// XTSMGRAPHICS.
    public static let defaultMaxSixelGeometry = PixelSize(width: 1000, height: 1000)
}

/// What the kernel knows about the terminal's window (TIOCGWINSZ). Pixel sizes are 0
/// where the terminal does not tell the kernel (many do not).
public struct WindowSize: Equatable, Sendable {
    public var columns: Int
    public var rows: Int
    public var pixelWidth: Int
    public var pixelHeight: Int
    public init(columns: Int, rows: Int, pixelWidth: Int = 0, pixelHeight: Int = 0) {
        self.columns = columns
        self.rows = rows
        self.pixelWidth = pixelWidth
        self.pixelHeight = pixelHeight
    }
}

/// One control sequence a terminal sent back: a CSI `ESC [ marker? parameters final`,
/// such as `ESC [ ? 63 ; 4 c` (marker `?`, parameters [63, 4], final `c`); or a string
/// sequence, APC `ESC _ data ESC \` (kitty's graphics replies, `Gi=31;OK`) or DCS
/// `ESC P data ESC \` (XTVERSION's `>|tmux 3.3a`), whose contents are `data`.
public struct TerminalReply: Equatable, Sendable {
    public enum Introducer: Equatable, Sendable {
        case csi
        /// Application Program Command, `ESC _`.
        case apc
        /// Device Control String, `ESC P`.
        case dcs
    }

    public var introducer: Introducer
    /// `?`, `>`, `<` or `=` after the CSI, if any.
    public var marker: UInt8?
    /// Numeric parameters; an empty one reads as 0.
    public var parameters: [Int]
    /// The CSI's final byte; 0 for APC and DCS.
    public var final: UInt8
    /// An APC's or DCS's contents, between the introducer and the string terminator.
    public var data: [UInt8]

    public init(marker: UInt8?, parameters: [Int], final: UInt8) {
        self.introducer = .csi
        self.marker = marker
        self.parameters = parameters
        self.final = final
        self.data = []
    }

    public init(introducer: Introducer, data: [UInt8]) {
        self.introducer = introducer
        self.marker = nil
        self.parameters = []
        self.final = 0
        self.data = data
    }

    /// Whether this is the reply to Primary Device Attributes (`ESC [ c`), which every
    /// terminal sends and which therefore marks the end of the replies.
    public var isPrimaryDeviceAttributes: Bool {
        introducer == .csi && marker == UInt8(ascii: "?") && final == UInt8(ascii: "c")
    }

    /// A kitty graphics reply (`ESC _ G i=31;OK ESC \`): the image id it names and its
    /// message ("OK", or an error such as "EINVAL:…").
    public var kittyGraphics: (id: Int, message: String)? {
        guard introducer == .apc, data.first == UInt8(ascii: "G") else { return nil }
        let text = String(decoding: data.dropFirst(), as: UTF8.self)
        let parts = text.split(separator: ";", maxSplits: 1, omittingEmptySubsequences: false)
        var id = 0
        for key in parts[0].split(separator: ",") where key.hasPrefix("i=") {
            id = Int(key.dropFirst(2)) ?? 0
        }
        return (id, parts.count > 1 ? String(parts[1]) : "")
    }

    /// The terminal's name and version from an XTVERSION reply (`ESC P >| text ESC \`).
    public var terminalVersion: String? {
        guard introducer == .dcs, data.count >= 2, data[0] == UInt8(ascii: ">"), data[1] == UInt8(ascii: "|") else {
            return nil
        }
        return String(decoding: data.dropFirst(2), as: UTF8.self)
    }

    /// The sequences in `bytes`, in order. Anything else (a key the user pressed
    /// meanwhile, an unfinished sequence at the end) is skipped.
    public static func parse(_ bytes: [UInt8]) -> [TerminalReply] {
        var replies = [TerminalReply]()
        var index = 0
        while index + 1 < bytes.count {
            guard bytes[index] == 0x1B else {
                index += 1
                continue
            }
            let kind = bytes[index + 1]
            if kind == UInt8(ascii: "_") || kind == UInt8(ascii: "P") {
                // A string sequence: its contents run to ST (ESC \) or BEL.
                var end = index + 2
                while end < bytes.count, bytes[end] != 0x07,
                      !(bytes[end] == 0x1B && end + 1 < bytes.count && bytes[end + 1] == UInt8(ascii: "\\")) {
                    end += 1
                }
                guard end < bytes.count, bytes[end] == 0x07 || end + 1 < bytes.count else { break }  // unfinished
                replies.append(TerminalReply(introducer: kind == UInt8(ascii: "_") ? .apc : .dcs,
                                             data: Array(bytes[(index + 2)..<end])))
                index = end + (bytes[end] == 0x07 ? 1 : 2)
                continue
            }
            guard kind == UInt8(ascii: "[") else {
                index += 1
                continue
            }
            var cursor = index + 2
            var marker: UInt8?
            if cursor < bytes.count, (0x3C...0x3F).contains(bytes[cursor]) {
                marker = bytes[cursor]
                cursor += 1
            }
            var parameters = [Int]()
            var current: Int?
            var final: UInt8?
            while cursor < bytes.count {
                let byte = bytes[cursor]
                cursor += 1
                if (0x30...0x39).contains(byte) {
                    current = min((current ?? 0) * 10 + Int(byte - 0x30), 1_000_000)
                } else if byte == UInt8(ascii: ";") || byte == UInt8(ascii: ":") {
                    parameters.append(current ?? 0)
                    current = nil
                } else if (0x20...0x2F).contains(byte) {
                    continue  // intermediate bytes; none of our replies use them
                } else if (0x40...0x7E).contains(byte) {
                    final = byte
                    break
                } else {
                    break  // not a CSI sequence after all (ESC, control byte)
                }
            }
            guard let final else {
                index += 1
                continue
            }
            if current != nil || !parameters.isEmpty { parameters.append(current ?? 0) }
            replies.append(TerminalReply(marker: marker, parameters: parameters, final: final))
            index = cursor
        }
        return replies
    }
}

/// What the terminal can show, found out once at start-up by `TerminalQuery` — or
/// built from recorded replies in tests. Nothing else asks the terminal.
public struct TerminalCapabilities: Equatable, Sendable {
    /// Whether output goes to a terminal at all (not a file or pipe).
    public var isTerminal: Bool
    /// Whether the terminal answered Primary Device Attributes (DA1) in time.
    public var answered: Bool
    /// The DA1 attributes, e.g. [63, 1, 2, 4, 6, 9, 15, 16, 22, 28] from xterm -ti vt340.
    public var deviceAttributes: [Int]
    /// DA1 attribute 4: the terminal draws sixel graphics.
    public var sixel: Bool
    /// Sixel colour registers (XTSMGRAPHICS item 1); 256 when not reported.
    public var colorRegisters: Int
    /// Largest sixel image the terminal draws (XTSMGRAPHICS item 2); 1000×1000 when not
    /// reported. xterm reports the smaller of its limit and its window.
    public var maxSixelGeometry: PixelSize
    /// One cell in screen pixels (`CSI 16 t`, else the kernel's window pixel size);
    /// nil when unknown — use `CellPixelSize.typical`.
    public var cellPixelSize: CellPixelSize?
    /// Colours that SGR sequences may name.
    public var colorDepth: ColorDepth
    /// The window in cells.
    public var terminalSize: TerminalSize
    /// The terminal answered the kitty graphics query (`a=q`) with OK — or, inside tmux
    /// where replies through passthrough may not come back, the environment names kitty.
    public var kittyGraphics: Bool
    /// Secondary Device Attributes (DA2), e.g. [84, 0, 0] from tmux (84 is 'T').
    public var secondaryAttributes: [Int]
    /// XTVERSION's answer, e.g. "tmux 3.3a" or "kitty(0.26.5)".
    public var terminalVersion: String?
    /// The tmux pane usreview runs in, when it does; nil outside tmux.
    public var tmux: TmuxPane?

    public init(isTerminal: Bool = true, answered: Bool = false, deviceAttributes: [Int] = [], sixel: Bool = false,
                colorRegisters: Int = 256, maxSixelGeometry: PixelSize = .defaultMaxSixelGeometry,
                cellPixelSize: CellPixelSize? = nil, colorDepth: ColorDepth = .none,
                terminalSize: TerminalSize = .fallback, kittyGraphics: Bool = false, tmux: TmuxPane? = nil) {
        self.kittyGraphics = kittyGraphics
        self.secondaryAttributes = []
        self.terminalVersion = nil
        self.tmux = tmux
        self.isTerminal = isTerminal
        self.answered = answered
        self.deviceAttributes = deviceAttributes
        self.sixel = sixel
        self.colorRegisters = colorRegisters
        self.maxSixelGeometry = maxSixelGeometry
        self.cellPixelSize = cellPixelSize
        self.colorDepth = colorDepth
        self.terminalSize = terminalSize
    }

    /// Output that is not a terminal: ascii without colour, 80×24.
    public static let notATerminal = TerminalCapabilities(isTerminal: false)

    /// The capabilities the replies in `replies` (everything read back after the
    /// queries, in any order) describe, with colours from `environment` and sizes from
    /// `windowSize`. Missing replies leave conservative defaults: no kitty graphics, no
    /// sixel, 256 registers, 1000×1000, unknown cell size.
    ///
    /// Inside tmux (`tmux` given) two DA1 replies may come: tmux's own (`?1;2c`, a VT100
    /// without sixel) and the outer terminal's through passthrough; the outer one is
    /// the one that is not tmux's. When the graphics query's reply did not come back
    /// through tmux, the environment decides: KITTY_WINDOW_ID, or kitty as tmux's client
    /// terminal (TERM inside tmux names tmux, not the terminal).
    public init(replies: [UInt8], environment: [String: String], windowSize: WindowSize?, isTerminal: Bool = true,
                tmux: TmuxPane? = nil) {
        self.init(isTerminal: isTerminal, colorDepth: Self.colorDepth(environment: environment), tmux: tmux)
        for reply in TerminalReply.parse(replies) {
            if let graphics = reply.kittyGraphics, graphics.id == KittyEncoder.queryID {
                kittyGraphics = graphics.message == "OK"
                continue
            }
            if let version = reply.terminalVersion {
                terminalVersion = version
                continue
            }
            guard reply.introducer == .csi else { continue }
            let p = reply.parameters
            switch (reply.marker, reply.final) {
            case (UInt8(ascii: "?"), UInt8(ascii: "c")):
                let attributes = Array(p.dropFirst())  // the first is the terminal class
                if answered, tmux != nil, p == [1, 2] { continue }  // tmux's own, after the outer one
                answered = true
                deviceAttributes = attributes
                sixel = sixel || deviceAttributes.contains(4)
            case (UInt8(ascii: ">"), UInt8(ascii: "c")):
                secondaryAttributes = p
            case (UInt8(ascii: "?"), UInt8(ascii: "S")) where p.count >= 3 && p[1] == 0:
                // XTSMGRAPHICS: item ; status (0 = success) ; value(s)
                if p[0] == 1, p[2] > 0 {
                    colorRegisters = p[2]
                } else if p[0] == 2, p.count >= 4, p[2] > 0, p[3] > 0 {
                    maxSixelGeometry = PixelSize(width: p[2], height: p[3])
                }
            case (nil, UInt8(ascii: "t")) where p.count >= 3 && p[0] == 6 && p[1] > 0 && p[2] > 0:
                // CSI 6 ; height ; width t: the reply to CSI 16 t.
                cellPixelSize = CellPixelSize(width: p[2], height: p[1])
            default:
                continue
            }
        }
        if let tmux, !kittyGraphics {
            kittyGraphics = environment["KITTY_WINDOW_ID"].map { !$0.isEmpty } == true || tmux.clientTerm == "xterm-kitty"
        }
        if let windowSize, windowSize.columns > 0, windowSize.rows > 0 {
            terminalSize = TerminalSize(columns: windowSize.columns, rows: windowSize.rows)
            if cellPixelSize == nil, windowSize.pixelWidth >= windowSize.columns, windowSize.pixelHeight >= windowSize.rows {
                cellPixelSize = CellPixelSize(width: windowSize.pixelWidth / windowSize.columns,
                                              height: windowSize.pixelHeight / windowSize.rows)
            }
        } else if let columns = environment["COLUMNS"].flatMap(Int.init), let rows = environment["LINES"].flatMap(Int.init),
                  columns > 0, rows > 0 {
            terminalSize = TerminalSize(columns: columns, rows: rows)
        }
    }

    /// Whether the terminal is tmux (by its DA2 `>84;…` or XTVERSION), whether or not
    /// the TMUX variable made it this far (sudo and ssh drop it).
    public var isTmux: Bool {
        tmux != nil || secondaryAttributes.first == 84 || terminalVersion?.hasPrefix("tmux") == true
    }

    /// How pixel graphics reach the terminal: through passthrough inside tmux.
    public var passthrough: Passthrough { isTmux ? .tmux : .direct }

    /// Inside tmux, pixel graphics need `allow-passthrough`; false when it is off or
    /// tmux could not be asked (then tmux swallows them).
    public var pixelsReachTerminal: Bool { !isTmux || tmux?.passthrough == true }

    /// What to tell the user once when tmux stands between usreview and a terminal
    /// that could draw pixels; nil when nothing is to be done.
    public var advice: String? {
        guard isTmux, !pixelsReachTerminal else { return nil }
        return "inside tmux: images are blocks; `tmux set -g allow-passthrough on` lets kitty or sixel pixels through"
    }

    /// Whether the terminal can draw `mode` (as far as it said or can be told).
    public func supports(_ mode: GraphicsMode) -> Bool {
        switch mode {
        case .kitty: return kittyGraphics && pixelsReachTerminal
        case .sixel: return sixel && pixelsReachTerminal
        case .halfBlocks, .quadrants, .sextants: return isTerminal && colorDepth != .none
        case .ascii: return true
        }
    }

    /// Colours from the environment, as terminals advertise them: COLORTERM=truecolor
    /// or 24bit for 24-bit colour; TERM naming 256color for the palette; TERM=dumb or
    /// unset for none. Any other TERM (xterm, screen, linux …) is taken to understand
    /// 256 colours: every terminal emulator in use does, and the Linux console maps
    /// them to its 16.
    public static func colorDepth(environment: [String: String]) -> ColorDepth {
        let term = environment["TERM"] ?? ""
        if term.isEmpty || term == "dumb" { return .none }
        let colorterm = (environment["COLORTERM"] ?? "").lowercased()
        if colorterm == "truecolor" || colorterm == "24bit" || term.hasSuffix("-direct") { return .truecolor }
        return .palette256
    }

    /// The graphics mode to draw with: the override (`--graphics …`) when given;
    /// otherwise the first supported of kitty (lossless), sixel, half blocks, ascii —
    /// chafa's order. Quadrants and sextants are never chosen by themselves: whether the
    /// font has their glyphs cannot be asked (sextants need Unicode 13).
    public func chooseMode(override: GraphicsMode?) -> GraphicsMode {
        if let override { return override }
        return Self.preference.first(where: supports) ?? .ascii
    }

    /// Modes `chooseMode` tries, best first.
    public static let preference: [GraphicsMode] = [.kitty, .sixel, .halfBlocks, .ascii]

    /// The blitter for `mode`: the table notcurses keeps, one entry per mode.
    public func blitter(for mode: GraphicsMode) -> any Blitter {
        switch mode {
        case .kitty: return KittyBlitter()
        case .sixel: return SixelBlitter(registers: colorRegisters)
        case .sextants: return SextantBlitter()
        case .quadrants: return QuadrantBlitter()
        case .halfBlocks: return HalfBlockBlitter()
        case .ascii: return AsciiBlitter()
        }
    }

    /// The colours to write `mode` with: none for ascii (a ramp for terminals with
    /// nothing else); for blocks the terminal's, or the 256-colour palette when it
    /// reported none — blocks were asked for and show nothing without colour.
    public func colors(for mode: GraphicsMode) -> ColorDepth {
        switch mode {
        case .ascii: return .none
        case .kitty, .sixel, .sextants, .quadrants, .halfBlocks: return colorDepth == .none ? .palette256 : colorDepth
        }
    }
}
