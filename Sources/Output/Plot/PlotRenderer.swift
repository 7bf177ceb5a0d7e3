/// Draws a `Plot` with its `PlotLayout` into SVG text.
struct PlotRenderer {
    let plot: Plot
    let layout: PlotLayout
    var svg = SVGWriter()

    init(plot: Plot) {
        self.plot = plot
        self.layout = PlotLayout(plot: plot)
    }

    private var n: (Double) -> String { SVGNumber.format }
    private var clipId: String { plot.idPrefix + "-panel" }
    private var gradientId: String { plot.idPrefix + "-colorbar" }

    consuming func render() -> String {
        let width = n(layout.width)
        let height = n(layout.height)
        svg.open("svg", [
            ("xmlns", "http://www.w3.org/2000/svg"), ("width", width), ("height", height),
            ("viewBox", "0 0 \(width) \(height)"), ("role", "img"),
            ("aria-labelledby", "\(plot.idPrefix)-title \(plot.idPrefix)-desc"),
            ("font-family", PlotStyle.fontFamily),
        ])
        svg.element("title", [("id", plot.idPrefix + "-title")], text: plot.title ?? "Plot")
        svg.element("desc", [("id", plot.idPrefix + "-desc")], text: plot.description)
        drawDefinitions()
        svg.element("rect", [("class", "background"), ("width", width), ("height", height), ("fill", "#FFFFFF")])
        drawTitle()
        if plot.showGrid && !hasHeatmap { drawGrid() }
        drawMarks()
        drawAxis(horizontal: true)
        drawAxis(horizontal: false)
        drawAnnotations()
        drawAxisTable()
        drawLegend()
        svg.close("svg")
        return svg.lines.joined(separator: "\n") + "\n"
    }

    private var hasHeatmap: Bool {
        plot.layers.contains { if case .heatmap = $0.mark { return true } else { return false } }
    }

    // MARK: - Frame

    private mutating func drawDefinitions() {
        svg.open("defs")
        svg.open("clipPath", [("id", clipId)])
        svg.element("rect", [
            ("x", n(layout.panelLeft)), ("y", n(layout.panelTop)),
            ("width", n(layout.panelRight - layout.panelLeft)), ("height", n(layout.panelBottom - layout.panelTop)),
        ])
        svg.close("clipPath")
        if let heatmap = layout.legend.heatmap {
            // Bottom (offset 0) is the domain's low end.
            svg.open("linearGradient", [("id", gradientId), ("x1", "0"), ("y1", "1"), ("x2", "0"), ("y2", "0")])
            let palette = heatmap.palette
            for step in 0...10 {
                let fraction = Double(step) / 10
                let value = palette.domain.lowerBound + fraction * (palette.domain.upperBound - palette.domain.lowerBound)
                svg.element("stop", [("offset", n(fraction)), ("stop-color", palette.color(for: value).hex)])
            }
            svg.close("linearGradient")
        }
        svg.close("defs")
    }

    private mutating func drawTitle() {
        guard !layout.titleLines.isEmpty else { return }
        svg.open("g", [("class", "title"), ("font-size", n(PlotStyle.titleFont)), ("font-weight", "600"),
                       ("fill", Color.ink.hex)])
        for (index, line) in layout.titleLines.enumerated() {
            let baseline = PlotStyle.outer + PlotStyle.titleFont * (1 + 1.25 * Double(index))
            svg.element("text", [("x", n(PlotStyle.outer)), ("y", n(baseline))], text: line)
        }
        svg.close("g")
    }

    private mutating func drawGrid() {
        svg.open("g", [("class", "grid"), ("stroke", Color.grid.hex), ("stroke-width", "1")])
        for tick in layout.xScale.ticks {
            guard let x = layout.xScale.pixel(tick) else { continue }
            svg.element("line", [("x1", n(x)), ("y1", n(layout.panelTop)), ("x2", n(x)), ("y2", n(layout.panelBottom))])
        }
        for tick in layout.yScale.ticks {
            guard let y = layout.yScale.pixel(tick) else { continue }
            svg.element("line", [("x1", n(layout.panelLeft)), ("y1", n(y)), ("x2", n(layout.panelRight)), ("y2", n(y))])
        }
        svg.close("g")
    }

    private mutating func drawAxis(horizontal: Bool) {
        let scale = horizontal ? layout.xScale : layout.yScale
        let font = PlotStyle.tickFont
        let tick = PlotStyle.tickLength
        svg.open("g", [("class", horizontal ? "axis axis-x" : "axis axis-y"), ("fill", Color.ink.hex),
                       ("font-size", n(font))])
        if horizontal {
            svg.element("line", [("class", "domain"), ("x1", n(layout.panelLeft)), ("y1", n(layout.panelBottom)),
                                 ("x2", n(layout.panelRight)), ("y2", n(layout.panelBottom)),
                                 ("stroke", Color.ink.hex)])
        } else {
            svg.element("line", [("class", "domain"), ("x1", n(layout.panelLeft)), ("y1", n(layout.panelTop)),
                                 ("x2", n(layout.panelLeft)), ("y2", n(layout.panelBottom)),
                                 ("stroke", Color.ink.hex)])
        }
        for (value, label) in zip(scale.ticks, scale.labels) {
            guard let position = scale.pixel(value) else { continue }
            if horizontal {
                let bottom = layout.panelBottom
                svg.element("line", [("x1", n(position)), ("y1", n(bottom)), ("x2", n(position)),
                                     ("y2", n(bottom + tick)), ("stroke", Color.ink.hex)])
                if layout.rotateXLabels {
                    let y = bottom + tick + 4
                    svg.element("text", [("x", n(position)), ("y", n(y)), ("text-anchor", "end"),
                                         ("dy", n(font * 0.7)),
                                         ("transform", "rotate(-45 \(n(position)) \(n(y)))")], text: label)
                } else {
                    svg.element("text", [("x", n(position)), ("y", n(bottom + tick + 3 + font * 0.8)),
                                         ("text-anchor", "middle")], text: label)
                }
            } else {
                let left = layout.panelLeft
                svg.element("line", [("x1", n(left - tick)), ("y1", n(position)), ("x2", n(left)),
                                     ("y2", n(position)), ("stroke", Color.ink.hex)])
                svg.element("text", [("x", n(left - tick - 3)), ("y", n(position + font * 0.35)),
                                     ("text-anchor", "end")], text: label)
            }
        }
        let titleFont = PlotStyle.axisTitleFont
        let lineHeight = PlotStyle.axisTitleLineHeight
        if horizontal {
            let lines = layout.xTitleLines
            // Centred under the panel, but never past the canvas edges.
            let widest = lines.map { TextMetrics.width($0, fontSize: titleFont) }.max() ?? 0
            let center = min(max((layout.panelLeft + layout.panelRight) / 2, PlotStyle.outer + widest / 2),
                             layout.width - PlotStyle.outer - widest / 2)
            for (index, line) in lines.enumerated() {
                let baseline = layout.height - PlotStyle.outer - 2 - layout.tableSpace - Double(lines.count - 1 - index) * lineHeight
                svg.element("text", [("class", "axis-title"), ("x", n(center)), ("y", n(baseline)),
                                     ("text-anchor", "middle"), ("font-size", n(titleFont))], text: line)
            }
        } else {
            // Just left of the widest tick label (the glyphs extend leftwards from each baseline).
            let lines = layout.yTitleLines
            let center = (layout.panelTop + layout.panelBottom) / 2
            let last = layout.panelLeft - PlotStyle.tickLength - 4 - layout.widestYLabel - 6
            for (index, line) in lines.enumerated() {
                let x = last - Double(lines.count - 1 - index) * lineHeight
                svg.element("text", [("class", "axis-title"), ("x", n(x)), ("y", n(center)),
                                     ("text-anchor", "middle"), ("font-size", n(titleFont)),
                                     ("transform", "rotate(-90 \(n(x)) \(n(center)))")], text: line)
            }
        }
        svg.close("g")
    }

    // MARK: - Marks

    private mutating func drawMarks() {
        svg.open("g", [("class", "marks"), ("clip-path", "url(#\(clipId))")])
        for layer in plot.layers {
            switch layer.mark {
            case let .points(x, y, sizes): drawPoints(x: x, y: y, sizes: sizes, style: layer.style)
            case let .line(x, y, interpolation): drawLine(x: x, y: y, interpolation: interpolation, style: layer.style)
            case let .ribbon(x, low, high, interpolation):
                drawRibbon(x: x, low: low, high: high, interpolation: interpolation, style: layer.style)
            case let .bars(positions, values, width, orientation, base):
                drawBars(positions: positions, values: values, width: width, orientation: orientation, base: base,
                         style: layer.style)
            case let .intervals(positions, low, high, orientation, capSize):
                drawIntervals(positions: positions, low: low, high: high, orientation: orientation, capSize: capSize,
                              style: layer.style)
            case let .reference(line): drawReference(line, style: layer.style)
            case let .heatmap(map): drawHeatmap(map, style: layer.style)
            case .text: break
            }
        }
        svg.close("g")
    }

    private func point(_ x: Double, _ y: Double) -> (Double, Double)? {
        guard let px = layout.xScale.pixel(x), let py = layout.yScale.pixel(y) else { return nil }
        return (px, py)
    }

    private mutating func drawPoints(x: [Double], y: [Double], sizes: [Double]?, style: MarkStyle) {
        let stroked = style.shape == .cross || style.shape == .plus
        var attributes: [(String, String)] = [("class", "mark-point")]
        if stroked {
            attributes += [("fill", "none"), ("stroke", style.color.hex), ("stroke-width", n(style.lineWidth))]
        } else {
            attributes += [("fill", style.color.hex), ("stroke", "#FFFFFF"), ("stroke-width", "0.6")]
        }
        if style.opacity < 1 { attributes.append(("opacity", n(style.opacity))) }
        svg.open("g", attributes)
        for index in 0..<min(x.count, y.count) {
            guard let (px, py) = point(x[index], y[index]) else { continue }
            var radius = style.pointRadius
            if let sizes, index < sizes.count, sizes[index].isFinite, sizes[index] > 0 { radius = sizes[index] }
            drawShape(style.shape, px, py, radius)
        }
        svg.close("g")
    }

    mutating func drawShape(_ shape: PointShape, _ x: Double, _ y: Double, _ r: Double) {
        func path(_ points: [(Double, Double)], closed: Bool = true) -> String {
            points.enumerated().map { ($0.offset == 0 ? "M" : "L") + n($0.element.0) + " " + n($0.element.1) }
                .joined(separator: " ") + (closed ? " Z" : "")
        }
        switch shape {
        case .circle:
            svg.element("circle", [("cx", n(x)), ("cy", n(y)), ("r", n(r))])
        case .square:
            let s = r * 0.89
            svg.element("rect", [("x", n(x - s)), ("y", n(y - s)), ("width", n(2 * s)), ("height", n(2 * s))])
        case .triangle, .triangleDown:
            let big = r * 1.3
            let flip = shape == .triangle ? 1.0 : -1.0
            svg.element("path", [("d", path([(x, y - flip * big), (x + big * 0.866, y + flip * big * 0.5),
                                              (x - big * 0.866, y + flip * big * 0.5)]))])
        case .diamond:
            let d = r * 1.25
            svg.element("path", [("d", path([(x, y - d), (x + d, y), (x, y + d), (x - d, y)]))])
        case .cross:
            let d = r * 0.95
            svg.element("path", [("d", path([(x - d, y - d), (x + d, y + d)], closed: false) + " "
                                    + path([(x - d, y + d), (x + d, y - d)], closed: false))])
        case .plus:
            let d = r * 1.15
            svg.element("path", [("d", path([(x - d, y), (x + d, y)], closed: false) + " "
                                    + path([(x, y - d), (x, y + d)], closed: false))])
        }
    }

    /// Runs of consecutive drawable vertices; a vertex that cannot be drawn breaks the line.
    private func runs(x: [Double], y: [Double]) -> [[(Double, Double)]] {
        var result: [[(Double, Double)]] = []
        var current: [(Double, Double)] = []
        for index in 0..<min(x.count, y.count) {
            if let p = point(x[index], y[index]) {
                current.append(p)
            } else if !current.isEmpty {
                result.append(current)
                current = []
            }
        }
        if !current.isEmpty { result.append(current) }
        return result
    }

    /// Inserts the corner vertices of a step-after line.
    private static func stepped(_ vertices: [(Double, Double)]) -> [(Double, Double)] {
        guard var previous = vertices.first else { return [] }
        var result = [previous]
        for vertex in vertices.dropFirst() {
            result.append((vertex.0, previous.1))
            result.append(vertex)
            previous = vertex
        }
        return result
    }

    private func pathData(_ vertices: [(Double, Double)]) -> String {
        vertices.enumerated().map { ($0.offset == 0 ? "M" : "L") + n($0.element.0) + " " + n($0.element.1) }
            .joined(separator: " ")
    }

    private func strokeAttributes(_ style: MarkStyle) -> [(String, String)] {
        var attributes: [(String, String)] = [("fill", "none"), ("stroke", style.color.hex),
                                              ("stroke-width", n(style.lineWidth)), ("stroke-linejoin", "round")]
        if style.opacity < 1 { attributes.append(("stroke-opacity", n(style.opacity))) }
        if let dash = style.dash.dashArray {
            attributes.append(("stroke-dasharray", dash))
            if style.dash == .dotted || style.dash == .dashDot { attributes.append(("stroke-linecap", "round")) }
        }
        return attributes
    }

    private mutating func drawLine(x: [Double], y: [Double], interpolation: Interpolation, style: MarkStyle) {
        let segments = runs(x: x, y: y).filter { $0.count >= 2 }
        guard !segments.isEmpty else { return }
        let data = segments.map { pathData(interpolation == .stepAfter ? PlotRenderer.stepped($0) : $0) }
            .joined(separator: " ")
        svg.element("path", [("class", "mark-line"), ("d", data)] + strokeAttributes(style))
    }

    private mutating func drawRibbon(x: [Double], low: [Double], high: [Double], interpolation: Interpolation,
                                     style: MarkStyle) {
        var polygons: [String] = []
        var upper: [(Double, Double)] = []
        var lower: [(Double, Double)] = []
        func flush() {
            if upper.count >= 2 {
                let top = interpolation == .stepAfter ? PlotRenderer.stepped(upper) : upper
                let bottom = interpolation == .stepAfter ? PlotRenderer.stepped(lower) : lower
                polygons.append(pathData(top + bottom.reversed()) + " Z")
            }
            upper = []
            lower = []
        }
        for index in 0..<min(x.count, low.count, high.count) {
            if let a = point(x[index], high[index]), let b = point(x[index], low[index]) {
                upper.append(a)
                lower.append(b)
            } else {
                flush()
            }
        }
        flush()
        guard !polygons.isEmpty else { return }
        svg.element("path", [("class", "ribbon"), ("d", polygons.joined(separator: " ")), ("fill", style.color.hex),
                             ("fill-opacity", n(style.ribbonOpacity)), ("stroke", "none")])
    }

    private mutating func drawBars(positions: [Double], values: [Double], width: Double, orientation: Orientation,
                                   base: Double, style: MarkStyle) {
        var attributes: [(String, String)] = [("class", "mark-bar"), ("fill", style.color.hex)]
        if style.opacity < 1 { attributes.append(("fill-opacity", n(style.opacity))) }
        svg.open("g", attributes)
        let positionScale = orientation == .vertical ? layout.xScale : layout.yScale
        let valueScale = orientation == .vertical ? layout.yScale : layout.xScale
        for index in 0..<min(positions.count, values.count) {
            guard let a = positionScale.pixel(positions[index] - width / 2),
                  let b = positionScale.pixel(positions[index] + width / 2),
                  let v = valueScale.pixelClampingLog(values[index]),
                  let v0 = valueScale.pixelClampingLog(base) else { continue }
            let (x0, x1, y0, y1) = orientation == .vertical ? (a, b, v, v0) : (v0, v, a, b)
            svg.element("rect", [("x", n(min(x0, x1))), ("y", n(min(y0, y1))), ("width", n(abs(x1 - x0))),
                                 ("height", n(abs(y1 - y0)))])
        }
        svg.close("g")
    }

    private mutating func drawIntervals(positions: [Double], low: [Double], high: [Double], orientation: Orientation,
                                        capSize: Double, style: MarkStyle) {
        svg.open("g", [("class", "mark-interval")] + strokeAttributes(style))
        let positionScale = orientation == .horizontal ? layout.yScale : layout.xScale
        let valueScale = orientation == .horizontal ? layout.xScale : layout.yScale
        for index in 0..<min(positions.count, low.count, high.count) {
            guard let p = positionScale.pixel(positions[index]),
                  let a = valueScale.pixel(low[index]), let b = valueScale.pixel(high[index]) else { continue }
            var d: String
            if orientation == .horizontal {
                d = "M\(n(a)) \(n(p)) L\(n(b)) \(n(p))"
                if capSize > 0 {
                    d += " M\(n(a)) \(n(p - capSize)) L\(n(a)) \(n(p + capSize))"
                    d += " M\(n(b)) \(n(p - capSize)) L\(n(b)) \(n(p + capSize))"
                }
            } else {
                d = "M\(n(p)) \(n(a)) L\(n(p)) \(n(b))"
                if capSize > 0 {
                    d += " M\(n(p - capSize)) \(n(a)) L\(n(p + capSize)) \(n(a))"
                    d += " M\(n(p - capSize)) \(n(b)) L\(n(p + capSize)) \(n(b))"
                }
            }
            svg.element("path", [("d", d)])
        }
        svg.close("g")
    }

    private mutating func drawReference(_ line: ReferenceLine, style: MarkStyle) {
        let (left, right, top, bottom) = (layout.panelLeft, layout.panelRight, layout.panelTop, layout.panelBottom)
        var d: String?
        switch line {
        case .horizontal(let value):
            if let y = layout.yScale.pixel(value) { d = "M\(n(left)) \(n(y)) L\(n(right)) \(n(y))" }
        case .vertical(let value):
            if let x = layout.xScale.pixel(value) { d = "M\(n(x)) \(n(top)) L\(n(x)) \(n(bottom))" }
        case let .abline(intercept, slope):
            d = ablinePath(intercept: intercept, slope: slope)
        }
        guard let d else { return }
        svg.element("path", [("class", "reference-line"), ("d", d)] + strokeAttributes(style))
    }

    /// y = a + b·x: a straight segment clipped to the panel on linear axes, a sampled curve otherwise.
    private func ablinePath(intercept: Double, slope: Double) -> String? {
        guard intercept.isFinite, slope.isFinite else { return nil }
        let xs = layout.xScale
        let ys = layout.yScale
        if !xs.isLog && !ys.isLog {
            let x0 = xs.domain.low
            let x1 = xs.domain.high
            guard let p0 = point(x0, intercept + slope * x0), let p1 = point(x1, intercept + slope * x1),
                  let clipped = PlotRenderer.clip(p0, p1, left: layout.panelLeft, right: layout.panelRight,
                                                  top: layout.panelTop, bottom: layout.panelBottom) else { return nil }
            return pathData([clipped.0, clipped.1])
        }
        let samples = 96
        var xValues: [Double] = []
        var yValues: [Double] = []
        for step in 0...samples {
            let pixel = layout.panelLeft + (layout.panelRight - layout.panelLeft) * Double(step) / Double(samples)
            let x = xs.value(atPixel: pixel)
            xValues.append(x)
            yValues.append(intercept + slope * x)
        }
        let segments = runs(x: xValues, y: yValues).filter { $0.count >= 2 }
        guard !segments.isEmpty else { return nil }
        return segments.map(pathData).joined(separator: " ")
    }

    /// Liang–Barsky clipping of the segment p0–p1 to a rectangle; `nil` when it lies outside.
    static func clip(_ p0: (Double, Double), _ p1: (Double, Double), left: Double, right: Double, top: Double,
                     bottom: Double) -> ((Double, Double), (Double, Double))? {
        let dx = p1.0 - p0.0
        let dy = p1.1 - p0.1
        var t0 = 0.0
        var t1 = 1.0
        let checks: [(Double, Double)] = [(-dx, p0.0 - left), (dx, right - p0.0), (-dy, p0.1 - top), (dy, bottom - p0.1)]
        for (p, q) in checks {
            if p == 0 {
                if q < 0 { return nil }
            } else {
                let t = q / p
                if p < 0 { t0 = max(t0, t) } else { t1 = min(t1, t) }
            }
        }
        guard t0 <= t1 else { return nil }
        return ((p0.0 + t0 * dx, p0.1 + t0 * dy), (p0.0 + t1 * dx, p0.1 + t1 * dy))
    }

    private mutating func drawHeatmap(_ map: Heatmap, style: MarkStyle) {
        svg.open("g", [("class", "heatmap"), ("stroke", "#FFFFFF"), ("stroke-width", "1")])
        var labels: [(x: Double, y: Double, text: String, color: Color, size: Double)] = []
        for (row, values) in map.values.enumerated() {
            for (column, value) in values.enumerated() {
                guard let value, value.isFinite,
                      let xa = layout.xScale.pixel(Double(column) - 0.5), let xb = layout.xScale.pixel(Double(column) + 0.5),
                      let ya = layout.yScale.pixel(Double(row) - 0.5), let yb = layout.yScale.pixel(Double(row) + 0.5)
                else { continue }
                let fill = map.palette.color(for: value)
                var attributes: [(String, String)] = [("x", n(min(xa, xb))), ("y", n(min(ya, yb))),
                                                      ("width", n(abs(xb - xa))), ("height", n(abs(yb - ya))),
                                                      ("fill", fill.hex)]
                if style.opacity < 1 { attributes.append(("fill-opacity", n(style.opacity))) }
                svg.element("rect", attributes)
                if let places = map.labelPlaces {
                    let text = map.boundedLabels
                        ? NumberFormat.bounded(value, places: places) : NumberFormat.fixed(value, places: places)
                    let cellWidth = abs(xb - xa)
                    let cellHeight = abs(yb - ya)
                    let fitWidth = (cellWidth - 4) / (0.6 * Double(max(1, text.count)))
                    let size = min(PlotStyle.tickFont, cellHeight * 0.5, fitWidth)
                    if size >= 6 {
                        labels.append(((xa + xb) / 2, (ya + yb) / 2 + size * 0.35, text, fill.contrastingText, size))
                    }
                }
            }
        }
        svg.close("g")
        guard !labels.isEmpty else { return }
        svg.open("g", [("class", "heatmap-labels"), ("text-anchor", "middle")])
        for label in labels {
            svg.element("text", [("x", n(label.x)), ("y", n(label.y)), ("font-size", n(label.size)),
                                 ("fill", label.color.hex)], text: label.text)
        }
        svg.close("g")
    }

    /// The axis table at the foot of the canvas: title, then a row per series with values at their x positions.
    private mutating func drawAxisTable() {
        guard let table = plot.axisTable else { return }
        let font = PlotStyle.tickFont
        let top = layout.height - PlotStyle.outer - layout.tableSpace + 8
        svg.open("g", [("class", "axis-table"), ("font-size", n(font)), ("fill", Color.ink.hex)])
        svg.element("text", [("x", n(PlotStyle.outer)), ("y", n(top + AxisTable.lineHeight - 3)), ("font-weight", "600")],
                    text: table.title)
        for (index, row) in table.rows.enumerated() {
            let baseline = top + Double(index + 2) * AxisTable.lineHeight - 3
            svg.element("text", [("x", n(PlotStyle.outer)), ("y", n(baseline)), ("fill", row.color.hex)], text: row.label)
            for value in row.values {
                guard let x = layout.xScale.pixel(value.x) else { continue }
                svg.element("text", [("x", n(x)), ("y", n(baseline)), ("text-anchor", "middle")], text: value.text)
            }
        }
        svg.close("g")
    }

    private mutating func drawAnnotations() {
        for layer in plot.layers {
            guard case .text(let annotations) = layer.mark, !annotations.isEmpty else { continue }
            svg.open("g", [("class", "annotation"), ("fill", Color.ink.hex)])
            for annotation in annotations {
                guard let (x, y) = point(annotation.x, annotation.y) else { continue }
                svg.element("text", [("x", n(x + annotation.dx)), ("y", n(y + annotation.dy)),
                                     ("text-anchor", annotation.anchor.rawValue),
                                     ("font-size", n(annotation.fontSize))], text: annotation.text)
            }
            svg.close("g")
        }
    }

    // MARK: - Legend

    private mutating func drawLegend() {
        let legend = layout.legend
        guard !legend.isEmpty else { return }
        let font = PlotStyle.legendFont
        let x0 = layout.panelRight + PlotStyle.legendGap
        let y0 = layout.panelTop
        svg.open("g", [("class", "legend"), ("font-size", n(font)), ("fill", Color.ink.hex)])
        for (index, line) in legend.titleLines.enumerated() {
            let baseline = y0 + Double(index + 1) * LegendModel.lineHeight - 2
            svg.element("text", [("x", n(x0)), ("y", n(baseline)), ("font-weight", "600")], text: line)
        }
        for (entry, frame) in zip(legend.entries, legend.entryFrames) {
            let x = x0 + frame.x
            let centerY = y0 + frame.y + frame.height / 2
            svg.open("g", [("class", "legend-entry")])
            for glyph in entry.glyphs { drawGlyph(glyph, x: x, centerY: centerY) }
            let textX = x + LegendModel.swatchWidth + LegendModel.swatchGap
            let firstBaseline = centerY - Double(entry.lines.count - 1) * LegendModel.lineHeight / 2 + font * 0.35
            for (index, line) in entry.lines.enumerated() {
                svg.element("text", [("x", n(textX)), ("y", n(firstBaseline + Double(index) * LegendModel.lineHeight))],
                            text: line)
            }
            svg.close("g")
        }
        if legend.heatmap != nil {
            drawColorBar(legend, x: x0 + legend.colorBarFrame.x, top: y0 + legend.colorBarFrame.y,
                         barHeight: legend.colorBarFrame.barHeight)
        }
        svg.close("g")
    }

    private mutating func drawGlyph(_ glyph: LegendModel.Glyph, x: Double, centerY: Double) {
        let w = LegendModel.swatchWidth
        switch glyph {
        case .ribbon(let style):
            svg.element("rect", [("x", n(x)), ("y", n(centerY - 6)), ("width", n(w)), ("height", "12"),
                                 ("fill", style.color.hex), ("fill-opacity", n(style.ribbonOpacity))])
        case .bar(let style):
            svg.element("rect", [("x", n(x + 3)), ("y", n(centerY - 6)), ("width", n(w - 6)), ("height", "12"),
                                 ("fill", style.color.hex)])
        case .line(let style):
            svg.element("path", [("d", "M\(n(x)) \(n(centerY)) L\(n(x + w)) \(n(centerY))")] + strokeAttributes(style))
        case .interval(let style):
            svg.element("path", [("d", "M\(n(x + 2)) \(n(centerY)) L\(n(x + w - 2)) \(n(centerY))")]
                        + strokeAttributes(style))
        case .point(let style):
            let stroked = style.shape == .cross || style.shape == .plus
            svg.open("g", stroked
                ? [("fill", "none"), ("stroke", style.color.hex), ("stroke-width", n(style.lineWidth))]
                : [("fill", style.color.hex), ("stroke", "#FFFFFF"), ("stroke-width", "0.6")])
            drawShape(style.shape, x + w / 2, centerY, min(style.pointRadius, 5))
            svg.close("g")
        }
    }

    private mutating func drawColorBar(_ legend: LegendModel, x: Double, top: Double, barHeight: Double) {
        var y = top
        for line in legend.colorBarTitleLines {
            y += LegendModel.lineHeight
            svg.element("text", [("x", n(x)), ("y", n(y - 2)), ("font-weight", "600")], text: line)
        }
        y += 6
        svg.open("g", [("class", "colorbar")])
        svg.element("rect", [("x", n(x)), ("y", n(y)), ("width", n(LegendModel.colorBarWidth)),
                             ("height", n(barHeight)), ("fill", "url(#\(gradientId))"), ("stroke", Color.gray.hex),
                             ("stroke-width", "0.5")])
        let labels = legend.colorBarLabels
        for (index, label) in labels.enumerated() {
            let tickY = y + barHeight * Double(index) / Double(max(1, labels.count - 1))
            let right = x + LegendModel.colorBarWidth
            svg.element("line", [("x1", n(right)), ("y1", n(tickY)), ("x2", n(right + 4)), ("y2", n(tickY)),
                                 ("stroke", Color.ink.hex)])
            svg.element("text", [("x", n(right + 7)), ("y", n(tickY + PlotStyle.legendFont * 0.35))], text: label.text)
        }
        svg.close("g")
    }
}
