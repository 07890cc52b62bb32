/// A simulated acquisition pair of one case: the same anatomy imaged by a high-end
/// scanner (`high`) and by a portable one (`low`), like the USEnhance 2023 pairs.
public struct PhantomPair: Sendable, Equatable {
    public let high: GrayImage
    public let low: GrayImage

    public init(high: GrayImage, low: GrayImage) {
        self.high = high
        self.low = low
    }
}

/// Synthetic ultrasound phantom pairs for the five USEnhance organs, for demos and tests
/// when the real dataset is not at hand.
///
/// Each case gets its own anatomy (positions, sizes and shapes drawn from the case's
/// random stream), one scatterer realisation, and two simulated scanners; the low image
/// is then displaced by a smooth deformation. Everything is drawn from a seeded
/// xoshiro256** generator, so results are reproducible.
public struct PhantomGenerator: Sendable {
    public static let imageSize = 256

    public let seed: UInt64

    public init(seed: UInt64) {
        self.seed = seed
    }

    /// Deterministic: same seed, organ and caseID give byte-identical images.
    public func pair(organ: Organ, caseID: Int) -> PhantomPair {
        let tissue = anatomy(organ: organ, caseID: caseID)
        let geometry = organ.probe
        var scatterers = random(organ, caseID, .scatterers)
        let simulator = BModeSimulator(tissue: tissue, geometry: geometry, rng: &scatterers)

        var highReceiver = random(organ, caseID, .highReceiver)
        let high = simulator.image(.highEnd, receiver: &highReceiver)

        var degradation = random(organ, caseID, .degradation)
        var lowReceiver = random(organ, caseID, .lowReceiver)
        var low = simulator.image(.portable(rng: &degradation), receiver: &lowReceiver)
        var motion = random(organ, caseID, .deformation)
        low = Deformation(rng: &motion).apply(to: low)
        // The tissue moved, the screen did not: the sector outline stays where it was.
        let fieldOfView = geometry.fieldOfViewMask()
        for i in low.indices where !fieldOfView[i] { low[i] = 0 }

        let size = Self.imageSize
        return PhantomPair(high: GrayImage(width: size, height: size, floatPlane: high),
                           low: GrayImage(width: size, height: size, floatPlane: low))
    }

    /// Ground-truth regions of a case's anatomy, in pixels of its high-quality image.
    public func landmarks(organ: Organ, caseID: Int) -> [PhantomLandmark: PixelRect] {
        anatomy(organ: organ, caseID: caseID).landmarks
    }

    func anatomy(organ: Organ, caseID: Int) -> TissueMap {
        var rng = random(organ, caseID, .anatomy)
        return Anatomy.tissue(of: organ, size: Self.imageSize, rng: &rng)
    }

    private func random(_ organ: Organ, _ caseID: Int, _ stream: RandomStream) -> PhantomRandom {
        PhantomRandom(seed: seed, organ: organ, caseID: caseID, stream: stream)
    }
}
