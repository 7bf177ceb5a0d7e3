import Foundation
import Output

/// Small fixed plots that exercise every mark; the golden-file tests pin their bytes.
enum SamplePlots {
    /// Scatter of two groups with a fitted line, a confidence band and the identity line.
    static func scatter() -> Plot {
        let xA = [8.0, 10, 12, 15, 18, 21, 24, 26]
        let yA = [19.0, 17, 15, 14, 11, 9, 8, 5]
        let xB = [9.0, 11, 14, 16, 19, 22, 25, 27]
        let yB = [22.0, 21, 18, 18, 15, 14, 12, 10]
        let fitX = [8.0, 27]
        return Plot(
            title: "PHQ-9 at end of treatment by working alliance",
            description: "Scatter plot of 16 clients in two sites: PHQ-9 at end of treatment falls as WAI-SR total rises, in both sites.",
            x: .linear("WAI-SR total"),
            y: .linear("PHQ-9 post", including: [0]),
            layers: [
                Layer(.ribbon(x: fitX, low: [17.5, 3.2], high: [21.0, 6.9]), label: "North", style: .group(0)),
                Layer(.line(x: fitX, y: [19.3, 5.1]), label: "North", style: .group(0)),
                Layer(.points(x: xA, y: yA), label: "North", style: .group(0)),
                Layer(.line(x: fitX, y: [22.4, 9.8]), label: "South", style: .group(1)),
                Layer(.points(x: xB, y: yB), label: "South", style: .group(1)),
                Layer(.reference(.abline(intercept: 30, slope: -1)), label: "y = 30 − x", style: .reference),
            ],
            legendTitle: "Site",
            width: 560, height: 380)
    }

    /// A forest plot: odds ratios with 95% CIs on a log axis, categories top to bottom, null line at 1.
    static func forest() -> Plot {
        let terms = ["WAI-SR total (per 10)", "Age (per 10 years)", "Site: south", "Baseline PHQ-9", "Ünïcødé & <escaped>"]
        let estimates = [0.62, 1.08, 1.35, 1.12, 2.4]
        let low = [0.48, 0.91, 0.86, 1.04, 1.1]
        let high = [0.80, 1.28, 2.12, 1.21, 5.3]
        let positions = terms.indices.map(Double.init)
        return Plot(
            title: "Dropout odds ratios",
            description: "Forest plot of five odds ratios for dropout with 95% confidence intervals; stronger alliance lowers the odds (OR 0.62).",
            x: .log10("Odds ratio (log scale)", including: [1]),
            y: .categorical(nil, terms),
            layers: [
                Layer(.reference(.vertical(x: 1)), style: .reference),
                Layer(.intervals(positions: positions, low: low, high: high, capSize: 3), label: "95% CI",
                      style: MarkStyle(color: .ink, lineWidth: 1.2)),
                Layer(.points(x: estimates, y: positions, sizes: [5, 4, 3.5, 6, 3]), label: "Odds ratio",
                      style: MarkStyle(color: Color.okabeIto[4], shape: .square)),
            ],
            width: 560, height: 260)
    }

    /// A correlation heatmap with value labels and a colour bar.
    static func heatmap() -> Plot {
        let names = ["WAI-SR", "SRS", "PHQ-9", "GAD-7"]
        let r: [[Double?]] = [
            [1, 0.62, -0.31, -0.28],
            [0.62, 1, -0.22, -0.19],
            [-0.31, -0.22, 1, 0.71],
            [-0.28, -0.19, 0.71, 1],
        ]
        return Plot(
            title: "Correlations",
            description: "Pearson correlations among four measures; alliance measures correlate .62 with each other and -.19 to -.31 with symptoms.",
            x: .categorical(nil, names), y: .categorical(nil, names),
            layers: [Layer(.heatmap(Heatmap(values: r, colorBarTitle: "r")))],
            width: 460, height: 380)
    }

    /// Survival-style step curves with a band, bars and long categorical labels are covered by other tests;
    /// this one draws Kaplan–Meier-like steps.
    static func survival() -> Plot {
        let time = [0.0, 2, 4, 6, 8, 10, 12, 16, 20]
        let high = [1.0, 0.95, 0.9, 0.82, 0.76, 0.7, 0.66, 0.6, 0.55]
        let low = [1.0, 0.85, 0.76, 0.65, 0.58, 0.5, 0.45, 0.39, 0.33]
        let estimate = zip(low, high).map { ($0 + $1) / 2 }
        let other = [1.0, 0.93, 0.88, 0.84, 0.8, 0.78, 0.77, 0.75, 0.74]
        return Plot(
            title: "Retention in treatment",
            description: "Kaplan-Meier retention curves for low and high early alliance over 20 sessions.",
            x: .linear("Session", including: [0]),
            y: .linear("Proportion retained", limits: 0...1),
            layers: [
                Layer(.ribbon(x: time, low: low, high: high, interpolation: .stepAfter), label: "Low alliance",
                      style: .group(5)),
                Layer(.line(x: time, y: estimate, interpolation: .stepAfter), label: "Low alliance", style: .group(5)),
                Layer(.line(x: time, y: other, interpolation: .stepAfter), label: "High alliance", style: .group(4)),
                Layer(.text([TextAnnotation(x: 20, y: 0.74, text: "n = 212", anchor: .end, dy: -8)])),
            ],
            width: 520, height: 340)
    }

    /// Bars on a categorical x axis whose labels are long enough to need rotating.
    static func bars() -> Plot {
        let categories = ["Recovered", "Reliably improved", "No reliable change", "Reliably deteriorated"]
        return Plot(
            title: "Reliable change categories",
            description: "Counts of clients in four reliable change categories.",
            x: .categorical(nil, categories),
            y: .linear("Clients", including: [0]),
            layers: [
                Layer(.bars(positions: [0, 1, 2, 3], values: [142, 96, 210, 23]), style: MarkStyle(color: Color.okabeIto[4])),
                Layer(.intervals(positions: [0, 1, 2, 3], low: [120, 80, 188, 14], high: [164, 112, 232, 32],
                                 orientation: .vertical, capSize: 4), style: MarkStyle(color: .ink, lineWidth: 1)),
            ],
            width: 300, height: 320)
    }

    static let all: [(name: String, plot: Plot)] = [
        ("scatter", scatter()), ("forest", forest()), ("heatmap", heatmap()), ("survival", survival()), ("bars", bars()), ("stress", stress()),
        ("bigHeatmap", bigHeatmap()), ("horizontalBars", horizontalBars()), ("tiny", tiny()), ("trajectories", trajectories()), ("crowded", crowded()), ("longAxisTitles", longAxisTitles()),
    ]
}

extension SamplePlots {
    /// Awkward inputs: a long wrapped title, wide y labels, many decades on a log x axis, NaN gaps,
    /// a long legend label, and every point shape.
    static func stress() -> Plot {
        let x = [0.002, 0.01, 0.05, 0.3, 2, 15, 80, 400, 3000]
        var layers: [Layer] = []
        for (index, shape) in PointShape.allCases.enumerated() {
            let offset = -125000 + Double(index) * 40000
            let y: [Double] = x.map { offset + log10($0) * 9000 }
            let suffix = index == 2 ? " with a rather long legend label that wraps" : ""
            layers.append(Layer(.points(x: x, y: y), label: "Group \(index + 1): \(shape.rawValue)" + suffix,
                                style: MarkStyle(color: Color.okabeIto[index], shape: shape)))
        }
        return Plot(
            title: "A deliberately long title that has to wrap onto a second line because it is far wider than the plot",
            description: "Stress test.",
            x: .log10("Dose (log scale)"), y: .linear("Change in a very large quantity"),
            layers: layers + [
                Layer(.line(x: [0.002, 0.05, .nan, 15, 3000], y: [-150000, -100000, 0, 50000, 160000]),
                      label: "Line with a gap", style: MarkStyle(color: .ink, dash: .dotted)),
            ],
            width: 640, height: 420)
    }
}

extension SamplePlots {
    /// Nine variables with long names (rotated x labels) and a blank diagonal.
    static func bigHeatmap() -> Plot {
        let names = (1...9).map { "Measure number \($0)" }
        var values: [[Double?]] = []
        for i in 0..<9 {
            var row: [Double?] = []
            for j in 0..<9 { row.append(i == j ? nil : sin(Double(i * 9 + j))) }
            values.append(row)
        }
        return Plot(description: "Correlations among nine measures.", x: .categorical(nil, names),
                    y: .categorical(nil, names), layers: [Layer(.heatmap(Heatmap(values: values)))],
                    width: 520, height: 460)
    }

    /// Horizontal bars on a categorical y axis with one long label, negative and positive values.
    static func horizontalBars() -> Plot {
        Plot(description: "Mean PHQ-9 change for four therapists.", x: .linear("Mean change", including: [0]),
             y: .categorical("Therapist", ["T01", "T02", "T03 (a therapist with a long name)", "T04"]),
             layers: [Layer(.bars(positions: [0, 1, 2, 3], values: [-3.5, 2, 6.25, -0.5], orientation: .horizontal))],
             width: 420, height: 220)
    }

    /// A very small canvas with tiny numbers.
    static func tiny() -> Plot {
        Plot(description: "Three points.", layers: [Layer(.points(x: [1, 2, 3], y: [0.001, 0.002, 0.0031]))],
             width: 160, height: 120)
    }

    /// Thirty semi-transparent client trajectories.
    static func trajectories() -> Plot {
        let sessions = (0..<8).map(Double.init)
        let layers = (0..<30).map { k -> Layer in
            let slope = 0.5 + Double(k % 5) * 0.3
            let start = 20 - Double(k % 7)
            return Layer(.line(x: sessions, y: sessions.map { start - $0 * slope }),
                         style: MarkStyle(color: Color.okabeIto[4], opacity: 0.35))
        }
        return Plot(title: "Trajectories", description: "PHQ-9 trajectories of 30 clients over eight sessions.",
                    x: .linear("Session"), y: .linear("PHQ-9"), layers: layers, width: 420, height: 300)
    }
}

extension SamplePlots {
    /// Twenty labelled groups (the legend needs two columns) and 40 categories on y (labels thinned).
    static func crowded() -> Plot {
        let categories = (1...40).map { "Therapist \($0)" }
        let layers = (0..<20).map { group -> Layer in
            let positions = (0..<2).map { Double(group * 2 + $0) }
            return Layer(.points(x: positions.map { $0 / 4 - 5 }, y: positions), label: "Cohort \(group + 1)",
                         style: .group(group))
        }
        return Plot(title: "Crowded", description: "Forty therapists in twenty cohorts.", x: .linear("Effect"),
                    y: .categorical(nil, categories), layers: layers, legendTitle: "Cohort", width: 560, height: 300)
    }
}

extension SamplePlots {
    /// Axis titles far longer than the panel: both wrap instead of running off the canvas.
    static func longAxisTitles() -> Plot {
        Plot(description: "Long axis titles.",
             x: .linear("Change in PHQ-9 total score from the first to the last attended session (points)"),
             y: .linear("Working Alliance Inventory short revised total at session three"),
             layers: [Layer(.points(x: [-12, -3, 0, 4], y: [20, 35, 41, 52]))], width: 300, height: 240)
    }
}
