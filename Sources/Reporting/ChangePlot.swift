import Measures
import Output

/// The Jacobson–Truax plot: each client's pre score (x) against post score (y), the no-change diagonal, the
/// band of changes too small to be reliable (diagonal ± reliable change), the clinical cut-off on both axes,
/// and points shaped and coloured by category. Both axes share one range so that the diagonal is the
/// identity. Clients are never labelled; the `<desc>` gives the counts.
public struct ChangePlot {
    let result: ChangeResult
    let pre: [Double?]
    let post: [Double?]
    let preName: String
    let postName: String
    let instrument: String?

    /// Colour and shape per category: improvement in green and blue, deterioration in vermillion, no
    /// reliable change in grey; every category also has its own point shape.
    public static func style(_ category: ChangeCategory) -> MarkStyle {
        switch category {
        case .recovered: return MarkStyle(color: Color.okabeIto[2], shape: .circle, opacity: 0.8)
        case .improved: return MarkStyle(color: Color.okabeIto[4], shape: .triangle, opacity: 0.8)
        // Okabe–Ito grey (#999999) is too faint on the grey band; the darker neutral keeps the squares legible.
        case .unchanged: return MarkStyle(color: .gray, shape: .square, pointRadius: 3.2, opacity: 0.85)
        case .deteriorated: return MarkStyle(color: Color.okabeIto[5], shape: .diamond, pointRadius: 4, opacity: 0.9)
        }
    }

    /// Clients at the same (pre, post) pair in one category, in order of first appearance.
    struct Stack {
        var x: [Double] = []
        var y: [Double] = []
        var count: [Int] = []
        var index: [PairKey: Int] = [:]

        struct PairKey: Hashable {
            let x: UInt64, y: UInt64
        }

        mutating func add(_ px: Double, _ py: Double) {
            let key = PairKey(x: px.bitPattern, y: py.bitPattern)
            if let i = index[key] { count[i] += 1; return }
            index[key] = x.count
            x.append(px)
            y.append(py)
            count.append(1)
        }
    }

    /// Largest point radius in pixels (the most crowded pair) and the smallest, so a single client stays visible.
    static let maxRadius = 6.5
    static let minRadius = 2.6

    public init(result: ChangeResult, pre: [Double?], post: [Double?], preName: String, postName: String, instrument: String?) {
        self.result = result
        self.pre = pre
        self.post = post
        self.preName = preName
        self.postName = postName
        self.instrument = instrument
    }

    public func plot() -> Plot {
        // Scores are often whole numbers, so many clients share a pair: one point per pair, its area
        // proportional to the number of clients (no jitter, which would invent data).
        var stacks: [ChangeCategory: Stack] = [:]
        var all: [Double] = []
        for i in result.rows.indices {
            guard let row = result.rows[i], let x = pre[i], let y = post[i] else { continue }
            stacks[row.category, default: Stack()].add(x, y)
            all += [x, y]
        }
        let crowded = stacks.values.flatMap(\.count).max() ?? 1
        if let c = result.cutoff { all.append(c) }
        // Non-finite scores are not drawn and must not reach the axis limits (a NaN range would trap).
        let finite = all.filter(\.isFinite)
        let low = finite.min() ?? 0, high = finite.max() ?? 1
        let span = high > low ? high - low : 1
        let limits = (low - 0.05 * span)...(high + 0.05 * span)
        let rc = result.reliableChange

        var layers: [Layer] = [
            Layer(.ribbon(x: [limits.lowerBound, limits.upperBound],
                          low: [limits.lowerBound - rc, limits.upperBound - rc],
                          high: [limits.lowerBound + rc, limits.upperBound + rc]),
                  label: "Change < \(PlotNumber.points(rc)) (not reliable)",
                  style: MarkStyle(color: .gray, ribbonOpacity: 0.12)),
            Layer(.reference(.abline(intercept: 0, slope: 1)), label: "No change", style: .reference),
        ]
        if let c = result.cutoff {
            let cutStyle = MarkStyle(color: .ink, dash: .dotted, lineWidth: 1.2)
            let label = "Cut-off (\(PlotNumber.points(c)))"
            layers.append(Layer(.reference(.vertical(x: c)), label: label, style: cutStyle))
            layers.append(Layer(.reference(.horizontal(y: c)), label: label, style: cutStyle))
        }
        for category in ChangeCategory.allCases {
            guard let stack = stacks[category] else { continue }
            let sizes = crowded > 1
                ? stack.count.map { max(Self.minRadius, Self.maxRadius * (Double($0) / Double(crowded)).squareRoot()) }
                : nil
            layers.append(Layer(.points(x: stack.x, y: stack.y, sizes: sizes),
                                label: "\(category.label) (n = \(result.counts[category]))", style: Self.style(category)))
        }
        return Plot(
            title: instrument.map { "Reliable change in \($0.uppercased())" } ?? "Reliable change: \(preName) to \(postName)",
            description: description(crowded: crowded),
            x: Axis(title: Self.axisTitle(preName, role: "pre"), limits: limits),
            y: Axis(title: Self.axisTitle(postName, role: "post"), limits: limits),
            layers: layers,
            legendTitle: crowded > 1 ? "Jacobson–Truax (area ∝ n)" : "Jacobson–Truax",
            width: 680, height: 400,
            idPrefix: "change")
    }

    /// "phq_pre (pre)", but just "pre" for a column that is itself called pre (no "pre (pre)").
    public static func axisTitle(_ column: String, role: String) -> String {
        column.lowercased() == role ? column : "\(column) (\(role))"
    }

    private func description(crowded: Int) -> String {
        let c = result.counts
        let better = result.direction == .lowerBetter ? "below" : "above"
        var text = "Jacobson-Truax plot of \(result.n) clients: \(preName) (pre, x axis) against \(postName) (post, y axis). "
            + "\(c.recovered) recovered, \(c.improved) improved, \(c.unchanged) unchanged, \(c.deteriorated) deteriorated. "
            + "Points \(better) the diagonal improved; the grey band marks changes smaller than \(PlotNumber.points(result.reliableChange)) points, "
            + "which are not reliable."
        if let cut = result.cutoff {
            text += " Dotted lines mark the clinical cut-off at \(PlotNumber.points(cut))."
        }
        if crowded > 1 {
            text += " Point area is proportional to the number of clients with the same pair of scores (at most \(crowded))."
        }
        return text
    }
}
