/// The pieces of a random-effects block that the linear and the generalized linear mixed model share: the check
/// that a random slope varies within levels, and the variance components reported from θ.
extension RandomEffectsBlock {
    /// A slope that never varies within a level is the random intercept again (not identifiable): refuse it.
    func requireSlopesVaryWithinLevels(rows n: Int) throws(ModelError) {
        // A lone random intercept (z not stored) has no slope.
        guard !isIntercept, let intercept = columnNames.firstIndex(of: "(Intercept)") else { return }
        for a in 0..<q where a != intercept {
            var first = [Double](repeating: .nan, count: levelCount)
            var varies = false
            for r in 0..<n {
                let level = Int(codes[r])
                let value = z[a * n + r]
                if first[level].isNaN { first[level] = value } else if first[level] != value { varies = true; break }
            }
            if !varies {
                throw .invalidRandomEffects(term: terms.joined(separator: " + "),
                                            detail: "'\(columnNames[a])' is constant within every level of \(group), so a random slope for it "
                                                + "cannot be told apart from the random intercept; drop it from the term, or make it a fixed effect")
            }
        }
    }

    /// Σ = scale · λλᵀ (q × q, column-major) from this block's slice of θ, and its variance components: one variance
    /// and SD per effect, then a correlation per free off-diagonal entry of λ (lme4's `VarCorr`). `scale` is σ² for a
    /// linear mixed model and 1 for binomial and Poisson GLMMs (no residual variance).
    func varianceComponents(theta: ArraySlice<Double>, scale: Double) -> (covariance: [Double], components: [VarianceComponent]) {
        let lambda = self.lambda(theta)
        var cov = [Double](repeating: 0, count: q * q)
        for c in 0..<q { for d in 0..<q { var s = 0.0; for e in 0..<q { s += lambda[e * q + d] * lambda[e * q + c] }; cov[c * q + d] = scale * s } }
        var components: [VarianceComponent] = []
        for c in 0..<q {
            components.append(VarianceComponent(group: group, terms: [columnNames[c]], variance: cov[c * q + c],
                                                standardDeviation: cov[c * q + c].squareRoot(), correlation: nil))
        }
        for c in 0..<q {
            for d in (c + 1)..<max(q, c + 1) where thetaPositions.contains(where: { $0.row == d && $0.column == c }) {
                let denominator = (cov[c * q + c] * cov[d * q + d]).squareRoot()
                components.append(VarianceComponent(group: group, terms: [columnNames[c], columnNames[d]],
                                                    variance: nil, standardDeviation: nil,
                                                    correlation: denominator > 0 ? cov[c * q + d] / denominator : .nan))
            }
        }
        return (cov, components)
    }
}
