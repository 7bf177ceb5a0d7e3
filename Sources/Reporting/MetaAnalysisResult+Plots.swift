import Foundation
import Models
import Output

/// The forest plot (studies with their intervals, squares sized by weight, the summary diamond and the prediction
/// interval, on the back-transformed scale: r, or a log axis of ratios) and the funnel plot (effects against
/// precision with the pseudo-confidence region and any trim-and-fill studies).
extension MetaAnalysisResult {
    public func forestPlot(studies: [String], effectLabel: String? = nil) -> Plot {
        let back = measure.backTransform ?? { $0 }
        let z = studyCritical
        let percent = PlotNumber.percent(level)
        let summaryName = kind == .fixed ? "Fixed-effect model" : (kind == .threeLevel ? "Three-level model" : "Random-effects model")
        var names = studies + [summaryName]
        if predLow != nil { names.append("\(percent) prediction interval") }
        let positions = yi.indices.map(Double.init)
        let low = yi.indices.map { back(yi[$0] - z * vi[$0].squareRoot()) }
        let high = yi.indices.map { back(yi[$0] + z * vi[$0].squareRoot()) }
        let largest = weights.max() ?? 1
        // Square area proportional to weight: radius ∝ √weight.
        let sizes = weights.map { 2 + 6 * ($0 / largest).squareRoot() }
        let pooled = self.pooled
        let row = Double(yi.count)
        let ratio = measure == .or || measure == .rr
        let axisName: String
        switch measure {
        case .cor: axisName = "Correlation (r)"
        case .or: axisName = "Odds ratio"
        case .rr: axisName = "Risk ratio"
        case .smd: axisName = "Hedges' g"
        case .generic: axisName = "Effect size"
        }
        let scaleName = effectLabel ?? axisName
        let nullValue: Double = ratio ? 1 : 0
        var layers = [
            Layer(.reference(.vertical(x: nullValue)), style: MarkStyle.reference),
            Layer(.intervals(positions: positions, low: low, high: high, orientation: .horizontal, capSize: 0),
                  label: "Study (\(percent) CI)", style: MarkStyle(color: Color.okabeIto[7], lineWidth: 1.2)),
            Layer(.points(x: yi.map(back), y: positions, sizes: sizes), label: "Study (\(percent) CI)",
                  style: MarkStyle(color: Color.okabeIto[4], shape: .square)),
            Layer(.ribbon(x: [back(pooled.confLow), back(pooled.estimate), back(pooled.confHigh)],
                          low: [row, row - 0.35, row], high: [row, row + 0.35, row]),
                  label: "Pooled (\(percent) CI)", style: MarkStyle(color: Color.okabeIto[5], ribbonOpacity: 0.9)),
        ]
        if let predLow, let predHigh {
            layers.append(Layer(.intervals(positions: [row + 1], low: [back(predLow)], high: [back(predHigh)], orientation: .horizontal,
                                           capSize: 4),
                                label: "Prediction interval", style: MarkStyle(color: Color.okabeIto[5], dash: .dashed)))
        }
        let shownEstimate = NumberFormat.fixed(back(pooled.estimate), places: 3)
        var description = "Forest plot of \(yi.count) studies (\(measure.rawValue)); squares are sized by weight. "
            + "\(summaryName): \(shownEstimate) [\(NumberFormat.fixed(back(pooled.confLow), places: 3)), \(NumberFormat.fixed(back(pooled.confHigh), places: 3))]"
        if let predLow, let predHigh {
            description += "; \(percent) prediction interval \(NumberFormat.fixed(back(predLow), places: 3)) to \(NumberFormat.fixed(back(predHigh), places: 3))"
        }
        if let i2 { description += "; I² = \(NumberFormat.fixed(i2, places: 1))%" }
        description += "."
        let x: Axis = ratio ? .log10("\(scaleName) (\(percent) CI)", including: [1]) : .linear("\(scaleName) (\(percent) CI)", including: [0])
        return Plot(title: "Forest plot: \(modelDescription)", description: description, x: x,
                    y: .categorical(nil, names), layers: layers,
                    width: max(680, 420 + (names.map(Plot.estimatedTickLabelWidth).max() ?? 0)),
                    height: max(220, 90 + 22 * Double(names.count)), idPrefix: "forest")
    }

    /// Effects (analysis scale) against precision 1/SE, so the most precise studies are at the top; the lines are
    /// estimate ± z/precision (the pseudo 95% region of a funnel plot).
    public func funnelPlot(effectLabel: String? = nil) -> Plot {
        let precision = vi.map { 1 / $0.squareRoot() }
        let estimate = pooled.estimate
        let z = studyCritical
        let all = precision + (trimfill?.filledVi ?? []).map { 1 / $0.squareRoot() }
        // The region is drawn over the studies' range of precision only (below it the lines run off sideways).
        let top = 1.05 * (all.max() ?? 1), bottom = 0.8 * (all.min() ?? 0)
        let steps = 60
        let grid = (0...steps).map { bottom + (top - bottom) * Double($0) / Double(steps) }
        var layers = [
            Layer(.line(x: grid.map { estimate - z / $0 }, y: grid), label: "Pseudo \(PlotNumber.percent(level)) region",
                  style: MarkStyle(color: Color.okabeIto[7], dash: .dashed, lineWidth: 1)),
            Layer(.line(x: grid.map { estimate + z / $0 }, y: grid), label: "Pseudo \(PlotNumber.percent(level)) region",
                  style: MarkStyle(color: Color.okabeIto[7], dash: .dashed, lineWidth: 1)),
            Layer(.reference(.vertical(x: estimate)), label: "Pooled estimate", style: MarkStyle(color: Color.okabeIto[5], lineWidth: 1.2)),
            Layer(.points(x: yi, y: precision), label: "Study", style: MarkStyle(color: Color.okabeIto[4], shape: .circle)),
        ]
        var description = "Funnel plot of \(yi.count) studies: effect (\(scaleName)) against precision (1/SE), with the pooled estimate \(NumberFormat.fixed(estimate, places: 3))."
        if let egger = egger.first {
            description += " Egger's test (\(egger.form.rawValue)): p \(NumberFormat.pValue(egger.pValue))."
        }
        if let t = trimfill, t.k0 > 0 {
            layers.append(Layer(.points(x: t.filledYi, y: t.filledVi.map { 1 / $0.squareRoot() }), label: "Filled (trim-and-fill)",
                                style: MarkStyle(color: Color.okabeIto[0], shape: .triangle, opacity: 0.6)))
            description += " Trim-and-fill adds \(t.k0) stud\(t.k0 == 1 ? "y" : "ies") on the \(t.side.rawValue)."
        }
        let label = effectLabel.map { "\($0) (\(scaleName))" } ?? scaleName.prefix(1).uppercased() + scaleName.dropFirst()
        return Plot(title: "Funnel plot", description: description, x: .linear(String(label)),
                    y: .linear("Precision (1/SE)"), layers: layers, idPrefix: "funnel")
    }
}
