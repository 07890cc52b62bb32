import ArgumentParser
import Dataset
import Enhancer
import Foundation

struct Enhance: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run a generator on a PNG (or on every PNG of a folder).",
        discussion: """
            The model is a safetensors state_dict of a pix2pix UNet or CycleGAN ResNet \
            generator; its architecture is read off the weights. Images whose size is not a \
            multiple of the network's factor are reflect-padded and cropped back.

            An output is never an input: the same file (also through a hard or symbolic \
            link), the model, or the input folder itself is refused before anything is \
            written. A folder without PNGs is an error.

            Examples:
              usreview enhance --model g.safetensors low.png enhanced.png
              usreview enhance --model g.safetensors low.png out.png --tensor-out out.safetensors
              usreview enhance --model g.safetensors lows/ enhanced/
            """
    )

    @Option(help: "Generator weights (.safetensors).", completion: .file(extensions: ["safetensors"]))
    var model: String

    @Argument(help: "Input PNG, or a folder of PNGs.")
    var input: String

    @Argument(help: "Output PNG, or a folder (created if missing).")
    var output: String

    @Option(name: .customLong("tensor-out"),
            help: "Also write the raw float output as tensor `output` [1,1,H,W] (single image only).")
    var tensorOut: String?

    @OptionGroup var modelOptions: ModelOptions

    func run() throws {
        let source = URL(fileURLWithPath: input), target = URL(fileURLWithPath: output)
        let weights = URL(fileURLWithPath: model)
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: source.path, isDirectory: &isFolder) else {
            throw ValidationError("\(source.path): no such file or folder.")
        }
        if !isFolder.boolValue {
            try OutputGuard.check(output: target, inputs: [source, weights])
            if let tensorOut {
                let tensorURL = URL(fileURLWithPath: tensorOut)
                try OutputGuard.check(output: tensorURL, inputs: [source, weights, target])
                if tensorURL.standardizedFileURL.path == target.standardizedFileURL.path {
                    throw ValidationError("--tensor-out \(tensorOut) is the output PNG; give it another name.")
                }
            }
            let generator = try modelOptions.load(model)
            let result = try generator.enhance(try PNGCodec.read(source))
            try PNGCodec.write(result.image, to: target)
            if let tensorOut {
                try SafeTensors.write([(name: "output", shape: [1, 1, result.image.height, result.image.width],
                                        values: result.raw)],
                                      metadata: ["model": model, "input": source.path], to: URL(fileURLWithPath: tensorOut))
            }
            return
        }
        guard tensorOut == nil else { throw ValidationError("--tensor-out takes a single image, not a folder.") }
        let names = try FileManager.default.contentsOfDirectory(atPath: source.path)
            .filter { $0.lowercased().hasSuffix(".png") && !$0.hasPrefix(".") }.sorted()
        guard !names.isEmpty else {
            throw ValidationError("\(source.path) holds no PNG image (*.png); nothing to enhance.")
        }
        var targetIsFolder: ObjCBool = false
        if FileManager.default.fileExists(atPath: target.path, isDirectory: &targetIsFolder), !targetIsFolder.boolValue {
            throw ValidationError("\(target.path) exists and is not a folder: the output of a folder of PNGs is a folder. Choose a folder (it is created if missing).")
        }
        let inputs = names.map { source.appendingPathComponent($0) }
        try OutputGuard.check(outputFolder: target, inputFolder: source,
                              outputs: names.map { target.appendingPathComponent($0) }, inputs: inputs + [weights])
        let generator = try modelOptions.load(model)
        try FileManager.default.createDirectory(at: target, withIntermediateDirectories: true)
        let bar = ProgressBar(label: "enhance")
        var failures: [String] = []
        for (done, name) in names.enumerated() {
            do {
                let result = try generator.enhance(try PNGCodec.read(source.appendingPathComponent(name)))
                try PNGCodec.write(result.image, to: target.appendingPathComponent(name))
            } catch {
                failures.append("\(error)")
            }
            bar.update(done + 1, names.count)
        }
        bar.finish()
        printText("enhanced \(names.count - failures.count) of \(names.count) images into \(target.path)")
        if !failures.isEmpty {
            failures.forEach { printError("error: \($0)") }
            throw ExitCode(1)
        }
    }
}
