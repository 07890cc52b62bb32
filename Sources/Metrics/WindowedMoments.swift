import Dataset

/// Local first and second moments of an image pair under a separable window, at every
/// position where the window lies wholly inside the image ("valid" positions).
///
/// SSIM and LNCC are both functions of these five local means; computing them in one
/// separable pass (rows, then columns) keeps the cost at 2·k per pixel per moment
/// instead of k².
struct WindowedMoments {
    let width: Int
    let height: Int
    var count: Int { width * height }
    var meanX: [Double]
    var meanY: [Double]
    var meanXX: [Double]
    var meanYY: [Double]
    var meanXY: [Double]

    init(_ a: GrayImage, _ b: GrayImage, horizontal: [Double], vertical: [Double]) {
        let kx = horizontal.count, ky = vertical.count
        let outWidth = a.width - kx + 1, outHeight = a.height - ky + 1
        width = outWidth
        height = outHeight
        // Row pass: for every input row, the five windowed sums at each valid column.
        let rowCount = a.height * outWidth
        var rx = [Double](repeating: 0, count: rowCount), ry = rx, rxx = rx, ryy = rx, rxy = rx
        a.pixels.withUnsafeBufferPointer { pa in
            b.pixels.withUnsafeBufferPointer { pb in
                for y in 0..<a.height {
                    let base = y * a.width
                    for x in 0..<outWidth {
                        var sx = 0.0, sy = 0.0, sxx = 0.0, syy = 0.0, sxy = 0.0
                        for k in 0..<kx {
                            let w = horizontal[k]
                            let u = Double(pa[base + x + k]), v = Double(pb[base + x + k])
                            sx += w * u
                            sy += w * v
                            sxx += w * u * u
                            syy += w * v * v
                            sxy += w * u * v
                        }
                        let o = y * outWidth + x
                        rx[o] = sx; ry[o] = sy; rxx[o] = sxx; ryy[o] = syy; rxy[o] = sxy
                    }
                }
            }
        }
        // Column pass over the row sums.
        let outCount = outWidth * outHeight
        meanX = [Double](repeating: 0, count: outCount)
        meanY = meanX; meanXX = meanX; meanYY = meanX; meanXY = meanX
        for y in 0..<outHeight {
            for k in 0..<ky {
                let w = vertical[k]
                let source = (y + k) * outWidth
                let target = y * outWidth
                for x in 0..<outWidth {
                    meanX[target + x] += w * rx[source + x]
                    meanY[target + x] += w * ry[source + x]
                    meanXX[target + x] += w * rxx[source + x]
                    meanYY[target + x] += w * ryy[source + x]
                    meanXY[target + x] += w * rxy[source + x]
                }
            }
        }
    }
}
