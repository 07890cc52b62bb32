import Foundation

/// Where a mark is, in the source image's pixels (column x, row y from the top left):
/// independent of zoom, pan and terminal size. Every panel of a case has the size of
/// LOW, so one position means the same place on each.
public enum MarkShape: Equatable, Hashable, Sendable {
    /// One pixel.
    case point(x: Int, y: Int)
    /// The pixels x..<x+width, y..<y+height (width and height at least 1).
    case box(x: Int, y: Int, width: Int, height: Int)

    public var x: Int {
        switch self { case let .point(x, _), let .box(x, _, _, _): return x }
    }
    public var y: Int {
        switch self { case let .point(_, y), let .box(_, y, _, _): return y }
    }
    /// nil for a point.
    public var size: (width: Int, height: Int)? {
        if case let .box(_, _, width, height) = self { return (width, height) }
        return nil
    }
    /// "point" or "box", as exported.
    public var kindName: String { size == nil ? "point" : "box" }

    /// A shape as stored or exported: `kind` "point" (no size) or "box" (both sizes);
    /// nil otherwise.
    public init?(kind: String, x: Int, y: Int, width: Int?, height: Int?) {
        switch (kind, width, height) {
        case ("point", nil, nil): self = .point(x: x, y: y)
        case let ("box", width?, height?): self = .box(x: x, y: y, width: width, height: height)
        default: return nil
        }
    }

    /// The shape moved by (dx, dy) and kept inside a width × height image.
    public func moved(dx: Int, dy: Int, within width: Int, _ height: Int) -> MarkShape {
        switch self {
        case let .point(x, y):
            return .point(x: min(max(x + dx, 0), width - 1), y: min(max(y + dy, 0), height - 1))
        case let .box(x, y, w, h):
            return .box(x: min(max(x + dx, 0), max(0, width - w)), y: min(max(y + dy, 0), max(0, height - h)),
                        width: w, height: h)
        }
    }

    /// The box spanned by two corner pixels (both inside it), in either order.
    public static func box(corner a: (x: Int, y: Int), corner b: (x: Int, y: Int)) -> MarkShape {
        .box(x: min(a.x, b.x), y: min(a.y, b.y), width: abs(a.x - b.x) + 1, height: abs(a.y - b.y) + 1)
    }
}

/// One mark a reader placed on a candidate panel, not yet stored: which marks question
/// it answers, what it says is wrong there, where, and how sure the reader is.
public struct PendingMark: Equatable, Hashable, Sendable {
    /// The `marks` question it belongs to.
    public var questionKey: String
    /// The candidate panel's label ("A").
    public var panelLabel: String
    /// One of the question's categories ("hallucinated").
    public var category: String
    public var shape: MarkShape
    /// 1 (unsure) … 5 (certain).
    public var confidence: Int

    public static let confidenceRange = 1...5
    public static let defaultConfidence = 3
    /// The most marks one answer set may hold (all its panels together): far more than
    /// a reader places on one case, and a bound on what a hostile client can send. The
    /// stores' `ordinal` CHECK enforces it too.
    public static let limitPerAnswerSet = 100

    public init(questionKey: String, panelLabel: String, category: String, shape: MarkShape,
                confidence: Int = defaultConfidence) {
        self.questionKey = questionKey
        self.panelLabel = panelLabel
        self.category = category
        self.shape = shape
        self.confidence = confidence
    }

    /// Checks the mark against its question and the panel's image size.
    public func validate(question: QuestionDefinition, imageWidth: Int?, imageHeight: Int?) throws {
        func invalid(_ reason: String) -> AnswerError { .invalidMark(question: questionKey, reason: reason) }
        guard case let .marks(categories) = question.kind else { throw invalid("'\(question.key)' is not a marks question") }
        guard categories.contains(category) else {
            throw invalid("category '\(category)' is not one of " + categories.joined(separator: ", "))
        }
        guard Self.confidenceRange.contains(confidence) else { throw invalid("confidence \(confidence) is not 1 to 5") }
        guard shape.x >= 0, shape.y >= 0 else { throw invalid("x and y must not be negative") }
        if let size = shape.size, size.width < 1 || size.height < 1 {
            throw invalid("a box needs a width and height of at least 1")
        }
        if let imageWidth, let imageHeight {
            let right = shape.x + (shape.size?.width ?? 1), bottom = shape.y + (shape.size?.height ?? 1)
            guard right <= imageWidth, bottom <= imageHeight else {
                throw invalid("it reaches outside the \(imageWidth)×\(imageHeight) image")
            }
        }
    }
}

/// A stored mark: one row of the `mark` table, part of one answer set (submission).
/// Revising a case stores a new answer set with its whole set of marks; the earlier
/// set's marks stay, as its answers do.
public struct StoredMark: Equatable, Sendable {
    public var id: Int64?
    public var submissionId: Int64
    /// The order the reader placed them in, from 0.
    public var ordinal: Int
    public var mark: PendingMark

    public init(id: Int64? = nil, submissionId: Int64, ordinal: Int, mark: PendingMark) {
        self.id = id
        self.submissionId = submissionId
        self.ordinal = ordinal
        self.mark = mark
    }
}

/// One mark as exported, unblinded: beside the answers, one row per mark.
public struct MarkExportRow: Codable, Equatable, Sendable {
    public var study: String
    public var reader: String
    public var caseId: String
    public var organ: String
    /// The panel's label on screen ("A").
    public var panelLabel: String
    /// The image behind the label — the model name, or "high" — unblinded.
    public var model: String
    public var question: String
    public var category: String
    /// "point" or "box".
    public var shape: String
    public var x: Int
    public var y: Int
    /// nil for a point.
    public var width: Int?
    public var height: Int?
    public var confidence: Int
    public var isRepeat: Bool
    public var isCalibration: Bool
    public var revision: Int
    /// False for marks of an answer set a later revision replaced.
    public var isLatest: Bool
    public var startedAt: Date
    public var submittedAt: Date

    public init(study: String, reader: String, caseId: String, organ: String, panelLabel: String, model: String,
                question: String, category: String, shape: MarkShape, confidence: Int, isRepeat: Bool,
                isCalibration: Bool, revision: Int, isLatest: Bool, startedAt: Date, submittedAt: Date) {
        self.study = study
        self.reader = reader
        self.caseId = caseId
        self.organ = organ
        self.panelLabel = panelLabel
        self.model = model
        self.question = question
        self.category = category
        self.shape = shape.kindName
        self.x = shape.x
        self.y = shape.y
        self.width = shape.size?.width
        self.height = shape.size?.height
        self.confidence = confidence
        self.isRepeat = isRepeat
        self.isCalibration = isCalibration
        self.revision = revision
        self.isLatest = isLatest
        self.startedAt = startedAt
        self.submittedAt = submittedAt
    }

    /// The position as a shape (nil when the columns do not make one).
    public var markShape: MarkShape? { MarkShape(kind: shape, x: x, y: y, width: width, height: height) }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case study, reader
        case caseId = "case_id"
        case organ
        case panelLabel = "panel_label"
        case model, question, category, shape, x, y, width, height, confidence
        case isRepeat = "is_repeat"
        case isCalibration = "is_calibration"
        case revision
        case isLatest = "is_latest"
        case startedAt = "started_at"
        case submittedAt = "submitted_at"
    }

    /// The marks file's header, in this order (`study export --marks`, `study import --marks`).
    public static let columnNames = CodingKeys.allCases.map(\.rawValue)
}
