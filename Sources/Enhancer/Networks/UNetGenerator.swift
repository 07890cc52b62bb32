/// pix2pix's `UnetGenerator`: skip blocks nested from the outermost (full resolution) to
/// the innermost (1×1 at 2^downs), each halving the size on the way down and doubling it
/// on the way up, with the block's input concatenated to its output across the gap.
///
///     image ─ conv ─┬──────────────────────────────────────────── concat ─ ReLU ─ convT ─ tanh
///                   └─ LReLU ─ conv ─ IN ─┬─────────── concat ─ ReLU ─ convT ─ IN ─┘
///                                         └─ LReLU ─ … ─┘
///
/// Each `┬ … concat` is one `UNetSkipBlock`: its input goes down a level and comes back
/// concatenated (channels) with what the level below made of it.
struct UNetGenerator: GeneratorNetwork {
    let outermost: UNetSkipBlock

    var kindName: String { "UNet" }
    var inChannels: Int { outermost.down.inChannels }
    var outChannels: Int { outermost.up.outChannels }
    var downSamplings: Int { outermost.depthBelow }
    var ngf: Int { outermost.innerChannels }
    var sizeMultiple: Int { 1 << downSamplings }
    var minimumSide: Int { sizeMultiple }
    var parameterCount: Int { outermost.parameterCount }
    var architectureSummary: String { "UNet, \(downSamplings) down-samplings, ngf \(ngf)" }

    func multiplyAdds(height: Int, width: Int) -> Double {
        outermost.multiplyAdds(height: height, width: width)
    }

    /// Every 4×4 stride-2 layer by Winograd with tile m, whatever the cost (for tests).
    func withWinogradLayers(forcingTile tile: Int) -> UNetGenerator {
        UNetGenerator(outermost: outermost.withWinogradLayers(side: sizeMultiple, forcingTile: tile))
    }

    func run(_ input: UnsafePointer<Float>, height: Int, width: Int, into output: UnsafeMutablePointer<Float>,
             context: RunContext) throws {
        try outermost.run(input, height: height, width: width, into: output, context: context)
    }
}

/// One `UnetSkipConnectionBlock`, by position:
///
/// - outermost:    conv ─ [submodule] ─ ReLU ─ convT ─ tanh
/// - intermediate: LReLU ─ conv ─ IN ─ [submodule] ─ ReLU ─ convT ─ IN (─ Dropout), then concat(x, ·)
/// - innermost:    LReLU ─ conv ─ ReLU ─ convT ─ IN, then concat(x, ·)
///
/// Convolutions are 4×4, stride 2, padding 1 both ways. pix2pix's LeakyReLU(0.2) runs in
/// place, so the skip half of the concatenation holds LReLU(x); the parent's ReLU then makes
/// it ReLU(x) — this engine stores it the same way. Dropout is the identity at inference.
final class UNetSkipBlock: Sendable {
    enum Position: Sendable { case outermost, intermediate, innermost }

    let position: Position
    /// Depth 0 is the outermost block; the block at depth d runs at 1/2^d of the input size.
    let depth: Int
    /// Conv2d 4×4 s2 p1, outer (or the image's channels) → inner.
    let down: Conv2d
    /// ConvTranspose2d 4×4 s2 p1, 2·inner (inner for the innermost) → outer.
    let up: ConvTranspose2d
    let submodule: UNetSkipBlock?

    init(position: Position, depth: Int, down: Conv2d, up: ConvTranspose2d, submodule: UNetSkipBlock?) {
        self.position = position
        self.depth = depth
        self.down = down
        self.up = up
        self.submodule = submodule
    }

    var innerChannels: Int { down.outChannels }

    /// This block and those inside it with every 4×4 layer by Winograd with tile `forced`
    /// (for tests); `side` is the block's input side.
    func withWinogradLayers(side: Int, forcingTile forced: Int) -> UNetSkipBlock {
        UNetSkipBlock(position: position, depth: depth, down: down.usingWinograd(tile: forced),
                      up: up.usingWinograd(tile: forced),
                      submodule: submodule?.withWinogradLayers(side: side / 2, forcingTile: forced))
    }

    /// Down-samplings from this block inwards.
    var depthBelow: Int { 1 + (submodule?.depthBelow ?? 0) }
    var parameterCount: Int { down.parameterCount + up.parameterCount + (submodule?.parameterCount ?? 0) }

    func multiplyAdds(height: Int, width: Int) -> Double {
        down.multiplyAdds(height: height, width: width) + up.multiplyAdds(height: height / 2, width: width / 2)
            + (submodule?.multiplyAdds(height: height / 2, width: width / 2) ?? 0)
    }

    /// Runs the block on `x[C, H, W]` and writes its up path's result into `output`, with the
    /// activation the parent applies next already applied (tanh for the outermost, else ReLU).
    ///
    /// The submodule's input and output live in one buffer, `[x' | sub(x')]`, so the up
    /// convolution reads the channel concatenation without any copy.
    func run(_ x: UnsafePointer<Float>, height: Int, width: Int, into output: UnsafeMutablePointer<Float>,
             context: RunContext) throws {
        let loop = context.loop
        let workspace = context.workspace
        let (innerHeight, innerWidth) = (height / 2, width / 2)
        let innerSize = innerChannels * innerHeight * innerWidth
        let outputPlane = height * width
        let downName = "down \(depth) \(down.inChannels)→\(innerChannels) \(innerHeight)×\(innerWidth)"
        let upName = "up \(depth) \(up.inChannels)→\(up.outChannels) \(height)×\(width)"
        if position == .innermost {
            let hidden = workspace.buffer(.activation(0), count: innerSize)
            context.step("\(downName) conv (\(down.methodName))") {
                down.forward(x, height: height, width: width, into: hidden, workspace: workspace, loop: loop)
            }
            context.step("\(downName) bias+relu") {
                applyBias(down.bias?.pointer, activation: .relu, to: hidden, channels: innerChannels,
                          planeSize: innerHeight * innerWidth, loop: loop)
            }
            try context.layerFinished(work: down.multiplyAdds(height: height, width: width))
            context.step("\(upName) convT (\(up.methodName))") {
                up.forward(hidden, height: innerHeight, width: innerWidth, into: output, workspace: workspace, loop: loop)
            }
            context.step("\(upName) norm+relu") {
                instanceNorm(output, channels: up.outChannels, planeSize: outputPlane, into: output, activation: .relu,
                             loop: loop)
            }
            try context.layerFinished(work: up.multiplyAdds(height: innerHeight, width: innerWidth))
            return
        }
        guard let submodule else { preconditionFailure("only the innermost UNet block has no submodule") }
        let concatenation = workspace.buffer(.level(depth + 1), count: 2 * innerSize)
        context.step("\(downName) conv (\(down.methodName))") {
            down.forward(x, height: height, width: width, into: concatenation, workspace: workspace, loop: loop)
        }
        if position == .outermost {
            // No norm here; the LeakyReLU is the submodule's, applied in place as pix2pix does.
            context.step("\(downName) bias+lrelu") {
                applyBias(down.bias?.pointer, activation: .leakyReLU(0.2), to: concatenation, channels: innerChannels,
                          planeSize: innerHeight * innerWidth, loop: loop)
            }
        } else {
            context.step("\(downName) norm+lrelu") {
                instanceNorm(concatenation, channels: innerChannels, planeSize: innerHeight * innerWidth,
                             into: concatenation, activation: .leakyReLU(0.2), loop: loop)
            }
        }
        try context.layerFinished(work: down.multiplyAdds(height: height, width: width))

        try submodule.run(concatenation, height: innerHeight, width: innerWidth, into: concatenation + innerSize,
                          context: context)

        // The up path's ReLU on the skip half; the submodule already applied it to its own half.
        context.step("\(upName) skip relu") { reluInPlace(concatenation, count: innerSize, loop: loop) }
        context.step("\(upName) convT (\(up.methodName))") {
            up.forward(concatenation, height: innerHeight, width: innerWidth, into: output, workspace: workspace,
                       loop: loop)
        }
        if position == .outermost {
            context.step("\(upName) bias+tanh") {
                applyBias(up.bias?.pointer, activation: .tanh, to: output, channels: up.outChannels,
                          planeSize: outputPlane, loop: loop)
            }
        } else {
            context.step("\(upName) norm+relu") {
                instanceNorm(output, channels: up.outChannels, planeSize: outputPlane, into: output, activation: .relu,
                             loop: loop)
            }
        }
        try context.layerFinished(work: up.multiplyAdds(height: innerHeight, width: innerWidth))
    }
}
