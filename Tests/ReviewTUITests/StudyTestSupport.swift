import Dataset
import Foundation
import ReaderStudy

extension SQLiteStudyStore {
    /// A study of synthetic cases, frozen with `SyntheticPanelRenderer` (no model runs).
    @discardableResult
    func createStudy(_ definition: StudyDefinition, cases: [Case], calibration: [Case] = []) throws -> StudySnapshot {
        try createStudy(definition, cases: cases, calibration: calibration,
                        renderer: SyntheticPanelRenderer(models: definition.models.map(\.name)))
    }
}

extension ReadingSession {
    /// A session with the tests' lease holder.
    convenience init(store: any ReaderStudyStore, study: String, reader: String) throws {
        try self.init(store: store, study: study, reader: reader, leaseHolder: "tests")
    }
}
