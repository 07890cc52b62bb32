import Statistics
import XCTest

final class WilsonIntervalTests: XCTestCase {
    /// Reference bounds from statsmodels 0.15.0, `proportion_confint(k, n, alpha=0.05, method="wilson")`;
    /// scipy 1.17.1's `binomtest(k, n).proportion_ci(method="wilson")` agrees to 1e-16.
    func testMatchesScipy() throws {
        let reference: [(k: Int, n: Int, lower: Double, upper: Double)] = [
            (1, 3, 0.06149194472039626, 0.7923403991979523),
            (3, 3, 0.4385029682449546, 1.0),
            (1, 2, 0.09453120573423074, 0.9054687942657693),
            (0, 1, 0.0, 0.7934506856227626),
            (5, 8, 0.3057423946026273, 0.8631557141764027),
            (0, 3, 0.0, 0.5614970317550454),
        ]
        for r in reference {
            let interval = try XCTUnwrap(WilsonInterval(successes: r.k, trials: r.n), "\(r.k)/\(r.n)")
            XCTAssertEqual(interval.proportion, Double(r.k) / Double(r.n))
            XCTAssertEqual(interval.lower, r.lower, accuracy: 1e-12, "\(r.k)/\(r.n)")
            XCTAssertEqual(interval.upper, r.upper, accuracy: 1e-12, "\(r.k)/\(r.n)")
        }
    }

    func testUndefinedWithoutTrialsOrWithImpossibleCounts() {
        XCTAssertNil(WilsonInterval(successes: 0, trials: 0))
        XCTAssertNil(WilsonInterval(successes: 4, trials: 3))
        XCTAssertNil(WilsonInterval(successes: -1, trials: 3))
    }
}

final class PercentileBootstrapTests: XCTestCase {
    /// Draws from a fixed list, so every replicate is known.
    final class Draws {
        var values: [Int]
        init(_ values: [Int]) { self.values = values }
        func next(_ bound: Int) -> Int {
            let value = values.removeFirst()
            precondition(value < bound)
            return value
        }
    }

    func testPercentilesOfKnownReplicates() throws {
        // Units 0 and 1, statistic the mean. Draws [0,0], [0,1], [1,1], [1,0] give replicates
        // 0, 0.5, 1, 0.5; sorted 0, 0.5, 0.5, 1. At level 0.5 the 25th percentile sits at
        // position 0.25·3 = 0.75: 0 + 0.75·0.5 = 0.375; the 75th at 2.25: 0.5 + 0.25·0.5 = 0.625
        // (numpy.percentile([0, .5, .5, 1], [25, 75]) = [0.375, 0.625]).
        let draws = Draws([0, 0, 0, 1, 1, 1, 1, 0])
        let interval = try XCTUnwrap(PercentileBootstrap.interval(units: [0.0, 1.0], replicates: 4, level: 0.5,
                                                                  below: draws.next) { $0.reduce(0, +) / Double($0.count) })
        XCTAssertEqual(interval.lower, 0.375, accuracy: 1e-12)
        XCTAssertEqual(interval.upper, 0.625, accuracy: 1e-12)
        XCTAssertEqual(interval.replicates, 4)
        XCTAssertTrue(draws.values.isEmpty, "one draw per unit per replicate")
    }

    func testIdenticalUnitsCollapseTheInterval() throws {
        var state: UInt64 = 1
        func below(_ bound: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int(state >> 33) % bound
        }
        // Every case 2 marked of 5 readings: each resample's share is 0.4.
        let units: [(marked: Int, readings: Int)] = Array(repeating: (2, 5), count: 7)
        func share(_ sample: [(marked: Int, readings: Int)]) -> Double? {
            let marked = sample.reduce(0) { $0 + $1.marked }, readings = sample.reduce(0) { $0 + $1.readings }
            return Double(marked) / Double(readings)
        }
        let interval = try XCTUnwrap(PercentileBootstrap.interval(units: units, below: below, statistic: share))
        XCTAssertEqual(interval.lower, 0.4)
        XCTAssertEqual(interval.upper, 0.4)
        XCTAssertEqual(interval.replicates, 2000)
    }

    func testUndefinedReplicatesAreLeftOut() throws {
        // The statistic is undefined whenever unit 0 is drawn first.
        let draws = Draws([0, 1, 1, 1, 1, 0])
        let interval = try XCTUnwrap(PercentileBootstrap.interval(units: [10.0, 20.0], replicates: 3,
                                                                  below: draws.next) { $0[0] == 10 ? nil : $0[1] })
        // Replicates: nil, [20, 20] → 20, [20, 10] → 10.
        XCTAssertEqual(interval.replicates, 2)
        XCTAssertEqual(interval.lower, 10 + 0.025 * 10, accuracy: 1e-12)
        XCTAssertEqual(interval.upper, 10 + 0.975 * 10, accuracy: 1e-12)
        XCTAssertNil(PercentileBootstrap.interval(units: [Double](), below: { _ in 0 }) { _ in 1 })
    }
}
