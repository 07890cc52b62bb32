/// Why a dataset folder cannot be used. Each message names the path and what to do.
public enum DatasetError: Error, Equatable, CustomStringConvertible {
    case missingRoot(path: String)
    case unrecognizedLayout(path: String)
    case unreadable(path: String, reason: String)
    case badDeviceTable(path: String, reason: String)
    case badSplitFile(path: String, reason: String)

    public var description: String {
        switch self {
        case let .missingRoot(path):
            return "\(path): no such folder. Give the folder that holds train_datasets (or low_quality_images)."
        case let .unrecognizedLayout(path):
            return "\(path): not a USEnhance folder. Expected train_datasets/<organ>/{high_quality,low_quality}/NNNN.png, "
                + "the train_datasets folder itself, or a flat low_quality_images folder of NNNN.png files."
        case let .unreadable(path, reason):
            return "\(path): cannot read (\(reason)). Check that it exists and is readable."
        case let .badDeviceTable(path, reason):
            return "\(path): bad device table: \(reason). Fix the file or remove it to use the paper's Table 1."
        case let .badSplitFile(path, reason):
            return "\(path): bad split file: \(reason). Fix it, or remove it to make a new 70/10/20 split."
        }
    }
}
