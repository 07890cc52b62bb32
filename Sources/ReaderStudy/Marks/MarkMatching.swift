import Foundation

/// Whether two readers marked the same places: the localisation agreement of the study
/// report. Pure; positions in source-image pixels.
///
/// Two marks can match when their categories agree and
/// - two points lie within `radius` pixels (Euclidean distance between the pixels),
/// - a point lies inside a box (the box covers x..<x+width, y..<y+height), or
/// - two boxes overlap with IoU ≥ `minimumIoU` (IoU of the pixel sets).
///
/// Matching is one-to-one and greedy: every candidate pair gets a cost in [0, 1], and
/// pairs are taken cheapest first when both marks are still free. One ordering across
/// the three kinds, each kind normalised to [0, 1]:
/// - point–point: distance / radius (nearer first);
/// - box–box: 1 − IoU (more overlap first);
/// - point–box: distance from the point's pixel centre to the box's centre / half the
///   box's diagonal (nearer the centre first; a point inside is at most that far).
/// Equal costs are broken by the first list's index, then the second's, so the result
/// depends only on the two lists in their order.
public struct MarkMatcher: Equatable, Sendable {
    public var radius: Double
    public var minimumIoU: Double

    public static let defaultRadius = 10.0
    public static let defaultMinimumIoU = 0.3

    public init(radius: Double = defaultRadius, minimumIoU: Double = defaultMinimumIoU) {
        self.radius = radius
        self.minimumIoU = minimumIoU
    }

    /// A mark as matching sees it.
    public struct Mark: Equatable, Hashable, Sendable {
        public var category: String
        public var shape: MarkShape
        public init(category: String, shape: MarkShape) {
            self.category = category
            self.shape = shape
        }
    }

    /// The cost of matching a and b, or nil when they cannot match.
    public func cost(_ a: Mark, _ b: Mark) -> Double? {
        guard a.category == b.category else { return nil }
        switch (a.shape, b.shape) {
        case let (.point(ax, ay), .point(bx, by)):
            let distance = Double((ax - bx) * (ax - bx) + (ay - by) * (ay - by)).squareRoot()
            return distance <= radius ? (radius > 0 ? distance / radius : 0) : nil
        case (.box, .box):
            let iou = Self.iou(a.shape, b.shape)
            return iou >= minimumIoU && iou > 0 ? 1 - iou : nil
        case let (.point(px, py), .box(x, y, w, h)), let (.box(x, y, w, h), .point(px, py)):
            guard px >= x, px < x + w, py >= y, py < y + h else { return nil }
            let dx = Double(px) + 0.5 - (Double(x) + Double(w) / 2)
            let dy = Double(py) + 0.5 - (Double(y) + Double(h) / 2)
            let halfDiagonal = (Double(w * w + h * h)).squareRoot() / 2
            return min(1, (dx * dx + dy * dy).squareRoot() / halfDiagonal)
        }
    }

    /// Intersection over union of two boxes' pixel sets (0 when either is a point).
    public static func iou(_ a: MarkShape, _ b: MarkShape) -> Double {
        guard case let .box(ax, ay, aw, ah) = a, case let .box(bx, by, bw, bh) = b else { return 0 }
        let width = max(0, min(ax + aw, bx + bw) - max(ax, bx))
        let height = max(0, min(ay + ah, by + bh) - max(ay, by))
        let intersection = width * height
        let union = aw * ah + bw * bh - intersection
        return union > 0 ? Double(intersection) / Double(union) : 0
    }

    /// The matched pairs (index in a, index in b), in the order they were taken.
    public func match(_ a: [Mark], _ b: [Mark]) -> [(a: Int, b: Int)] {
        var candidates: [(cost: Double, i: Int, j: Int)] = []
        for i in a.indices {
            for j in b.indices {
                if let cost = cost(a[i], b[j]) { candidates.append((cost, i, j)) }
            }
        }
        candidates.sort { ($0.cost, $0.i, $0.j) < ($1.cost, $1.i, $1.j) }
        var usedA = Set<Int>(), usedB = Set<Int>()
        var pairs: [(a: Int, b: Int)] = []
        for candidate in candidates where !usedA.contains(candidate.i) && !usedB.contains(candidate.j) {
            usedA.insert(candidate.i)
            usedB.insert(candidate.j)
            pairs.append((candidate.i, candidate.j))
        }
        return pairs
    }
}

/// Matched marks and mark counts of two readers, summed over the readings both read.
public struct MarkAgreementCounts: Equatable, Sendable {
    public var matched = 0
    public var first = 0
    public var second = 0

    public init(matched: Int = 0, first: Int = 0, second: Int = 0) {
        self.matched = matched
        self.first = first
        self.second = second
    }

    /// Adds one reading: both readers' marks of the same image of the same case.
    public mutating func add(_ a: [MarkMatcher.Mark], _ b: [MarkMatcher.Mark], matcher: MarkMatcher) {
        matched += matcher.match(a, b).count
        first += a.count
        second += b.count
    }

    /// 2m / (nA + nB); nil when neither reader placed a mark.
    public var agreement: Double? {
        first + second > 0 ? 2 * Double(matched) / Double(first + second) : nil
    }
}
