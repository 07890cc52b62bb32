import Dataset

/// Why a weights file cannot be used or a run did not finish.
///
/// Every message names the file (and the tensor, where there is one), says what is wrong
/// and what to do about it, so the command line can print it as it is.
public enum EnhancerError: Error, Equatable, CustomStringConvertible {
    /// The file could not be opened or mapped.
    case unreadable(path: String, reason: String)
    /// The safetensors container itself is broken: header length, JSON, offsets.
    case malformedFile(path: String, problem: String)
    /// One tensor's entry is inconsistent (shape, byte size, offsets, dtype).
    case badTensor(path: String, tensor: String, problem: String)
    /// A tensor was asked for that the file does not hold.
    case missingTensor(path: String, tensor: String)
    /// The tensors do not form a generator this engine knows.
    case notAGenerator(path: String, problem: String, unmatchedKeys: [String])
    /// The image cannot be run through the network at any padding.
    case imageTooSmall(width: Int, height: Int, minimumSide: Int, network: String)
    /// The tensors declare more elements in all than `ResourceLimits.maxParameters`.
    case tooManyParameters(path: String, count: Int, limit: Int)
    /// A run produced NaN or infinite values (weights that overflow on this image).
    case nonFiniteOutput(count: Int, network: String)
    /// A file could not be written.
    case writeFailed(path: String, reason: String)
    /// The run was cancelled through its `CancellationFlag`.
    case cancelled

    public var description: String {
        switch self {
        case let .unreadable(path, reason):
            return "\(path): cannot read the weights file (\(reason)). Check that it exists and is readable."
        case let .malformedFile(path, problem):
            return "\(path): not a valid safetensors file: \(problem). "
                + "The file is truncated or damaged; copy or export it again (safetensors.torch.save_file)."
        case let .badTensor(path, tensor, problem):
            return "\(path): tensor '\(tensor)': \(problem). "
                + "The file is damaged or was written by a broken exporter; export the state_dict again."
        case let .missingTensor(path, tensor):
            return "\(path): has no tensor '\(tensor)'. Check that this is the right weights file."
        case let .notAGenerator(path, problem, keys):
            let shown = keys.prefix(12).joined(separator: ", ")
            let more = keys.count > 12 ? " and \(keys.count - 12) more" : ""
            let list = keys.isEmpty ? "" : " Keys that did not fit: \(shown)\(more)."
            return "\(path): not a pix2pix/CycleGAN generator this engine can run: \(problem).\(list) "
                + "Export the generator's state_dict (UnetGenerator or ResnetGenerator with instance norm) to safetensors."
        case let .imageTooSmall(width, height, minimumSide, network):
            return "The image is \(width)×\(height), too small for the \(network): every side needs at least "
                + "\(minimumSide) pixels. Use a larger image or a generator with fewer down-samplings."
        case let .tooManyParameters(path, count, limit):
            return "\(path): the tensors declare \(count) parameters in all, over the limit of \(limit). "
                + "If this is a genuine generator, raise the limit with \(ResourceLimits.parametersVariable)=N (parameters); "
                + "otherwise the file is damaged or hostile."
        case let .nonFiniteOutput(count, network):
            return "The \(network) produced \(count) NaN or infinite values on this image, so there is no valid "
                + "output. The weights are broken (a diverged or damaged model); use another model."
        case let .writeFailed(path, reason):
            return "\(path): cannot write (\(reason)). Check free disk space and folder permissions."
        case .cancelled:
            return "The enhancement was cancelled."
        }
    }
}
