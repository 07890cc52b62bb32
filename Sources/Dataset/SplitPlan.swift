import Foundation
import UntrustedText

/// The assignment of training cases to train / validation / test.
///
/// Made once per dataset — 70/10/20 within each organ, shuffled by a seed — and then
/// kept in a split file, so every later run, study and training job sees the same
/// split even if the code that draws it changes. Test-archive images have no
/// reference and are always `test`; they are not in the plan.
public struct SplitPlan: Equatable, Sendable {
    public static let defaultFileName = "usreview-splits.json"
    public static let defaultSeed: UInt64 = 2023
    public static let fractions: [(Split, Double)] = [(.train, 0.7), (.validation, 0.1), (.test, 0.2)]

    public var seed: UInt64?
    public var assignments: [String: Split]

    public init(seed: UInt64?, assignments: [String: Split]) {
        self.seed = seed
        self.assignments = assignments
    }

    /// A stratified split: per organ, the IDs in order, shuffled (Fisher–Yates with
    /// SplitMix64, seeded by seed and organ), then cut at rounded 70 % and 80 %.
    public static func stratified(_ cases: [Case], seed: UInt64) -> SplitPlan {
        var assignments: [String: Split] = [:]
        for organ in Organ.allCases {
            var ids = cases.filter { $0.organ == organ && $0.isPaired }.map(\.id).sorted()
            var random = SplitMix64(state: SplitMix64.combine(seed, UInt64(organ.idRange.lowerBound)))
            random.shuffle(&ids)
            let trainCount = Int((Double(ids.count) * 0.7).rounded())
            let validationCount = Int((Double(ids.count) * 0.1).rounded())
            for (position, id) in ids.enumerated() {
                assignments[id] = position < trainCount ? .train
                    : position < trainCount + validationCount ? .validation : .test
            }
        }
        return SplitPlan(seed: seed, assignments: assignments)
    }

    // MARK: Split files

    /// Reads a split file: the JSON that `write` makes, or a CSV of `id,split` lines
    /// (header optional; splits `train`, `validation`/`val`, `test`).
    public static func read(_ url: URL) throws -> SplitPlan {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw DatasetError.unreadable(path: url.path, reason: error.localizedDescription)
        }
        if url.pathExtension.lowercased() == "csv" { return try parseCSV(data, url: url) }
        do {
            let file = try JSONDecoder().decode(SplitFile.self, from: data)
            return SplitPlan(seed: file.seed, assignments: file.cases)
        } catch {
            throw DatasetError.badSplitFile(path: url.path,
                                            reason: "expected {\"cases\": {\"0001\": \"train\", …}} (\(error))")
        }
    }

    /// Writes the plan as JSON, atomically.
    public func write(to url: URL) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        let file = SplitFile(format: SplitFile.currentFormat, seed: seed,
                             fractions: ["train": 0.7, "validation": 0.1, "test": 0.2], cases: assignments)
        try AtomicFile.write(try encoder.encode(file), to: url)
    }

    /// `id,split` records through `CSVTable` (RFC 4180; the `'` usreview's writers put
    /// before formula-like text is taken off). A case listed twice is an error naming
    /// both lines, even with the same split: the file's author meant one of them.
    private static func parseCSV(_ data: Data, url: URL) throws -> SplitPlan {
        let records: [CSVRecord]
        do { records = try CSVTable.parse(String(decoding: data, as: UTF8.self)) } catch {
            throw DatasetError.badSplitFile(path: url.path, reason: error.description)
        }
        var assignments: [String: Split] = [:]
        var firstLine: [String: (line: Int, split: String)] = [:]
        for (index, record) in records.enumerated() {
            let fields = record.fields.map { CSVTable.restored($0).trimmingCharacters(in: .whitespaces) }
            if fields[0].isEmpty || fields[0].hasPrefix("#") { continue }
            if index == 0, fields[0].lowercased() == "id" { continue }
            guard fields.count == 2, let split = Split(userText: fields[1]) else {
                throw DatasetError.badSplitFile(path: url.path, reason: "line \(record.line): expected 'ID,train|validation|test', "
                                                + "got '\(record.fields.joined(separator: ","))'")
            }
            if let earlier = firstLine[fields[0]] {
                throw DatasetError.badSplitFile(path: url.path, reason: "case \(fields[0]) is listed twice, on line "
                                                + "\(earlier.line) (\(earlier.split)) and line \(record.line) (\(fields[1])); "
                                                + "keep one line per case")
            }
            firstLine[fields[0]] = (record.line, fields[1])
            assignments[fields[0]] = split
        }
        return SplitPlan(seed: nil, assignments: assignments)
    }
}

/// The on-disk form of a split plan.
private struct SplitFile: Codable {
    static let currentFormat = "usreview-splits/1"
    var format: String?
    var seed: UInt64?
    var fractions: [String: Double]?
    var cases: [String: Split]
}

extension Split {
    /// Accepts the spellings people write in spreadsheets.
    public init?(userText: String) {
        switch userText.lowercased() {
        case "train", "training": self = .train
        case "validation", "val", "valid": self = .validation
        case "test", "testing": self = .test
        default: return nil
        }
    }
}
