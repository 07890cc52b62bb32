import Dataset
import Metrics

/// One model's enhancement of a case, with its difference map and scores.
public struct ModelOutput: Sendable {
    public var enhanced: GrayImage
    /// |ENHANCED − HIGH|; nil without a reference of the same size.
    public var difference: GrayImage?
    public var enhancedVsHigh: PairScores?

    static func make(_ enhanced: GrayImage, high: GrayImage?, scorer: PairScorer?) -> ModelOutput {
        var output = ModelOutput(enhanced: enhanced)
        if let high, high.width == enhanced.width, high.height == enhanced.height {
            output.difference = Views.absoluteDifference(enhanced, high)
            output.enhancedVsHigh = try? scorer?.score(enhanced, against: high)
        }
        return output
    }
}

extension CaseResult {
    /// `result` as the viewer shows it for model `index`: its output in the enhanced slot.
    func showingModel(_ index: Int) -> CaseResult {
        guard index > 0, models.indices.contains(index) else { return self }
        var copy = self
        copy.enhanced = models[index].enhanced
        copy.difference = models[index].difference
        copy.enhancedVsHigh = models[index].enhancedVsHigh
        return copy
    }
}
