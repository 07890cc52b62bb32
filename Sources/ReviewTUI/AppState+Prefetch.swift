/// Prefetch: while the reader looks at a case whose work is done, the next case's work
/// runs at lower priority, so pressing `n` shows it at once. The run loop keeps at most
/// one job on the worker's serial queue at a time (current first, then prefetch), so a
/// generator never runs two jobs at once.
extension AppState {
    /// The case to prefetch now: the next case after the open one, when the open case's
    /// own work is finished (`wantedWork` is nil), the viewer is showing, and the next
    /// case has no finished or failed work yet. Nil otherwise (the current case comes first).
    public var prefetchWork: String? {
        guard screen == .viewer, wantedWork == nil, selectedCase != nil else { return nil }
        let next = selected + 1
        guard cases.indices.contains(next) else { return nil }
        let id = cases[next].id
        switch work[id] {
        case nil, .running: return id
        case .done, .failed: return nil
        }
    }

    /// What the worker should be doing: the open case first, else the prefetch.
    public var workToRun: (id: String, prefetch: Bool)? {
        if let wantedWork { return (wantedWork, false) }
        if let prefetchWork { return (prefetchWork, true) }
        return nil
    }
}

/// Records that `caseID`'s work finished as a prefetch (after `reduce` has marked it
/// done), so the viewer can say so when the reader opens it. Pure.
public func markPrefetched(_ state: AppState, _ caseID: String) -> AppState {
    var next = state
    if case .done = state.work[caseID] { next.prefetched.insert(caseID) }
    return next
}

extension Views {
    /// The viewer's word on prefetching, for the line above the panels: "prefetched"
    /// when the open case was ready before it was opened, "prefetching 0003…" while the
    /// next case is made, "next 0003 ready" once it is.
    static func prefetchNote(_ state: AppState) -> String? {
        guard let open = state.selectedCase else { return nil }
        var parts = [String]()
        if state.prefetched.contains(open.id) { parts.append("prefetched") }
        if let next = state.prefetchWork {
            parts.append("prefetching \(next)…")
        } else if state.cases.indices.contains(state.selected + 1) {
            let next = state.cases[state.selected + 1].id
            if state.prefetched.contains(next), case .done = state.work[next] { parts.append("next \(next) ready") }
        }
        return parts.isEmpty ? nil : parts.joined(separator: " · ")
    }
}
