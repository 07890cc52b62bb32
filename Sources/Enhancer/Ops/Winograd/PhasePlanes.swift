/// Channel planes split into zero-extended column phases, row after row:
/// `phase(c, r, k)[t] = x[c][r][s·t + k − s]` (0 outside the row), so that
/// `x[c][r][s·tx + offset]` for a small offset is `row(channel: c, r)[columnOffset(offset) + tx]`,
/// contiguous in tx. Rows outside the plane read as zeros. Splitting once per layer makes
/// every tile read of the Winograd input transforms a contiguous vector load; the phases
/// are padded so loads of eight tiles past the last one stay inside (and read zeros).
struct PhasePlanes {
    let stride: Int
    /// Entries per phase: one before the tiles, the tiles rounded up to 8, one after.
    let length: Int
    let height: Int
    let storage: UnsafeMutablePointer<Float>
    let zeros: UnsafeMutablePointer<Float>

    init(channels: Int, stride: Int, tiles: Int, height: Int, workspace: Workspace) {
        self.stride = stride
        length = (tiles + 7) / 8 * 8 + 2
        self.height = height
        storage = workspace.buffer(.winogradPhases, count: (channels * height + 1) * stride * length)
        zeros = storage + channels * height * stride * length
        zeros.update(repeating: 0, count: stride * length)
    }

    /// Splits `x[C][height][width]` into phases, rows spread over the threads.
    func fill(from x: UnsafePointer<Float>, channels: Int, width: Int, loop: ParallelLoop) {
        let (s, length) = (stride, self.length)
        let whole = width / s
        loop.forEach(channels * height, itemCost: 2 * s * length) { rows in
            for row in rows {
                let source = x + row * width
                let phases = storage + row * s * length
                if s == 2 {
                    let (even, odd) = (phases + 1, phases + length + 1)
                    for t in 0..<whole {
                        even[t] = source[2 * t]
                        odd[t] = source[2 * t + 1]
                    }
                } else {
                    for k in 0..<s {
                        let phase = phases + k * length + 1
                        for t in 0..<whole { phase[t] = source[s * t + k] }
                    }
                }
                for k in 0..<s {
                    let phase = phases + k * length
                    phase[0] = 0
                    let index = s * whole + k
                    phase[whole + 1] = index < width ? source[index] : 0
                    if whole + 2 < length { (phase + whole + 2).update(repeating: 0, count: length - whole - 2) }
                }
            }
        }
    }

    /// The start of row r of channel c (a row of zeros outside the plane).
    @inline(__always)
    func row(channel c: Int, _ r: Int) -> UnsafePointer<Float> {
        UnsafePointer(r >= 0 && r < height ? storage + (c * height + r) * stride * length : zeros)
    }

    /// Where `x[·][s·tx + offset]` sits in a row, at tx = 0.
    func columnOffset(_ offset: Int) -> Int {
        let shift = floorDivide(offset, stride)
        return (offset - shift * stride) * length + 1 + shift
    }
}
