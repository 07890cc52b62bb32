import Foundation

extension ReviewApp {
    static func milliseconds(since start: Date) -> Int {
        Int((Date().timeIntervalSince(start) * 1000).rounded())
    }

    /// Logs how long each case's background work took, and its failures.
    func logWork(_ message: WorkerMessage, started: inout [String: Date]) {
        guard let log, case let .event(event) = message else { return }
        switch event {
        case let .finished(id):
            if let start = started.removeValue(forKey: id) {
                log.info("case \(id) ready\(modelURL == nil ? "" : " (enhanced)") in \(Self.milliseconds(since: start)) ms")
            }
        case let .failed(id, reason):
            started[id] = nil
            log.error("case \(id): \(reason)")
        default:
            break
        }
    }
}
