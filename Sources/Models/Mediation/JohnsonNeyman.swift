/// The Johnson–Neyman technique for the effect of X at W = w, θ(w) = b₁ + b₃w in a model with X·W: the values of W
/// where θ(w)/SE(θ(w)) equals the critical t exactly, i.e. the real roots of
/// (b₃² − t²v₃₃)w² + 2(b₁b₃ − t²v₁₃)w + (b₁² − t²v₁₁) = 0, as PROCESS's `jn = 1` and interactions::johnson_neyman.
public struct JohnsonNeyman: Sendable, Equatable {
    /// Every real root, ascending.
    public let roots: [Double]
    /// The roots inside W's observed range [`minimum`, `maximum`].
    public let bounds: [Double]
    public let minimum: Double
    public let maximum: Double
    public let criticalT: Double
    /// The observed range cut at the bounds, each piece with whether the effect of X is significant there.
    public let regions: [Region]

    public struct Region: Sendable, Equatable {
        public let from: Double
        public let to: Double
        public let significant: Bool
    }

    init(b1: Double, b3: Double, v11: Double, v13: Double, v33: Double, criticalT t: Double, minimum: Double, maximum: Double) {
        let t2 = t * t
        let qa = b3 * b3 - t2 * v33
        let qb = 2 * (b1 * b3 - t2 * v13)
        let qc = b1 * b1 - t2 * v11
        var roots: [Double] = []
        let scale = max(abs(qa), abs(qb), abs(qc))
        if scale > 0 {
            if abs(qa) <= 1e-14 * scale {
                if qb != 0 { roots = [-qc / qb] }
            } else {
                let disc = qb * qb - 4 * qa * qc
                if disc == 0 {
                    roots = [-qb / (2 * qa)]
                } else if disc > 0 {
                    // The stable pair: q = −(b + sign(b)√disc)/2, roots q/a and c/q.
                    let q = -0.5 * (qb + (qb >= 0 ? 1 : -1) * disc.squareRoot())
                    roots = [q / qa, qc / q].sorted()
                }
            }
        }
        self.roots = roots
        self.bounds = roots.filter { $0 >= minimum && $0 <= maximum }
        self.minimum = minimum
        self.maximum = maximum
        self.criticalT = t
        let cuts = [minimum] + bounds + [maximum]
        var regions: [Region] = []
        for i in 0..<(cuts.count - 1) where cuts[i + 1] > cuts[i] || cuts.count == 2 {
            let mid = (cuts[i] + cuts[i + 1]) / 2
            regions.append(Region(from: cuts[i], to: cuts[i + 1], significant: qa * mid * mid + qb * mid + qc > 0))
        }
        self.regions = regions
    }
}
