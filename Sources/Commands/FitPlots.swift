import DataTable
import Distributions
import Foundation
import LinearAlgebra
import Models
import Output

/// Diagnostic plots for `alliance fit ... --plot F.svg`, written beside the coefficient plot F.svg:
/// - OLS: `F-residuals.svg` (residuals against fitted values, zero line) and `F-qq.svg` (normal Q–Q plot of
///   standardized residuals eᵢ / (σ̂·√(1 − hᵢᵢ)), R's `rstandard`, against `qnorm(ppoints(n))`, with the line y = x);
/// - logit: `F-binned.svg`, the binned residual plot of Gelman & Hill (2007, §5.6): mean residual y − p̂ against
///   mean fitted probability in bins of equal count, with ±2 SE bands, SE = √(Σ p̂(1 − p̂)) / n_bin;
/// - poisson, negbin: `F-observed.svg`, observed counts against predicted means with the identity line.
/// All statistics are computed here and handed to the plot as values.
enum FitPlots {
    /// Writes the diagnostic plots for `result` beside `coefficientPath`; returns the resolved paths written.
    static func write(_ result: RegressionResult, data: LoadedData, options: RegressionOptions, beside coefficientPath: String,
                      in context: RunContext) throws -> [String] {
        let stem = coefficientPath.lowercased().hasSuffix(".svg") ? String(coefficientPath.dropLast(4)) : coefficientPath
        var written: [String] = []
        for (suffix, plot) in plots(result, data: data, options: options) {
            written.append(try context.writeFile(plot.svg(), to: "\(stem)-\(suffix).svg"))
        }
        return written
    }

    /// The diagnostic plots of one fit, each with the file-name suffix it is written under.
    static func plots(_ r: RegressionResult, data: LoadedData, options: RegressionOptions) -> [(String, Plot)] {
        let title = "\(r.model.rawValue.uppercased()): \(r.formula)"
        switch r.model {
        case .ols:
            let standardized = standardizedResiduals(r, data: data, options: options)
            return [("residuals", residualsPlot(r, title: title, path: data.path)),
                    ("qq", qqPlot(standardized, title: title, path: data.path))]
        case .logit:
            return [("binned", binnedResidualPlot(BinnedResiduals(fitted: r.fittedValues, residuals: r.residuals),
                                                   title: title, path: data.path))]
        case .poisson, .negbin:
            return [("observed", observedPlot(r, title: title, path: data.path))]
        }
    }

    // MARK: - OLS

    private static func residualsPlot(_ r: RegressionResult, title: String, path: String) -> Plot {
        let n = r.fittedValues.count
        let largest = r.residuals.map(abs).max() ?? 0
        return Plot(title: title,
                    description: "Residuals against fitted values for \(n) rows of \(path) (OLS \(r.formula)). "
                        + "The dashed line marks zero; a funnel or curve would suggest unequal variance or a missed non-linearity. "
                        + "Largest absolute residual \(NumberFormat.fixed(largest, places: 2)).",
                    x: .linear("Fitted values"), y: .linear("Residuals", including: [0]),
                    layers: [Layer(.reference(.horizontal(y: 0)), style: .reference),
                             Layer(.points(x: r.fittedValues, y: r.residuals),
                                   style: MarkStyle(color: Color.okabeIto[4], opacity: 0.6))],
                    idPrefix: "fit-residuals")
    }

    /// Standardized residuals with the theoretical normal quantiles they are plotted against, in plotting order.
    struct QQPoints {
        let theoretical: [Double]
        let sample: [Double]
        /// Rows without a standardized residual: leverage 1 (fitted exactly) or σ̂ = 0.
        let undefined: Int
    }

    /// R's `ppoints(n)`: (i − a)/(n + 1 − 2a), a = 3/8 for n ≤ 10, else 1/2.
    static func plottingPositions(_ n: Int) -> [Double] {
        let a = n <= 10 ? 0.375 : 0.5
        return (1...max(n, 1)).prefix(n).map { (Double($0) - a) / (Double(n) + 1 - 2 * a) }
    }

    static func qqPoints(_ standardized: [Double]) -> QQPoints {
        let finite = standardized.filter(\.isFinite).sorted()
        let positions = plottingPositions(finite.count)
        return QQPoints(theoretical: positions.map(Normal.quantile), sample: finite,
                        undefined: standardized.count - finite.count)
    }

    /// rᵢ = eᵢ / (σ̂·√(1 − hᵢᵢ)) with hᵢᵢ from the QR of the estimable design columns (R's `rstandard`).
    /// NaN where hᵢᵢ = 1 or when the design cannot be rebuilt.
    static func standardizedResiduals(_ r: RegressionResult, data: LoadedData, options: RegressionOptions) -> [Double] {
        let undefined = Array(repeating: Double.nan, count: r.residuals.count)
        guard let sigma = r.fit.sigma, sigma > 0,
              let h = leverages(r, table: data.table, options: options), h.count == r.residuals.count else { return undefined }
        return zip(r.residuals, h).map { e, hii in hii < 1 - 1e-10 ? e / (sigma * (1 - hii).squareRoot()) : .nan }
    }

    /// Hat values of the fitted design: hᵢᵢ = Σⱼ Qᵢⱼ² for the thin Q of the estimable columns.
    static func leverages(_ r: RegressionResult, table: Table, options: RegressionOptions) -> [Double]? {
        guard let formula = try? Formula(r.formula, dataColumns: table.columnNames),
              let frame = try? Regression.modelFrame(formula: formula, data: table, options: options),
              frame.usedRows == r.usedRows else { return nil }
        let design = DesignMatrix(frame: frame)
        let kept = r.estimableTerms.compactMap { design.columnNames.firstIndex(of: $0) }
        guard kept.count == r.estimableTerms.count, !kept.isEmpty, design.rows > kept.count else { return nil }
        let x = Matrix(columns: kept.map { design.column($0) })
        guard let qr = try? QRDecomposition(x, pivoting: false) else { return nil }
        var identity = Matrix(rows: design.rows, columns: kept.count)
        for j in 0..<kept.count { identity[j, j] = 1 }
        guard let q = try? qr.applyQ(identity, transpose: false) else { return nil }
        return (0..<design.rows).map { i in (0..<kept.count).reduce(0) { $0 + q[i, $1] * q[i, $1] } }
    }

    private static func qqPlot(_ standardized: [Double], title: String, path: String) -> Plot {
        let points = qqPoints(standardized)
        var text = "Normal Q–Q plot of \(points.sample.count) standardized residuals from \(path): sample quantiles (y) against "
            + "standard normal quantiles (x). Points near the dashed line y = x are consistent with normal errors."
        if points.undefined > 0 {
            text += " \(points.undefined) rows have no standardized residual (leverage 1, or no residual variance) and are not shown."
        }
        return Plot(title: title, description: text,
                    x: .linear("Theoretical quantiles (standard normal)"), y: .linear("Standardized residuals"),
                    layers: [Layer(.reference(.abline(intercept: 0, slope: 1)), style: .reference),
                             // Stroked crosses: filled points carry a white outline, which washes the crowded middle out.
                             Layer(.points(x: points.theoretical, y: points.sample),
                                   style: MarkStyle(color: Color.okabeIto[4], shape: .cross, pointRadius: 2.4, lineWidth: 1))],
                    idPrefix: "fit-qq")
    }

    // MARK: - Logit

    /// Gelman & Hill's binned residuals: rows sorted by fitted probability (ties by row order) and cut into bins of
    /// equal count (sizes differ by at most one); the number of bins is arm::binnedplot's rule: ⌊√n⌋ for n ≥ 100,
    /// 10 for 10 < n < 100, ⌊n/2⌋ otherwise.
    struct BinnedResiduals {
        let meanFitted: [Double]
        let meanResidual: [Double]
        let counts: [Int]
        /// Model-based standard error of each bin's mean residual: √(Σ p̂(1 − p̂)) / n_bin.
        let standardError: [Double]

        static func binCount(_ n: Int) -> Int {
            if n >= 100 { return Int(Double(n).squareRoot().rounded(.down)) }
            if n > 10 { return 10 }
            return max(1, n / 2)
        }

        init(fitted: [Double], residuals: [Double], bins: Int? = nil) {
            let n = min(fitted.count, residuals.count)
            let order = (0..<n).sorted { fitted[$0] != fitted[$1] ? fitted[$0] < fitted[$1] : $0 < $1 }
            let k = n == 0 ? 0 : min(n, max(1, bins ?? Self.binCount(n)))
            var meanFitted: [Double] = [], meanResidual: [Double] = [], counts: [Int] = [], se: [Double] = []
            for bin in 0..<k {
                let members = order[(bin * n / k)..<((bin + 1) * n / k)]
                let m = Double(members.count)
                meanFitted.append(members.reduce(0) { $0 + fitted[$1] } / m)
                meanResidual.append(members.reduce(0) { $0 + residuals[$1] } / m)
                counts.append(members.count)
                se.append(members.reduce(0) { $0 + fitted[$1] * (1 - fitted[$1]) }.squareRoot() / m)
            }
            self.meanFitted = meanFitted
            self.meanResidual = meanResidual
            self.counts = counts
            standardError = se
        }
    }

    private static func binnedResidualPlot(_ b: BinnedResiduals, title: String, path: String) -> Plot {
        let outside = zip(b.meanResidual, b.standardError).filter { abs($0) > 2 * $1 }.count
        let n = b.counts.reduce(0, +)
        let band = MarkStyle(color: .gray, dash: .dashed, lineWidth: 1.2)
        return Plot(title: title,
                    description: "Binned residual plot (Gelman & Hill 2007) of \(n) rows of \(path): the mean residual (observed minus "
                        + "fitted probability) in \(b.counts.count) bins of about \(n / max(b.counts.count, 1)) rows each, against the bin's "
                        + "mean fitted probability. Dashed lines are ±2 standard errors; \(outside) of \(b.counts.count) bins fall outside "
                        + "them (about 5% would be expected if the model were true).",
                    x: .linear("Mean fitted probability (bin)"), y: .linear("Mean residual (bin)", including: [0]),
                    layers: [Layer(.reference(.horizontal(y: 0)), style: MarkStyle(color: .gray, lineWidth: 1)),
                             Layer(.line(x: b.meanFitted, y: b.standardError.map { 2 * $0 }), label: "±2 SE", style: band),
                             Layer(.line(x: b.meanFitted, y: b.standardError.map { -2 * $0 }), label: "±2 SE", style: band),
                             Layer(.points(x: b.meanFitted, y: b.meanResidual), label: "Bin mean residual",
                                   style: MarkStyle(color: Color.okabeIto[4]))],
                    idPrefix: "fit-binned")
    }

    // MARK: - Counts

    private static func observedPlot(_ r: RegressionResult, title: String, path: String) -> Plot {
        let observed = zip(r.fittedValues, r.residuals).map { $0 + $1 }
        let n = observed.count
        // One range on both axes, so the identity line is the diagonal and a model that predicts little shows
        // as a narrow column of predictions against a wide spread of counts.
        let all = (r.fittedValues + observed).filter(\.isFinite)
        let low = min(0, all.min() ?? 0), high = max(1, all.max() ?? 1)
        let limits = low...(high + 0.04 * (high - low))
        return Plot(title: title,
                    description: "Observed counts (y) against predicted means (x) for \(n) rows of \(path) (\(r.model.rawValue) "
                        + "\(r.formula)). The dashed line is y = x; points above it were observed higher than predicted.",
                    x: .linear("Predicted mean", limits: limits), y: .linear("Observed count", limits: limits),
                    layers: [Layer(.reference(.abline(intercept: 0, slope: 1)), style: .reference),
                             Layer(.points(x: r.fittedValues, y: observed),
                                   style: MarkStyle(color: Color.okabeIto[4], opacity: 0.5))],
                    width: 560, height: 480, idPrefix: "fit-observed")
    }
}
