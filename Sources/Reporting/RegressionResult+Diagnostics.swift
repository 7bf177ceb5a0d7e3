import Models
import Output

/// Diagnostic plots for `alliance fit ... --plot F.svg`, written beside the coefficient plot F.svg:
/// - OLS: `F-residuals.svg` (residuals against fitted values, zero line) and `F-qq.svg` (normal Q–Q plot of
///   standardized residuals eᵢ / (σ̂·√(1 − hᵢᵢ)), R's `rstandard`, against `qnorm(ppoints(n))`, with the line y = x);
/// - logit: `F-binned.svg`, the binned residual plot of Gelman & Hill (2007, §5.6): mean residual y − p̂ against
///   mean fitted probability in bins of equal count, with ±2 SE bands, SE = √(Σ p̂(1 − p̂)) / n_bin;
/// - poisson, negbin: `F-observed.svg`, observed counts against predicted means with the identity line.
/// Written beside the coefficient plot by `fit --plot`. The statistics come from Models (hat values from the fit's own factorisation, `NormalQuantilePoints`,
/// `BinnedResiduals`); this file only draws them.
extension RegressionResult {
    /// The diagnostic plots of one fit, each with the file-name suffix it is written under.
    public func diagnosticPlots(dataFile path: String) -> [(suffix: String, plot: Plot)] {
        let r = self
        let title = ModelWords.title(model: r.model.rawValue, formula: r.formula)
        switch r.model {
        case .ols:
            // The fit computes hat values when asked (`RegressionOptions.diagnostics`, set by `fit --plot`).
            let standardized = r.standardizedResiduals ?? Array(repeating: .nan, count: r.residuals.count)
            return [("residuals", residualsPlot(r, title: title, path: path)),
                    ("qq", qqPlot(NormalQuantilePoints(standardized), title: title, path: path))]
        case .logit:
            return [("binned", binnedResidualPlot(BinnedResiduals(fitted: r.fittedValues, residuals: r.residuals),
                                                   title: title, path: path))]
        case .poisson, .negbin:
            return [("observed", observedPlot(r, title: title, path: path))]
        }
    }

    // MARK: - OLS

    private func residualsPlot(_ r: RegressionResult, title: String, path: String) -> Plot {
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

    private func qqPlot(_ points: NormalQuantilePoints, title: String, path: String) -> Plot {
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

    private func binnedResidualPlot(_ b: BinnedResiduals, title: String, path: String) -> Plot {
        let outside = b.binsOutsideTwoStandardErrors
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

    private func observedPlot(_ r: RegressionResult, title: String, path: String) -> Plot {
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
