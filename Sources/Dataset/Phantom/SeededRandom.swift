import Foundation

/// The independent random streams of one case. Each gets its own generator so that,
/// say, the low-quality receiver noise never shifts the tissue's scatterer realisation.
enum RandomStream: UInt64 {
    case anatomy = 1        // positions, sizes and shapes of the organ's structures
    case scatterers         // the tissue's speckle: shared by the high and the low image
    case highReceiver       // electronic noise and clutter of the high-end scanner
    case lowReceiver        // the same for the portable scanner
    case degradation        // per-case settings of the portable scanner (TGC error, haze)
    case deformation        // the smooth tissue displacement between the two acquisitions
}

/// xoshiro256** (Blackman & Vigna 2018): the simulator's only source of randomness,
/// so one (seed, organ, case, stream) always gives the same numbers on every run.
struct PhantomRandom {
    private var s0: UInt64, s1: UInt64, s2: UInt64, s3: UInt64
    private var spareNormal: Float?

    init(key: UInt64) {
        var expander = SplitMix64(state: key)
        s0 = expander.next(); s1 = expander.next(); s2 = expander.next(); s3 = expander.next()
    }

    init(seed: UInt64, organ: Organ, caseID: Int, stream: RandomStream) {
        var key = SplitMix64.combine(seed, UInt64(Organ.allCases.firstIndex(of: organ)!))
        key = SplitMix64.combine(key, UInt64(bitPattern: Int64(caseID)))
        key = SplitMix64.combine(key, stream.rawValue)
        self.init(key: key)
    }

    mutating func next() -> UInt64 {
        let result = ((s1 &* 5) << 7 | (s1 &* 5) >> 57) &* 9
        let t = s1 << 17
        s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3
        s2 ^= t
        s3 = s3 << 45 | s3 >> 19
        return result
    }

    /// Uniform in [0, 1), from the top 53 bits.
    mutating func unit() -> Double {
        Double(next() >> 11) * 0x1p-53
    }

    /// Uniform in [low, high).
    mutating func uniform(_ low: Float, _ high: Float) -> Float {
        low + (high - low) * Float(unit())
    }

    /// Uniform integer in `range` (multiply-shift; the bias is below 2^-50 for small ranges).
    mutating func int(_ range: ClosedRange<Int>) -> Int {
        let span = UInt64(range.upperBound - range.lowerBound + 1)
        return range.lowerBound + Int(next().multipliedFullWidth(by: span).high)
    }

    /// True with probability `p`.
    mutating func chance(_ p: Float) -> Bool { Float(unit()) < p }

    /// -1 or +1 with equal odds.
    mutating func sign() -> Float { next() >> 63 == 0 ? -1 : 1 }

    /// A pair of independent standard normals by Box–Muller.
    mutating func normalPair() -> (Float, Float) {
        let u1 = Double((next() >> 11) + 1) * 0x1p-53   // (0, 1]: log is finite
        let u2 = unit()
        let radius = (-2 * log(u1)).squareRoot()
        let angle = 2 * Double.pi * u2
        return (Float(radius * cos(angle)), Float(radius * sin(angle)))
    }

    /// A standard normal; Box–Muller makes two, the second is kept for the next call.
    mutating func normal() -> Float {
        if let spare = spareNormal {
            spareNormal = nil
            return spare
        }
        let (a, b) = normalPair()
        spareNormal = b
        return a
    }

    /// A circular complex Gaussian with E|z|² = 1: the echo of many random scatterers
    /// in one resolution cell (random phase, Rayleigh magnitude).
    mutating func complexNormal() -> (re: Float, im: Float) {
        let (a, b) = normalPair()
        return (a * 0.707_106_78, b * 0.707_106_78)
    }
}
