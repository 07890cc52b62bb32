import Foundation
import GRDB

// The coordinator's reads of the key: what each label of a presentation shows.
extension SQLiteStudyStore {
    /// Each presentation's panels with their sources, left to right, by presentation ID:
    /// of one reader (`readerId`) or of the whole study.
    static func keyedPanels(_ db: Database, studyId: Int64, readerId: Int64? = nil) throws -> [Int64: [Panel]] {
        var panels: [Int64: [Panel]] = [:]
        let request: SQLRequest<Row> = readerId.map { readerId in
            SQLRequest(literal: """
                SELECT pa.presentationId, pa.label, pa.position, pa.isReference, k.source FROM panel pa
                JOIN panelKey k ON k.presentationId = pa.presentationId AND k.label = pa.label
                JOIN presentation p ON p.id = pa.presentationId
                WHERE p.readerId = \(readerId) ORDER BY pa.presentationId, pa.position
                """)
        } ?? SQLRequest(literal: """
                SELECT pa.presentationId, pa.label, pa.position, pa.isReference, k.source FROM panel pa
                JOIN panelKey k ON k.presentationId = pa.presentationId AND k.label = pa.label
                JOIN presentation p ON p.id = pa.presentationId
                JOIN reader r ON r.id = p.readerId
                WHERE r.studyId = \(studyId) ORDER BY pa.presentationId, pa.position
                """)
        let rows = try Row.fetchCursor(db, request)
        while let row = try rows.next() {
            panels[row["presentationId"], default: []].append(
                Panel(label: row["label"], source: ImageSource(storedName: row["source"]), position: row["position"],
                      isReference: row["isReference"]))
        }
        return panels
    }
}
