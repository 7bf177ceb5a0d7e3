import Models
import Output

/// The Kaplan–Meier figure of `alliance survival --plot`: a step curve per group with its pointwise confidence
/// ribbon, a mark at each censoring time, and the number at risk under the axis. Groups differ in colour, line type
/// and censoring-mark shape, so colour is never the only cue.
enum SurvivalPlot {
    static func plot(_ analysis: SurvivalAnalysis, timeLabel: String, byLabel: String?) -> Plot {
        let maxTime = analysis.curves.compactMap { $0.time.last }.max() ?? 1
        let ticks = NiceTicks.linear(0, max(maxTime, 1e-9), target: 6).filter { $0 <= maxTime }
        var layers: [Layer] = []
        var rows: [AxisTable.Row] = []
        let percent = PlotNumber.percent(analysis.options.level)
        for (k, curve) in analysis.curves.enumerated() {
            let style = MarkStyle.group(k)
            let label = analysis.curves.count == 1 ? nil : curve.group
            // The curve starts at (0, 1) and steps down at each event time.
            let x = [0] + curve.time
            let y = [1] + curve.survival
            // The ribbon over the stretch where both limits exist (they end where S reaches 0).
            var rx: [Double] = [0], rl: [Double] = [1], rh: [Double] = [1]
            for i in curve.time.indices {
                guard let l = curve.confLow[i], let h = curve.confHigh[i] else { break }
                rx.append(curve.time[i]); rl.append(l); rh.append(h)
            }
            layers.append(Layer(.ribbon(x: rx, low: rl, high: rh, interpolation: .stepAfter), style: style))
            layers.append(Layer(.line(x: x, y: y, interpolation: .stepAfter), label: label, style: style))
            let censored = curve.time.indices.filter { curve.nCensor[$0] > 0 }
            if !censored.isEmpty {
                var mark = style
                mark.shape = .plus
                mark.pointRadius = 4
                layers.append(Layer(.points(x: censored.map { curve.time[$0] }, y: censored.map { curve.survival[$0] }), style: mark))
            }
            rows.append(AxisTable.Row(label: curve.group, color: style.color,
                                      values: ticks.map { t in (x: t, text: String(curve.point(at: t).nRisk)) }))
        }
        let summary = analysis.curves.map { c in
            let median = c.median.map { PlotNumber.text($0) } ?? "not reached"
            return "\(c.group): \(c.n) clients, \(c.events) events, median \(median)"
        }.joined(separator: "; ")
        var description = "Kaplan–Meier survival curves with \(percent) pointwise confidence bands (\(analysis.options.confidenceType.rawValue) "
            + "transformation); crosses mark censored times; the number at risk is listed under the time axis. \(summary)."
        if let test = analysis.test {
            description += " \(test.rho == 0 ? "Log-rank" : "G-rho (rho = \(PlotNumber.text(test.rho)))") test: chi-square "
                + "\(NumberFormat.fixed(test.statistic, places: 2)) on \(test.degreesOfFreedom) df, p = \(NumberFormat.fixed(test.pValue, places: 4))."
        }
        var plot = Plot(title: "Time to \(analysis.event)" + (byLabel.map { " by \($0)" } ?? ""),
                        description: description,
                        x: .linear(timeLabel, limits: 0...max(maxTime, 1e-9)),
                        y: .linear("Proportion without \(analysis.event) (\(percent) CI)", limits: 0...1),
                        layers: layers, legendTitle: byLabel, width: 680,
                        height: 440 + 14 * Double(rows.count), idPrefix: "km")
        plot.axisTable = AxisTable(title: "Number at risk", rows: rows)
        return plot
    }
}
