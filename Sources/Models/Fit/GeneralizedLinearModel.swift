import DataTable
import Foundation
import LinearAlgebra

/// GLMs by iteratively reweighted least squares on the QR path, following R's `glm.fit`
/// (starting values, step halving, convergence test |dev − dev_old| / (|dev| + 0.1) < ε), then polished to
/// the rounding floor without counting (see `irls`).
enum GeneralizedLinearModel {
    /// IRLS repeats the weighted least-squares step, so the slow extended-precision path (see
    /// `LeastSquares`) is used for ill-conditioned designs only while rows × columns² stays below this
    /// (about half a second per pass); larger designs iterate in double precision.
    static let extendedPrecisionBudget = 5e7

    /// One converged (or abandoned) IRLS run.
    struct IRLSFit {
        var kept: [Int]
        var aliased: [Int]
        var coefficients: [Double]
        var unscaledCovariance: Matrix
        var eta: [Double]
        var mu: [Double]
        var deviance: Double
        /// Passes until the convergence test first held (all passes run when it never held); the polishing
        /// passes after it are not counted.
        var iterations: Int
        var converged: Bool
        /// The relative deviance change of the last counted pass.
        var lastChange: Double
        /// The last weighted least-squares problem, for leverages.
        var leastSquares: LeastSquares
        var weights: [Double]
    }

    /// The convergence test is never tighter than this: below it the deviance change of one pass is within
    /// reach of rounding, so whether the test holds (and so the reported count) would depend on the BLAS kernel.
    static let smallestCountingEpsilon = 1e-10

    /// Polishing stops once |Δη| no longer shrinks and is at most this (on the link scale: a relative change of
    /// 1e-6 in a rate or odds). Larger steps after convergence are coefficients running off to ±∞ (η moves by
    /// about 1 per pass under separation): those passes go on until the deviance changes by less than
    /// `roundingChange`, as glm.fit at ε = 1e-15 would, so that fitted values reach the boundary the separation
    /// check looks for.
    static let stalledStep = 1e-6
    static let roundingChange = 1e-15

    /// The stopping rule, in two stages (docs/models.md, "Iterations and rounding").
    ///
    /// 1. glm.fit's test |dev − dev_old| / (|dev| + 0.1) < ε with R's default ε = 1e-8 decides convergence and
    ///    the reported `iterations` (R's `glm()$iter` with `glm.control()`). Near 1e-8 the deviance change is
    ///    seven orders of magnitude above rounding, so the count is the same under every BLAS kernel.
    /// 2. IRLS then keeps stepping, uncounted, until the linear predictor stops moving: the largest |Δη| is
    ///    at rounding level (16ε·max(1, |η|)), or no smaller than the step before while small (`stalledStep`:
    ///    rounding noise, not convergence, is moving it); at most `maxIterations` such passes. Diverging fits are
    ///    the exception (see `stalledStep`). The estimates are then the fixed point to rounding, so
    ///    kernels agree to ~1e-13, where a deviance test at ε = 1e-15 stopped one pass earlier or later
    ///    (IRLS for negbin converges linearly and its estimates still moved by ~1e-9 at that point).
    /// 3. For canonical links the pass that would only confirm the fixed point is skipped (`newtonFinish`).
    ///
    /// `offset` (nil for none) is added to the linear predictor, as glm.fit's: η = Xβ + offset, and the working
    /// response z − offset is regressed on X. `etaStart` is the whole linear predictor, offset included; without it
    /// the start is the family's (glm.fit's mustart), which ignores the offset.
    static func irls(family: GLMFamily, design: DesignMatrix, y: [Double], etaStart: [Double]?, offset: [Double]?,
                     options: RegressionOptions) throws(ModelError) -> IRLSFit {
        let n = design.rows, p = design.columns
        let extended = Double(n) * Double(p * p) <= extendedPrecisionBudget
        let epsilon = max(options.epsilon, smallestCountingEpsilon)
        let limit = max(1, options.maxIterations)
        let start = etaStart ?? startingEta(family: family, y: y)
        // Large passes sum XᵀWX instead of streaming its QR while X stays well-conditioned (`GramFactor`); the
        // first pass that cannot is factored by QR, and so are all after it.
        var normalEquations = n >= minimumRowsForNormalEquations
        var current = try pass(family: family, design: design, y: y, offset: offset, coefficients: nil, eta: start,
                               normalEquations: normalEquations)
        if current.factored == nil { normalEquations = false }
        var devOld = current.deviance
        var coefficientsOld: [Double]? = nil
        var keptOld: [Int] = []
        var result: IRLSFit? = nil
        var change = Double.infinity
        var convergedAt: Int? = nil
        var polishing = 0
        var etaStepOld = Double.infinity
        var iteration = 0
        while true {
            iteration += 1
            let ls = try LeastSquares(weightedRows(design, weights: current.weights, response: current.response),
                                      factored: current.factored, withResiduals: false,
                                      extendedWhenIllConditioned: extended)
            var beta = ls.coefficients
            var next = try pass(family: family, design: design, y: y, offset: offset,
                                coefficients: LeastSquares.scattered(beta, kept: ls.kept, columns: p), eta: nil,
                                normalEquations: normalEquations)
            // Step halving when the deviance is not finite, as glm.fit does.
            var halvings = 0
            while !next.deviance.isFinite, let old = coefficientsOld, keptOld == ls.kept, halvings < 50 {
                beta = zip(beta, old).map { ($0 + $1) / 2 }
                next = try pass(family: family, design: design, y: y, offset: offset,
                                coefficients: LeastSquares.scattered(beta, kept: ls.kept, columns: p), eta: nil,
                                normalEquations: normalEquations)
                halvings += 1
            }
            if next.factored == nil { normalEquations = false }
            let dev = next.deviance
            guard dev.isFinite else {
                // A polishing pass never undoes a converged fit.
                if convergedAt != nil, let fit = result { return fit }
                throw .numerical("the \(family.name) deviance is not finite at iteration \(iteration)")
            }
            let passChange = abs(dev - devOld) / (abs(dev) + 0.1)
            if convergedAt == nil {
                change = passChange
                if change < epsilon { convergedAt = iteration }
            } else {
                polishing += 1
            }
            result = IRLSFit(kept: ls.kept, aliased: ls.aliased, coefficients: beta,
                             unscaledCovariance: ls.unscaledCovariance, eta: next.eta, mu: next.mu, deviance: dev,
                             iterations: convergedAt ?? iteration, converged: convergedAt != nil, lastChange: change,
                             leastSquares: ls, weights: current.weights)
            let (etaStep, etaSize) = largestStep(from: current.eta, to: next.eta)
            if convergedAt == nil {
                if iteration >= limit { break }
            } else if etaStep <= 16 * Double.ulpOfOne * etaSize || polishing >= limit {
                break
            } else if let last = try newtonFinish(family: family, design: design, after: next, kept: ls.kept,
                                                  etaStep: etaStep, previousStep: etaStepOld, etaSize: etaSize,
                                                  extended: extended) {
                result = IRLSFit(kept: last.kept, aliased: last.aliased, coefficients: last.coefficients,
                                 unscaledCovariance: last.unscaledCovariance, eta: next.eta, mu: next.mu, deviance: dev,
                                 iterations: convergedAt ?? iteration, converged: true, lastChange: change,
                                 leastSquares: last, weights: next.weights)
                break
            } else if etaStep <= stalledStep ? (polishing > 0 && etaStep >= etaStepOld) : passChange < roundingChange {
                break
            }
            etaStepOld = etaStep
            devOld = dev
            coefficientsOld = beta
            keptOld = ls.kept
            current = next
        }
        guard let fit = result else { throw .numerical("IRLS did not run") }
        return fit
    }

    /// The last polishing step without its confirming pass, for canonical links (`GLMFamily.hasCanonicalLink`),
    /// where IRLS is Newton's method: the next |Δη| is about C·|Δη|², with C estimated from the last two steps
    /// (|Δη| / |Δη_previous|², at least 1). When that prediction is at rounding level (16ε·max(1, |η|), the
    /// confirming pass's own stopping test), the pass that would compute it only confirms the fixed point. Its
    /// coefficients and covariance are solved here from the factorisation `pass` already streamed at this η
    /// (the working weights at convergence, not those of the step before), with no further pass over the rows;
    /// they are exactly what that pass would return, while η, μ and the deviance stay this pass's, which differ
    /// from its by the rounding-level step. Nil when the prediction is not at rounding level or the solve aliases
    /// other columns than the step before.
    static func newtonFinish(family: GLMFamily, design: DesignMatrix, after pass: Pass, kept: [Int], etaStep: Double,
                             previousStep: Double, etaSize: Double, extended: Bool) throws(ModelError) -> LeastSquares? {
        guard family.hasCanonicalLink, previousStep.isFinite, etaStep <= stalledStep, etaStep < previousStep else { return nil }
        let rate = max(1, etaStep / (previousStep * previousStep))
        guard rate * etaStep * etaStep <= 16 * Double.ulpOfOne * etaSize else { return nil }
        let last = try LeastSquares(weightedRows(design, weights: pass.weights, response: pass.response),
                                    factored: pass.factored, withResiduals: false, extendedWhenIllConditioned: extended)
        return last.kept == kept ? last : nil
    }

    /// Passes over at least this many rows sum XᵀWX for the normal equations (`GramFactor`) instead of streaming
    /// the QR; smaller ones (every R reference fit) always take the QR. A task-local so that tests can run the
    /// reference fits through the normal equations.
    @TaskLocal static var minimumRowsForNormalEquations = 1 << 17

    /// What one pass over the rows gives IRLS: η, μ and the deviance at the current coefficients, and
    /// the working weights (square roots) and weighted working responses of the next least-squares step,
    /// whose [X·w | z·w] has already been streamed into its factorisation (nil when the normal equations were
    /// summed but X is too ill-conditioned for them: `LeastSquares` then factors the rows by QR).
    struct Pass {
        var eta: [Double]
        var mu: [Double]
        var deviance: Double
        var weights: [Double]
        var response: [Double]
        var factored: (r: Matrix, norms: [Double])?
    }

    /// One pass: each block of X is built once and serves both η = X·b and the next weighted step.
    /// `coefficients` has one entry per design column (0 for aliased ones); nil takes `eta` as given.
    static func pass(family: GLMFamily, design: DesignMatrix, y: [Double], offset: [Double]?, coefficients: [Double]?,
                     eta given: [Double]?, normalEquations: Bool = false) throws(ModelError) -> Pass {
        let n = design.rows, p = design.columns
        // Every row of these is written by the parts below, so they are not zeroed first (four arrays of n
        // doubles per pass).
        var eta = given ?? uninitializedRows(n)
        var mu = uninitializedRows(n)
        var weights = uninitializedRows(n)
        var response = uninitializedRows(n)
        let parts = RowParts(rows: n)
        let factorizations = parts.ranges.map { _ in
            AugmentedFactorization(columns: p, normsOf: p, normalEquations: normalEquations)
        }
        // Deviance per part, added in part order.
        var deviances = [Double](repeating: 0, count: parts.ranges.count)
        var failure: ModelError? = nil
        eta.withUnsafeMutableBufferPointer { e in
            mu.withUnsafeMutableBufferPointer { m in
                weights.withUnsafeMutableBufferPointer { w in
                    response.withUnsafeMutableBufferPointer { z in
                        deviances.withUnsafeMutableBufferPointer { d in
                            guard let rows = IRLSRows(eta: e, mu: m, weights: w, response: z, deviances: d) else { return }
                            do throws(ModelError) {
                                try parts.run { k, range throws(ModelError) in
                                    try rows.stream(range, part: k, into: factorizations[k], family: family,
                                                    design: design, y: y, offset: offset, coefficients: coefficients)
                                }
                            } catch {
                                failure = error
                            }
                        }
                    }
                }
            }
        }
        if let failure { throw failure }
        let merged = try AugmentedFactorization.merged(factorizations)
        return Pass(eta: eta, mu: mu, deviance: deviances.reduce(0, +), weights: weights, response: response,
                    factored: merged.factored)
    }

    /// glm.fit's starting linear predictor, linkfun(mustart), computed on the row halves (each row on its own, so
    /// the values do not depend on the split).
    static func startingEta(family: GLMFamily, y: [Double]) -> [Double] {
        var eta = uninitializedRows(y.count)
        eta.withUnsafeMutableBufferPointer { e in
            y.withUnsafeBufferPointer { yp in
                guard let out = e.baseAddress, let yBase = yp.baseAddress else { return }
                let rows = SharedPointers(out, UnsafeMutablePointer(mutating: yBase))
                RowParts(rows: yp.count).run { _, range in
                    for i in range { rows.first[i] = family.link(family.startingMean(rows.second[i])) }
                }
            }
        }
        return eta
    }

    /// The largest |Δη| between two passes and max(1, largest |η|) of the later one, on the row halves (maxima do
    /// not depend on the split).
    static func largestStep(from old: [Double], to new: [Double]) -> (step: Double, size: Double) {
        var step = [Double](repeating: 0, count: 2), size = [Double](repeating: 1, count: 2)
        old.withUnsafeBufferPointer { o in
            new.withUnsafeBufferPointer { e in
                step.withUnsafeMutableBufferPointer { s in
                    size.withUnsafeMutableBufferPointer { z in
                        guard let oBase = o.baseAddress, let eBase = e.baseAddress, let sBase = s.baseAddress,
                              let zBase = z.baseAddress else { return }
                        let rows = SharedPointers(UnsafeMutablePointer(mutating: oBase), UnsafeMutablePointer(mutating: eBase))
                        let out = SharedPointers(sBase, zBase)
                        RowParts(rows: min(o.count, e.count)).run { k, range in
                            var largest = 0.0, biggest = 1.0
                            for i in range {
                                largest = max(largest, abs(rows.second[i] - rows.first[i]))
                                biggest = max(biggest, abs(rows.second[i]))
                            }
                            out.first[k] = largest
                            out.second[k] = biggest
                        }
                    }
                }
            }
        }
        return (max(step[0], step[1]), max(size[0], size[1]))
    }

    /// An array of n doubles whose every element the caller writes before reading it.
    private static func uninitializedRows(_ n: Int) -> [Double] {
        [Double](unsafeUninitializedCapacity: n) { _, count in count = n }
    }

    /// Row t of the rows × columns block scaled by w[t] (the square-root working weights).
    static func scaleRows(_ base: UnsafeMutablePointer<Double>, rows: Int, columns: Int, leadingDimension ld: Int,
                          by w: UnsafePointer<Double>) {
        for j in 0..<columns {
            let column = base + j * ld
            for t in 0..<rows { column[t] *= w[t] }
        }
    }

    /// The rows of [X·w | z·w] (z·w already weighted; zero when nil), scaled by the square-root weights.
    static func weightedRows(_ design: DesignMatrix, weights: [Double], response: [Double]?) -> AugmentedRows {
        let p = design.columns
        return AugmentedRows(rows: design.rows, columns: p) { range, base, ld in
            design.fill(range, into: base, leadingDimension: ld)
            let m = range.count, lower = range.lowerBound
            weights.withUnsafeBufferPointer { wp in
                guard let w = wp.baseAddress else { return }
                scaleRows(base, rows: m, columns: p, leadingDimension: ld, by: w + lower)
            }
            let out = base + p * ld
            if let response {
                for t in 0..<m { out[t] = response[lower + t] }
            } else {
                out.update(repeating: 0, count: m)
            }
        }
    }

    /// The outcome as numbers, checked for the family: binary for logit (0/1, or a two-level category whose
    /// `event` level, by default the second in sorted order as R's glm codes a factor, is 1), non-negative whole
    /// numbers for counts. Also returns the coding of a categorical outcome.
    static func outcomeValues(_ frame: ModelFrame, family: GLMFamily,
                              event: String? = nil) throws(ModelError) -> (values: [Double], event: OutcomeEvent?) {
        let name = frame.formula.outcome.label
        let column = frame.formula.outcome.columnNames.first ?? name
        switch frame.outcome {
        case .categorical(let levels, let codes):
            guard family == .binomial else { throw .nonNumericOutcome(outcome: name) }
            guard levels.count == 2 else {
                throw .categoricalOutcomeNotBinary(outcome: name, column: column, levels: levels)
            }
            var eventCode: Int32 = 1
            if let event {
                guard let k = levels.firstIndex(of: event) else {
                    throw .unknownEventLevel(outcome: name, column: column, level: event, levels: levels)
                }
                eventCode = Int32(k)
            }
            let coding = OutcomeEvent(level: levels[Int(eventCode)], otherLevel: levels[Int(1 - eventCode)],
                                      chosen: event != nil)
            return (codes.map { $0 == eventCode ? 1 : 0 }, coding)
        case .numeric(let y):
            // One branch-free look at every value first; the rows are searched for the culprit only when one fails.
            let valid = y.withUnsafeBufferPointer { v in
                var bad: UInt8 = 0
                switch family {
                case .binomial: for x in v { bad |= (x == 0 || x == 1) ? 0 : 1 }
                case .poisson, .negativeBinomial: for x in v { bad |= (x >= 0 && x == x.rounded() && x.isFinite) ? 0 : 1 }
                }
                return bad == 0
            }
            for (k, v) in (valid ? [] : y).enumerated() {
                switch family {
                case .binomial:
                    guard v == 0 || v == 1 else {
                        throw .outcomeNotBinary(outcome: name, detail: "data row \(frame.rows[k] + 1) has \(v); code it 0/1")
                    }
                case .poisson, .negativeBinomial:
                    guard v >= 0, v == v.rounded(), v.isFinite else {
                        throw .invalidCounts(outcome: name, row: frame.rows[k], value: v)
                    }
                }
            }
            if let event { throw .eventForNumericOutcome(outcome: name, level: event) }
            return (y, nil)
        case .numericColumns:
            throw .nonNumericOutcome(outcome: name)
        }
    }

    static func fit(family: GLMFamily, frame: ModelFrame, options: RegressionOptions) throws(ModelError) -> RegressionResult {
        let (y, event) = try outcomeValues(frame, family: family, event: options.event)
        let design = DesignMatrix(frame: frame)
        let n = design.rows, p = design.columns
        guard p <= n else { throw .tooFewRows(parameters: p, rows: n) }
        let fit = try irls(family: family, design: design, y: y, etaStart: nil, offset: frame.offset, options: options)
        var warnings = try checkFit(fit, family: family, design: design, options: options)
        let rank = fit.kept.count
        let logLik = y.withUnsafeBufferPointer { yp in
            fit.mu.withUnsafeBufferPointer { mp in RowParts(rows: n).sum { family.logLikelihood(yp[$0], mp[$0]) } }
        }
        var stats = FitStatistics(dfModel: rank - (design.hasIntercept ? 1 : 0), dfResidual: n - rank,
                                  logLikelihood: logLik, aic: -2 * logLik + 2 * Double(rank),
                                  bic: -2 * logLik + log(Double(n)) * Double(rank))
        stats.deviance = fit.deviance
        stats.nullDeviance = try nullDeviance(family: family, y: y, hasIntercept: design.hasIntercept, offset: frame.offset,
                                              start: fit.eta, options: options)
        stats.dfNull = n - (design.hasIntercept ? 1 : 0)
        stats.iterations = fit.iterations
        stats.converged = fit.converged
        return try assemble(model: family == .binomial ? .logit : .poisson, family: family, fit: fit, y: y,
                            design: design, frame: frame, stats: stats, options: options, event: event,
                            warnings: &warnings)
    }

    /// Deviance of the intercept-only model (or of μ = linkinv(0) without an intercept), as glm.fit. With an
    /// offset: without an intercept μ = linkinv(offset) (glm.fit); with one, glm refits the intercept-only model
    /// with the offset, started from the full model's linear predictor `start` (its `fit2`), and MASS::glm.nb does the same.
    static func nullDeviance(family: GLMFamily, y: [Double], hasIntercept: Bool, offset: [Double]?, start: [Double],
                             options: RegressionOptions) throws(ModelError) -> Double {
        guard let offset else {
            let mu0 = hasIntercept ? y.reduce(0, +) / Double(y.count) : family.linkInverse(0)
            return y.withUnsafeBufferPointer { yp in RowParts(rows: yp.count).sum { family.deviance(yp[$0], mu0) } }
        }
        guard hasIntercept else {
            return zip(y, offset).reduce(0) { $0 + family.deviance($1.0, family.linkInverse($1.1)) }
        }
        let fit = try irls(family: family, design: DesignMatrix(interceptOnlyRows: y.count), y: y, etaStart: start,
                           offset: offset, options: options)
        return fit.deviance
    }

    /// Separation and convergence checks. Throws for separation and for non-convergence;
    /// returns warnings for milder problems.
    static func checkFit(_ fit: IRLSFit, family: GLMFamily, design: DesignMatrix,
                         options: RegressionOptions) throws(ModelError) -> [String] {
        var warnings: [String] = []
        if !fit.aliased.isEmpty {
            let names = fit.aliased.map { design.columnNames[$0] }
            warnings.append("\(names.count == 1 ? "coefficient" : "coefficients") not estimable because of collinearity "
                            + "(aliased, reported as missing): \(names.joined(separator: ", "))")
        }
        let eps = 10 * Double.ulpOfOne
        let boundary: Int
        switch family {
        case .binomial: boundary = fit.mu.reduce(0) { $0 + (($1 < eps || $1 > 1 - eps) ? 1 : 0) }
        case .poisson, .negativeBinomial: boundary = fit.mu.reduce(0) { $0 + ($1 < eps ? 1 : 0) }
        }
        if boundary > 0 {
            // Diverging coefficients: a standard error that is enormous on the scale of the column
            // (per SD of a numeric column, per unit of an indicator), the signature of estimates
            // running off to ±∞.
            var diverging: [String] = []
            for (k, j) in fit.kept.enumerated() {
                let sd = Inference.sampleSD(design.column(j)[...])
                let scale = (sd > 0 && sd.isFinite) ? sd : 1
                let se = fit.unscaledCovariance[k, k].squareRoot()
                if se * scale > 100 || !se.isFinite { diverging.append(design.columnNames[j]) }
            }
            let what = family == .binomial ? "fitted probabilities numerically 0 or 1" : "fitted rates numerically 0"
            let detail = "\(what) for \(boundary) of \(design.rows) rows"
            if !diverging.isEmpty { throw .separation(terms: diverging, detail: detail) }
            warnings.append("\(detail) occurred")
        }
        if !fit.converged {
            throw .notConverged(model: family.name, iterations: fit.iterations, lastChange: fit.lastChange)
        }
        return warnings
    }

    /// Coefficient table, sandwich covariances and the result value.
    static func assemble(model: ModelKind, family: GLMFamily, fit: IRLSFit, y: [Double], design: DesignMatrix,
                         frame: ModelFrame, stats: FitStatistics, options: RegressionOptions, event: OutcomeEvent? = nil,
                         warnings: inout [String]) throws(ModelError) -> RegressionResult {
        let n = design.rows
        // Score residuals u_i = (y − μ)·μ.eta / V(μ): working residual × working weight (sandwich's estfun.glm);
        // the sandwich estimators read [X_k | u] block by block. HC2/HC3 use the hat values of the final weighted fit.
        // CR2 reads X_k with the working weights, Pearson residuals and the target √V(μ), all at the final μ
        // (clubSandwich's model_matrix.glm, residuals_CS.glm, targetVariance.glm).
        // An ill-conditioned fit (extended precision) reads the weighted design in an orthonormal basis instead
        // (`OrthonormalDesign`): Q = W^½X_k·R⁻¹ with the weights R was factored at, so the score rows are q_i with
        // u_i/√w_i and CR2's rows q_i with the final root weights over those (1 at convergence).
        let basis = fit.leastSquares.usedExtendedPrecision && options.covariance != .classical
            ? fit.leastSquares.orthonormalDesign(
                weightedRows(design, weights: fit.weights, response: nil).gather(fit.kept).map { ExtendedDouble($0) })
            : nil
        let scores = { () -> [Double] in
            (0..<n).map { i -> Double in (y[i] - fit.mu[i]) * family.muEta(fit.eta[i]) / family.variance(fit.mu[i]) }
        }
        let robust = try SandwichCovariance.robust(
            options.covariance, bread: fit.unscaledCovariance,
            scoreRows: {
                guard let basis else { return design.augmentedRows(columns: fit.kept, outcome: scores()) }
                let u = scores()
                let scaled: [Double] = (0..<n).map { i -> Double in fit.weights[i] > 0 ? u[i] / fit.weights[i] : 0 }
                return basis.augmentedRows(outcome: scaled)
            },
            leverages: { basis?.leverages ?? fit.leastSquares.leverages(weightedRows(design, weights: fit.weights, response: nil)) },
            workingRows: {
                let sd: [Double] = fit.mu.map { family.variance($0).squareRoot() }
                let pearson: [Double] = (0..<n).map { i -> Double in (y[i] - fit.mu[i]) / sd[i] }
                let rootWeights: [Double] = (0..<n).map { i -> Double in abs(family.muEta(fit.eta[i])) / sd[i] }
                guard let basis else {
                    return ClusterCR2.WorkingRows(rows: design.augmentedRows(columns: fit.kept, outcome: pearson),
                                                  rootWeights: rootWeights, targetSD: sd)
                }
                let relative: [Double] = (0..<n).map { i -> Double in fit.weights[i] > 0 ? rootWeights[i] / fit.weights[i] : 0 }
                return ClusterCR2.WorkingRows(rows: basis.augmentedRows(outcome: pearson), rootWeights: relative, targetSD: sd)
            },
            frame: frame, basis: basis)
        let vcov = robust?.vcov ?? fit.unscaledCovariance
        warnings = frame.warnings + warnings + (robust?.warnings ?? [])
        let table = Inference.coefficientTable(names: design.columnNames, kept: fit.kept, estimates: fit.coefficients,
                                               vcov: vcov, level: options.level, dfResidual: nil, df: robust?.df)
        let standardized = options.standardize
            ? Inference.rescaled(table, factors: Inference.standardizationFactors(design: design, yFactor: 1)) : nil
        return RegressionResult(model: model, formula: frame.formula.text, coefficients: table, fit: stats,
                                covariance: options.covariance, level: options.level, counts: frame.counts,
                                vcov: vcov, estimableTerms: fit.kept.map { design.columnNames[$0] },
                                fittedValues: fit.mu, residuals: (0..<n).map { y[$0] - fit.mu[$0] },
                                usedRows: frame.usedRows, standardizedCoefficients: standardized, hatValues: nil,
                                schema: frame.schema, clusters: robust?.clusters, event: event, warnings: warnings)
    }
}

/// The per-row arrays of one IRLS pass, written by parts that each touch only their own rows.
private struct IRLSRows: @unchecked Sendable {
    let eta: UnsafeMutablePointer<Double>
    let mu: UnsafeMutablePointer<Double>
    let weights: UnsafeMutablePointer<Double>
    let response: UnsafeMutablePointer<Double>
    let deviances: UnsafeMutablePointer<Double>

    init?(eta: UnsafeMutableBufferPointer<Double>, mu: UnsafeMutableBufferPointer<Double>,
          weights: UnsafeMutableBufferPointer<Double>, response: UnsafeMutableBufferPointer<Double>,
          deviances: UnsafeMutableBufferPointer<Double>) {
        guard let eta = eta.baseAddress, let mu = mu.baseAddress, let weights = weights.baseAddress,
              let response = response.baseAddress, let deviances = deviances.baseAddress else { return nil }
        self.eta = eta
        self.mu = mu
        self.weights = weights
        self.response = response
        self.deviances = deviances
    }

    /// Streams the rows of `range`: each block of X is built once and serves both η = X·b (unless η is
    /// given) and the weighted block [X·w | z·w] fed to the factorisation.
    func stream(_ range: Range<Int>, part: Int, into factorization: AugmentedFactorization, family: GLMFamily,
                design: DesignMatrix, y: [Double], offset: [Double]?, coefficients: [Double]?) throws(ModelError) {
        let p = design.columns
        let capacity = factorization.blockCapacity
        var deviance = 0.0
        for start in stride(from: range.lowerBound, to: range.upperBound, by: capacity) {
            let rows = min(capacity, range.upperBound - start)
            let (base, ld) = factorization.block(rows: rows)
            design.fill(start..<(start + rows), into: base, leadingDimension: ld)
            if let coefficients {
                BlockKernels.multiply(base, rows: rows, columns: p, leadingDimension: ld, by: coefficients,
                                      into: eta + start)
                if let offset { for t in 0..<rows { eta[start + t] += offset[start + t] } }
            }
            let zColumn = base + p * ld
            for t in 0..<rows {
                let i = start + t
                let (mean, d) = family.meanAndDerivative(eta[i])
                mu[i] = mean
                deviance += family.deviance(y[i], mean)
                let weight = (d * d / family.variance(mean)).squareRoot()
                weights[i] = weight
                response[i] = (eta[i] - (offset?[i] ?? 0) + (y[i] - mean) / d) * weight
                zColumn[t] = response[i]
            }
            GeneralizedLinearModel.scaleRows(base, rows: rows, columns: p, leadingDimension: ld, by: weights + start)
            factorization.addNorms(base, leadingDimension: ld)
            try factorization.factorBlock()
        }
        deviances[part] = deviance
    }
}
