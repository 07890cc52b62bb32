import Foundation

/// Every case of a USEnhance folder, found from file names alone (no image is decoded).
///
/// Accepted roots: the folder holding `train_datasets` (and/or `low_quality_images`),
/// `train_datasets` itself, or a flat `low_quality_images` folder (the test archive,
/// whose organ follows from the ID ranges of `Organ`). Oddities — unpaired files,
/// unknown entries, byte-identical images — become `warnings`, never errors.
public struct DatasetIndex: Sendable {
    public enum Layout: String, Codable, Sendable {
        /// train_datasets/<organ>/{high_quality,low_quality}
        case training
        /// a flat low_quality_images folder
        case testArchive
        /// both archives unpacked side by side
        case trainingAndTest
    }

    public static let trainingFolder = "train_datasets"
    public static let testFolder = "low_quality_images"
    public static let lowFolder = "low_quality"
    public static let highFolder = "high_quality"
    /// Files usreview itself keeps in a dataset folder; not reported as unknown.
    static let ownFiles: Set<String> = [DeviceTable.fileName, SplitPlan.defaultFileName]

    public let root: URL
    public let layout: Layout
    public let devices: DeviceTable
    /// Sorted by case number.
    public internal(set) var cases: [Case]
    public internal(set) var warnings: [IndexWarning]

    /// Indexes `root`. A `devices.json` in `root` overrides the paper's device table.
    public static func scan(_ root: URL) throws -> DatasetIndex {
        let root = root.standardizedFileURL
        guard DirectoryListing.isDirectory(root) else { throw DatasetError.missingRoot(path: root.path) }
        let deviceFile = root.appendingPathComponent(DeviceTable.fileName)
        let devices = FileManager.default.fileExists(atPath: deviceFile.path)
            ? try DeviceTable.overriding(with: deviceFile) : .paperTable1
        var scanner = Scanner(devices: devices)

        let trainingRoot: URL?
        let testRoot: URL?
        let topEntries = try DirectoryListing.entries(of: root) ?? []
        let topNames = Set(topEntries.filter(\.isDirectory).map(\.name))
        if topNames.contains(trainingFolder) || topNames.contains(testFolder) {
            trainingRoot = topNames.contains(trainingFolder) ? root.appendingPathComponent(trainingFolder) : nil
            testRoot = topNames.contains(testFolder) ? root.appendingPathComponent(testFolder) : nil
        } else if !topNames.isDisjoint(with: Organ.allCases.map(\.rawValue)) {
            trainingRoot = root
            testRoot = nil
        } else if topEntries.contains(where: { $0.caseID != nil }) {
            trainingRoot = nil
            testRoot = root
        } else {
            throw DatasetError.unrecognizedLayout(path: root.path)
        }

        if let trainingRoot { try scanner.scanTraining(trainingRoot) }
        if let testRoot { try scanner.scanTestArchive(testRoot) }
        let layout: Layout = trainingRoot != nil ? (testRoot != nil ? .trainingAndTest : .training) : .testArchive
        let cases = scanner.uniqueCases()
        scanner.reportIdenticalFiles()
        return DatasetIndex(root: root, layout: layout, devices: devices, cases: cases, warnings: scanner.warnings)
    }

    public func cases(of organ: Organ) -> [Case] { cases.filter { $0.organ == organ } }
}

/// The walk over the folders; collects cases, warnings and file sizes for the
/// duplicate check.
private struct Scanner {
    let devices: DeviceTable
    var found: [Case] = []
    var warnings: [IndexWarning] = []
    var imageFiles: [DirectoryEntry] = []

    init(devices: DeviceTable) { self.devices = devices }

    mutating func scanTraining(_ folder: URL) throws {
        for entry in try DirectoryListing.entries(of: folder) ?? [] {
            guard entry.isDirectory, let organ = Organ(rawValue: entry.name) else {
                if !DatasetIndex.ownFiles.contains(entry.name) { warnings.append(.unknownEntry(path: entry.path)) }
                continue
            }
            try scanOrgan(organ, folder: entry.url)
        }
    }

    private mutating func scanOrgan(_ organ: Organ, folder: URL) throws {
        let lowURL = folder.appendingPathComponent(DatasetIndex.lowFolder)
        let highURL = folder.appendingPathComponent(DatasetIndex.highFolder)
        for entry in try DirectoryListing.entries(of: folder) ?? []
        where entry.name != DatasetIndex.lowFolder && entry.name != DatasetIndex.highFolder {
            warnings.append(.unknownEntry(path: entry.path))
        }
        let lows = try images(in: lowURL)
        let highs = try images(in: highURL)
        for (id, low) in lows.sorted(by: { $0.key < $1.key }) {
            guard let high = highs[id] else {
                warnings.append(.unpaired(path: low.path, missing: "high-quality"))
                continue
            }
            if let number = Int(id), !organ.idRange.contains(number) {
                warnings.append(.idOutsideOrganRange(path: low.path, organ: organ))
            }
            found.append(Case(id: id, organ: organ, devices: devices[organ], lowPath: low.url,
                              highPath: high.url, split: nil))
        }
        for (id, high) in highs.sorted(by: { $0.key < $1.key }) where lows[id] == nil {
            warnings.append(.unpaired(path: high.path, missing: "low-quality"))
        }
    }

    mutating func scanTestArchive(_ folder: URL) throws {
        for (id, image) in try images(in: folder).sorted(by: { $0.key < $1.key }) {
            guard let number = Int(id), let organ = Organ(caseID: number) else {
                warnings.append(.unknownEntry(path: image.path))
                continue
            }
            found.append(Case(id: id, organ: organ, devices: devices[organ], lowPath: image.url,
                              highPath: nil, split: .test))
        }
    }

    /// The images of one folder by case ID; anything else is reported.
    private mutating func images(in folder: URL) throws -> [String: DirectoryEntry] {
        guard let entries = try DirectoryListing.entries(of: folder) else {
            warnings.append(.missingFolder(path: folder.path))
            return [:]
        }
        var result: [String: DirectoryEntry] = [:]
        for entry in entries {
            guard let id = entry.caseID else {
                if !DatasetIndex.ownFiles.contains(entry.name) { warnings.append(.unknownEntry(path: entry.path)) }
                continue
            }
            result[id] = entry
            imageFiles.append(entry)
        }
        return result
    }

    /// The cases sorted by number, each ID once.
    mutating func uniqueCases() -> [Case] {
        var byID: [String: Case] = [:]
        var order: [String] = []
        for item in found {
            if let first = byID[item.id] {
                warnings.append(.duplicateID(id: item.id, paths: [first.lowPath.path, item.lowPath.path]))
            } else {
                byID[item.id] = item
                order.append(item.id)
            }
        }
        return order.map { byID[$0]! }.sorted { ($0.number, $0.id) < ($1.number, $1.id) }
    }

    /// Byte-identical image files. Only files of equal size can be identical, so
    /// contents are read only for the rare size collisions.
    mutating func reportIdenticalFiles() {
        let bySize = Dictionary(grouping: imageFiles, by: \.size).values.filter { $0.count > 1 }
        for group in bySize.sorted(by: { $0[0].path < $1[0].path }) {
            var byContents: [Data: [String]] = [:]
            for entry in group {
                guard let data = FileManager.default.contents(atPath: entry.path) else { continue }
                byContents[data, default: []].append(entry.path)
            }
            let identical = byContents.values.filter { $0.count > 1 }.map { $0.sorted() }
            for paths in identical.sorted(by: { $0[0] < $1[0] }) {
                warnings.append(.identicalImages(paths: paths))
            }
        }
    }
}
