import ArgumentParser

/// The allowed values of a numeric option, enforced by the argument parser itself: every
/// option that sizes memory or a loop is declared with `transform: NumericRange.x.parse`,
/// so a value outside the range, or not a whole number, is refused while parsing —
/// "The value '0' is invalid for '--zoom <zoom>': expected a whole number from 1 to 32" —
/// before any file is opened.
struct NumericRange: Sendable {
    let range: ClosedRange<Int>
    /// Only odd values (centred windows).
    var oddOnly = false

    var expected: String {
        "expected \(oddOnly ? "an odd" : "a") whole number from \(range.lowerBound) to \(range.upperBound)"
    }

    func parse(_ text: String) throws -> Int {
        guard let value = Int(text), range.contains(value), !oddOnly || value % 2 == 1 else {
            throw ValidationError(expected)
        }
        return value
    }

    /// Generator and engine threads: one per core of the largest machines, no more.
    static let threads = NumericRange(range: 1...256)
    /// Timed repetitions of a benchmark.
    static let runs = NumericRange(range: 1...10_000)
    /// LNCC box window: odd, so the box has a centre; larger windows blur the measure away.
    static let lnccWindow = NumericRange(range: 3...31, oddOnly: true)
    /// Nearest-neighbour zoom of `show`; the canvas is further bounded by the pixel limit.
    static let zoom = NumericRange(range: 1...32)
    /// Terminal columns and rows `show` may be told to use.
    static let columns = NumericRange(range: 8...4000)
    static let rows = NumericRange(range: 4...2000)
    /// bench-generator's square input side: up to 4096, the side of the default pixel limit.
    static let benchSide = NumericRange(range: 8...4096)
    /// Sixel colour registers (terminals offer 16 to 1024; 101 or more is the direct palette).
    static let registers = NumericRange(range: 2...4096)
    /// Synthetic pairs per organ (`synth`).
    static let synthPerOrgan = NumericRange(range: 1...10_000)
    /// Cases per organ in a study (USEnhance has at most 416 per organ).
    static let studyPerOrgan = NumericRange(range: 1...100_000)
    /// Answer sets `study simulate-reader` submits.
    static let answers = NumericRange(range: 1...1_000_000)
    /// Pause after each simulated commit: up to a minute.
    static let pauseMilliseconds = NumericRange(range: 0...60_000)
    /// Size of `study bench`'s fixture and its timed loops.
    static let benchReaders = NumericRange(range: 1...1000)
    static let benchAnswerSets = NumericRange(range: 1...100_000)
}
