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
    /// Top-left corner of each entry relative to the legend's origin, and its height.
    var entryFrames: [(x: Double, y: Double, height: Double)] = []
    /// Top-left corner of the colour bar block (its title, then the bar) and the bar's height.
    var colorBarFrame: (x: Double, y: Double, barHeight: Double) = (0, 0, 0)
    var width = 0.0

    var isEmpty: Bool { entries.isEmpty && heatmap == nil }

    /// Entries flow down and then into further columns when they would run past `availableHeight`,
    /// so that no legend text falls off the canvas.
    init(plot: Plot, maxWidth: Double, availableHeight: Double) {
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

        let columnGap = 14.0
        var columnX = 0.0
        var columnWidth = titleLines.map { TextMetrics.width($0, fontSize: font) }.max() ?? 0
        let top = titleLines.isEmpty ? 0 : Double(titleLines.count) * LegendModel.lineHeight + 4
        var y = top
        for entry in entries {
            let height = LegendModel.rowHeight(entry)
            if y > top && y + height > availableHeight {
                columnX += columnWidth + columnGap
                columnWidth = 0
                y = top
            }
            entryFrames.append((columnX, y, height))
            let textWidth = entry.lines.map { TextMetrics.width($0, fontSize: font) }.max() ?? 0
            columnWidth = max(columnWidth, LegendModel.swatchWidth + LegendModel.swatchGap + textWidth)
            y += height
        }
        if heatmap != nil {
            let titleHeight = Double(colorBarTitleLines.count) * LegendModel.lineHeight + 6
            var blockTop = entries.isEmpty ? y : y + 10
            if !entries.isEmpty && blockTop + titleHeight + 60 > availableHeight {
                columnX += columnWidth + columnGap
                columnWidth = 0
                blockTop = top
            }
            let barHeight = max(60, min(140, availableHeight - blockTop - titleHeight - font))
            colorBarFrame = (columnX, blockTop, barHeight)
            for line in colorBarTitleLines {
                columnWidth = max(columnWidth, TextMetrics.width(line, fontSize: font))
            }
            for label in colorBarLabels.map(\.text) {
                columnWidth = max(columnWidth, LegendModel.colorBarWidth + 8 + TextMetrics.width(label, fontSize: font))
            }
        }
        width = columnX + columnWidth
    }

    static func rowHeight(_ entry: Entry) -> Double {
        max(16, Double(entry.lines.count) * lineHeight + rowPadding)
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
