import Foundation
import GRDB

// The frozen panels of a study, split into what a reader may read (`panelImage`,
// `panel`) and the key, which only the coordinator reads (`panelImageKey`, `panelKey`).

/// A rendered panel image, under a random ID that says nothing about what it shows.
struct PanelImageRecord: Codable, Sendable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "panelImage"
    var id: String
    var width: Int
    var height: Int
    var png: Data
}

/// The key of an image: which case and which source (low, high, a model) it shows.
struct PanelImageKeyRecord: Codable, Sendable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "panelImageKey"
    var imageId: String
    var studyCaseId: Int64
    var source: String
    var pngSha256: String
    var sourceSha256: String
}

/// One panel of a presentation as a reader sees it: no source.
struct PanelRecord: Codable, Sendable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "panel"
    var presentationId: Int64
    var label: String
    var position: Int
    var isReference: Bool
    /// nil only for studies made before panels were frozen (v3).
    var imageId: String?
}

/// What a panel's label shows: the key.
struct PanelKeyRecord: Codable, Sendable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "panelKey"
    var presentationId: Int64
    var label: String
    var source: String
}

/// The session that reads as a reader now.
struct ReaderLeaseRecord: Codable, Sendable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "readerLease"
    var readerId: Int64
    var holder: String
    var acquiredAt: Date
    var expiresAt: Date
}
