import DataTable
import Foundation
import LinearAlgebra
import Optimization

/// Options of a linear mixed model fit.
public struct LinearMixedModelOptions: Sendable, Equatable {
    /// REML (lme4's default) or maximum likelihood (`--ml`).
    public var reml: Bool
    public var degreesOfFreedom: MixedDegreesOfFreedom
    /// Confidence level of the intervals.
    public var level: Double
    public var references: [String: String]
    /// Compute the conditional modes and their SDs (cheap for one grouping factor; for several, the SDs cost one
    /// triangular solve per level of the largest factor).
    public var conditionalModes: Bool
    /// Profile-likelihood intervals for the variance components and the one-factor ICC; see `VarianceProfile`.
    public var profileIntervals: ProfileIntervalChoice
    /// A parametric bootstrap of the ICCs (`--boot N --seed S`); see `IntraclassBootstrap`.
    public var bootstrap: MixedBootstrapOptions?
    /// CR2 cluster-robust fixed-effect covariance with its Satterthwaite df (clubSandwich), in place of the model's.
    public var robust: MixedClusterRobust?

    public init(reml: Bool = true, degreesOfFreedom: MixedDegreesOfFreedom = .satterthwaite, level: Double = 0.95,
                references: [String: String] = [:], conditionalModes: Bool = true, profileIntervals: ProfileIntervalChoice = .automatic,
                bootstrap: MixedBootstrapOptions? = nil, robust: MixedClusterRobust? = nil) {
        self.robust = robust
        self.reml = reml
        self.degreesOfFreedom = degreesOfFreedom
        self.level = level
        self.references = references
        self.conditionalModes = conditionalModes
        self.profileIntervals = profileIntervals
        self.bootstrap = bootstrap
    }
}

/// Linear mixed models as lme4 fits them (Bates, Mächler, Bolker & Walker 2015, JSS 67(1)): the random effects
/// b = Λ(θ)u with spherical u, β and σ profiled out of the likelihood, and θ found by BOBYQA on the profiled
/// REML criterion or deviance, evaluated from the cross-products of [Z X y] formed once.
public enum LinearMixedModel {
    /// How tightly θ is optimised. lme4's default (`ftol_abs = xtol_abs = 1e-8`, `xtol_rel = 1e-4`) stops 6e-6 to
    /// 3e-5 short of the optimum on ordinary fits; these settings reach it to the rounding floor (issue 12's
    /// contract: the fixtures are lme4 polished with `ftol_abs = xtol_abs = 1e-12`).
    public static let optimizerOptions = DerivativeFreeOptions(
        relativeFunctionTolerance: 0, absoluteFunctionTolerance: 1e-12,
        relativeParameterTolerance: 0, absoluteParameterTolerance: 1e-12, maxEvaluations: 100_000,
        nonFiniteValues: .replaceWithInitialValue)

    /// lme4's `isSingular` tolerance on diagonal θ.
    public static let singularTolerance = 1e-4
    /// lme4's `boundary.tol`: a diagonal θ this close to 0 is tried at 0.
    public static let boundaryTolerance = 1e-5

    /// lme4's `check.boundary`: each diagonal θ within `boundaryTolerance` of 0 is set to 0 when the criterion there is
    /// no worse than `value + slack` (the fit allows for the criterion's rounding; refits pass 0).
    static func checkBoundary(theta start: [Double], value start0: Double, lowerBounds lower: [Double], slack: Double = 0,
                              objective: ([Double]) -> Double) -> (theta: [Double], value: Double) {
        var theta = start
        var value = start0
        for i in theta.indices where lower[i] == 0 && theta[i] > 0 && theta[i] < boundaryTolerance {
            var trial = theta
            trial[i] = 0
            let v = objective(trial)
            if v <= value + slack { theta = trial; value = v }
        }
        return (theta, value)
    }

    public static func fit(formula: Formula, table: Table, options: LinearMixedModelOptions = .init()) throws(ModelError) -> LinearMixedModelResult {
        let model = try Setup(formula: formula, table: table, options: options)
        return try model.fit()
    }

    /// The model between the data and the optimiser: frame, design, random-effects structure, cross-products.
    struct Setup {
        let formula: Formula
        let frame: ModelFrame
        let design: DesignMatrix
        let kept: [Int]
        let structure: RandomEffectsStructure
        let products: MixedCrossProducts
        let options: LinearMixedModelOptions
        let warnings: [String]
        /// The least-squares coefficients taken out of y before the cross-products (add them back to β̂).
        let outcomeShift: [Double]

        init(formula: Formula, table: Table, options: LinearMixedModelOptions) throws(ModelError) {
            guard !formula.randomEffects.isEmpty else {
                throw .invalidRandomEffects(term: formula.text, detail: "the formula has no random-effects term such as (1 | therapist); "
                                            + "for a model without random effects use `fit ols`")
            }
            if let s = formula.survival {
                throw .formula(FormulaError(formula: formula.text, offset: formula.outcome.offset, length: formula.outcome.length,
                                            message: "a survival outcome \(s.label) needs `fit cox`"))
            }
            if let s = formula.strata.first {
                throw .formula(FormulaError(formula: formula.text, offset: s.offset, length: s.length,
                                            message: "strata() belongs in survival models; enter the variable as a fixed effect or a grouping factor"))
            }
            var extra: [String] = []
            if case .column(let name) = options.robust { extra.append(name) }
            let frame = try ModelFrame(formula: formula, table: table, references: options.references, extraColumns: extra)
            guard case .numeric(let y) = frame.outcome else { throw .nonNumericOutcome(outcome: formula.outcome.label) }
            if let first = y.first, y.allSatisfy({ $0 == first }) { throw .constantOutcome(outcome: formula.outcome.label) }
            if let offset = frame.offset, offset.contains(where: { $0 != 0 }) {
                throw .invalidVariable(variable: "offset", detail: "offsets are not supported in linear mixed models; subtract the offset from the outcome")
            }
            let design = DesignMatrix(frame: frame)
            let n = frame.counts.rowsUsed
            // y − Xb in place of y: the same fit with β̂ shifted by b (X is in the model), but the penalised RSS no longer
            // comes from y'y minus nearly all of it, which left the criterion 1e-10 noisy and θ 1e-6 short. b is the least-
            // squares fit on the first `shiftRows` rows (all rows of smaller data, where it is the exact fit): it takes out
            // all but a sliver of what X explains, and then a single pass over the rows forms every cross-product, r = y − Xb
            // row by row and XᵀX from the same sums (the rank check's Gram matrix).
            let prefix = Setup.keptColumns(design, outcome: y, rows: min(n, Setup.shiftRows))
            if prefix.rows == n { try Setup.requireRows(n, kept: prefix.kept) }
            let structure = try RandomEffectsStructure(frame: frame)
            try structure.validate(rows: n)
            var shiftColumns = prefix.kept
            var shift = prefix.ols
            var pass = MixedCrossProducts.RowPass(structure: structure, design: design, outcome: y, shiftColumns: shiftColumns, shift: shift)
            var kept = prefix.kept
            if prefix.rows < n {
                kept = Setup.rankCheck(gram: pass.gram, columns: design.columns).kept
                if !Set(prefix.kept).isSubset(of: kept) {
                    // A column the first rows needed is aliased in the whole data: shift by the exact fit instead (a second pass).
                    let whole = Setup.keptColumns(design, outcome: y)
                    (kept, shiftColumns, shift) = (whole.kept, whole.kept, whole.ols)
                    pass = MixedCrossProducts.RowPass(structure: structure, design: design, outcome: y, shiftColumns: shiftColumns, shift: shift)
                }
                try Setup.requireRows(n, kept: kept)
            }
            var warnings = frame.warnings
            let dropped = design.columns - kept.count
            if dropped > 0 {
                let names = (0..<design.columns).filter { !kept.contains($0) }.map { design.columnNames[$0] }
                warnings.append("the fixed-effects design is rank deficient, so \(dropped) column\(dropped == 1 ? " was" : "s were") dropped "
                                + "(as lme4 does): \(names.joined(separator: ", "))")
            }
            self.formula = formula
            self.frame = frame
            self.design = design
            self.kept = kept
            self.structure = structure
            // The shift over the kept columns (a column kept in the whole data but aliased in the first rows has 0).
            self.outcomeShift = kept.map { j in shiftColumns.firstIndex(of: j).map { shift[$0] } ?? 0 }
            self.products = try MixedCrossProducts(structure: structure, pass: pass, keptColumns: kept)
            self.options = options
            self.warnings = warnings
        }

        /// Rows of the least-squares fit taken out of y before the cross-products (`init`): enough that what X explains
        /// is all but gone from the residual, few enough that this first look costs a sliver of the pass over all rows.
        /// A task-local so that tests can run small reference problems through the large-data path.
        @TaskLocal static var shiftRows = 1 << 16

        /// More rows than kept fixed effects, or the fit cannot be identified.
        static func requireRows(_ n: Int, kept: [Int]) throws(ModelError) {
            guard n > kept.count else { throw .tooFewRows(parameters: kept.count, rows: n) }
        }

        /// Columns kept by the Gram-matrix analogue of R's aliasing rule (`rankCheck`) and the least-squares coefficients
        /// of y on them, over the first `rows` rows (all by default), from the Gram matrix of [X y].
        static func keptColumns(_ design: DesignMatrix, outcome y: [Double], rows: Int? = nil) -> (kept: [Int], ols: [Double], rows: Int) {
            let rows = rows ?? design.rows
            let p = design.columns
            guard p > 0 else { return ([], [], rows) }
            let m = p + 1
            // Each fixed row half's Gram matrix, added in half order (the same bytes on one core or two).
            let parts = RowParts(rows: rows)
            var grams = [Double](repeating: 0, count: parts.ranges.count * m * m)
            // Numeric columns and y read in place, the others written into the chunk buffer (as `RowPass`).
            design.withStoredColumns { stored in
                let filled = (0..<p).filter { stored[$0] == nil }
                y.withUnsafeBufferPointer { yp in
                    grams.withUnsafeMutableBufferPointer { gp in
                        let out = gp.baseAddress!
                        parts.run { part, range in
                            let chunk = 4096
                            var buffer = [Double](repeating: 0, count: chunk * max(filled.count, 1))
                            let columns = UnsafeMutablePointer<UnsafePointer<Double>>.allocate(capacity: m)
                            defer { columns.deallocate() }
                            var start = range.lowerBound
                            while start < range.upperBound {
                                let end = min(range.upperBound, start + chunk)
                                buffer.withUnsafeMutableBufferPointer { bp in
                                    guard let base = bp.baseAddress, let yBase = yp.baseAddress else { return }
                                    design.fill(start..<end, columns: filled, into: base, leadingDimension: chunk)
                                    for (k, j) in filled.enumerated() { columns[j] = UnsafePointer(base + k * chunk) }
                                    for j in 0..<p { if let x = stored[j] { columns[j] = x + start } }
                                    columns[p] = yBase + start
                                    BlockKernels.addGramLowerInLanes(columns: columns, rows: end - start, count: m,
                                                              into: out + part * m * m, leadingDimension: m)
                                }
                                start = end
                            }
                        }
                    }
                }
            }
            var gram = [Double](repeating: 0, count: m * m)
            for part in parts.ranges.indices { for e in 0..<(m * m) { gram[e] += grams[part * m * m + e] } }
            let (kept, ols) = rankCheck(gram: gram, columns: p)
            return (kept, ols, rows)
        }

        /// From the Gram matrix of [X y] (`columns` + 1 square, lower triangle at min · (columns + 1) + max): column j
        /// is dropped when its residual after the earlier kept columns is at most 1e-7 of its norm (lme4 checks X's rank
        /// by QR at 1e-7); and the least-squares coefficients of y on the kept columns, from the same Cholesky factor.
        static func rankCheck(gram: [Double], columns p: Int) -> (kept: [Int], ols: [Double]) {
            let m = p + 1
            // Sequential Cholesky on the kept columns (lower triangle: gram[min · m + max]).
            var kept: [Int] = []
            var factor: [[Double]] = []   // rows of L for kept columns, over kept columns
            func row(for j: Int) -> [Double] {
                var row: [Double] = []
                for (a, i) in kept.enumerated() {
                    var s = gram[min(i, j) * m + max(i, j)]
                    for b in 0..<a { s -= row[b] * factor[a][b] }
                    row.append(s / factor[a][a])
                }
                return row
            }
            for j in 0..<p {
                let norm2 = gram[j * m + j]
                guard norm2 > 0, norm2.isFinite else { continue }
                var r = row(for: j)
                let residual = norm2 - r.reduce(0) { $0 + $1 * $1 }
                guard residual > 1e-14 * norm2 else { continue }
                r.append(residual.squareRoot())
                kept.append(j)
                factor.append(r)
            }
            // b = L⁻ᵀ (L⁻¹ Xᵀy): the row of y against the kept columns is L⁻¹Xᵀy.
            let c = row(for: p)
            var b = [Double](repeating: 0, count: kept.count)
            for a in stride(from: kept.count - 1, through: 0, by: -1) {
                var s = c[a]
                for e in (a + 1)..<max(kept.count, a + 1) { s -= factor[e][a] * b[e] }
                b[a] = s / factor[a][a]
            }
            return (kept, b.map { $0.isFinite ? $0 : 0 })
        }

        func fit() throws(ModelError) -> LinearMixedModelResult {
            let factor = MixedFactor(products: products, structure: structure)
            let reml = options.reml
            let lower = structure.thetaLowerBounds
            // BOBYQA (coarse where the analytic gradient exists) and Newton steps: ThetaSearch.swift.
            let search = try ThetaSearch.minimize(factor: factor, start: structure.thetaStart, reml: reml)
            let summary = search.summary
            var theta = search.theta
            var value = search.value
            // lme4's boundary check: a diagonal θ within boundary.tol of 0 is moved to 0 when that is no worse.
            (theta, value) = LinearMixedModel.checkBoundary(theta: theta, value: value, lowerBounds: lower,
                                                            slack: 1e-12 * max(1, abs(value))) { factor.objective($0, reml: reml) }
            value = factor.objective(theta, reml: reml)
            guard value.isFinite else { throw .numerical("the \(reml ? "REML criterion" : "deviance") is not finite at the optimum") }
            // The estimates at θ̂ and the interval work that needs only θ̂ (the profiles' ML refit, the ICC's profile) on two
            // threads, each on its own factor: the same numbers as one after the other.
            var estimated: Result<LinearMixedModelResult, ModelError>?
            var start = IntervalStart()
            let (thetaHat, valueHat) = (theta, value)
            withUnsafeMutablePointer(to: &estimated) { estimatedSlot in
            withUnsafeMutablePointer(to: &start) { startSlot in
                let slots = SetupJobSlots(estimated: estimatedSlot, start: startSlot)
                ParallelJobs.run(2) { job in
                    if job == 1 { slots.start.pointee = intervalStart(theta: thetaHat, objective: valueHat); return }
                    do throws(ModelError) {
                        slots.estimated.pointee = .success(try estimates(factor: factor, theta: thetaHat, objective: valueHat, summary: summary))
                    } catch {
                        slots.estimated.pointee = .failure(error)
                    }
                }
            }}
            guard var result = try estimated?.get() else { throw .numerical("the estimates at the optimum were not computed") }
            addIntervals(to: &result, factor: factor, start: start)
            return result
        }
    }
}

/// Where `Setup.fit`'s two jobs write: the estimates (job 0) and the interval start (job 1), each only its own.
private struct SetupJobSlots: @unchecked Sendable {
    let estimated: UnsafeMutablePointer<Result<LinearMixedModelResult, ModelError>?>
    let start: UnsafeMutablePointer<LinearMixedModel.Setup.IntervalStart>
}
