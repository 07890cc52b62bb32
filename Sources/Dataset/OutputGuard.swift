import Foundation

/// Refuses to write over a file that the same command reads.
///
/// Files are compared by device and inode (`stat`, which follows symbolic links), never
/// by their path strings: `in.png`, `./in.png`, a hard link and a symbolic link to it
/// are all the same file. Every command that writes a file the user names asks here
/// first, before it writes anything.
public enum OutputGuard {
    /// The identity of an existing file or folder; nil when nothing is there.
    public struct FileID: Hashable, Sendable {
        let device: UInt64
        let inode: UInt64

        public init?(_ url: URL) {
            var info = stat()
            guard stat(url.path, &info) == 0 else { return nil }
            device = UInt64(info.st_dev)
            inode = UInt64(info.st_ino)
        }
    }

    /// Throws when `output` is (or links to) one of `inputs`. An output that does not
    /// exist yet cannot be an input.
    public static func check(output: URL, inputs: [URL]) throws {
        guard let target = FileID(output) else { return }
        for input in inputs where FileID(input) == target {
            throw OutputGuardError.outputIsInput(output: output.path, input: input.path)
        }
    }

    /// Throws when the output folder is the input folder (the same folder by device and
    /// inode), or when any of `outputs` is one of `inputs`: checks a whole batch before
    /// its first file is written.
    public static func check(outputFolder: URL, inputFolder: URL, outputs: [URL], inputs: [URL]) throws {
        if let folder = FileID(outputFolder), folder == FileID(inputFolder) {
            throw OutputGuardError.outputFolderIsInput(output: outputFolder.path, input: inputFolder.path)
        }
        var byID = [FileID: URL]()
        for input in inputs { if let id = FileID(input) { byID[id] = input } }
        for output in outputs {
            if let id = FileID(output), let input = byID[id] {
                throw OutputGuardError.outputIsInput(output: output.path, input: input.path)
            }
        }
    }
}

public enum OutputGuardError: Error, Equatable, Sendable, CustomStringConvertible {
    case outputIsInput(output: String, input: String)
    case outputFolderIsInput(output: String, input: String)

    public var description: String {
        switch self {
        case let .outputIsInput(output, input):
            let how = output == input ? "" : " (the same file, through a link or another path)"
            return "\(output) is the input \(input)\(how); usreview never writes over a file it reads. Nothing was written; choose another output."
        case let .outputFolderIsInput(output, input):
            return "The output folder \(output) is the input folder \(input); usreview never writes over the images it reads. Nothing was written; choose another folder."
        }
    }
}
