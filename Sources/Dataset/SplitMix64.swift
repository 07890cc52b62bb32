import Foundation

/// SplitMix64 (Steele, Lea & Flood 2014): a tiny generator whose output function is a
/// strong 64-bit mixer. It hashes seeds together, expands one 64-bit key into the phantom
/// simulator's 256-bit xoshiro state (as the xoshiro authors recommend), and drives the
/// seeded shuffles of splits and reader orders (SplitMix64+Shuffle.swift).
public struct SplitMix64 {
    public private(set) var state: UInt64

    public init(state: UInt64) { self.state = state }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Hashes `value` into `key`: order matters, and nearby inputs give unrelated outputs.
    public static func combine(_ key: UInt64, _ value: UInt64) -> UInt64 {
        var hashed = SplitMix64(state: value)
        var mixer = SplitMix64(state: key ^ hashed.next())
        return mixer.next()
    }
}
