@testable import Dataset
import Foundation
import XCTest

final class DatasetIndexTests: XCTestCase {
    /// Writes a small distinct PNG (its pixels encode `seed`), making folders as needed.
    private func writeImage(_ url: URL, seed: Int) throws {
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        let pixels = (0..<64).map { UInt8(truncatingIfNeeded: seed &* 31 &+ $0 &* (seed % 7 + 1)) }
        try PNGCodec.write(GrayImage(width: 8, height: 8, pixels: pixels), to: url)
    }

    /// train_datasets/<organ>/{low,high}_quality with `ids` per organ.
    private func makeTrainingLayout(in root: URL, ids: [Organ: [Int]]) throws {
        for (organ, numbers) in ids {
            for number in numbers {
                let name = String(format: "%04d.png", number)
                let organFolder = root.appendingPathComponent("train_datasets/\(organ.rawValue)")
                try writeImage(organFolder.appendingPathComponent("low_quality/\(name)"), seed: number * 2)
                try writeImage(organFolder.appendingPathComponent("high_quality/\(name)"), seed: number * 2 + 1)
            }
        }
    }

    func testIdRangesMapToOrgans() {
        XCTAssertEqual(Organ(caseID: 1), .thyroid)
        XCTAssertEqual(Organ(caseID: 416), .thyroid)
        XCTAssertEqual(Organ(caseID: 417), .carotid)
        XCTAssertEqual(Organ(caseID: 824), .carotid)
        XCTAssertEqual(Organ(caseID: 825), .liver)
        XCTAssertEqual(Organ(caseID: 1037), .liver)
        XCTAssertEqual(Organ(caseID: 1038), .kidney)
        XCTAssertEqual(Organ(caseID: 1212), .kidney)
        XCTAssertEqual(Organ(caseID: 1213), .breast)
        XCTAssertEqual(Organ(caseID: 1500), .breast)
        XCTAssertNil(Organ(caseID: 0))
        XCTAssertNil(Organ(caseID: 1501))
        let covered = Organ.allCases.reduce(0) { $0 + $1.idRange.count }
        XCTAssertEqual(covered, 1500, "the ranges tile 1…1500")
    }

    func testTrainingLayoutFromEitherRoot() throws {
        let root = try makeTemporaryFolder(self)
        try makeTrainingLayout(in: root, ids: [.thyroid: [1, 2, 3], .liver: [825, 826], .breast: [1213]])
        for start in [root, root.appendingPathComponent("train_datasets")] {
            let index = try DatasetIndex.scan(start)
            XCTAssertEqual(index.layout, .training)
            XCTAssertEqual(index.cases.map(\.id), ["0001", "0002", "0003", "0825", "0826", "1213"])
            XCTAssertEqual(index.cases.map(\.organ), [.thyroid, .thyroid, .thyroid, .liver, .liver, .breast])
            XCTAssertTrue(index.cases.allSatisfy(\.isPaired))
            XCTAssertEqual(index.warnings, [])
            let liver = index.cases[3]
            XCTAssertEqual(liver.devices, DevicePair(low: "SSUN", high: "GE LOGIQ E9"))
            XCTAssertTrue(liver.lowPath.path.hasSuffix("train_datasets/liver/low_quality/0825.png"))
            XCTAssertTrue(liver.highPath!.path.hasSuffix("train_datasets/liver/high_quality/0825.png"))
        }
    }

    func testFlatTestArchiveTakesOrganFromId() throws {
        let root = try makeTemporaryFolder(self)
        let flat = root.appendingPathComponent("low_quality_images")
        for number in [5, 500, 900, 1100, 1400] {
            try writeImage(flat.appendingPathComponent(String(format: "%04d.png", number)), seed: number)
        }
        try writeImage(flat.appendingPathComponent("9999.png"), seed: 1)
        for start in [root, flat] {
            let index = try DatasetIndex.scan(start)
            XCTAssertEqual(index.layout, .testArchive)
            XCTAssertEqual(index.cases.map(\.organ), [.thyroid, .carotid, .liver, .kidney, .breast])
            XCTAssertTrue(index.cases.allSatisfy { $0.highPath == nil && $0.split == .test })
            XCTAssertEqual(index.warnings, [.unknownEntry(path: flat.appendingPathComponent("9999.png").path)])
        }
    }

    func testBothArchivesSideBySide() throws {
        let root = try makeTemporaryFolder(self)
        try makeTrainingLayout(in: root, ids: [.kidney: [1040]])
        try writeImage(root.appendingPathComponent("low_quality_images/1041.png"), seed: 3)
        let index = try DatasetIndex.scan(root)
        XCTAssertEqual(index.layout, .trainingAndTest)
        XCTAssertEqual(index.cases.map(\.id), ["1040", "1041"])
        XCTAssertEqual(index.cases.map(\.isPaired), [true, false])
    }

    func testUnpairedAndUnknownFilesAreReportedNotFatal() throws {
        let root = try makeTemporaryFolder(self)
        try makeTrainingLayout(in: root, ids: [.carotid: [420, 421]])
        let carotid = root.appendingPathComponent("train_datasets/carotid")
        try writeImage(carotid.appendingPathComponent("low_quality/0422.png"), seed: 77)
        try writeImage(carotid.appendingPathComponent("high_quality/0423.png"), seed: 78)
        try Data("x".utf8).write(to: carotid.appendingPathComponent("low_quality/notes.txt"))
        try FileManager.default.createDirectory(at: root.appendingPathComponent("train_datasets/spleen"),
                                                withIntermediateDirectories: true)
        let index = try DatasetIndex.scan(root)
        XCTAssertEqual(index.cases.map(\.id), ["0420", "0421"])
        XCTAssertTrue(index.warnings.contains(.unpaired(path: carotid.appendingPathComponent("low_quality/0422.png").path,
                                                        missing: "high-quality")))
        XCTAssertTrue(index.warnings.contains(.unpaired(path: carotid.appendingPathComponent("high_quality/0423.png").path,
                                                        missing: "low-quality")))
        XCTAssertTrue(index.warnings.contains(.unknownEntry(path: carotid.appendingPathComponent("low_quality/notes.txt").path)))
        XCTAssertTrue(index.warnings.contains(.unknownEntry(path: root.appendingPathComponent("train_datasets/spleen").path)))
        XCTAssertEqual(index.warnings.count, 4)
    }

    func testMissingHighFolderMakesEveryLowUnpaired() throws {
        let root = try makeTemporaryFolder(self)
        let breast = root.appendingPathComponent("train_datasets/breast")
        try writeImage(breast.appendingPathComponent("low_quality/1300.png"), seed: 1)
        let index = try DatasetIndex.scan(root)
        XCTAssertEqual(index.cases, [])
        XCTAssertTrue(index.warnings.contains(.missingFolder(path: breast.appendingPathComponent("high_quality").path)))
        XCTAssertTrue(index.warnings.contains(.unpaired(path: breast.appendingPathComponent("low_quality/1300.png").path,
                                                        missing: "high-quality")))
    }

    func testIdenticalImagesAreAWarning() throws {
        let root = try makeTemporaryFolder(self)
        try makeTrainingLayout(in: root, ids: [.liver: [838, 839, 840, 841]])
        let high = root.appendingPathComponent("train_datasets/liver/high_quality")
        try FileManager.default.removeItem(at: high.appendingPathComponent("0841.png"))
        try FileManager.default.copyItem(at: high.appendingPathComponent("0838.png"), to: high.appendingPathComponent("0841.png"))
        let index = try DatasetIndex.scan(root)
        XCTAssertEqual(index.cases.count, 4, "a duplicate is still a case")
        XCTAssertEqual(index.warnings, [.identicalImages(paths: [high.appendingPathComponent("0838.png").path,
                                                                 high.appendingPathComponent("0841.png").path])])
        XCTAssertTrue(index.warnings[0].description.contains("identical"))
    }

    func testIdOutsideOrganRangeIsReported() throws {
        let root = try makeTemporaryFolder(self)
        try makeTrainingLayout(in: root, ids: [.thyroid: [1]])
        let stray = root.appendingPathComponent("train_datasets/thyroid")
        try writeImage(stray.appendingPathComponent("low_quality/1300.png"), seed: 5)
        try writeImage(stray.appendingPathComponent("high_quality/1300.png"), seed: 6)
        let index = try DatasetIndex.scan(root)
        XCTAssertEqual(index.cases.last?.organ, .thyroid, "the folder decides the organ")
        XCTAssertEqual(index.warnings, [.idOutsideOrganRange(path: stray.appendingPathComponent("low_quality/1300.png").path,
                                                             organ: .thyroid)])
    }

    func testMissingRootAndForeignFolderAreClearErrors() throws {
        let missing = URL(fileURLWithPath: "/nonexistent/usenhance")
        XCTAssertThrowsError(try DatasetIndex.scan(missing)) { error in
            XCTAssertEqual(error as? DatasetError, .missingRoot(path: missing.path))
        }
        let foreign = try makeTemporaryFolder(self)
        try Data("hello".utf8).write(to: foreign.appendingPathComponent("README.txt"))
        XCTAssertThrowsError(try DatasetIndex.scan(foreign)) { error in
            XCTAssertEqual(error as? DatasetError, .unrecognizedLayout(path: foreign.path))
            XCTAssertTrue("\(error)".contains("train_datasets"), "says what was expected")
        }
    }

    func testDeviceTableDefaultsAndOverride() throws {
        XCTAssertEqual(DeviceTable.paperTable1[.thyroid], DevicePair(low: "mSonics MU1", high: "Toshiba Aplio 500"))
        XCTAssertEqual(DeviceTable.paperTable1[.carotid], DevicePair(low: "SSUN", high: "Toshiba Aplio 500"))
        XCTAssertEqual(DeviceTable.paperTable1[.kidney], DevicePair(low: "SSUN", high: "GE LOGIQ E9"))
        XCTAssertEqual(DeviceTable.paperTable1[.breast], DevicePair(low: "mSonics MU1", high: "SuperSonic Aixplorer"))

        let root = try makeTemporaryFolder(self)
        try makeTrainingLayout(in: root, ids: [.liver: [830], .thyroid: [10]])
        try Data(#"{"liver": {"low": "SSUN", "high": "Toshiba Aplio 500"}}"#.utf8)
            .write(to: root.appendingPathComponent("devices.json"))
        let index = try DatasetIndex.scan(root)
        XCTAssertEqual(index.cases.first { $0.organ == .liver }?.devices.high, "Toshiba Aplio 500")
        XCTAssertEqual(index.cases.first { $0.organ == .thyroid }?.devices.high, "Toshiba Aplio 500")
        XCTAssertEqual(index.warnings, [], "devices.json is not an unknown file")

        try Data(#"{"spleen": {"low": "a", "high": "b"}}"#.utf8).write(to: root.appendingPathComponent("devices.json"))
        XCTAssertThrowsError(try DatasetIndex.scan(root)) { error in
            XCTAssertTrue("\(error)".contains("spleen"))
            XCTAssertTrue("\(error)".contains("devices.json"))
        }
    }

    func testReportCountsAndJSON() throws {
        let root = try makeTemporaryFolder(self)
        try makeTrainingLayout(in: root, ids: [.thyroid: Array(1...10), .kidney: Array(1038...1047)])
        let (index, source) = try DatasetIndex.load(root, seed: 7)
        let report = IndexReport(index, splitSource: source)
        XCTAssertEqual(report.summary.cases, 20)
        XCTAssertEqual(report.summary.organs.map(\.organ), [.thyroid, .kidney])
        XCTAssertEqual(report.summary.organs.map { [$0.train, $0.validation, $0.test] }, [[7, 1, 2], [7, 1, 2]])
        let decoded = try JSONSerialization.jsonObject(with: Data(try report.json().utf8)) as! [String: Any]
        let cases = decoded["cases"] as! [[String: Any]]
        XCTAssertEqual(cases.count, 20)
        XCTAssertEqual(cases[0]["organ"] as? String, "thyroid")
        XCTAssertEqual(cases[0]["lowDevice"] as? String, "mSonics MU1")
        XCTAssertNotNil(cases[0]["split"] as? String)
        XCTAssertTrue(report.text().contains("mSonics MU1 → Toshiba Aplio 500"))
    }
}
