import Foundation

/// Maps a pix2pix/CycleGAN `state_dict` onto the network types — the one place that knows
/// the reference code's key names. Hyper-parameters (depth, ngf, channels, blocks, dropout)
/// are read off the key names and tensor shapes; nothing else is needed.
enum GeneratorLoader {
    /// `automaticWinograd: false` keeps every layer's plain weights (tests that force a tile).
    static func network(from file: SafeTensorsFile, dict: StateDict,
                        automaticWinograd: Bool = true) throws -> any GeneratorNetwork {
        let network: any GeneratorNetwork
        if dict.hasKey(startingWith: "model.model.") {
            network = try unet(dict, automaticWinograd: automaticWinograd)
        } else if dict.keys.contains(where: { $0.hasPrefix("model.") && $0.dropFirst(6).first?.isNumber == true }) {
            network = try resnet(dict)
        } else {
            throw dict.notAGenerator("it holds neither UnetGenerator keys (model.model.…) nor ResnetGenerator keys (model.N.…)",
                                     listing: dict.keys.sorted())
        }
        let unused = dict.unusedKeys
        guard unused.isEmpty else {
            throw dict.notAGenerator("\(unused.count) tensor(s) are not part of the \(network.kindName) generator "
                                     + "(affine or batch norm layers, or another network)", listing: unused)
        }
        return network
    }

    // MARK: UNet

    /// `model.model.` is the outermost block's Sequential: 0 = down conv, 1 = submodule,
    /// 3 = up convT. Inside a submodule's `model.`: 1 = down conv, 3 = submodule (or, in the
    /// innermost, the up convT), 5 = up convT.
    ///
    /// Layers that run faster by Winograd at the native input size, 2^downs, are converted
    /// as they are read, so the plain and the transformed weights of the whole network are
    /// never in memory together.
    private static func unet(_ dict: StateDict, automaticWinograd: Bool) throws -> UNetGenerator {
        var downs = 2
        var prefix = "model.model.1.model."
        while dict.hasKey(startingWith: "\(prefix)3.model.") {
            downs += 1
            prefix += "3.model."
        }
        guard downs <= 24 else { throw dict.notAGenerator("the UNet nests deeper than 24 blocks", listing: []) }
        let side = 1 << downs
        let down = try dict.conv("model.model.0", kernel: 4, stride: 2, padding: 1).usingWinogradIfItPays(side: side / 2, allowed: automaticWinograd)
        let submodule = try unetBlock(dict, prefix: "model.model.1.model.", depth: 1, side: side / 2,
                                      outerChannels: down.outChannels, automaticWinograd: automaticWinograd)
        let up = try dict.convTranspose("model.model.3", inChannels: 2 * down.outChannels, kernel: 4, stride: 2, padding: 1)
            .usingWinogradIfItPays(side: side / 2, allowed: automaticWinograd)
        return UNetGenerator(outermost: UNetSkipBlock(position: .outermost, depth: 0, down: down, up: up,
                                                      submodule: submodule))
    }

    /// The block at `depth`, whose input is `side` pixels wide at the native size.
    private static func unetBlock(_ dict: StateDict, prefix: String, depth: Int, side: Int,
                                  outerChannels: Int, automaticWinograd: Bool) throws -> UNetSkipBlock {
        let down = try dict.conv("\(prefix)1", inChannels: outerChannels, kernel: 4, stride: 2, padding: 1)
            .usingWinogradIfItPays(side: side / 2, allowed: automaticWinograd)
        if dict.hasKey(startingWith: "\(prefix)3.model.") {
            let submodule = try unetBlock(dict, prefix: "\(prefix)3.model.", depth: depth + 1, side: side / 2,
                                          outerChannels: down.outChannels, automaticWinograd: automaticWinograd)
            let up = try dict.convTranspose("\(prefix)5", inChannels: 2 * down.outChannels, outChannels: outerChannels,
                                            kernel: 4, stride: 2, padding: 1).usingWinogradIfItPays(side: side / 2, allowed: automaticWinograd)
            return UNetSkipBlock(position: .intermediate, depth: depth, down: down, up: up, submodule: submodule)
        }
        // At the native size the innermost block sees a 2×2 input and a 1×1 middle.
        let up = try dict.convTranspose("\(prefix)3", inChannels: down.outChannels, outChannels: outerChannels,
                                        kernel: 4, stride: 2, padding: 1).usingWinogradIfItPays(side: side / 2, allowed: automaticWinograd)
        return UNetSkipBlock(position: .innermost, depth: depth, down: side == 2 ? down.withInnermostTaps() : down,
                             up: side == 2 ? up.withInnermostTaps() : up, submodule: nil)
    }

    // MARK: ResNet

    /// Top-level `model.N` indices: 0 pad, 1 conv 7×7, 2 IN, 3 ReLU; then (conv, IN, ReLU)
    /// per down-sampling; one index per ResnetBlock; (convT, IN, ReLU) per up-sampling;
    /// pad, conv 7×7, tanh.
    private static func resnet(_ dict: StateDict) throws -> ResNetGenerator {
        let stem = try dict.conv("model.1", kernel: 7, stride: 1, padding: 3, mode: .reflect)
        var channels = stem.outChannels
        var index = 4
        var downs: [Conv2d] = []
        while let shape = dict.shape("model.\(index).weight"), shape.count == 4, shape[1] == channels,
              shape[0] == 2 * channels {
            downs.append(try dict.conv("model.\(index)", inChannels: channels, kernel: 3, stride: 2, padding: 1))
            channels *= 2
            index += 3
        }
        var blocks: [ResNetBlock] = []
        while dict.hasKey(startingWith: "model.\(index).conv_block.") {
            blocks.append(try resnetBlock(dict, prefix: "model.\(index).conv_block.", channels: channels))
            index += 1
        }
        var ups: [ConvTranspose2d] = []
        while let shape = dict.shape("model.\(index).weight"), shape.count == 4, shape[0] == channels,
              shape[1] * 2 == channels, shape[2] == 3 {
            ups.append(try dict.convTranspose("model.\(index)", inChannels: channels, kernel: 3, stride: 2, padding: 1,
                                              outputPadding: 1))
            channels /= 2
            index += 3
        }
        guard ups.count == downs.count, channels == stem.outChannels else {
            throw dict.notAGenerator("found \(downs.count) down-sampling and \(ups.count) up-sampling layers before "
                                     + "model.\(index); a ResnetGenerator has as many of each", listing: dict.unusedKeys)
        }
        // index is the ReflectionPad2d(3) before the last convolution.
        let head = try dict.conv("model.\(index + 1)", inChannels: channels, kernel: 7, stride: 1, padding: 3,
                                 mode: .reflect)
        return ResNetGenerator(stem: stem, downs: downs, blocks: blocks, ups: ups, head: head)
    }

    /// `conv_block` indices: reflect padding puts the convolutions at 1 and 5 (6 with
    /// dropout); `padding_type='zero'` puts them at 0 and 3 (4 with dropout). Replicate
    /// padding has the reflect layout and cannot be told apart; it is run as reflect.
    private static func resnetBlock(_ dict: StateDict, prefix: String, channels: Int) throws -> ResNetBlock {
        let mode: Conv2d.PaddingMode = dict.shape("\(prefix)0.weight") != nil ? .zeros : .reflect
        let first = mode == .reflect ? 1 : 0
        let conv1 = try dict.conv("\(prefix)\(first)", inChannels: channels, outChannels: channels, kernel: 3,
                                  stride: 1, padding: 1, mode: mode)
        let plain = mode == .reflect ? 5 : 3
        let second = dict.shape("\(prefix)\(plain + 1).weight") != nil ? plain + 1 : plain
        let conv2 = try dict.conv("\(prefix)\(second)", inChannels: channels, outChannels: channels, kernel: 3,
                                  stride: 1, padding: 1, mode: mode)
        return ResNetBlock(conv1: conv1, conv2: conv2, usesDropout: second != plain)
    }
}

/// A state_dict as the loader sees it: names with a DataParallel `module.` prefix stripped,
/// normalisation running statistics dropped (instance norm always uses the image's own),
/// and a record of which tensors the network took, so leftovers can be reported.
final class StateDict {
    let file: SafeTensorsFile
    /// Normalised name → name in the file.
    private let names: [String: String]
    private(set) var used: Set<String> = []
    /// dtypes of the tensors taken, for the summary.
    private(set) var dtypes: Set<DType> = []
    private(set) var parameterCount = 0

    private static let ignoredSuffixes = [".running_mean", ".running_var", ".num_batches_tracked"]

    init(_ file: SafeTensorsFile) {
        self.file = file
        var names: [String: String] = [:]
        for name in file.names {
            let key = name.hasPrefix("module.") ? String(name.dropFirst(7)) : name
            if Self.ignoredSuffixes.contains(where: { key.hasSuffix($0) }) { continue }
            names[key] = name
        }
        self.names = names
    }

    var keys: Dictionary<String, String>.Keys { names.keys }
    var unusedKeys: [String] { names.keys.filter { !used.contains($0) }.sorted(by: Self.naturalOrder) }

    func hasKey(startingWith prefix: String) -> Bool { names.keys.contains { $0.hasPrefix(prefix) } }

    func shape(_ key: String) -> [Int]? { names[key].flatMap { file.entries[$0]?.shape } }

    func notAGenerator(_ problem: String, listing keys: [String]) -> EnhancerError {
        .notAGenerator(path: file.url.path, problem: problem, unmatchedKeys: keys)
    }

    /// Converts the tensor `key` to F32 (giving its mapped pages back) after checking its shape.
    func tensor(_ key: String, shape expected: [Int?]) throws -> (buffer: FloatBuffer, shape: [Int]) {
        guard let name = names[key], let entry = file.entries[name] else {
            throw notAGenerator("the tensor '\(key)' is missing", listing: unusedKeys)
        }
        let matches = entry.shape.count == expected.count
            && zip(entry.shape, expected).allSatisfy { actual, wanted in wanted.map { $0 == actual } ?? (actual > 0) }
        guard matches else {
            let wanted = "[" + expected.map { $0.map(String.init) ?? "·" }.joined(separator: ", ") + "]"
            throw notAGenerator("'\(name)' has shape \(entry.shape), expected \(wanted)", listing: unusedKeys)
        }
        let buffer = FloatBuffer(count: entry.elementCount)
        try file.copyFloats(entry, into: buffer.pointer, evicting: true)
        // A NaN or infinite weight poisons every pixel downstream (a black image, exit 0).
        let values = UnsafeBufferPointer(start: buffer.pointer, count: entry.elementCount)
        if let first = values.firstIndex(where: { !$0.isFinite }) {
            let count = values.reduce(0) { $0 + ($1.isFinite ? 0 : 1) }
            throw EnhancerError.badTensor(
                path: file.url.path, tensor: name,
                problem: "holds \(count) NaN or infinite value(s), the first at element \(first); "
                    + "a model whose training diverged cannot be run")
        }
        used.insert(key)
        dtypes.insert(entry.dtype)
        parameterCount += entry.elementCount
        return (buffer, entry.shape)
    }

    /// `prefix.weight` [O, I, k, k] and the optional `prefix.bias` [O] as a `Conv2d`.
    func conv(_ prefix: String, inChannels: Int? = nil, outChannels: Int? = nil, kernel: Int, stride: Int,
              padding: Int, mode: Conv2d.PaddingMode = .zeros) throws -> Conv2d {
        let weight = try tensor("\(prefix).weight", shape: [outChannels, inChannels, kernel, kernel])
        let bias = try optionalBias(prefix, count: weight.shape[0])
        return Conv2d(weight: weight.buffer, shape: weight.shape, bias: bias, stride: stride, padding: padding,
                      paddingMode: mode)
    }

    /// `prefix.weight` [I, O, k, k] and the optional `prefix.bias` [O] as a `ConvTranspose2d`.
    func convTranspose(_ prefix: String, inChannels: Int? = nil, outChannels: Int? = nil, kernel: Int, stride: Int,
                       padding: Int, outputPadding: Int = 0) throws -> ConvTranspose2d {
        let weight = try tensor("\(prefix).weight", shape: [inChannels, outChannels, kernel, kernel])
        let bias = try optionalBias(prefix, count: weight.shape[1])
        return ConvTranspose2d(weight: weight.buffer, shape: weight.shape, bias: bias, stride: stride, padding: padding,
                               outputPadding: outputPadding)
    }

    private func optionalBias(_ prefix: String, count: Int) throws -> FloatBuffer? {
        guard names["\(prefix).bias"] != nil else { return nil }
        return try tensor("\(prefix).bias", shape: [count]).buffer
    }

    /// Orders `model.10.x` after `model.9.x`.
    static func naturalOrder(_ a: String, _ b: String) -> Bool {
        a.compare(b, options: [.numeric]) == .orderedAscending
    }
}
