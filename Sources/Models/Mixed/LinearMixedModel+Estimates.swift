import Distributions
import Foundation
import LinearAlgebra
import Optimization

extension LinearMixedModel.Setup {
    /// Everything reported at θ̂: β̂ with its covariance and df, variance components, conditional modes, ICCs.
    func estimates(factor: MixedFactor, theta: [Double], objective: Double, summary: OptimizerSummary) throws(ModelError) -> LinearMixedModelResult {
        factor.update(theta)
        let reml = options.reml
        let n = frame.counts.rowsUsed
        let p = kept.count
        let sigma2 = factor.residualVariance(reml: reml)
        // A residual variance at zero against the outcome's variance about its least-squares fit (y'y of the shifted
        // outcome): the outcome does not vary within the groups, e.g. a client-level outcome repeated on every session
        // row. θ then runs off to infinity and the standard errors and df came out as if every row were independent
        // (SE 0.38 for 0.74, df 144 for 36; lme4 warns and gives a wrong SD too; session 21).
        let outcomeVariance = products.xx[p * (p + 1) + p] / Double(max(n - p, 1))
        if sigma2 < LinearMixedModel.residualCollapse * outcomeVariance {
            throw .numerical(residualCollapseMessage(sigma2: sigma2, outcomeVariance: outcomeVariance))
        }
        let sigma = sigma2.squareRoot()
        let shiftedBeta = factor.fixedEffects()
        let beta = zip(shiftedBeta, outcomeShift).map { $0 + $1 }
        let unscaled = factor.unscaledCovariance()
        var covariance = Matrix(rows: p, columns: p, columnMajor: unscaled.storage.map { $0 * sigma2 })
        var warnings = self.warnings

        // Degrees of freedom per coefficient; Kenward–Roger also adjusts the covariance (lmerTest's
        // summary(ddf = "Kenward-Roger") reports the adjusted standard errors).
        var df: [Double]
        let robust = try options.robust.map { choice throws(ModelError) in
            try clusterRobust(choice, theta: theta, beta: beta, unscaled: unscaled)
        }
        switch options.degreesOfFreedom {
        case .residual:
            df = Array(repeating: Double(n - p), count: p)
        case .satterthwaite where robust != nil:
            // clubSandwich's CR2 covariance with its own Satterthwaite df replaces the model-based pair.
            covariance = robust?.covariance ?? covariance
            df = robust?.df ?? []
        case .satterthwaite:
            let satterthwaite = try SatterthwaiteDegrees(factor: factor, theta: theta, sigma: sigma, reml: reml)
            if let w = satterthwaite.warning { warnings.append(w) }
            df = (0..<p).map { satterthwaite.degreesOfFreedom(coefficient: $0, variance: covariance[$0, $0]) }
        case .kenwardRoger:
            let adjustment = try kenwardRoger(factor: factor, sigma2: sigma2, covariance: covariance)
            covariance = adjustment.adjustedCovariance
            df = (0..<p).map { j in adjustment.degreesOfFreedom(contrast: (0..<p).map { $0 == j ? 1 : 0 }) }
            if let bad = df.firstIndex(where: { !($0 > 0 && $0.isFinite) }) {
                throw .numerical("the Kenward–Roger degrees of freedom of \(design.columnNames[kept[bad]]) are \(df[bad]) (the information "
                                 + "matrix of the variance parameters is nearly singular); use --df satterthwaite")
            }
        }
        let coefficients = Inference.coefficientTable(names: design.columnNames, kept: kept, estimates: beta, vcov: covariance,
                                                      level: options.level, dfResidual: nil, df: df)

        // Variance components, as lme4's VarCorr: per block Σ = σ²λλᵀ.
        var components: [VarianceComponent] = []
        let offsets = structure.thetaOffsets
        let singular = structure.isSingular(theta)
        for (b, block) in structure.blocks.enumerated() {
            components += block.varianceComponents(theta: theta[offsets[b]..<(offsets[b] + block.thetaPositions.count)], scale: sigma2).components
        }
        components.append(VarianceComponent(group: "Residual", terms: [], variance: sigma2, standardDeviation: sigma, correlation: nil))
        if singular {
            let zero = components.filter { $0.correlation == nil && $0.group != "Residual" && ($0.standardDeviation ?? 1) < LinearMixedModel.singularTolerance * sigma }
            let names = zero.map { "\($0.group) \($0.terms.first ?? "")" }
            warnings.append(names.isEmpty
                ? "the model is singular: its random-effects covariance is estimated at the boundary (a correlation of ±1), as lme4's isSingular"
                : "the \(names.joined(separator: " and ")) variance is estimated at zero: the model is singular (as lme4's isSingular); "
                    + "the data carry no evidence of that variation, so consider dropping the term")
        }

        // Conditional modes and SDs.
        var modes: [ConditionalMode] = []
        if options.conditionalModes {
            let u = factor.sphericalEffects(beta: shiftedBeta)
            let b = factor.conditionalModes(spherical: u)
            let covariances = factor.conditionalCovariances(sigma2: sigma2)
            for (a, block) in structure.blocks.enumerated() {
                let sizes = GroupingRows(codes: block.codes, levels: block.levelCount)
                let q = block.q
                for i in 0..<block.levelCount {
                    for c in 0..<q {
                        let v = covariances[a][i * q * q + c * q + c]
                        modes.append(ConditionalMode(group: block.group, level: block.levels[i], term: block.columnNames[c],
                                                     estimate: b[a][i * q + c], conditionalSD: v >= 0 ? v.squareRoot() : nil,
                                                     rows: sizes.offsets[i + 1] - sizes.offsets[i]))
                    }
                }
            }
        }

        // ICCs for random-intercept-only models: each group's intercept variance over the total.
        var iccs: [IntraclassCorrelation] = []
        if structure.blocks.allSatisfy({ $0.columnNames == ["(Intercept)"] }) {
            let total = components.compactMap(\.variance).reduce(0, +)
            for block in structure.blocks {
                guard let v = components.first(where: { $0.group == block.group })?.variance else { continue }
                iccs.append(IntraclassCorrelation(group: block.group, estimate: v / total, confLow: nil, confHigh: nil,
                                                  method: "variance ratio at the REML/ML estimates"))
            }
        }

        let npar = p + theta.count + 1
        let logLik = -objective / 2
        return LinearMixedModelResult(
            formula: formula.text, reml: reml, rowsRead: frame.counts.rowsRead, rowsUsed: n, coefficients: coefficients,
            dfMethod: options.degreesOfFreedom, covariance: covariance, keptColumns: kept, varianceComponents: components,
            groups: structure.blocks.map { ($0.group, $0.levelCount) }, sigma: sigma, theta: theta, objective: objective,
            logLikelihood: logLik, parameterCount: npar, aic: objective + 2 * Double(npar),
            bic: objective + log(Double(n)) * Double(npar), singular: singular, optimizer: summary, conditionalModes: modes,
            intraclassCorrelations: iccs, confidenceLevel: options.level, warnings: warnings, schema: frame.schema,
            clusterRobust: robust?.summary)
    }
}

extension LinearMixedModel.Setup {
    /// pbkrtest's `vcovAdj` at the REML estimates (lmerTest refuses Kenward–Roger for ML fits, and so does this).
    func kenwardRoger(factor: MixedFactor, sigma2: Double, covariance: Matrix) throws(ModelError) -> KenwardRogerAdjustment {
        guard options.reml else {
            throw .invalidVariable(variable: "kenward-roger", detail: "Kenward–Roger degrees of freedom are defined for REML fits (as pbkrtest "
                                   + "and lmerTest); fit by REML or use Satterthwaite's degrees of freedom")
        }
        let terms = try KenwardRogerTerms(products: products, structure: structure, lambdas: factor.lambdas, sigma2: sigma2)
        return try KenwardRogerAdjustment(terms: terms, covariance: covariance)
    }
}

extension LinearMixedModel {
    /// The smallest residual variance, relative to the outcome's about its least-squares fit, that a fit reports.
    static let residualCollapse = 1e-10
}

extension LinearMixedModel.Setup {
    /// Why a fit's residual variance collapsed, naming the grouping factors the outcome is constant within.
    func residualCollapseMessage(sigma2: Double, outcomeVariance: Double) -> String {
        var constantWithin: [String] = []
        if case .numeric(let y) = frame.outcome {
            for block in structure.blocks where !constantWithin.contains(block.group) {
                var first = [Double?](repeating: nil, count: block.levelCount)
                var constant = true
                let scale = 1e-9 * max(outcomeVariance.squareRoot(), Double.leastNormalMagnitude)
                for (r, code) in block.codes.enumerated() where code >= 0 && r < y.count {
                    let c = Int(code)
                    if let f = first[c] {
                        if abs(y[r] - f) > scale { constant = false; break }
                    } else {
                        first[c] = y[r]
                    }
                }
                if constant { constantWithin.append(block.group) }
            }
        }
        let outcome = formula.outcome.label
        let ratio = String(format: "%.2g", sigma2 / outcomeVariance)
        if let group = constantWithin.first {
            return "the residual variance is estimated at zero (\(ratio) of the outcome's): \(outcome) does not vary within "
                + "\(group) (the same value on every row of each \(group), e.g. a \(group)-level outcome repeated on each session "
                + "row), so the model has no residual to estimate and its standard errors would treat every row as independent. "
                + "Analyse one row per \(group) (alliance aggregate --by \(group), then fit ols or lmm on that file), or model an "
                + "outcome that varies within \(group)"
        }
        return "the residual variance is estimated at zero (\(ratio) of the outcome's): the random effects reproduce \(outcome) "
            + "exactly, so the model has no residual to estimate and its standard errors cannot be trusted; check whether the "
            + "outcome is constant within a grouping factor, or simplify the random effects"
    }
}
