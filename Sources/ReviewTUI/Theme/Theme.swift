/// One interface colour: a truecolor value for direct-colour terminals and an index
/// into the 256-colour palette for the others; `.terminalDefault` leaves the
/// terminal's own colour.
public struct ThemeColor: Equatable, Sendable {
    /// 0xRRGGBB, or nil for the terminal's default colour.
    public var rgb: UInt32?
    /// 0…255, or -1 for the terminal's default colour.
    public var index: Int32

    public init(rgb: UInt32, index: Int32) {
        self.rgb = rgb
        self.index = index
    }

    private init() {
        rgb = nil
        index = -1
    }

    public static let terminalDefault = ThemeColor()

    /// The curses colour number: the packed RGB on direct-colour terminals, else the index.
    public func cursesColor(directColor: Bool) -> Int32 {
        guard let rgb else { return -1 }
        return directColor ? Int32(rgb) : index
    }
}

/// Foreground and background of one interface role.
public struct ThemePaint: Equatable, Sendable {
    public var foreground: ThemeColor
    public var background: ThemeColor
    public init(_ foreground: ThemeColor, _ background: ThemeColor = .terminalDefault) {
        self.foreground = foreground
        self.background = background
    }
}

/// The overlays a theme colours over images (marks): drawn over the picture, never
/// into the image's grays.
public enum MarkRole: Int, CaseIterable, Sendable {
    /// A placed mark.
    case mark
    /// The mark mode's selected mark.
    case selected
    /// The mark mode's cursor.
    case cursor
}

/// The colours of the interface. Themes colour chrome — text, bars, labels — and the
/// marks drawn over images, never the ultrasound image, whose grays are drawn as recorded.
public struct Theme: Equatable, Sendable {
    public var name: String
    /// The file it came from; nil for the built-in default.
    public var path: String?
    public var paints: [ChromeRole: ThemePaint]
    /// The colour of each kind of mark; a role left out keeps `defaultMarkColors`.
    public var marks: [MarkRole: ThemeColor]

    public init(name: String, path: String? = nil, paints: [ChromeRole: ThemePaint], marks: [MarkRole: ThemeColor] = [:]) {
        self.name = name
        self.path = path
        self.paints = paints
        self.marks = marks
    }

    public func paint(_ role: ChromeRole) -> ThemePaint {
        paints[role] ?? Theme.readingRoom.paints[role] ?? ThemePaint(.terminalDefault)
    }

    public func markColor(_ role: MarkRole) -> ThemeColor {
        marks[role] ?? Theme.defaultMarkColors[role]!
    }

    /// Saturated colours that no gray resembles, so a mark stays visible on any part of
    /// an ultrasound image: amber marks, cyan for the selected one, magenta for the cursor.
    public static let defaultMarkColors: [MarkRole: ThemeColor] = [
        .mark: ThemeColor(rgb: 0xFFB000, index: 214),
        .selected: ThemeColor(rgb: 0x00E5FF, index: 45),
        .cursor: ThemeColor(rgb: 0xFF40FF, index: 207),
    ]

    /// The table name of each mark colour in a theme file (`fg` and `fg256` only).
    public static let markTableNames: [(name: String, role: MarkRole)] = [
        ("mark", .mark), ("mark_selected", .selected), ("mark_cursor", .cursor),
    ]

    public static let defaultName = "reading-room"

    /// The built-in dark, low-luminance palette (the same as themes/reading-room.toml);
    /// the fallback whenever a theme cannot be read.
    public static let readingRoom: Theme = {
        func c(_ rgb: UInt32, _ index: Int32) -> ThemeColor { ThemeColor(rgb: rgb, index: index) }
        return Theme(name: defaultName, paints: [
            .text: ThemePaint(c(0xBCBCBC, 250)),
            .dim: ThemePaint(c(0x767676, 243)),
            .heading: ThemePaint(c(0xD0D0D0, 252), c(0x303030, 236)),
            .label: ThemePaint(c(0xD7AF5F, 179)),
            .selection: ThemePaint(c(0xFFFFFF, 231), c(0x005F87, 24)),
            .statusBar: ThemePaint(c(0xBCBCBC, 250), c(0x262626, 235)),
            .warning: ThemePaint(c(0xD7AF5F, 179)),
            .error: ThemePaint(c(0xD75F5F, 167), c(0x262626, 235)),
            .hint: ThemePaint(c(0x8A8A8A, 245), c(0x1C1C1C, 234)),
        ])
    }()

    /// The table name of each role in a theme file.
    public static let tableNames: [(name: String, role: ChromeRole)] = [
        ("chrome", .heading), ("text", .text), ("dim", .dim), ("selection", .selection),
        ("status", .statusBar), ("warning", .warning), ("error", .error), ("label", .label), ("hint", .hint),
    ]
}
