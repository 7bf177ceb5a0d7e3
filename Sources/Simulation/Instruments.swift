import Distributions

/// An ordinal item: a continuous response y* = loading·trait + subscale + noise is cut at
/// ascending thresholds into `minimum`, `minimum + 1`, … (graded-response discretisation).
struct OrdinalItem: Sendable {
    let thresholds: [Double]
    let minimum: Int

    func response(_ latent: Double) -> Int {
        var value = minimum
        for t in thresholds where latent > t { value += 1 }
        return value
    }
}

/// The measurement model for one instrument: a loading on the trait, an optional subscale factor,
/// and per-item threshold offsets so item means differ as they do in real data.
struct InstrumentModel: Sendable {
    let items: [OrdinalItem]
    let loading: Double
    /// Subscale index of each item (nil: single factor) and the loading on that subscale factor.
    let subscaleOfItem: [Int]?
    let subscaleLoading: Double

    var noiseSD: Double {
        (1 - loading * loading - (subscaleOfItem == nil ? 0 : subscaleLoading * subscaleLoading)).squareRoot()
    }

    init(base: [Double], offsets: [Double], minimum: Int, loading: Double,
         subscaleOfItem: [Int]? = nil, subscaleLoading: Double = 0) {
        items = offsets.map { offset in OrdinalItem(thresholds: base.map { $0 + offset }, minimum: minimum) }
        self.loading = loading
        self.subscaleOfItem = subscaleOfItem
        self.subscaleLoading = subscaleLoading
    }

    /// Item responses for trait value `trait` and the client's subscale factors.
    func responses(trait: Double, subscales: [Double], using generator: inout SeededGenerator) -> [Int] {
        let sd = noiseSD
        var out = [Int]()
        out.reserveCapacity(items.count)
        for (j, item) in items.enumerated() {
            var y = loading * trait + sd * generator.nextNormal()
            if let map = subscaleOfItem { y += subscaleLoading * subscales[map[j]] }
            out.append(item.response(y))
        }
        return out
    }

    /// PHQ-9: nine items scored 0–3. Item 9 (self-harm thoughts) is the rarest, item 4 (fatigue)
    /// the most endorsed, as in clinical samples.
    static let phq9 = InstrumentModel(
        base: [-1.3, -0.2, 0.8],
        offsets: [0.0, -0.1, -0.2, -0.5, 0.1, 0.2, 0.2, 0.5, 1.3],
        minimum: 0, loading: 0.7)

    /// GAD-7: seven items scored 0–3.
    static let gad7 = InstrumentModel(
        base: [-1.2, -0.1, 0.9],
        offsets: [0.0, 0.1, -0.2, 0.0, 0.4, 0.0, 0.3],
        minimum: 0, loading: 0.72)

    /// WAI-SR: twelve items scored 1–5, negatively skewed (clients rate alliance high).
    /// Subscales (0 task, 1 bond, 2 goal): task 1, 2, 10, 12; bond 3, 5, 7, 9; goal 4, 6, 8, 11.
    static let waiSR = InstrumentModel(
        base: [-2.1, -1.3, -0.4, 0.6],
        offsets: [0.0, 0.1, -0.2, 0.1, -0.1, 0.0, -0.2, 0.1, -0.1, 0.0, 0.2, 0.0],
        minimum: 1, loading: 0.75,
        subscaleOfItem: [0, 0, 1, 2, 1, 2, 1, 2, 1, 0, 2, 0],
        subscaleLoading: 0.3)
}

/// The Session Rating Scale (Duncan et al., 2003): four 10 cm visual analogue lines scored to the
/// millimetre (0.0–10.0). Each item is a linear function of the session's alliance state plus noise,
/// clamped at the ends, which reproduces the ceiling effect typical of SRS data (totals near 36/40).
enum SessionRatingScale {
    static let itemMean = 9.3
    static let itemScale = 1.1
    static let loading = 0.8

    static func items(alliance: Double, using generator: inout SeededGenerator) -> [Double] {
        let noiseSD = (1 - loading * loading).squareRoot()
        return (0..<4).map { _ in
            let raw = itemMean + itemScale * (loading * alliance + noiseSD * generator.nextNormal())
            return (min(10, max(0, raw)) * 10).rounded() / 10
        }
    }
}
