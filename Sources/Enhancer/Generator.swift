import Dataset
import Foundation

/// An image-to-image generator (pix2pix `UnetGenerator` or CycleGAN `ResnetGenerator`)
/// loaded from a safetensors `state_dict`, run on the CPU exactly as PyTorch runs it in
/// eval mode (instance norm on the image's own statistics, dropout off).
///
/// Runs are serialised: the generator keeps its work buffers between runs, so one
/// `enhance` at a time uses them (others wait). Different generators run in parallel.
///
/// A run uses `threads` threads for everything, matrix products included: OpenBLAS is
/// kept single-threaded and the engine splits the products itself (see `BLAS`).
public final class Generator: @unchecked Sendable {
    let network: any GeneratorNetwork
    /// Threads a run uses (the calling one included).
    public let threads: Int
    public let metadata: [String: String]
    public let parameterCount: Int
    private let weightFormat: String
    private let lock = NSLock()
    private let workspace = Workspace()
    /// The threads besides the caller's, started on the first run and kept for the next.
    private var team: (any ParallelTeam)?

    init(network: any GeneratorNetwork, threads: Int, metadata: [String: String], parameterCount: Int,
         weightFormat: String) {
        self.network = network
        self.threads = threads
        self.metadata = metadata
        self.parameterCount = parameterCount
        self.weightFormat = weightFormat
    }

    /// Reads a generator from a safetensors file alone: the architecture and its sizes
    /// come from the tensor names and shapes. F32, F16 and BF16 weights are converted to
    /// F32 once, here. `threads` defaults to every core.
    public static func load(_ url: URL, threads: Int? = nil) throws -> Generator {
        let threads = max(1, threads ?? ParallelLoop.defaultThreads)
        let file = try SafeTensors.read(url)
        let dict = StateDict(file)
        let network = try GeneratorLoader.network(from: file, dict: dict)
        let formats = dict.dtypes.map(\.rawValue).sorted()
        let format = formats.count == 1 ? "\(formats[0]) weights" : "mixed \(formats.joined(separator: "/")) weights"
        return Generator(network: network, threads: threads,
                         metadata: file.metadata, parameterCount: dict.parameterCount, weightFormat: format)
    }

    /// E.g. "UNet, 8 down-samplings, ngf 64, 1→1 channels, F16 weights".
    public var summary: String {
        "\(network.architectureSummary), \(network.inChannels)→\(network.outChannels) channels, \(weightFormat)"
    }

    /// Image sides that run without padding are multiples of this: 2^downs for the UNet,
    /// 2^(down-samplings) = 4 for the ResNet.
    public var sizeMultiple: Int { network.sizeMultiple }

    /// Bytes the weights take as F32, which is how they are held in memory.
    public var weightBytesF32: Int { parameterCount * 4 }

    /// Multiply-adds of one run on a `width × height` input (after padding to `sizeMultiple`).
    public func multiplyAdds(width: Int, height: Int) -> Double {
        let (paddedWidth, paddedHeight) = (Self.roundUp(width, network.sizeMultiple), Self.roundUp(height, network.sizeMultiple))
        return network.multiplyAdds(height: max(paddedHeight, network.minimumSide), width: max(paddedWidth, network.minimumSide))
    }

    /// Runs the generator on `image`: pixels map to x/127.5 − 1, the network's tanh output
    /// y back to round((y + 1)·127.5), clamped to 0…255.
    ///
    /// An image whose sides are multiples of `sizeMultiple` runs at its own size. Any other
    /// is reflection-padded (PyTorch's `ReflectionPad2d`, split evenly between the two
    /// ends of each side, the extra pixel at the end) up to the next multiple (and to at
    /// least 8 for the ResNet, whose blocks need 2 pixels at a quarter of the size), and
    /// the result is cropped back, so the output always has the input's size. Reflection
    /// cannot pad a side by its full length or more, so images with a side below
    /// `minimumSide` are rejected with `EnhancerError.imageTooSmall`.
    ///
    /// Models with several input channels get the gray image in each; with several output
    /// channels, their mean is the result.
    ///
    /// - Parameters:
    ///   - progress: called after each layer with the fraction of the work done (by
    ///     multiply-adds), rising to exactly 1 at the end; it runs on the calling thread.
    ///   - cancellation: checked between layers; once set, the run throws
    ///     `EnhancerError.cancelled`.
    ///   - profile: when given, receives the time of each step of the network (for benchmarks).
    public func enhance(_ image: GrayImage, progress: (@Sendable (Double) -> Void)? = nil,
                        cancellation: CancellationFlag? = nil, profile: LayerProfile? = nil) throws -> EnhancedImage {
        let width = image.width
        let height = image.height
        let multiple = network.sizeMultiple
        let paddedWidth = max(Self.roundUp(width, multiple), network.minimumSide)
        let paddedHeight = max(Self.roundUp(height, multiple), network.minimumSide)
        let (left, right) = Self.split(paddedWidth - width)
        let (top, bottom) = Self.split(paddedHeight - height)
        guard width > 0, height > 0, right < width, bottom < height else {
            throw EnhancerError.imageTooSmall(width: width, height: height, minimumSide: minimumSide,
                                              network: network.architectureSummary)
        }

        lock.lock()
        defer { lock.unlock() }
        try cancellation.map { if $0.isCancelled { throw EnhancerError.cancelled } }
        if team == nil, threads > 1, #available(macOS 15, *) { team = WorkerPool(workers: threads - 1) }
        let loop = ParallelLoop(threads: threads, team: team)
        let context = RunContext(loop: loop, workspace: workspace,
                                 totalWork: network.multiplyAdds(height: paddedHeight, width: paddedWidth),
                                 progress: progress, cancellation: cancellation, profile: profile)

        let paddedPlane = paddedWidth * paddedHeight
        let input = workspace.buffer(.input, count: network.inChannels * paddedPlane)
        loadImage(image, into: input, top: top, bottom: bottom, left: left, right: right, loop: loop)
        for channel in 1..<max(1, network.inChannels) {
            (input + channel * paddedPlane).update(from: input, count: paddedPlane)
        }

        let output = workspace.buffer(.output, count: network.outChannels * paddedPlane)
        try network.run(input, height: paddedHeight, width: paddedWidth, into: output, context: context)

        let (raw, pixels) = readResult(output, channels: network.outChannels, planeSize: paddedPlane,
                                       paddedWidth: paddedWidth, top: top, left: left, width: width, height: height)
        // NaN would quantise to black and pass for an image: refuse it instead.
        let nonFinite = raw.reduce(0) { $0 + ($1.isFinite ? 0 : 1) }
        guard nonFinite == 0 else {
            throw EnhancerError.nonFiniteOutput(count: nonFinite, network: network.architectureSummary)
        }
        let result = GrayImage(width: width, height: height, pixels: pixels)
        progress?(1)
        return EnhancedImage(image: result, raw: raw)
    }

    /// Floats held in work buffers (kept between runs, grown to the largest image so far).
    var workspaceFloatCount: Int {
        lock.lock()
        defer { lock.unlock() }
        return workspace.floatCount
    }

    /// The smallest side `enhance` accepts.
    public var minimumSide: Int {
        var side = 1
        while true {
            let padded = max(Self.roundUp(side, network.sizeMultiple), network.minimumSide)
            if Self.split(padded - side).after < side { return side }
            side += 1
        }
    }

    /// Writes x/127.5 − 1 of `image` into plane 0 of `input`, reflection-padded.
    private func loadImage(_ image: GrayImage, into input: UnsafeMutablePointer<Float>,
                           top: Int, bottom: Int, left: Int, right: Int, loop: ParallelLoop) {
        let padded = top != 0 || bottom != 0 || left != 0 || right != 0
        let plane = padded ? workspace.buffer(.image, count: image.pixels.count) : input
        image.pixels.withUnsafeBufferPointer { pixels in
            for i in 0..<pixels.count { plane[i] = Float(pixels[i]) / 127.5 - 1 }
        }
        if padded {
            reflectionPad(plane, channels: 1, height: image.height, width: image.width,
                          top: top, bottom: bottom, left: left, right: right, into: input, loop: loop)
        }
    }

    /// The mean over the output channels in the input's window (the raw result), and its
    /// 8-bit image: round((y + 1)·127.5), clamped.
    private func readResult(_ output: UnsafePointer<Float>, channels: Int, planeSize: Int, paddedWidth: Int,
                            top: Int, left: Int, width: Int, height: Int) -> (raw: [Float], pixels: [UInt8]) {
        let count = width * height
        let raw = [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
            let scale = 1 / Float(channels)
            for y in 0..<height {
                let row = output + (top + y) * paddedWidth + left
                let destination = buffer.baseAddress! + y * width
                destination.update(from: row, count: width)
                if channels > 1 {
                    for c in 1..<channels {
                        let other = row + c * planeSize
                        for x in 0..<width { destination[x] += other[x] }
                    }
                    for x in 0..<width { destination[x] *= scale }
                }
            }
            initialized = count
        }
        let pixels = [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
            raw.withUnsafeBufferPointer { values in
                // GrayImage.quantize, in a form the compiler vectorises: round half up by
                // truncating v + 0.5 (v > 0 here), clamp, NaN to 0.
                for i in 0..<count {
                    let v = (values[i] + 1) * 127.5
                    buffer[i] = v > 0 ? (v < 255 ? UInt8(truncatingIfNeeded: Int32(v + 0.5)) : 255) : 0
                }
            }
            initialized = count
        }
        return (raw, pixels)
    }

    static func roundUp(_ value: Int, _ multiple: Int) -> Int { (value + multiple - 1) / multiple * multiple }

    /// Padding split between the two ends of a side, the odd pixel at the end.
    static func split(_ padding: Int) -> (before: Int, after: Int) { (padding / 2, padding - padding / 2) }
}

/// A generator's result: the 8-bit image and the raw tanh output it was quantised from.
public struct EnhancedImage: Sendable {
    public let image: GrayImage
    /// `height × width` tanh outputs in −1…1, row-major, at the input's size (for `--tensor-out`).
    public let raw: [Float]
}

/// A flag a caller sets to stop a run between two layers; safe to set from any thread.
public final class CancellationFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var cancelled = false

    public init() {}

    public func cancel() {
        lock.lock()
        cancelled = true
        lock.unlock()
    }

    public var isCancelled: Bool {
        lock.lock()
        defer { lock.unlock() }
        return cancelled
    }
}
