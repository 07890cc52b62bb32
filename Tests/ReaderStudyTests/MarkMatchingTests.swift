@testable import ReaderStudy
import XCTest

/// The matching rules of the report's localisation agreement, each on an example worked by hand.
final class MarkMatchingTests: XCTestCase {
    let matcher = MarkMatcher()  // R = 10 px, IoU ≥ 0.3
    func point(_ x: Int, _ y: Int, _ category: String = "hallucinated") -> MarkMatcher.Mark {
        .init(category: category, shape: .point(x: x, y: y))
    }
    func box(_ x: Int, _ y: Int, _ w: Int, _ h: Int, _ category: String = "hallucinated") -> MarkMatcher.Mark {
        .init(category: category, shape: .box(x: x, y: y, width: w, height: h))
    }
    func pairs(_ a: [MarkMatcher.Mark], _ b: [MarkMatcher.Mark], _ matcher: MarkMatcher? = nil) -> [[Int]] {
        (matcher ?? self.matcher).match(a, b).map { [$0.a, $0.b] }
    }

    func testPointsMatchWithinTheRadius() {
        // (0,0)–(6,8): distance 10 = R, matches; (0,0)–(7,8): √113 ≈ 10.63, does not.
        XCTAssertEqual(pairs([point(0, 0)], [point(6, 8)]), [[0, 0]])
        XCTAssertEqual(try XCTUnwrap(matcher.cost(point(0, 0), point(6, 8))), 1, accuracy: 1e-12)
        XCTAssertEqual(pairs([point(0, 0)], [point(7, 8)]), [])
        // A smaller radius refuses what the default took.
        XCTAssertEqual(pairs([point(0, 0)], [point(6, 8)], MarkMatcher(radius: 9.5)), [])
    }

    func testCategoriesMustAgree() {
        XCTAssertEqual(pairs([point(50, 50, "lost")], [point(50, 50, "hallucinated")]), [])
        XCTAssertNil(matcher.cost(box(0, 0, 5, 5, "lost"), box(0, 0, 5, 5, "artifact")))
    }

    func testGreedyTakesTheNearestPairFirst() {
        // One mark near two: B0 (105,100) is 5 px from A0 (100,100) and 4 px from A1 (109,100);
        // B1 (93,100) is 7 px from A0 and 16 from A1. Sorted: A1–B0 (4), A0–B0 (5), A0–B1 (7):
        // A1–B0 is taken, A0–B0 is skipped (B0 used), A0–B1 is taken: m = 2. Taking A0's
        // nearest first (A0–B0) would have left A1 and B1 unmatched (m = 1).
        XCTAssertEqual(pairs([point(100, 100), point(109, 100)], [point(105, 100), point(93, 100)]), [[1, 0], [0, 1]])
        // Matching is one to one: one mark near two matches once.
        XCTAssertEqual(pairs([point(100, 100)], [point(103, 100), point(97, 100)]), [[0, 0]])
    }

    func testTiesAreBrokenByListOrder() {
        // B0 (100,100) is 4 px from both A0 (96,100) and A1 (104,100): equal costs, A0 first.
        XCTAssertEqual(pairs([point(96, 100), point(104, 100)], [point(100, 100)]), [[0, 0]])
        XCTAssertEqual(pairs([point(104, 100), point(96, 100)], [point(100, 100)]), [[0, 0]])
    }

    func testAPointMatchesABoxItLiesInside() {
        // The box (95,95,10,10) covers x 95…104, y 95…104.
        XCTAssertEqual(pairs([point(104, 104)], [box(95, 95, 10, 10)]), [[0, 0]])
        XCTAssertEqual(pairs([box(95, 95, 10, 10)], [point(95, 95)]), [[0, 0]])
        XCTAssertEqual(pairs([point(105, 100)], [box(95, 95, 10, 10)]), [], "x + width is outside")
        XCTAssertEqual(pairs([point(100, 94)], [box(95, 95, 10, 10)]), [])
        // Cost: the pixel centre (100.5, 100.5) to the box centre (100, 100) is √0.5; half
        // the diagonal is √200 / 2: cost √0.5 / (√200 / 2) = 0.1.
        XCTAssertEqual(try XCTUnwrap(matcher.cost(point(100, 100), box(95, 95, 10, 10))), 0.1, accuracy: 1e-12)
        // Two points in one box: the one nearer its centre is taken.
        XCTAssertEqual(pairs([point(96, 96), point(100, 100)], [box(95, 95, 10, 10)]), [[1, 0]])
    }

    func testBoxesMatchAtIoUOfAtLeastPointThree() {
        // 100 × 10 boxes shifted by s along x: intersection (100 − s)·10, union (100 + s)·10.
        // s = 53: IoU 47/153 = 0.30719 ≥ 0.3, match; s = 54: 46/154 = 0.29870, no match.
        XCTAssertEqual(MarkMatcher.iou(box(10, 10, 100, 10).shape, box(63, 10, 100, 10).shape), 47.0 / 153, accuracy: 1e-12)
        XCTAssertEqual(pairs([box(10, 10, 100, 10)], [box(63, 10, 100, 10)]), [[0, 0]])
        XCTAssertEqual(MarkMatcher.iou(box(10, 10, 100, 10).shape, box(64, 10, 100, 10).shape), 46.0 / 154, accuracy: 1e-12)
        XCTAssertEqual(pairs([box(10, 10, 100, 10)], [box(64, 10, 100, 10)]), [])
        // Boxes that only touch share no pixel: x 0…9 and x 10…19.
        XCTAssertEqual(MarkMatcher.iou(box(0, 0, 10, 10).shape, box(10, 0, 10, 10).shape), 0)
        // The better overlap first. A0 (0,0,10,10); B0 (0,0,10,10) IoU 1; B1 (0,0,10,5) IoU 50/100 = 0.5 with A0 and
        // 50/50 = 1 with A1 (0,0,10,5). Costs: A0–B0 0, A1–B1 0, A0–B1 0.5, A1–B0 0.5.
        XCTAssertEqual(pairs([box(0, 0, 10, 10), box(0, 0, 10, 5)], [box(0, 0, 10, 10), box(0, 0, 10, 5)]),
                       [[0, 0], [1, 1]])
    }

    func testOneOrderingAcrossKinds() {
        // A0 is a point at (100,100); B0 a point 8 px away (cost 0.8); B1 a box (95,95,10,10)
        // holding A0 near its centre (cost 0.1). The box is taken; B0 stays free.
        XCTAssertEqual(pairs([point(100, 100)], [point(108, 100), box(95, 95, 10, 10)]), [[0, 1]])
        // The point 2 px away (cost 0.2) beats a box whose centre is far (cost 0.65):
        // Box (0,0,20,20): centre (10,10); pixel (16.5,16.5) → distance 6.5·√2 ≈ 9.19 over
        // half the diagonal √800/2 ≈ 14.14.
        XCTAssertEqual(pairs([point(16, 16)], [box(0, 0, 20, 20), point(18, 16)]), [[0, 1]])
    }

    func testAgreementIsTwiceMatchedOverAllMarks() {
        var counts = MarkAgreementCounts()
        XCTAssertNil(counts.agreement, "neither placed a mark")
        // Reading 1: m = 2 of 2 + 2 (the greedy example). Reading 2: m = 0 of 1 + 0.
        counts.add([point(100, 100), point(109, 100)], [point(105, 100), point(93, 100)], matcher: matcher)
        counts.add([point(5, 5)], [], matcher: matcher)
        XCTAssertEqual(counts, MarkAgreementCounts(matched: 2, first: 3, second: 2))
        XCTAssertEqual(try XCTUnwrap(counts.agreement), 4.0 / 5, accuracy: 1e-12)  // 2·2 / (3 + 2)
    }
}
