import Foundation

/// Where the beams go. The simulation runs in beam space (one row per depth sample, one
/// column per beam line), where depth is along a column; scan conversion maps it to the image.
///
/// - linear: parallel vertical beams, one per image column (thyroid, carotid, breast).
/// - curvilinear: beams fan out from a virtual apex above the image; the image shows a
///   sector, black outside (liver, kidney). Speckle there widens with depth, as on real
///   convex probes, because the beam lines spread apart.
enum ProbeGeometry: Sendable {
    case linear
    case curvilinear(Fan)

    struct Fan: Sendable {
        var apexX: Float = 128, apexY: Float = -60
        /// Radius of the probe face (top of the sector) and of the deepest sample.
        var faceRadius: Float = 70, maxRadius: Float = 310
        /// Half the opening angle, radians.
        var halfAngle: Float = 0.42
    }

    static let lines = PhantomGenerator.imageSize
    static let samples = PhantomGenerator.imageSize

    var fan: Fan? {
        if case .curvilinear(let fan) = self { return fan }
        return nil
    }

    /// Beam angle of `line`, radians from vertical (curvilinear only).
    private func angle(_ fan: Fan, line: Float) -> Float {
        -fan.halfAngle + 2 * fan.halfAngle * line / Float(Self.lines - 1)
    }

    /// Pixels of depth per sample along a beam.
    var sampleSpacing: Float {
        guard let fan else { return 1 }
        return (fan.maxRadius - fan.faceRadius) / Float(Self.samples - 1)
    }

    /// Depth below the probe face of `sample`, in pixels.
    func depth(sample: Int) -> Float { Float(sample) * sampleSpacing }

    /// Pixels between neighbouring beam lines at `sample`.
    func lineSpacing(sample: Int) -> Float {
        guard let fan else { return 1 }
        return (fan.faceRadius + depth(sample: sample)) * 2 * fan.halfAngle / Float(Self.lines - 1)
    }

    /// Image position of beam sample (line, sample).
    func position(line: Int, sample: Int) -> (x: Float, y: Float) {
        guard let fan else { return (Float(line), Float(sample)) }
        let theta = angle(fan, line: Float(line)), r = fan.faceRadius + depth(sample: sample)
        return (fan.apexX + r * sin(theta), fan.apexY + r * cos(theta))
    }

    /// Fractional beam coordinates of image pixel (x, y), or nil outside the field of view.
    func beamCoordinates(x: Float, y: Float) -> (line: Float, sample: Float)? {
        guard let fan else { return (x, y) }
        let dx = x - fan.apexX, dy = y - fan.apexY
        let r = (dx * dx + dy * dy).squareRoot(), theta = atan2(dx, dy)
        let line = (theta + fan.halfAngle) / (2 * fan.halfAngle) * Float(Self.lines - 1)
        let sample = (r - fan.faceRadius) / sampleSpacing
        guard line >= 0, line <= Float(Self.lines - 1), sample >= 0, sample <= Float(Self.samples - 1) else { return nil }
        return (line, sample)
    }

    /// Turns a beam-space plane (samples × lines, row-major) into the image: identity for a
    /// linear probe, bilinear interpolation in (angle, radius) for a fan, 0 outside it.
    func scanConvert(_ beam: [Float]) -> [Float] {
        guard fan != nil else { return beam }
        let size = PhantomGenerator.imageSize, lines = Self.lines
        var image = [Float](repeating: 0, count: size * size)
        beam.withUnsafeBufferPointer { b in
            for y in 0..<size {
                for x in 0..<size {
                    guard let (line, sample) = beamCoordinates(x: Float(x), y: Float(y)) else { continue }
                    let l0 = min(Int(line), lines - 2), s0 = min(Int(sample), Self.samples - 2)
                    let fl = line - Float(l0), fs = sample - Float(s0)
                    let i = s0 * lines + l0
                    let top = b[i] + (b[i + 1] - b[i]) * fl
                    let bottom = b[i + lines] + (b[i + lines + 1] - b[i + lines]) * fl
                    image[y * size + x] = top + (bottom - top) * fs
                }
            }
        }
        return image
    }

    /// True inside the field of view, false outside: what the scanner can display at all.
    func fieldOfViewMask() -> [Bool] {
        let size = PhantomGenerator.imageSize
        var mask = [Bool](repeating: true, count: size * size)
        guard fan != nil else { return mask }
        for y in 0..<size {
            for x in 0..<size where beamCoordinates(x: Float(x), y: Float(y)) == nil {
                mask[y * size + x] = false
            }
        }
        return mask
    }
}

extension Organ {
    /// Superficial organs are scanned with a linear high-frequency probe, abdominal ones
    /// with a curvilinear low-frequency probe that fans out to reach depth.
    var probe: ProbeGeometry {
        switch self {
        case .thyroid, .carotid, .breast: return .linear
        case .liver, .kidney: return .curvilinear(ProbeGeometry.Fan())
        }
    }
}
