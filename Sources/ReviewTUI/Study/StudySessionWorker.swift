import Dataset
import Foundation
import ReaderStudy

/// Every call on the reading session once the app runs — submit, skip, revisit, finalise,
/// the panel images, the lease — is made here, on one background thread, in order. The
/// screen keeps drawing and answering keys while a call is in flight: a slow server, or a
/// lost one until its TCP timeout ends the call (PostgresConnection's timeouts).
///
/// The session is not thread-safe; after `init` only this worker's queue touches it.
public final class StudySessionWorker: @unchecked Sendable {
    public enum Reply: Sendable {
        /// The session's answer to a command, for `reduceStudy`.
        case event(StudyEvent)
        /// A case's panel images, decoded, by image ID; the first failure, if any.
        case images(caseID: String, [String: GrayImage], failure: String?)
        /// Images of the next case, fetched ahead; a failure shows when that case is shown.
        case prefetched([String: GrayImage])
        /// Renewing the lease failed (another session took it over, the server is gone).
        case leaseFailed(String)
    }

    private let queue = DispatchQueue(label: "usreview.study-session")
    private let session: ReadingSession
    private let lock = NSLock()
    private var replies: [Reply] = []
    private var commandsInFlight = 0

    public init(session: ReadingSession) {
        self.session = session
    }

    /// Whether a command has been sent and not yet answered.
    public var isBusy: Bool { lock.withLock { commandsInFlight > 0 } }

    /// Carries out `command`; its event comes back through `drain`.
    public func perform(_ command: StudyCommand) {
        lock.withLock { commandsInFlight += 1 }
        queue.async { [self] in
            let event = StudySessionBridge.perform(command, on: session)
            lock.withLock {
                replies.append(.event(event))
                commandsInFlight -= 1
            }
        }
    }

    /// Fetches and decodes the panels' images that are not in `cached`; then, quietly, the
    /// images of the case a submit leads to, so the next case shows without a round trip to
    /// the server (a reader rating over a slow link waits once per study, not per case).
    public func loadImages(caseID: String, panels: [ShownPanel], cached: Set<String>) {
        queue.async { [self] in
            let (images, failure) = fetch(panels, skipping: cached)
            post(.images(caseID: caseID, images, failure: failure))
            if let upcoming = session.upcomingPanels {
                let (ahead, _) = fetch(upcoming, skipping: cached.union(images.keys))
                if !ahead.isEmpty { post(.prefetched(ahead)) }
            }
        }
    }

    private func fetch(_ panels: [ShownPanel], skipping cached: Set<String>) -> ([String: GrayImage], String?) {
        var images: [String: GrayImage] = [:]
        var failure: String?
        for panel in panels where !cached.contains(panel.imageId) && images[panel.imageId] == nil {
            do {
                let stored = try session.store.panelImage(id: panel.imageId)
                images[panel.imageId] = try PNGCodec.decode(stored.png, what: "panel \(panel.label)")
            } catch {
                failure = failure ?? "panel \(panel.label): \(error)"
            }
        }
        return (images, failure)
    }

    public func renewLease() {
        queue.async { [self] in
            do { try session.renewLease() } catch { post(.leaseFailed("\(error)")) }
        }
    }

    /// The replies that arrived since the last call, oldest first.
    public func drain() -> [Reply] {
        lock.withLock {
            defer { replies.removeAll() }
            return replies
        }
    }

    /// Waits for the calls in flight, then gives the lease back (quitting).
    public func finish() {
        queue.sync { try? session.close() }
    }

    private func post(_ reply: Reply) {
        lock.withLock { replies.append(reply) }
    }
}
