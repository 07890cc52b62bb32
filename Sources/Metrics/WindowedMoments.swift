import Dataset

/// The five local means (x, y, x², y², xy) of an image pair under a separable window,
/// at every position where the window lies wholly inside the image ("valid" positions).
///
/// SSIM and LNCC are both functions of these means. The row pass keeps only the last
/// `vertical.count` rows of row sums in a ring, so a pair needs a few hundred kilobytes
/// of scratch instead of ten megabytes: evaluating a thousand pairs in parallel is then
/// bound by arithmetic, not by page faults.
enum WindowedMoments {
    struct Means {
        var x = 0.0, y = 0.0, xx = 0.0, yy = 0.0, xy = 0.0
    }

    /// Calls `body` with the means of every valid window, row by row.
    static func forEach(_ a: GrayImage, _ b: GrayImage, horizontal: [Double], vertical: [Double],
                        _ body: (Means) -> Void) {
        let kx = horizontal.count, ky = vertical.count
        let outWidth = a.width - kx + 1, outHeight = a.height - ky + 1
        guard outWidth > 0, outHeight > 0 else { return }
        // ring[slot][column] holds the horizontal sums of one input row.
        var ring = [Means](repeating: Means(), count: ky * outWidth)
        a.pixels.withUnsafeBufferPointer { pa in
            b.pixels.withUnsafeBufferPointer { pb in
                ring.withUnsafeMutableBufferPointer { ring in
                    func rowSums(_ inputRow: Int) {
                        let base = inputRow * a.width
                        let slot = (inputRow % ky) * outWidth
                        for x in 0..<outWidth {
                            var sums = Means()
                            for k in 0..<kx {
                                let w = horizontal[k]
                                let u = Double(pa[base + x + k]), v = Double(pb[base + x + k])
                                sums.x += w * u
                                sums.y += w * v
                                sums.xx += w * u * u
                                sums.yy += w * v * v
                                sums.xy += w * u * v
                            }
                            ring[slot + x] = sums
                        }
                    }
                    for row in 0..<(ky - 1) { rowSums(row) }
                    for y in 0..<outHeight {
                        rowSums(y + ky - 1)
                        for x in 0..<outWidth {
                            var means = Means()
                            for k in 0..<ky {
                                let w = vertical[k]
                                let sums = ring[((y + k) % ky) * outWidth + x]
                                means.x += w * sums.x
                                means.y += w * sums.y
                                means.xx += w * sums.xx
                                means.yy += w * sums.yy
                                means.xy += w * sums.xy
                            }
                            body(means)
                        }
                    }
                }
            }
        }
    }
}
