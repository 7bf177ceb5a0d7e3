import DataTable
import Distributions
import Foundation
import LinearAlgebra

/// Entry points for regression fits. Each returns an immutable `RegressionResult` or throws a `ModelError`.
public enum Regression {
    /// Fits `kind` (OLS or a GLM) through the one formula → frame → design path. `formula` may use `.`
    /// (all other columns of `data`).
    public static func fit(_ kind: ModelKind, formula: String, data: Table,
                           options: RegressionOptions = RegressionOptions()) throws(ModelError) -> RegressionResult {
        let parsed: Formula
        do { parsed = try Formula(formula, dataColumns: data.columnNames) } catch { throw .formula(error) }
        return try fit(kind, formula: parsed, data: data, options: options)
    }

    public static func fit(_ kind: ModelKind, formula: Formula, data: Table,
                           options: RegressionOptions = RegressionOptions()) throws(ModelError) -> RegressionResult {
        guard options.level > 0 && options.level < 1 else { throw .invalidLevel(options.level) }
        let frame = try modelFrame(formula: formula, data: data, options: options)
        // Refuse designs that cannot be fitted before allocating them (a factor with a level per row, or
        // interactions of many-level factors, would otherwise exhaust memory).
        let columns = DesignMatrix.columnCount(frame: frame)
        let rows = frame.counts.rowsUsed
        guard columns <= Double(rows) else {
            throw .tooFewRows(parameters: columns < 1e18 ? Int(columns) : Int.max, rows: rows)
        }
        guard columns * Double(rows) <= DesignMatrix.maximumCells else {
            throw .numerical("the design matrix would have \(rows) rows × \(Int(columns)) columns, more than "
                + "\(Int(DesignMatrix.maximumCells)) cells; use fewer factor levels or interactions, or fit a subset of the rows")
        }
        switch kind {
        case .ols: return try ordinaryLeastSquares(frame: frame, options: options)
        case .logit: return try GeneralizedLinearModel.fit(family: .binomial, frame: frame, options: options)
        case .poisson: return try GeneralizedLinearModel.fit(family: .poisson, frame: frame, options: options)
        case .negbin: return try NegativeBinomial.fit(frame: frame, options: options)
        }
    }

    /// The frame a regression fits: refuses terms fixed-effects regressions cannot use (random effects,
    /// survival outcomes, strata), adds `options.offset`, and takes the cluster column into listwise deletion.
    public static func modelFrame(formula: Formula, data: Table, options: RegressionOptions) throws(ModelError) -> ModelFrame {
        if let refusal = formula.fixedEffectsRefusal() { throw .formula(refusal) }
        var formula = formula
        if let offset = options.offset {
            do {
                formula = try formula.addingOffset(offset)
            } catch {
                throw .formula(FormulaError(formula: error.formula, offset: error.offset, length: error.length,
                                            message: "in the offset expression: \(error.message)"))
            }
        }
        var extra: [String] = []
        if let column = options.covariance.clusterColumn { extra.append(column) }
        return try ModelFrame(formula: formula, table: data, references: options.references, extraColumns: extra,
                              schema: options.schema)
    }

    /// Ordinary least squares by QR (never the normal equations); statistics as R's `lm`/`summary.lm`.
    public static func ols(_ formula: String, data: Table,
                           options: RegressionOptions = RegressionOptions()) throws(ModelError) -> RegressionResult {
        try fit(.ols, formula: formula, data: data, options: options)
    }

    static func ordinaryLeastSquares(frame: ModelFrame, options: RegressionOptions) throws(ModelError) -> RegressionResult {
        guard case .numeric(let observed) = frame.outcome else { throw .nonNumericOutcome(outcome: frame.formula.outcome.label) }
        // With an offset, lm fits y − offset; residuals are those of y, fitted values add the offset back.
        let y = frame.offset.map { zip(observed, $0).map { $0 - $1 } } ?? observed
        let design = DesignMatrix(frame: frame)
        let n = design.rows, p = design.columns
        guard p < n else { throw .tooFewRows(parameters: p, rows: n) }
        let rows = design.augmentedRows(outcome: y)
        // Large fits factor through XᵀX when X is well-conditioned (as large IRLS passes: docs/decisions.md).
        let ls = try LeastSquares(rows, normalEquations: n >= GeneralizedLinearModel.minimumRowsForNormalEquations,
                                  extendedDesign: { design.extendedColumns($0) })
        let rank = ls.kept.count
        let dfResidual = n - rank
        guard dfResidual > 0 else { throw .tooFewRows(parameters: rank, rows: n) }
        let rss = ls.residualSumOfSquares
        let residualVariance = rss / Double(dfResidual)

        // Model sum of squares as summary.lm: centred when the formula has an intercept, of the fitted values
        // without the offset (Xb), as R ≥ 4.3 (`f <- f - z$offset`; R 4.2 left the offset in).
        var mss = 0.0
        let meanFitted = ls.fitted.reduce(0, +) / Double(n)
        var centredSquares = 0.0
        for f in ls.fitted { centredSquares += (f - meanFitted) * (f - meanFitted) }
        if design.hasIntercept {
            mss = centredSquares
        } else {
            for f in ls.fitted { mss += f * f }
        }
        var stats = FitStatistics.leastSquares(rows: n, rank: rank, hasIntercept: design.hasIntercept, rss: rss, mss: mss)

        // The sandwich estimators read [X_k | residuals] block by block; an ill-conditioned design's, [Q | residuals]
        // (`OrthonormalDesign`), as do its hat values.
        let basis = ls.usedExtendedPrecision && (options.covariance != .classical || options.diagnostics)
            ? ls.orthonormalDesign(design.extendedColumns(ls.kept)) : nil
        let keptRows = { basis?.augmentedRows(outcome: ls.residuals)
                         ?? design.augmentedRows(columns: ls.kept, outcome: ls.residuals) }
        let leverages = { basis?.leverages ?? ls.leverages(rows) }
        var vcov: Matrix
        let robust = try SandwichCovariance.robust(
            options.covariance, bread: ls.unscaledCovariance, scoreRows: keptRows, leverages: leverages,
            workingRows: { ClusterCR2.WorkingRows(rows: keptRows(), rootWeights: nil, targetSD: nil) },
            frame: frame, basis: basis)
        if let robust {
            vcov = robust.vcov
        } else {
            vcov = ls.unscaledCovariance
            for t in vcov.storage.indices { vcov.storage[t] *= residualVariance }
        }
        let table = Inference.coefficientTable(names: design.columnNames, kept: ls.kept, estimates: ls.coefficients,
                                               vcov: vcov, level: options.level, dfResidual: dfResidual, df: robust?.df)
        var warnings = frame.warnings + (robust?.warnings ?? [])
        // Under CR2 the overall test would need clubSandwich's HTZ Wald test, which is not implemented: none is reported.
        if options.covariance != .classical, robust?.df == nil {
            // The overall test under the robust covariance (summary.lm's F assumes the classical one).
            let tested = ls.kept.indices.filter { !(design.hasIntercept && ls.kept[$0] == 0) }
            if !tested.isEmpty {
                var block = Matrix(rows: tested.count, columns: tested.count)
                for (a, i) in tested.enumerated() { for (b, j) in tested.enumerated() { block[a, b] = vcov[i, j] } }
                let b = tested.map { ls.coefficients[$0] }
                if let solved = try? Cholesky(block).solve(b) {
                    let q = Double(tested.count)
                    let wald = zip(b, solved).reduce(0.0) { $0 + $1.0 * $1.1 } / q
                    stats.waldFStatistic = wald
                    stats.waldFPValue = FDistribution(numerator: q, denominator: Double(dfResidual)).ccdf(wald)
                } else if block.storage.allSatisfy(\.isFinite) {
                    warnings.append("the robust covariance of the slopes is singular (e.g. fewer clusters than coefficients); "
                                    + "no robust overall F test is reported")
                }
            }
        }
        if !ls.aliased.isEmpty {
            let names = ls.aliased.map { design.columnNames[$0] }
            warnings.append("\(names.count == 1 ? "coefficient" : "coefficients") not estimable because of collinearity "
                            + "(aliased, reported as missing): \(names.joined(separator: ", "))")
        }
        // As R's summary.lm: residual variance negligible against the fitted values' scale (e.g. a constant
        // outcome) leaves statistics that divide by it undefined (NaN, reported as missing).
        let fittedVariance = centredSquares / Double(max(n - 1, 1))
        if residualVariance < (meanFitted * meanFitted + fittedVariance) * 1e-30 {
            warnings.append("essentially perfect fit (the residuals are zero to machine precision, e.g. a constant outcome); "
                            + "standard errors, tests and R² are unreliable or undefined")
        }
        var standardized: [Coefficient]? = nil
        if options.standardize {
            let sdY = Inference.sampleSD(observed[...])
            standardized = Inference.rescaled(table, factors: Inference.standardizationFactors(design: design, yFactor: 1 / sdY))
        }
        return RegressionResult(model: .ols, formula: frame.formula.text, coefficients: table, fit: stats,
                                covariance: options.covariance, level: options.level, counts: frame.counts,
                                vcov: vcov, estimableTerms: ls.kept.map { design.columnNames[$0] },
                                fittedValues: frame.offset.map { zip(ls.fitted, $0).map { $0 + $1 } } ?? ls.fitted,
                                residuals: ls.residuals, usedRows: frame.usedRows,
                                standardizedCoefficients: standardized,
                                hatValues: options.diagnostics ? leverages() : nil, schema: frame.schema,
                                clusters: robust?.clusters, event: nil,
                                warnings: warnings)
    }
}
