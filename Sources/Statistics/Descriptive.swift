/// Summary statistics of a sample: what a results table reports as mean ± sd.
public struct Descriptive: Equatable, Sendable {
    public let count: Int
    public let mean: Double
    /// Sample standard deviation (n − 1 in the denominator); 0 for fewer than two values.
    public let standardDeviation: Double
    public let median: Double
    public let minimum: Double
    public let maximum: Double

    /// Nil for an empty sample. Non-finite values (an infinite PSNR of identical
    /// images) are left out, so they cannot turn a mean into infinity.
    public init?(_ values: [Double]) {
        let finite = values.filter(\.isFinite).sorted()
        guard !finite.isEmpty else { return nil }
        count = finite.count
        let average = finite.reduce(0, +) / Double(finite.count)
        mean = average
        let squares = finite.reduce(0) { $0 + ($1 - average) * ($1 - average) }
        standardDeviation = count > 1 ? (squares / Double(count - 1)).squareRoot() : 0
        median = count % 2 == 1 ? finite[count / 2] : (finite[count / 2 - 1] + finite[count / 2]) / 2
        minimum = finite[0]
        maximum = finite[count - 1]
    }
}
