import DataTable
import Distributions
import Foundation
import LinearAlgebra

/// What a fitted regression needs to be applied to new rows: its schema, estimable coefficients and their
/// covariance, and the residual scale. Built from a `RegressionResult`, or from a saved fit's JSON by the caller.
public struct SavedRegression: Sendable, Equatable {
    public let model: ModelKind
    public let formula: String
    public let schema: ModelSchema
    /// Names and estimates of the estimable coefficients, in `vcov` order.
    public let terms: [String]
    public let estimates: [Double]
    public let vcov: Matrix
    /// OLS: the residual standard error and its degrees of freedom (prediction intervals, t quantiles).
    public let sigma: Double?
    public let dfResidual: Int
    /// The covariance the fit reported (`classical`, `hc3`, `cluster:therapist`, …), used as saved.
    public let vcovLabel: String

    public init(model: ModelKind, formula: String, schema: ModelSchema, terms: [String], estimates: [Double],
                vcov: Matrix, sigma: Double?, dfResidual: Int, vcovLabel: String) {
        self.model = model
        self.formula = formula
        self.schema = schema
        self.terms = terms
        self.estimates = estimates
        self.vcov = vcov
        self.sigma = sigma
        self.dfResidual = dfResidual
        self.vcovLabel = vcovLabel
    }

    public init(_ result: RegressionResult) {
        let estimable = result.coefficients.filter { !$0.aliased }
        self.init(model: result.model, formula: result.formula, schema: result.schema,
                  terms: result.estimableTerms, estimates: estimable.compactMap(\.estimate), vcov: result.vcov,
                  sigma: result.fit.sigma, dfResidual: result.fit.dfResidual, vcovLabel: result.vcovLabel)
    }
}

/// Which interval `predict` reports.
public enum PredictionInterval: String, Sendable, Equatable, CaseIterable {
    case none
    /// For the mean (the fitted value).
    case confidence
    /// For a new observation (OLS only): adds the residual variance, as `predict.lm(interval = "prediction")`.
    case prediction
}

/// Predictions for every row of a table; rows with a missing predictor have `nil` values (R's `na.pass`).
public struct PredictionResult: Sendable {
    public let model: ModelKind
    public let formula: String
    public let interval: PredictionInterval
    public let level: Double
    public let counts: DataCounts
    /// One entry per table row, in row order.
    public let fit: [Double?]
    /// Standard error of the fitted value (response scale: for GLMs the delta method, as `predict.glm(type =
    /// "response", se.fit = TRUE)`).
    public let stdError: [Double?]
    public let lower: [Double?]
    public let upper: [Double?]
    /// The quantile the limits use (t on the residual df for OLS, z for GLMs).
    public let criticalValue: Double?
    public let warnings: [String]
}

/// A saved regression applied to new rows through its frozen schema (StatsModels.jl's `modelcols`).
///
/// OLS as R's `predict.lm`: fit = xᵀb, se = √(xᵀVx); confidence limits fit ± t·se, prediction limits
/// fit ± t·√(se² + σ²), t on the fit's residual df. GLMs as `predict.glm(type = "response", se.fit = TRUE)`:
/// fit = g⁻¹(xᵀb), se = |dμ/dη|·√(xᵀVx); confidence limits are computed on the link scale and transformed,
/// g⁻¹(η ± z·se_η), so they stay inside the response's range (R's predict.glm gives no interval; this is the
/// usual construction, e.g. `ciTools`). V is the covariance the fit reported (classical unless the fit used
/// `--robust`/`--cluster`, which then carries over).
public enum Prediction {
    public static func predict(_ saved: SavedRegression, data: Table, interval: PredictionInterval = .none,
                               level: Double = 0.95) throws(ModelError) -> PredictionResult {
        guard level > 0 && level < 1 else { throw .invalidLevel(level) }
        if interval == .prediction && saved.model != .ols {
            throw .numerical("prediction intervals for a new observation are defined here for ols only; "
                + "use --interval confidence for the mean of a \(saved.model.rawValue) model")
        }
        let formula = try saved.schema.parsedFormula()
        // Columns computed from the fitting rows themselves cannot be recomputed from new rows alone.
        for v in formula.predictorVariables {
            let dependsOnRows: Bool
            switch v.kind {
            case .polynomial(let p): dependsOnRows = !p.raw
            case .groupFunction: dependsOnRows = true
            default: dependsOnRows = false
            }
            if dependsOnRows { throw .dependsOnFittingRows(variable: v.label) }
        }
        let frame = try ModelFrame(formula: formula, table: data, schema: saved.schema, withOutcome: false)
        let design = DesignMatrix(frame: frame)
        guard design.columnNames == saved.schema.columnNames else {
            throw .codingChanged(variable: formula.description,
                                 detail: "the design has columns \(design.columnNames.joined(separator: ", ")), "
                                    + "the saved fit \(saved.schema.columnNames.joined(separator: ", "))")
        }
        let p = saved.terms.count
        guard saved.estimates.count == p, saved.vcov.rows == p, saved.vcov.columns == p else {
            throw .numerical("the saved fit has \(p) estimable terms but \(saved.estimates.count) estimates "
                + "and a \(saved.vcov.rows) × \(saved.vcov.columns) covariance matrix")
        }
        var position: [String: Int] = [:]
        for (j, name) in design.columnNames.enumerated() { position[name] = j }
        var kept: [Int] = []
        for term in saved.terms {
            guard let j = position[term] else {
                throw .codingChanged(variable: term, detail: "the saved fit has a coefficient the design lacks")
            }
            kept.append(j)
        }
        let n = frame.counts.rowsUsed
        let x = design.values(columns: kept)
        // η = X b and the quadratic forms xᵢᵀ V xᵢ from XV (one gemm).
        let xMatrix = Matrix(rows: n, columns: p, columnMajor: x)
        var eta = xMatrix.multiplied(by: saved.estimates)
        // Offsets enter the linear predictor with coefficient 1 (predict.lm and predict.glm add them too).
        if let offset = frame.offset { for i in 0..<n { eta[i] += offset[i] } }
        let xv = xMatrix.multiplied(by: saved.vcov)
        var linkSE = [Double](repeating: 0, count: n)
        for i in 0..<n {
            var q = 0.0
            for j in 0..<p { q += xv[i, j] * x[j * n + i] }
            linkSE[i] = max(q, 0).squareRoot()
        }
        let critical: Double?
        switch (interval, saved.model) {
        case (.none, _): critical = nil
        case (_, .ols): critical = StudentT(degreesOfFreedom: Double(saved.dfResidual)).quantile(1 - (1 - level) / 2)
        default: critical = Normal.quantile(1 - (1 - level) / 2)
        }
        var fit = [Double?](repeating: nil, count: data.rowCount)
        var se = fit, lower = fit, upper = fit
        let family: GLMFamily? = saved.model == .ols ? nil : (saved.model == .logit ? .binomial : .poisson)
        for (k, row) in frame.usedRows.enumerated() {
            if let family {
                // The log and logit links' inverse and derivative; negbin shares the log link with poisson.
                let (mu, dmu) = family.meanAndDerivative(eta[k])
                fit[row] = mu
                se[row] = abs(dmu) * linkSE[k]
                if let critical {
                    lower[row] = family.linkInverse(eta[k] - critical * linkSE[k])
                    upper[row] = family.linkInverse(eta[k] + critical * linkSE[k])
                }
            } else {
                fit[row] = eta[k]
                se[row] = linkSE[k]
                if let critical {
                    let spread = interval == .prediction
                        ? (linkSE[k] * linkSE[k] + (saved.sigma ?? .nan) * (saved.sigma ?? .nan)).squareRoot()
                        : linkSE[k]
                    lower[row] = eta[k] - critical * spread
                    upper[row] = eta[k] + critical * spread
                }
            }
        }
        var warnings: [String] = []
        if frame.counts.rowsDropped > 0 {
            warnings.append("\(frame.counts.rowsDropped) of \(frame.counts.rowsRead) rows have a missing predictor; "
                + "their predictions are missing")
        }
        // Aliased columns of the fit enter as 0, as predict.lm takes them; a row where such a column is not 0 gets a
        // prediction the data never determined (R warns "prediction from rank-deficient fit may be misleading").
        let keptSet = Set(kept)
        let aliased = (0..<design.columns).filter { !keptSet.contains($0) }
        if !aliased.isEmpty {
            let values = design.values(columns: aliased)
            let affected = (0..<n).filter { i in aliased.indices.contains { values[$0 * n + i] != 0 } }.count
            if affected > 0 {
                let names = aliased.map { design.columnNames[$0] }.joined(separator: ", ")
                warnings.append("the fit had aliased coefficients (\(names)), taken as 0: \(affected) of \(n) rows have a non-zero "
                    + "value in \(aliased.count == 1 ? "that column" : "those columns"), so their predictions rest on a choice "
                    + "the data did not determine (R's predict.lm warns: prediction from rank-deficient fit may be misleading)")
            }
        }
        return PredictionResult(model: saved.model, formula: saved.formula, interval: interval, level: level,
                                counts: frame.counts, fit: fit, stdError: se, lower: lower, upper: upper,
                                criticalValue: critical, warnings: warnings)
    }
}
