#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Dataset
import TerminalGraphics

/// Draws a frame's pictures with the kitty graphics protocol, keeping images in the
/// terminal's memory under ids: a picture the terminal already holds — the other side
/// of a flicker, a case seen a moment ago, the panels after the help closes — is shown
/// again with a placement command alone (no pixels, under 100 bytes).
///
/// Each panel is one placement (`p` = panel number + 1) of whichever image it shows.
/// Images sit above the text, so before curses draws text where one is (the help, a
/// panel that moves or goes, a resize) `prepare` takes those placements off; the
/// terminal keeps their images. At most `heldLimit` images are held; the least
/// recently shown is freed (`a=d,d=I`). `clear` frees them all on exit.
///
/// Ids come from a random 24-bit base (as notcurses does), so two usreviews in one
/// kitty (or tmux over one kitty) do not replace each other's images.
final class KittyPanels: PixelPanels {
    static let heldLimit = 24

    private struct Placed: Equatable {
        var id: UInt32
        var column: Int
        var row: Int
    }

    private let encoder = KittyEncoder()
    private var out: PanelOutput
    private let base: UInt32
    private var nextID: UInt32 = 0
    /// Images the terminal holds (a picture and its overlay), least recently shown first.
    private var held: [(picture: GrayImage, overlay: OverlayLayer?, id: UInt32)] = []
    /// Placements on the screen, by panel number.
    private var placed: [Int: Placed] = [:]
    private var shownSize: TerminalSize?
    private(set) var framesDrawn = 0
    private(set) var imagesDrawn = 0
    private(set) var placementsDrawn = 0
    private(set) var bytesWritten = 0

    init(output: Int32 = STDOUT_FILENO, passthrough: Passthrough = .direct, pane: TmuxPane? = nil,
         base: UInt32 = UInt32.random(in: 1...0xFF_FF00) << 8) {
        out = PanelOutput(output: output, passthrough: passthrough, pane: pane)
        self.base = base
    }

    /// Never wipes: placements are taken off by id instead.
    func prepare(for frame: ScreenBuffer, overlay: Bool, size: TerminalSize) -> Bool {
        var deletions = [[UInt8]]()
        for (panel, place) in placed.sorted(by: { $0.key < $1.key }) {
            let keep = !overlay && size == shownSize && frame.images.indices.contains(panel)
                && frame.images[panel].column == place.column && frame.images[panel].row == place.row
                && held.first(where: { $0.id == place.id }).map { Self.shows($0, frame.images[panel]) } == true
            if !keep {
                deletions.append(KittyEncoder.deletePlacement(id: place.id, placement: UInt32(panel + 1)))
                placed[panel] = nil
            }
        }
        if !deletions.isEmpty { bytesWritten += out.send(out.bytes(deletions)) }
        return false
    }

    /// After a wipe kitty may have dropped the placements (a clear screen does);
    /// placing again replaces whatever is left, so they are simply placed again.
    func forget() { placed = [:] }

    func move(to pane: TmuxPane?) { out.pane = pane }

    func draw(_ frame: ScreenBuffer, overlay: Bool, size: TerminalSize) {
        shownSize = size
        guard !overlay else { return }
        var bytes = [UInt8]()
        var freed = [[UInt8]]()
        for (panel, image) in frame.images.enumerated() where image.rows > 0 && image.columns > 0 {
            // Never into the bottom row, as sixel: the layout keeps it free.
            guard image.row + image.rows <= size.rows - 1 else { continue }
            let id: UInt32
            var sequences = [[UInt8]]()
            if let index = held.firstIndex(where: { Self.shows($0, image) }) {
                id = held[index].id
                held.append(held.remove(at: index))  // most recently shown last
                if placed[panel] == Placed(id: id, column: image.column, row: image.row) { continue }
            } else {
                // 255 ids per run, reused once evicted; never one on screen.
                var candidate: UInt32
                repeat {
                    candidate = base &+ nextID % 0xFF + 1
                    nextID &+= 1
                } while placed.values.contains { $0.id == candidate }
                id = candidate
                if let stale = held.firstIndex(where: { $0.id == id }) {
                    freed.append(KittyEncoder.deleteImage(id: id))
                    held.remove(at: stale)
                }
                guard let transmit = try? encoder.transmit(image.picture, overlay: image.overlay, id: id) else { continue }
                sequences += transmit
                held.append((image.picture, image.overlay, id))
                imagesDrawn += 1
            }
            sequences.append(KittyEncoder.place(id: id, placement: UInt32(panel + 1)))
            bytes += out.bytes(sequences, row: image.row, column: image.column)
            placed[panel] = Placed(id: id, column: image.column, row: image.row)
            placementsDrawn += 1
        }
        // Free the least recently shown images beyond the limit, never one on screen.
        let onScreen = Set(placed.values.map(\.id))
        while held.count > Self.heldLimit, let index = held.firstIndex(where: { !onScreen.contains($0.id) }) {
            freed.append(KittyEncoder.deleteImage(id: held[index].id))
            held.remove(at: index)
        }
        if !freed.isEmpty { bytes += out.bytes(freed) }
        if !bytes.isEmpty { bytesWritten += out.send(bytes) }
        framesDrawn += 1
        CursesDriver.setBytesOnFatalSignal(deletions())
    }

    /// Whether a held image is what `image` shows: the same picture under the same overlay.
    private static func shows(_ held: (picture: GrayImage, overlay: OverlayLayer?, id: UInt32), _ image: PanelImage) -> Bool {
        held.picture == image.picture && held.overlay == image.overlay
    }

    /// Deleting every image held: what `clear` sends, and what a fatal signal sends.
    func deletions() -> [UInt8] {
        let sequences = held.map { KittyEncoder.deleteImage(id: $0.id) }
        return sequences.isEmpty ? [] : out.bytes(sequences)
    }

    func clear() {
        let bytes = deletions()
        if !bytes.isEmpty { bytesWritten += out.send(bytes) }
        held = []
        placed = [:]
        CursesDriver.setBytesOnFatalSignal([])
    }
}
