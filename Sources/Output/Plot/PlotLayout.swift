/// Where everything goes: margins, the panel rectangle, resolved scales and title lines.
struct PlotLayout {
    var panelLeft = 0.0
    var panelRight = 0.0
    var panelTop = 0.0
    var panelBottom = 0.0
    var xScale: ResolvedScale
    var yScale: ResolvedScale
    var titleLines: [String] = []
    var rotateXLabels = false
    var xTitleLines: [String] = []
    var yTitleLines: [String] = []
    /// Estimated width of the widest y tick label.
    var widestYLabel = 0.0
    var legend: LegendModel
    /// Height reserved at the bottom for the plot's axis table.
    var tableSpace = 0.0

    /// Canvas size actually used: non-finite or tiny sizes fall back to something drawable.
    var width = 640.0
    var height = 420.0

    init(plot: Plot) {
        let outer = PlotStyle.outer
        let width = plot.width.isFinite ? max(80, plot.width) : 640
        let height = plot.height.isFinite ? max(60, plot.height) : 420
        let tickFont = PlotStyle.tickFont
        let titleLines = plot.title.map {
            TextMetrics.wrap($0, fontSize: PlotStyle.titleFont, maxWidth: width - 2 * outer)
        } ?? []
        let top = outer + (titleLines.isEmpty ? 4 : Double(titleLines.count) * PlotStyle.titleFont * 1.25 + 8)
        legend = LegendModel(plot: plot, maxWidth: width * 0.32, availableHeight: height - top - outer)
        let legendSpace = legend.isEmpty ? 0 : legend.width + PlotStyle.legendGap
        var right = outer + legendSpace
        // Axis titles wrap rather than run off the canvas: x to the canvas width, y to the panel height.
        let titleFont = PlotStyle.axisTitleFont
        let xTitleLines = plot.x.title.map { TextMetrics.wrap($0, fontSize: titleFont, maxWidth: width - 2 * outer) } ?? []
        let tableSpace = plot.axisTable?.height ?? 0
        let xTitleSpace = (xTitleLines.isEmpty ? 0 : Double(xTitleLines.count) * PlotStyle.axisTitleLineHeight + 8 - 2) + tableSpace
        let roughPanelHeight = height - top - outer - xTitleSpace - tickFont - PlotStyle.tickLength - 6
        let yTitleLines = plot.y.title.map {
            TextMetrics.wrap($0, fontSize: titleFont, maxWidth: max(60, roughPanelHeight))
        } ?? []
        let yTitleSpace = yTitleLines.isEmpty ? 0 : Double(yTitleLines.count) * PlotStyle.axisTitleLineHeight + 4
        var bottom = outer + xTitleSpace + tickFont + PlotStyle.tickLength + 6
        var left = outer + 30
        let xData = PlotLayout.extent(of: plot.layers, axis: .x)
        let yData = PlotLayout.extent(of: plot.layers, axis: .y)

        func resolveY() -> ResolvedScale {
            let reversed = PlotLayout.isCategorical(plot.y)
            let bottomPixel = max(top + 20, height - bottom)
            return ResolvedScale.resolve(plot.y, data: yData,
                                         pixelStart: reversed ? top : bottomPixel,
                                         pixelEnd: reversed ? bottomPixel : top,
                                         horizontal: false, fontSize: tickFont)
        }
        func resolveX() -> ResolvedScale {
            ResolvedScale.resolve(plot.x, data: xData, pixelStart: left, pixelEnd: max(left + 20, width - right),
                                  horizontal: true, fontSize: tickFont)
        }

        var yScale = resolveY()
        var xScale = resolveX()
        var rotate = false
        // Margins depend on labels and labels on margins: settle in a few passes.
        for _ in 0..<4 {
            yScale = resolveY()
            let widestY = yScale.labels.map { TextMetrics.width($0, fontSize: tickFont) }.max() ?? 0
            left = outer + yTitleSpace + widestY + PlotStyle.tickLength + 4
            xScale = resolveX()
            rotate = PlotLayout.isCategorical(plot.x) && xScale.labelsCollide(horizontal: true, fontSize: tickFont)
            let widestX = xScale.labels.map { TextMetrics.width($0, fontSize: tickFont) }.max() ?? 0
            if rotate {
                bottom = outer + xTitleSpace + (widestX + tickFont) * 0.7071 + PlotStyle.tickLength + 6
            } else {
                bottom = outer + xTitleSpace + tickFont + PlotStyle.tickLength + 6
            }
            // Keep the outermost x labels on the canvas.
            var grewMargin = false
            for (tick, label) in zip(xScale.ticks, xScale.labels) {
                guard let position = xScale.pixel(tick) else { continue }
                let labelWidth = TextMetrics.width(label, fontSize: tickFont)
                let leftEdge = rotate ? position - (labelWidth + tickFont) * 0.7071 : position - labelWidth / 2
                let rightEdge = rotate ? position + tickFont : position + labelWidth / 2
                if leftEdge < outer {
                    left += outer - leftEdge
                    grewMargin = true
                }
                if rightEdge > width - outer && legend.isEmpty {
                    right += rightEdge - (width - outer)
                    grewMargin = true
                }
            }
            if grewMargin { xScale = resolveX() }
        }
        yScale = resolveY()
        // Categories that cannot all be labelled legibly: label every k-th one.
        if PlotLayout.isCategorical(plot.y) {
            yScale = yScale.thinningCategoryLabels(minimumSpacing: tickFont + 2)
        }
        if rotate {
            xScale = xScale.thinningCategoryLabels(minimumSpacing: tickFont + 2)
        }
        widestYLabel = yScale.labels.map { TextMetrics.width($0, fontSize: tickFont) }.max() ?? 0
        self.xScale = xScale
        self.yScale = yScale
        self.titleLines = titleLines
        self.rotateXLabels = rotate
        self.xTitleLines = xTitleLines
        self.yTitleLines = yTitleLines
        self.tableSpace = tableSpace
        self.width = width
        self.height = height
        panelLeft = left
        // A canvas too small for its labels still gets a (tiny) panel rather than a negative one.
        panelRight = max(left + 20, width - right)
        panelTop = top
        panelBottom = max(top + 20, height - bottom)
    }

    static func isCategorical(_ axis: Axis) -> Bool {
        if case .categorical = axis.scale { return true }
        return false
    }

    enum Dimension { case x, y }

    /// The data values a layer places along one dimension (used for automatic domains).
    static func extent(of layers: [Layer], axis dimension: Dimension) -> [Double] {
        var values: [Double] = []
        let isX = dimension == .x
        for layer in layers {
            switch layer.mark {
            case let .points(x, y, _):
                values += isX ? x : y
            case let .line(x, y, _):
                values += isX ? x : y
            case let .ribbon(x, low, high, _):
                values += isX ? x : low + high
            case let .bars(positions, barValues, width, orientation, base):
                let alongPositions = (orientation == .vertical) == isX
                if alongPositions {
                    values += positions.map { $0 - width / 2 } + positions.map { $0 + width / 2 }
                } else {
                    values += barValues + [base]
                }
            case let .intervals(positions, low, high, orientation, _):
                let alongPositions = (orientation == .horizontal) != isX
                values += alongPositions ? positions : low + high
            case let .reference(line):
                switch line {
                case .horizontal(let y): if !isX { values.append(y) }
                case .vertical(let x): if isX { values.append(x) }
                case .abline: break
                }
            case .text, .heatmap:
                break
            }
        }
        return values
    }
}
