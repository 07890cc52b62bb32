@testable import Dataset
import Foundation
import XCTest

final class SplitPlanTests: XCTestCase {
    private func cases(_ organ: Organ, count: Int) -> [Case] {
        (0..<count).map { offset in
            let id = String(format: "%04d", organ.idRange.lowerBound + offset)
            let url = URL(fileURLWithPath: "/data/\(id).png")
            return Case(id: id, organ: organ, devices: DeviceTable.paperTable1[organ], lowPath: url, highPath: url, split: nil)
        }
    }

    private var allCases: [Case] {
        cases(.thyroid, count: 100) + cases(.carotid, count: 53) + cases(.kidney, count: 7)
    }

    func testDeterministicForASeed() {
        XCTAssertEqual(SplitPlan.stratified(allCases, seed: 11), SplitPlan.stratified(allCases, seed: 11))
        XCTAssertNotEqual(SplitPlan.stratified(allCases, seed: 11).assignments,
                          SplitPlan.stratified(allCases, seed: 12).assignments)
    }

    func testStratifiedSeventyTenTwentyPerOrgan() {
        let plan = SplitPlan.stratified(allCases, seed: 3)
        XCTAssertEqual(plan.assignments.count, 160)
        func counts(_ organ: Organ) -> [Int] {
            let ids = Set(allCases.filter { $0.organ == organ }.map(\.id))
            return Split.allCases.map { split in plan.assignments.filter { ids.contains($0.key) && $0.value == split }.count }
        }
        XCTAssertEqual(counts(.thyroid), [70, 10, 20])
        XCTAssertEqual(counts(.carotid), [37, 5, 11])  // round(37.1), round(5.3), rest
        XCTAssertEqual(counts(.kidney), [5, 1, 1])     // round(4.9), round(0.7), rest
    }

    func testShuffledNotInIdOrder() {
        let plan = SplitPlan.stratified(cases(.thyroid, count: 100), seed: 5)
        let firstSeventy = (1...70).map { String(format: "%04d", $0) }
        XCTAssertFalse(firstSeventy.allSatisfy { plan.assignments[$0] == .train }, "the split is random, not the first 70 IDs")
    }

    func testSplitFileIsWrittenOnceThenReadBack() throws {
        let root = try makeTemporaryFolder(self)
        for number in 1...20 {
            for (offset, side) in ["low_quality", "high_quality"].enumerated() {
                let url = root.appendingPathComponent("train_datasets/thyroid/\(side)/\(String(format: "%04d", number)).png")
                try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
                try PNGCodec.write(GrayImage(width: 2, height: 2, value: UInt8(number + 100 * offset)), to: url)
            }
        }
        let (first, firstSource) = try DatasetIndex.load(root, seed: 1)
        XCTAssertEqual(firstSource, .init(file: root.appendingPathComponent("usreview-splits.json"), created: true))
        // A different seed later does not redraw: the file wins.
        let (second, secondSource) = try DatasetIndex.load(root, seed: 999)
        XCTAssertEqual(secondSource?.created, false)
        XCTAssertEqual(first.cases.map(\.split), second.cases.map(\.split))
        XCTAssertEqual(second.warnings, [], "the split file is not an unknown entry")
    }

    func testUserSuppliedSplitFileIsHonoured() throws {
        let root = try makeTemporaryFolder(self)
        for number in 1...4 {
            for side in ["low_quality", "high_quality"] {
                let url = root.appendingPathComponent("train_datasets/thyroid/\(side)/000\(number).png")
                try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
                try PNGCodec.write(GrayImage(width: 2, height: 2, value: UInt8(number)), to: url)
            }
        }
        let csv = root.appendingPathComponent("mine.csv")
        try Data("id,split\n0001,test\n0002,val\n0003,train\n0042,train\n".utf8).write(to: csv)
        let (index, source) = try DatasetIndex.load(root, splitFile: csv)
        XCTAssertEqual(source, .init(file: csv, created: false))
        XCTAssertEqual(index.cases.map(\.split), [.test, .validation, .train, nil])
        XCTAssertTrue(index.warnings.contains(.notInSplitFile(path: csv.path, ids: ["0004"])))
        XCTAssertTrue(index.warnings.contains(.unknownInSplitFile(path: csv.path, ids: ["0042"])))
        XCTAssertFalse(FileManager.default.fileExists(atPath: root.appendingPathComponent("usreview-splits.json").path),
                       "a supplied split writes nothing")

        try Data("0001,holdout\n".utf8).write(to: csv)
        XCTAssertThrowsError(try DatasetIndex.load(root, splitFile: csv)) { error in
            XCTAssertTrue("\(error)".contains("line 1"), "\(error)")
            XCTAssertTrue("\(error)".contains(csv.path))
        }
    }

    /// A case listed twice — in two splits, or twice in one — is an error that names the
    /// file and both lines, whether the lines are counted plainly or across quoted breaks.
    func testACaseListedTwiceIsAnErrorNamingBothLines() throws {
        let csv = try makeTemporaryFolder(self).appendingPathComponent("split.csv")
        try Data("id,split\n0001,train\n0002,test\n\n0001,test\n".utf8).write(to: csv)
        XCTAssertThrowsError(try SplitPlan.read(csv)) { error in
            let text = "\(error)"
            XCTAssertTrue(text.contains(csv.path), text)
            XCTAssertTrue(text.contains("case 0001 is listed twice, on line 2 (train) and line 5 (test)"), text)
        }
        try Data("id,split\r\n\"0003\",\"val\"\r\n0003,val\r\n".utf8).write(to: csv)
        XCTAssertThrowsError(try SplitPlan.read(csv)) { error in
            XCTAssertTrue("\(error)".contains("line 2 (val) and line 3 (val)"), "\(error)")
        }
        // Distinct cases, quoted fields, CRLF and a byte-order mark read as before.
        try Data("\u{FEFF}id,split\r\n\"0001\",train\r\n0002,\"test\"\r\n".utf8).write(to: csv)
        XCTAssertEqual(try SplitPlan.read(csv).assignments, ["0001": .train, "0002": .test])
    }

    func testJSONRoundTrip() throws {
        let url = try makeTemporaryFolder(self).appendingPathComponent("s.json")
        let plan = SplitPlan.stratified(allCases, seed: 9)
        try plan.write(to: url)
        XCTAssertEqual(try SplitPlan.read(url), plan)
    }

    /// Through the writability probe, so it holds as root too (root writes into 0555 folders).
    func testReadOnlyDatasetKeepsItsSplitInTheUserDataFolder() throws {
        let root = try makeTemporaryFolder(self)
        let data = try makeTemporaryFolder(self)
        for side in ["low_quality", "high_quality"] {
            let url = root.appendingPathComponent("train_datasets/breast/\(side)/1300.png")
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try PNGCodec.write(GrayImage(width: 2, height: 2, value: 9), to: url)
        }
        setenv("XDG_DATA_HOME", data.path, 1)
        defer { unsetenv("XDG_DATA_HOME") }
        var asked: [String] = []
        let readOnly: (URL) -> Bool = { folder in asked.append(folder.path); return folder.path != root.path }
        let (index, source) = try DatasetIndex.load(root, isWritable: readOnly)
        XCTAssertEqual(asked, [root.path], "the probe is asked about the dataset folder")
        let file = try XCTUnwrap(source?.file)
        XCTAssertEqual(source?.created, true)
        XCTAssertTrue(file.path.hasPrefix(data.path + "/"), "\(file.path)")
        XCTAssertEqual(file, DatasetIndex.fallbackSplitFile(for: index.root))
        XCTAssertTrue(FileManager.default.fileExists(atPath: file.path))
        XCTAssertFalse(FileManager.default.fileExists(atPath: root.appendingPathComponent(SplitPlan.defaultFileName).path),
                       "nothing written into a read-only dataset")
        XCTAssertEqual(index.cases.first?.split, try SplitPlan.read(file).assignments["1300"])

        // The next run finds the fallback file and draws nothing new.
        let (_, again) = try DatasetIndex.load(root, isWritable: readOnly)
        XCTAssertEqual(again, DatasetIndex.SplitSource(file: file, created: false))
    }

    func testWritableDatasetKeepsItsSplitBesideTheImages() throws {
        let root = try makeTemporaryFolder(self)
        for side in ["low_quality", "high_quality"] {
            let url = root.appendingPathComponent("train_datasets/breast/\(side)/1300.png")
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try PNGCodec.write(GrayImage(width: 2, height: 2, value: 9), to: url)
        }
        let (_, source) = try DatasetIndex.load(root, isWritable: { _ in true })
        XCTAssertEqual(source?.file.path, root.appendingPathComponent(SplitPlan.defaultFileName).path)
    }

    func testTheDefaultProbeAsksTheFileSystem() throws {
        let folder = try makeTemporaryFolder(self)
        XCTAssertTrue(DatasetIndex.folderIsWritable(folder))
        XCTAssertFalse(DatasetIndex.folderIsWritable(folder.appendingPathComponent("missing")))
    }
}
