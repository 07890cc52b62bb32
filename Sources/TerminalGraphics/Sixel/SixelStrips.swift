import Dataset

/// A sixel image cut into horizontal strips that are whole sixel images, each small
/// enough to pass through tmux (`Passthrough.tmuxLimit`), for pictures whose one sixel
/// would be dropped there. A strip is a whole number of cells and of 6-pixel sixel
/// bands tall, so strips stack exactly; each is drawn at its own cell row.
public enum SixelStrips {
    /// (first cell row of the strip within the picture, its sixel) top to bottom. One
    /// strip when the whole sixel fits under `limit` once wrapped; otherwise halves,
    /// recursively, down to one step of cells.
    /// `overlay` (the picture's size) is cut along with it.
    public static func encode(_ picture: GrayImage, overlay: OverlayLayer? = nil, cellHeight: Int, encoder: SixelEncoder,
                              passthrough: Passthrough, limit: Int = Passthrough.tmuxLimit) -> [(row: Int, sixel: [UInt8])] {
        let step = max(1, cellHeight) * Scaling.sixelRowStep(cellHeight: cellHeight)
        return split(picture, overlay: overlay, top: 0, step: step, cellHeight: max(1, cellHeight), encoder: encoder,
                     passthrough: passthrough, limit: limit)
    }

    private static func split(_ picture: GrayImage, overlay: OverlayLayer?, top: Int, step: Int, cellHeight: Int,
                              encoder: SixelEncoder, passthrough: Passthrough, limit: Int) -> [(row: Int, sixel: [UInt8])] {
        let sixel = encoder.encode(picture, overlay: overlay)
        // Room for the cursor move and restore that travel in the same piece.
        let steps = (picture.height + step - 1) / step
        if passthrough.wrappedSize(sixel) + 32 < limit || steps < 2 {
            return [(top / cellHeight, sixel)]
        }
        let cut = steps / 2 * step
        let upper = GrayImage(width: picture.width, height: cut, pixels: Array(picture.pixels[0..<(cut * picture.width)]))
        let lower = GrayImage(width: picture.width, height: picture.height - cut,
                              pixels: Array(picture.pixels[(cut * picture.width)...]))
        return split(upper, overlay: overlay?.rows(0..<cut), top: top, step: step, cellHeight: cellHeight,
                     encoder: encoder, passthrough: passthrough, limit: limit)
            + split(lower, overlay: overlay?.rows(cut..<picture.height), top: top + cut, step: step,
                    cellHeight: cellHeight, encoder: encoder, passthrough: passthrough, limit: limit)
    }
}
