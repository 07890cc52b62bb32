/// A smooth random field, roughly -1…1 (standard deviation about 0.6): standard normals on a
/// coarse lattice, blended with a smoothstep. Features are about `cell` pixels wide.
///
/// Real tissue is not uniformly echogenic: lobules, fibres and perfusion make slow
/// variations of brightness. The same kind of field also shapes haze and TGC ripple.
struct SmoothField {
    let cell: Float
    private let columns: Int
    private let rows: Int
    private let values: [Float]

    init(width: Int, height: Int, cell: Float, rng: inout PhantomRandom) {
        self.cell = cell
        columns = Int(Float(width) / cell) + 3
        rows = Int(Float(height) / cell) + 3
        var lattice = [Float](repeating: 0, count: columns * rows)
        for index in lattice.indices { lattice[index] = rng.normal() }
        values = lattice
    }

    /// The field at pixel (x, y); positions off the image are clamped to the lattice.
    func callAsFunction(_ x: Float, _ y: Float) -> Float {
        let gx = max(0, min(Float(columns - 2) - 0.001, x / cell + 1))
        let gy = max(0, min(Float(rows - 2) - 0.001, y / cell + 1))
        let ix = Int(gx), iy = Int(gy)
        let fx = smoothstep(gx - Float(ix)), fy = smoothstep(gy - Float(iy))
        let i = iy * columns + ix
        let top = values[i] + (values[i + 1] - values[i]) * fx
        let bottom = values[i + columns] + (values[i + columns + 1] - values[i + columns]) * fx
        return top + (bottom - top) * fy
    }

    private func smoothstep(_ t: Float) -> Float { t * t * (3 - 2 * t) }
}
