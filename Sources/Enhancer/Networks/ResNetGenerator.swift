/// CycleGAN's `ResnetGenerator`:
///
///     ReflectionPad(3) ─ conv 7×7 ─ IN ─ ReLU
///     ─ n × (conv 3×3 s2 p1 ─ IN ─ ReLU)                      down-sampling
///     ─ blocks × ResNetBlock                                   at 1/2^n size
///     ─ n × (convT 3×3 s2 p1 output_padding 1 ─ IN ─ ReLU)     up-sampling
///     ─ ReflectionPad(3) ─ conv 7×7 ─ tanh
///
/// The reflection pads are folded into the convolutions that follow them (`Conv2d`'s
/// reflect padding), so no padded copy is ever made.
struct ResNetGenerator: GeneratorNetwork {
    let stem: Conv2d
    let downs: [Conv2d]
    let blocks: [ResNetBlock]
    let ups: [ConvTranspose2d]
    let head: Conv2d

    var kindName: String { "ResNet" }
    var inChannels: Int { stem.inChannels }
    var outChannels: Int { head.outChannels }
    var ngf: Int { stem.outChannels }
    var sizeMultiple: Int { 1 << downs.count }
    /// ReflectionPad(3) needs sides above 3; the blocks' ReflectionPad(1) needs at least 2 pixels at 1/2^n.
    var minimumSide: Int { max(4, 2 << downs.count) }

    var parameterCount: Int {
        stem.parameterCount + head.parameterCount + downs.reduce(0) { $0 + $1.parameterCount }
            + blocks.reduce(0) { $0 + $1.parameterCount } + ups.reduce(0) { $0 + $1.parameterCount }
    }

    var architectureSummary: String {
        var text = "ResNet, \(blocks.count) blocks, \(downs.count) down-samplings, ngf \(ngf)"
        if blocks.first?.usesDropout == true { text += ", dropout" }
        if blocks.first?.conv1.paddingMode == .zeros { text += ", zero-padded blocks" }
        return text
    }

    func multiplyAdds(height: Int, width: Int) -> Double {
        var total = stem.multiplyAdds(height: height, width: width) + head.multiplyAdds(height: height, width: width)
        var (h, w) = (height, width)
        for down in downs {
            total += down.multiplyAdds(height: h, width: w)
            (h, w) = down.outputSize(height: h, width: w)
        }
        total += blocks.reduce(0) { $0 + $1.multiplyAdds(height: h, width: w) }
        for up in ups {
            total += up.multiplyAdds(height: h, width: w)
            (h, w) = up.outputSize(height: h, width: w)
        }
        return total
    }

    func run(_ input: UnsafePointer<Float>, height: Int, width: Int, into output: UnsafeMutablePointer<Float>,
             context: RunContext) throws {
        let loop = context.loop
        let workspace = context.workspace
        // The widest activation is the full-resolution one with ngf channels; the narrower
        // ones further in have 2^i·ngf channels on 1/4^i of the pixels, so they fit too.
        let capacity = ngf * height * width
        var current = workspace.buffer(.activation(1), count: capacity)
        var spare = workspace.buffer(.activation(2), count: capacity)
        let scratch = workspace.buffer(.activation(3), count: capacity)

        stem.forward(input, height: height, width: width, into: current, workspace: workspace, loop: loop)
        instanceNorm(current, channels: ngf, planeSize: height * width, into: current, activation: .relu, loop: loop)
        try context.layerFinished(work: stem.multiplyAdds(height: height, width: width))

        var (h, w) = (height, width)
        for down in downs {
            down.forward(current, height: h, width: w, into: spare, workspace: workspace, loop: loop)
            try context.layerFinished(work: down.multiplyAdds(height: h, width: w))
            (h, w) = down.outputSize(height: h, width: w)
            instanceNorm(spare, channels: down.outChannels, planeSize: h * w, into: spare, activation: .relu, loop: loop)
            swap(&current, &spare)
        }
        for block in blocks {
            block.run(current, height: h, width: w, hidden: spare, scratch: scratch, workspace: workspace, loop: loop)
            try context.layerFinished(work: block.multiplyAdds(height: h, width: w))
        }
        for up in ups {
            up.forward(current, height: h, width: w, into: spare, workspace: workspace, loop: loop)
            try context.layerFinished(work: up.multiplyAdds(height: h, width: w))
            (h, w) = up.outputSize(height: h, width: w)
            instanceNorm(spare, channels: up.outChannels, planeSize: h * w, into: spare, activation: .relu, loop: loop)
            swap(&current, &spare)
        }
        head.forward(current, height: h, width: w, into: output, workspace: workspace, loop: loop)
        applyBias(head.bias?.pointer, activation: .tanh, to: output, channels: head.outChannels,
                  planeSize: h * w, loop: loop)
        try context.layerFinished(work: head.multiplyAdds(height: h, width: w))
    }
}

/// CycleGAN's `ResnetBlock`: `x + (pad ─ conv 3×3 ─ IN ─ ReLU ─ [Dropout] ─ pad ─ conv 3×3 ─ IN)(x)`,
/// the pads being ReflectionPad2d(1) (or the convolutions' own zero padding for
/// `padding_type='zero'`). Dropout is the identity at inference.
struct ResNetBlock: Sendable {
    let conv1: Conv2d
    let conv2: Conv2d
    let usesDropout: Bool

    var parameterCount: Int { conv1.parameterCount + conv2.parameterCount }

    func multiplyAdds(height: Int, width: Int) -> Double {
        conv1.multiplyAdds(height: height, width: width) + conv2.multiplyAdds(height: height, width: width)
    }

    /// Updates `x[C, H, W]` in place; `hidden` and `scratch` hold `C·H·W` floats each.
    func run(_ x: UnsafeMutablePointer<Float>, height: Int, width: Int, hidden: UnsafeMutablePointer<Float>,
             scratch: UnsafeMutablePointer<Float>, workspace: Workspace, loop: ParallelLoop) {
        let plane = height * width
        conv1.forward(x, height: height, width: width, into: hidden, workspace: workspace, loop: loop)
        instanceNorm(hidden, channels: conv1.outChannels, planeSize: plane, into: hidden, activation: .relu, loop: loop)
        conv2.forward(hidden, height: height, width: width, into: scratch, workspace: workspace, loop: loop)
        instanceNorm(scratch, channels: conv2.outChannels, planeSize: plane, into: x, activation: .identity,
                     residual: x, loop: loop)
    }
}
