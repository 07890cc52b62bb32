/// What one run carries down through a network: the threads, the work buffers, and the
/// progress and cancellation plumbing that the layers report to.
final class RunContext {
    let loop: ParallelLoop
    let workspace: Workspace
    /// Where step times go, when the caller asked for them.
    let profile: LayerProfile?
    private let cancellation: CancellationFlag?
    private let progress: (@Sendable (Double) -> Void)?
    private let totalWork: Double
    private var doneWork: Double = 0

    /// `totalWork` is the network's multiply-adds for this input size, so progress moves
    /// with the time spent rather than with the number of layers.
    init(loop: ParallelLoop, workspace: Workspace, totalWork: Double,
         progress: (@Sendable (Double) -> Void)?, cancellation: CancellationFlag?, profile: LayerProfile? = nil) {
        self.loop = loop
        self.workspace = workspace
        self.profile = profile
        self.totalWork = max(totalWork, 1)
        self.progress = progress
        self.cancellation = cancellation
    }

    /// Throws `EnhancerError.cancelled` once the flag is set.
    func checkCancelled() throws {
        if cancellation?.isCancelled == true { throw EnhancerError.cancelled }
    }

    /// Called after each layer with its multiply-adds: reports progress, then stops the run
    /// here if it was cancelled meanwhile.
    func layerFinished(work: Double) throws {
        doneWork += work
        progress?(min(doneWork / totalWork, 1))
        try checkCancelled()
    }
}

/// A generator architecture that runs on `[C, H, W]` buffers.
protocol GeneratorNetwork: Sendable {
    var kindName: String { get }
    var inChannels: Int { get }
    var outChannels: Int { get }
    /// Input sides must be multiples of this.
    var sizeMultiple: Int { get }
    /// The smallest input side (a multiple of `sizeMultiple`) the layers accept.
    var minimumSide: Int { get }
    var parameterCount: Int { get }
    /// The summary's architecture part, e.g. "UNet, 8 down-samplings, ngf 64".
    var architectureSummary: String { get }
    func multiplyAdds(height: Int, width: Int) -> Double
    /// `output[outChannels, H, W]` = the network applied to `input[inChannels, H, W]`.
    func run(_ input: UnsafePointer<Float>, height: Int, width: Int, into output: UnsafeMutablePointer<Float>,
             context: RunContext) throws
}
