import Foundation

/// The two ultrasound machines of a USEnhance pair: the portable one that made the
/// low-quality image and the high-end one that made the reference.
public struct DevicePair: Codable, Equatable, Hashable, Sendable, CustomStringConvertible {
    public var low: String
    public var high: String

    public init(low: String, high: String) {
        self.low = low
        self.high = high
    }

    public var description: String { "\(low) → \(high)" }
}

/// Which device pair imaged each organ.
///
/// The default is Table 1 of Athreya et al. (JMIR Biomed Eng 2024). Sources disagree
/// (the challenge proposal is reported to name Toshiba Aplio 500 for the abdomen), so
/// the table is data: a `devices.json` beside the dataset overrides any organ, e.g.
/// `{"liver": {"low": "SSUN", "high": "Toshiba Aplio 500"}}`.
public struct DeviceTable: Equatable, Sendable {
    public static let fileName = "devices.json"

    public private(set) var pairs: [Organ: DevicePair]

    public static let paperTable1 = DeviceTable(pairs: [
        .thyroid: DevicePair(low: "mSonics MU1", high: "Toshiba Aplio 500"),
        .carotid: DevicePair(low: "SSUN", high: "Toshiba Aplio 500"),
        .liver: DevicePair(low: "SSUN", high: "GE LOGIQ E9"),
        .kidney: DevicePair(low: "SSUN", high: "GE LOGIQ E9"),
        .breast: DevicePair(low: "mSonics MU1", high: "SuperSonic Aixplorer"),
    ])

    public init(pairs: [Organ: DevicePair]) {
        self.pairs = pairs
    }

    public subscript(organ: Organ) -> DevicePair {
        pairs[organ] ?? DevicePair(low: "unknown", high: "unknown")
    }

    /// The paper's table with the organs named in `url` replaced.
    public static func overriding(with url: URL) throws -> DeviceTable {
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw DatasetError.unreadable(path: url.path, reason: "\(error.localizedDescription)")
        }
        let decoded: [String: DevicePair]
        do {
            decoded = try JSONDecoder().decode([String: DevicePair].self, from: data)
        } catch {
            throw DatasetError.badDeviceTable(path: url.path,
                                              reason: "expected {\"organ\": {\"low\": \"…\", \"high\": \"…\"}} (\(error))")
        }
        var table = paperTable1
        for (name, pair) in decoded {
            guard let organ = Organ(rawValue: name) else {
                let known = Organ.allCases.map(\.rawValue).joined(separator: ", ")
                throw DatasetError.badDeviceTable(path: url.path, reason: "unknown organ '\(name)' (known: \(known))")
            }
            table.pairs[organ] = pair
        }
        return table
    }
}
