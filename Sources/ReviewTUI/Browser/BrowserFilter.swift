import Dataset
import Foundation

/// Which cases the browser lists: by organ, device pair, split, work status and a
/// text search over ID, organ and device names. Every part is optional; all set
/// parts must match. Keys (browser): o organ · v device pair · s split · e status ·
/// `/` text (a number still jumps to a case ID) · Esc clears them all.
public struct BrowserFilter: Equatable, Sendable {
    /// Work status of a case, as the browser's status column shows it, or — with a
    /// reader study (`--study`) — whether the case is rated, as the rated column shows it.
    public enum Status: String, CaseIterable, Equatable, Sendable {
        case enhanced
        case failed
        case notYet = "not yet"
        case rated
        case notRated = "not rated"

        /// What `e` cycles through: the work statuses, then the rating ones with a study.
        static func cycle(withRatings: Bool) -> [Status] {
            withRatings ? allCases : [.enhanced, .failed, .notYet]
        }
    }

    public var organ: Organ?
    public var devices: DevicePair?
    public var split: Split?
    public var status: Status?
    /// Case-insensitive substring of the ID, the organ or either device's name.
    public var text: String?

    public init(organ: Organ? = nil, devices: DevicePair? = nil, split: Split? = nil, status: Status? = nil,
                text: String? = nil) {
        self.organ = organ
        self.devices = devices
        self.split = split
        self.status = status
        self.text = text
    }

    public var isActive: Bool { organ != nil || devices != nil || split != nil || status != nil || text != nil }

    /// Whether `item` passes; `ratings` (the study's, nil without one) answers the
    /// rated / not rated statuses, which list nothing without a study.
    public func matches(_ item: Case, work: CaseWork?, ratings: StudyRatings? = nil) -> Bool {
        if let organ, item.organ != organ { return false }
        if let devices, item.devices != devices { return false }
        if let split, item.split != split { return false }
        switch status {
        case nil: break
        case .rated?: if ratings?.status(of: item.id) != .rated { return false }
        case .notRated?: if ratings?.status(of: item.id) != .notRated { return false }
        case let status?: if Self.status(of: work) != status { return false }
        }
        if let text, !text.isEmpty {
            let needle = text.lowercased()
            let fields = [item.id, item.organ.rawValue, item.devices.low, item.devices.high]
            if !fields.contains(where: { $0.lowercased().contains(needle) }) { return false }
        }
        return true
    }

    public static func status(of work: CaseWork?) -> Status {
        switch work {
        case .done: return .enhanced
        case .failed: return .failed
        case .running, nil: return .notYet
        }
    }

    /// "organ thyroid · split train · status enhanced · “toshiba”" for the header.
    public var summary: String {
        var parts = [String]()
        if let organ { parts.append("organ \(organ.rawValue)") }
        if let devices { parts.append("devices \(devices)") }
        if let split { parts.append("split \(split.rawValue)") }
        if let status { parts.append("status \(status.rawValue)") }
        if let text, !text.isEmpty { parts.append("“\(text)”") }
        return parts.joined(separator: " · ")
    }
}

extension AppState {
    /// Indices into `cases` that the filter lets through, in list order.
    public var visibleIndices: [Int] {
        guard filter.isActive else { return Array(cases.indices) }
        return cases.indices.filter { filter.matches(cases[$0], work: work[cases[$0].id], ratings: ratings) }
    }

    /// The index `offset` visible cases away from the selection (clamped to the list);
    /// from a hidden selection, the nearest visible case in that direction.
    func visibleTarget(offset: Int) -> Int? {
        let visible = visibleIndices
        guard !visible.isEmpty else { return nil }
        let position: Int
        if let here = visible.firstIndex(of: selected) {
            position = here + offset
        } else if offset >= 0 {
            let after = visible.firstIndex { $0 > selected } ?? visible.count - 1
            position = after + max(0, offset - 1)
        } else {
            let before = visible.lastIndex { $0 < selected } ?? 0
            position = before + offset + 1
        }
        return visible[min(max(position, 0), visible.count - 1)]
    }
}

/// Moves the selection by `offset` visible cases (the filter's list).
func selectVisible(_ state: inout AppState, offset: Int) {
    if let target = state.visibleTarget(offset: offset) { select(&state, target) }
}

func selectVisibleEdge(_ state: inout AppState, last: Bool) {
    let visible = state.visibleIndices
    if let target = last ? visible.last : visible.first { select(&state, target) }
}

/// After the filter changed: keeps the selection if it is still listed, else the first listed case.
func selectionFollowsFilter(_ state: inout AppState) {
    let visible = state.visibleIndices
    if !visible.contains(state.selected), let first = visible.first { select(&state, first) }
}

private func cycle<T: Equatable>(_ current: T?, through values: [T]) -> T? {
    guard let current, let at = values.firstIndex(of: current) else { return values.first }
    return at + 1 < values.count ? values[at + 1] : nil
}

/// The browser's filter keys; true when `key` was one of them.
func reduceBrowserFilter(_ state: inout AppState, _ key: Key) -> Bool {
    switch key {
    case .character("o"):
        var organs = [Organ]()
        for item in state.cases where !organs.contains(item.organ) { organs.append(item.organ) }
        state.filter.organ = cycle(state.filter.organ, through: organs)
    case .character("v"):
        var pairs = [DevicePair]()
        for item in state.cases where !pairs.contains(item.devices) { pairs.append(item.devices) }
        state.filter.devices = cycle(state.filter.devices, through: pairs)
    case .character("s"):
        let present = Set(state.cases.compactMap(\.split))
        state.filter.split = cycle(state.filter.split, through: Split.allCases.filter(present.contains))
    case .character("e"):
        state.filter.status = cycle(state.filter.status, through: BrowserFilter.Status.cycle(withRatings: state.ratings != nil))
    case .escape:
        guard state.filter.isActive else { return true }
        state.filter = BrowserFilter()
        state.statusMessage = nil
    default:
        return false
    }
    selectionFollowsFilter(&state)
    return true
}

/// Enter after `/` with text that is not a case number: filter by it (empty clears it).
func applySearchText(_ state: inout AppState, _ typed: String) {
    let text = typed.trimmingCharacters(in: .whitespaces)
    state.filter.text = text.isEmpty ? nil : text
    let visible = state.visibleIndices
    state.statusMessage = visible.isEmpty ? "no case matches “\(text)”" : nil
    selectionFollowsFilter(&state)
}
