/// The legend: one entry per distinct layer label (in first-appearance order), each drawn with the
/// glyphs of all its layers (band, bar, line, interval, point — back to front), plus a colour bar
/// when the plot has a heatmap. It is placed to the right of the panel, never over the data.
struct LegendModel {
    enum Glyph {
        case ribbon(MarkStyle), bar(MarkStyle), line(MarkStyle), interval(MarkStyle), point(MarkStyle)

        var depth: Int {
            switch self {
            case .ribbon: return 0
            case .bar: return 1
            case .line: return 2
            case .interval: return 3
            case .point: return 4
            }
        }
    }

    struct Entry {
        var label: String
        var lines: [String]
        var glyphs: [Glyph]
    }

    static let swatchWidth = 22.0
    static let swatchGap = 6.0
    static let lineHeight = 13.0
    static let rowPadding = 5.0
    static let colorBarWidth = 12.0

    var titleLines: [String] = []
    var entries: [Entry] = []
    var heatmap: Heatmap?
    var colorBarTitleLines: [String] = []
    var width = 0.0

    var isEmpty: Bool { entries.isEmpty && heatmap == nil }

    init(plot: Plot, maxWidth: Double) {
        let font = PlotStyle.legendFont
        let labelWidth = maxWidth - LegendModel.swatchWidth - LegendModel.swatchGap
        for layer in plot.layers {
            if case .heatmap(let map) = layer.mark, heatmap == nil { heatmap = map }
            guard let label = layer.label, let glyph = LegendModel.glyph(for: layer) else { continue }
            if let index = entries.firstIndex(where: { $0.label == label }) {
                entries[index].glyphs.append(glyph)
            } else {
                entries.append(Entry(label: label, lines: TextMetrics.wrap(label, fontSize: font, maxWidth: labelWidth),
                                     glyphs: [glyph]))
            }
        }
        for index in entries.indices {
            entries[index].glyphs.sort { $0.depth < $1.depth }
        }
        if !isEmpty, let title = plot.legendTitle {
            titleLines = TextMetrics.wrap(title, fontSize: font, maxWidth: maxWidth)
        }
        if let title = heatmap?.colorBarTitle {
            colorBarTitleLines = TextMetrics.wrap(title, fontSize: font, maxWidth: maxWidth)
        }
        var widest = 0.0
        for line in titleLines + colorBarTitleLines {
            widest = max(widest, TextMetrics.width(line, fontSize: font))
        }
        for entry in entries {
            for line in entry.lines {
                widest = max(widest, LegendModel.swatchWidth + LegendModel.swatchGap + TextMetrics.width(line, fontSize: font))
            }
        }
        if heatmap != nil {
            for label in colorBarLabels.map(\.text) {
                widest = max(widest, LegendModel.colorBarWidth + 8 + TextMetrics.width(label, fontSize: font))
            }
        }
        width = widest
    }

    /// Values and labels at the colour bar's ends and midpoint.
    var colorBarLabels: [(value: Double, text: String)] {
        guard let heatmap else { return [] }
        let palette = heatmap.palette
        let values = [palette.domain.upperBound, palette.midpoint, palette.domain.lowerBound]
        return zip(values, NiceTicks.labels(values, uniform: false)).map { value, text in
            guard heatmap.boundedLabels else { return (value, text) }
            if text.hasPrefix("0.") { return (value, String(text.dropFirst())) }
            if text.hasPrefix("-0.") { return (value, "-" + text.dropFirst(2)) }
            return (value, text)
        }
    }

    private static func glyph(for layer: Layer) -> Glyph? {
        switch layer.mark {
        case .points: return .point(layer.style)
        case .line, .reference: return .line(layer.style)
        case .ribbon: return .ribbon(layer.style)
        case .bars: return .bar(layer.style)
        case .intervals: return .interval(layer.style)
        case .text, .heatmap: return nil
        }
    }
}
