/// One layer of marks in data coordinates, with an optional legend label and a style.
/// Layers that share a label share one legend entry (e.g. a group's line, band and points).
public struct Layer: Sendable {
    public var mark: Mark
    public var label: String?
    public var style: MarkStyle

    public init(_ mark: Mark, label: String? = nil, style: MarkStyle = MarkStyle()) {
        self.mark = mark
        self.label = label
        self.style = style
    }
}

/// What a layer draws. Positions on a categorical axis are category indices (0, 1, 2, …).
/// Non-finite values are skipped (lines and ribbons break there); on a log axis, so are values ≤ 0.
public enum Mark: Sendable {
    /// Points at (x, y). `sizes`, when given, are per-point radii in pixels (e.g. forest-plot weights);
    /// otherwise every point has the style's `pointRadius`.
    case points(x: [Double], y: [Double], sizes: [Double]? = nil)
    /// A line through (x, y) in the given order.
    case line(x: [Double], y: [Double], interpolation: Interpolation = .linear)
    /// A filled band between `low` and `high` over `x` (confidence bands).
    case ribbon(x: [Double], low: [Double], high: [Double], interpolation: Interpolation = .linear)
    /// Bars from `base` to each value. `.vertical` bars stand at x positions and rise along y;
    /// `.horizontal` bars sit at y positions and extend along x. `width` is in data units (1 = a category).
    case bars(positions: [Double], values: [Double], width: Double = 0.7, orientation: Orientation = .vertical,
              base: Double = 0)
    /// Interval segments (error bars, confidence intervals). `.horizontal` segments span low…high along x
    /// at y = position (forest plots); `.vertical` ones span along y at x = position. `capSize` is the
    /// half-length of end caps in pixels (0 = none).
    case intervals(positions: [Double], low: [Double], high: [Double], orientation: Orientation = .horizontal,
                   capSize: Double = 0)
    /// A reference line across the panel.
    case reference(ReferenceLine)
    /// Text placed at data coordinates.
    case text([TextAnnotation])
    /// A grid of coloured cells on two categorical axes.
    case heatmap(Heatmap)
}

public enum Interpolation: Sendable {
    case linear
    /// Horizontal to the next x, then vertical (survival curves).
    case stepAfter
}

public enum Orientation: Sendable {
    case horizontal, vertical
}

public enum ReferenceLine: Sendable {
    case horizontal(y: Double)
    case vertical(x: Double)
    /// y = intercept + slope · x in data units, clipped to the panel.
    case abline(intercept: Double, slope: Double)
}

public struct TextAnnotation: Sendable {
    public enum Anchor: String, Sendable { case start, middle, end }
    public var x: Double
    public var y: Double
    public var text: String
    public var anchor: Anchor
    /// Pixel offsets from the data position (positive dy moves down).
    public var dx: Double
    public var dy: Double
    public var fontSize: Double

    public init(x: Double, y: Double, text: String, anchor: Anchor = .start, dx: Double = 0, dy: Double = 0,
                fontSize: Double = 11) {
        self.x = x
        self.y = y
        self.text = text
        self.anchor = anchor
        self.dx = dx
        self.dy = dy
        self.fontSize = fontSize
    }
}

/// Cells `values[row][column]`: rows sit at y category positions, columns at x category positions.
/// Colours come from a diverging palette over `domain`; labels show the value with `labelPlaces`
/// decimals (none when `nil`), without a leading zero when `boundedLabels` (APA, for r). Missing cells
/// are left blank.
public struct Heatmap: Sendable {
    public var values: [[Double?]]
    public var palette: DivergingPalette
    public var labelPlaces: Int?
    public var boundedLabels: Bool
    /// Title of the colour bar in the legend column.
    public var colorBarTitle: String?

    public init(values: [[Double?]], palette: DivergingPalette = DivergingPalette(), labelPlaces: Int? = 2,
                boundedLabels: Bool = true, colorBarTitle: String? = nil) {
        self.values = values
        self.palette = palette
        self.labelPlaces = labelPlaces
        self.boundedLabels = boundedLabels
        self.colorBarTitle = colorBarTitle
    }
}

public enum PointShape: String, Sendable, CaseIterable {
    case circle, square, triangle, diamond, cross, plus, triangleDown
}

public enum LineDash: String, Sendable, CaseIterable {
    case solid, dashed, dotted, dashDot

    /// The SVG `stroke-dasharray`, or `nil` for solid.
    var dashArray: String? {
        switch self {
        case .solid: return nil
        case .dashed: return "6 4"
        case .dotted: return "1 3"
        case .dashDot: return "6 3 1 3"
        }
    }
}

/// How a layer looks. `group(_:)` gives the n-th group its own colour, point shape and line type,
/// so that colour is never the only cue.
public struct MarkStyle: Sendable, Equatable {
    public var color: Color
    public var shape: PointShape
    public var dash: LineDash
    /// Point radius in pixels.
    public var pointRadius: Double
    public var lineWidth: Double
    /// Fill opacity for points, bars and heatmap cells.
    public var opacity: Double
    /// Fill opacity for ribbons.
    public var ribbonOpacity: Double

    public init(color: Color = Color.okabeIto[0], shape: PointShape = .circle, dash: LineDash = .solid,
                pointRadius: Double = 3.5, lineWidth: Double = 1.5, opacity: Double = 1, ribbonOpacity: Double = 0.25) {
        self.color = color
        self.shape = shape
        self.dash = dash
        self.pointRadius = pointRadius
        self.lineWidth = lineWidth
        self.opacity = opacity
        self.ribbonOpacity = ribbonOpacity
    }

    /// The style of group `index` (0-based): Okabe–Ito colour, and a point shape and line type that
    /// cycle independently of colour.
    public static func group(_ index: Int) -> MarkStyle {
        let i = max(0, index)
        let shapes: [PointShape] = [.circle, .triangle, .square, .diamond, .cross, .plus, .triangleDown]
        return MarkStyle(color: Color.okabeIto[i % Color.okabeIto.count], shape: shapes[i % shapes.count],
                         dash: LineDash.allCases[i % LineDash.allCases.count])
    }

    /// Grey dashed thin line for reference lines (null effect, identity, mean).
    public static let reference = MarkStyle(color: .gray, dash: .dashed, lineWidth: 1)
}
