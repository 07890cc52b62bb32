import Foundation
import UntrustedText

/// What `usreview index` prints: counts per organ, device pair and split, the
/// warnings, and (in JSON) one object per case.
public struct IndexReport: Codable, Sendable {
    public struct CaseRow: Codable, Sendable {
        public var id: String
        public var organ: Organ
        public var lowDevice: String
        public var highDevice: String
        public var low: String
        public var high: String?
        public var split: Split?
    }

    public struct OrganRow: Codable, Sendable {
        public var organ: Organ
        public var lowDevice: String
        public var highDevice: String
        public var cases: Int
        public var paired: Int
        public var train: Int
        public var validation: Int
        public var test: Int
        public var unsplit: Int
    }

    public struct Summary: Codable, Sendable {
        public var root: String
        public var layout: DatasetIndex.Layout
        public var splitFile: String?
        public var splitFileCreated: Bool
        public var cases: Int
        public var paired: Int
        public var organs: [OrganRow]
        public var warnings: [String]
    }

    public var summary: Summary
    public var cases: [CaseRow]

    public init(_ index: DatasetIndex, splitSource: DatasetIndex.SplitSource?) {
        cases = index.cases.map {
            CaseRow(id: $0.id, organ: $0.organ, lowDevice: $0.devices.low, highDevice: $0.devices.high,
                    low: $0.lowPath.path, high: $0.highPath?.path, split: $0.split)
        }
        let organs = Organ.allCases.compactMap { organ -> OrganRow? in
            let members = index.cases(of: organ)
            guard !members.isEmpty else { return nil }
            func count(_ split: Split?) -> Int { members.filter { $0.split == split }.count }
            let pair = index.devices[organ]
            return OrganRow(organ: organ, lowDevice: pair.low, highDevice: pair.high, cases: members.count,
                            paired: members.filter(\.isPaired).count, train: count(.train),
                            validation: count(.validation), test: count(.test), unsplit: count(nil))
        }
        summary = Summary(root: index.root.path, layout: index.layout, splitFile: splitSource?.file.path,
                          splitFileCreated: splitSource?.created ?? false, cases: index.cases.count,
                          paired: index.cases.filter(\.isPaired).count, organs: organs,
                          warnings: index.warnings.map(\.description))
    }

    public func json() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(self), as: UTF8.self)
    }

    /// A table for people: one row per organ, then the warnings. Folder, file and
    /// device names are outside text: each is escaped on its own line
    /// (`TerminalText`), before the columns are measured.
    public func text() -> String {
        let shown = { (text: String) in TerminalText.sanitized(text) }
        var lines = ["\(shown(summary.root))  (\(summary.layout.rawValue) layout)"]
        let header = ["organ", "devices (low → high)", "cases", "paired", "train", "val", "test"]
        var rows = summary.organs.map { row in
            [row.organ.rawValue, "\(shown(row.lowDevice)) → \(shown(row.highDevice))", "\(row.cases)", "\(row.paired)",
             "\(row.train)", "\(row.validation)", "\(row.test)"]
        }
        func total(_ column: KeyPath<OrganRow, Int>) -> String { "\(summary.organs.reduce(0) { $0 + $1[keyPath: column] })" }
        rows.append(["all", "", "\(summary.cases)", "\(summary.paired)", total(\.train), total(\.validation), total(\.test)])
        let widths = header.indices.map { column in ([header] + rows).map { $0[column].count }.max() ?? 0 }
        func format(_ cells: [String]) -> String {
            cells.enumerated().map { column, cell in
                let pad = String(repeating: " ", count: widths[column] - cell.count)
                return column < 2 ? cell + pad : pad + cell
            }.joined(separator: "  ")
        }
        lines.append(format(header))
        lines += rows.map(format)
        if let file = summary.splitFile {
            lines.append("split: \(shown(file))\(summary.splitFileCreated ? " (new, 70/10/20 per organ)" : "")")
        }
        let unsplit = summary.organs.reduce(0) { $0 + $1.unsplit }
        if unsplit > 0 { lines.append("\(unsplit) paired case(s) are in no split") }
        if !summary.warnings.isEmpty {
            lines.append("\(summary.warnings.count) warning(s):")
            lines += summary.warnings.map { "  - \(shown($0))" }
        }
        return lines.joined(separator: "\n")
    }
}
