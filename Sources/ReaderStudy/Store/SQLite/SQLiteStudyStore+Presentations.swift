import Foundation
import GRDB
import UntrustedText

/// One panel of one reader's case, as the coordinator sees it: where it falls in the
/// reader's list, its label, and what the label shows. What a coordinator needs to print
/// paper forms, to import answers collected on paper, or to check a reader's screen.
public struct PresentationRow: Codable, Equatable, Sendable {
    public var study: String
    public var reader: String
    /// 1-based place in the reader's list.
    public var listPosition: Int
    public var caseId: String
    public var organ: String
    public var isRepeat: Bool
    public var isCalibration: Bool
    /// 1 = leftmost.
    public var panelPosition: Int
    public var panelLabel: String
    public var isReference: Bool
    /// The key: "low", "high" or the model's name.
    public var shows: String

    enum CodingKeys: String, CodingKey, CaseIterable {
        case study, reader
        case listPosition = "list_position"
        case caseId = "case_id"
        case organ
        case isRepeat = "is_repeat"
        case isCalibration = "is_calibration"
        case panelPosition = "panel_position"
        case panelLabel = "panel_label"
        case isReference = "is_reference"
        case shows
    }

    /// RFC 4180 through `CSVTable` (text cells neutralised against formulas), one row per panel.
    public static func csv(_ rows: [PresentationRow]) -> String {
        CSVTable.render(header: CodingKeys.allCases.map(\.rawValue), rows: rows.map { row in
            [.text(row.study), .text(row.reader), .number(String(row.listPosition)), .text(row.caseId), .text(row.organ),
             .number(String(row.isRepeat)), .number(String(row.isCalibration)), .number(String(row.panelPosition)),
             .text(row.panelLabel), .number(String(row.isReference)), .text(row.shows)]
        })
    }

    /// A JSON array of row objects with the CSV's column names.
    public static func json(_ rows: [PresentationRow]) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(rows)
    }
}

extension SQLiteStudyStore {
    /// Each enrolled reader's cases in list order, every panel with what it shows
    /// (unblinded: the coordinator's view). `reader` limits it to one reader.
    public func presentations(ofStudy study: String, reader: String? = nil) throws -> [PresentationRow] {
        let snapshot = try self.study(named: study)
        let casesByID = Dictionary(uniqueKeysWithValues: snapshot.cases.map { ($0.id!, $0) })
        return try read { db in
            var readers = try Reader.filter(Reader.Columns.studyId == snapshot.studyId).order(Reader.Columns.name).fetchAll(db)
            if let reader {
                readers = readers.filter { $0.name == reader }
                if readers.isEmpty {
                    throw StudyStoreError.readerNotEnrolled(reader: reader, study: study,
                                                            enrolled: try Self.activeReaderNames(db, studyId: snapshot.studyId))
                }
            }
            var rows: [PresentationRow] = []
            for reader in readers {
                let panels = try Self.keyedPanels(db, studyId: snapshot.studyId, readerId: reader.id!)
                let presentations = try Presentation.filter(Presentation.Columns.readerId == reader.id!)
                    .order(Presentation.Columns.position).fetchAll(db)
                for presentation in presentations {
                    let studyCase = casesByID[presentation.studyCaseId]!
                    for panel in panels[presentation.id!] ?? [] {
                        rows.append(PresentationRow(
                            study: study, reader: reader.name, listPosition: presentation.position + 1,
                            caseId: studyCase.caseId, organ: studyCase.organ.rawValue, isRepeat: presentation.isRepeat,
                            isCalibration: presentation.isCalibration, panelPosition: panel.position,
                            panelLabel: panel.label, isReference: panel.isReference, shows: panel.source.resultName))
                    }
                }
            }
            return rows
        }
    }
}
