/// A single-panel chart rendered to standalone SVG.
///
/// The SVG has a `viewBox`, `role="img"`, a `<title>` and a `<desc>` (the caller's summary of the data,
/// for screen readers), text as `<text>` in a system font stack, semantic `class` names on groups
/// (`title`, `grid`, `marks`, `mark-point`, `mark-line`, `ribbon`, `mark-bar`, `mark-interval`,
/// `reference-line`, `heatmap`, `annotation`, `axis axis-x`, `axis axis-y`, `axis-title`, `legend`),
/// marks clipped to the panel, and deterministic bytes (coordinates with at most two decimals, ids
/// derived from `idPrefix`). Layout estimates text widths (0.6 em per character) to keep labels inside
/// the canvas: the left margin fits the widest y label, x tick labels are thinned (numeric) or rotated
/// 45° (categorical) when they would collide, and the legend sits outside the panel on the right.
public struct Plot: Sendable {
    public var title: String?
    /// A sentence or two summarising what the plot shows, for the SVG `<desc>`.
    public var description: String
    public var x: Axis
    public var y: Axis
    public var layers: [Layer]
    public var legendTitle: String?
    public var width: Double
    public var height: Double
    public var showGrid: Bool
    /// Prefix of element ids (clip path, gradient, title); set it when several plots share one HTML page.
    public var idPrefix: String
    /// A table under the x axis aligned with its positions (e.g. numbers at risk); nil for none.
    public var axisTable: AxisTable? = nil

    public init(title: String? = nil, description: String, x: Axis = Axis(), y: Axis = Axis(), layers: [Layer],
                legendTitle: String? = nil, width: Double = 640, height: Double = 420, showGrid: Bool = true,
                idPrefix: String = "plot") {
        self.title = title
        self.description = description
        self.x = x
        self.y = y
        self.layers = layers
        self.legendTitle = legendTitle
        self.width = width
        self.height = height
        self.showGrid = showGrid
        self.idPrefix = idPrefix
    }

    /// The width layout reserves for a tick label (an estimate: SVG text cannot be measured), so that a figure
    /// with long category labels (labelled model terms) can be made wider and keep its panel readable.
    public static func estimatedTickLabelWidth(_ text: String) -> Double {
        TextMetrics.width(text, fontSize: PlotStyle.tickFont)
    }

    /// The standalone SVG document (UTF-8 text ending in a newline).
    public func svg() -> String {
        PlotRenderer(plot: self).render()
    }
}

/// Font sizes and spacing shared by layout and drawing.
enum PlotStyle {
    static let fontFamily = "system-ui, -apple-system, \"Segoe UI\", Helvetica, Arial, sans-serif"
    static let titleFont = 15.0
    static let axisTitleFont = 12.0
    static let axisTitleLineHeight = 14.0
    static let tickFont = 11.0
    static let legendFont = 11.0
    static let tickLength = 5.0
    static let outer = 10.0
    static let legendGap = 16.0
}
