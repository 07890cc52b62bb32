import Dataset
import Foundation

/// One planned showing of a study case to a reader.
public struct PlannedPresentation: Equatable, Sendable {
    /// Index into the study's case list.
    public var caseIndex: Int
    public var isRepeat: Bool
    public var isCalibration: Bool
    public var panels: [Panel]
}

/// Each reader's case order and panel placement, drawn from the study seed and the
/// reader's name with the project's SplitMix64, so the same study and reader always
/// replay the same list on every machine.
///
/// Streams (all keyed by the reader seed): 1 = case order, 2 = which cases repeat and
/// their order, 3 = panel placement (further keyed by case ID and showing).
public enum Randomization {
    /// FNV-1a over the UTF-8 bytes: a stable 64-bit hash (Swift's `Hasher` is seeded
    /// per process).
    public static func stableHash(_ text: String) -> UInt64 {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash &*= 0x0000_0100_0000_01B3
        }
        return hash
    }

    public static func readerSeed(studySeed: UInt64, reader: String) -> UInt64 {
        SplitMix64.combine(studySeed, stableHash(reader))
    }

    /// The reader's list: calibration cases first (in study order), then the study's
    /// cases shuffled, then the repeats — a `repeatFraction` share of the cases, drawn
    /// and shuffled again — so every repeat comes after its first showing.
    public static func plan(cases: [StudyCase], models: [String], mode: StudyMode, includeHighAsCandidate: Bool,
                            repeatFraction: Double, studySeed: UInt64, reader: String) -> [PlannedPresentation] {
        let seed = readerSeed(studySeed: studySeed, reader: reader)
        let calibration = cases.indices.filter { cases[$0].isCalibration }
        var main = cases.indices.filter { !cases[$0].isCalibration }
        var order = SplitMix64(state: SplitMix64.combine(seed, 1))
        order.shuffle(&main)
        var repeats = main.sorted()
        var repeatGenerator = SplitMix64(state: SplitMix64.combine(seed, 2))
        repeatGenerator.shuffle(&repeats)
        let repeatCount = min(main.count, Int((repeatFraction * Double(main.count)).rounded()))
        repeats = Array(repeats.prefix(repeatCount))
        repeatGenerator.shuffle(&repeats)

        func presentation(_ index: Int, isRepeat: Bool) -> PlannedPresentation {
            let studyCase = cases[index]
            var placement = SplitMix64(state: SplitMix64.combine(
                SplitMix64.combine(SplitMix64.combine(seed, 3), stableHash(studyCase.caseId)), isRepeat ? 1 : 0))
            return PlannedPresentation(
                caseIndex: index, isRepeat: isRepeat, isCalibration: studyCase.isCalibration,
                panels: panels(for: studyCase, models: models, mode: mode,
                               includeHighAsCandidate: includeHighAsCandidate, generator: &placement))
        }
        return calibration.map { presentation($0, isRepeat: false) }
            + main.map { presentation($0, isRepeat: false) }
            + repeats.map { presentation($0, isRepeat: true) }
    }

    /// The panels of one showing, left to right (positions from 1).
    ///
    /// Open: LOW, then one ENHANCED panel per model (named when there are several),
    /// then HIGH when the case has one; LOW and HIGH are references.
    /// Blinded: REFERENCE (the low image, the source whose anatomy is judged), then the
    /// candidates — every model, plus the high image if asked — in a drawn order and
    /// labelled A, B, … by place, so a label says nothing about the model.
    public static func panels(for studyCase: StudyCase, models: [String], mode: StudyMode,
                              includeHighAsCandidate: Bool, generator: inout SplitMix64) -> [Panel] {
        switch mode {
        case .open:
            var panels = [Panel(label: "LOW", source: .low, position: 1, isReference: true)]
            for model in models {
                panels.append(Panel(label: models.count == 1 ? "ENHANCED" : "ENHANCED:" + model,
                                    source: .model(model), position: panels.count + 1, isReference: false))
            }
            if studyCase.highPath != nil {
                panels.append(Panel(label: "HIGH", source: .high, position: panels.count + 1, isReference: true))
            }
            return panels
        case .blinded:
            var candidates = models.map { ImageSource.model($0) }
            if includeHighAsCandidate, studyCase.highPath != nil { candidates.append(.high) }
            generator.shuffle(&candidates)
            var panels = [Panel(label: "REFERENCE", source: .low, position: 1, isReference: true)]
            for (offset, source) in candidates.enumerated() {
                panels.append(Panel(label: candidateLabel(offset), source: source, position: offset + 2, isReference: false))
            }
            return panels
        }
    }

    /// A, B, …, Z, AA, AB, …
    public static func candidateLabel(_ index: Int) -> String {
        let letters = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
        return index < 26 ? String(letters[index]) : candidateLabel(index / 26 - 1) + String(letters[index % 26])
    }
}
