import ArgumentParser
import DataTable
import Models
import Output

/// `alliance plot scatter <data> --x X --y Y [--fit ols] [--by G] --out F.svg`: one point per complete row,
/// optionally with the OLS line and its confidence band for the mean, per group when grouped.
public struct PlotScatterCommand: AllianceSubcommand {
    public static let configuration = CommandConfiguration(
        commandName: "scatter",
        abstract: "Scatter plot of two numeric columns, optionally with an OLS line and confidence band, grouped by colour and shape.",
        discussion: """
            One mark per row with both values (and the --by value) present; the SVG's description counts rows plotted
            and dropped for missing values. --fit ols adds y = a + b·x fitted by least squares with a confidence band for
            the mean (ŷ ± t(df)·SE over 101 x values, as R's predict(lm, interval = "confidence")), one per group with
            --by. Groups smaller than --min-cell are pooled into 'other (suppressed)': drawn, never fitted or named.
            Individual clients are never labelled.
            """
    )

    @OptionGroup public var input: DataInput

    @Option(name: .customLong("x"), help: "Numeric column on the horizontal axis.")
    public var xName: String

    @Option(name: .customLong("y"), help: "Numeric column on the vertical axis.")
    public var yName: String

    @Option(name: .long, help: "Add a fitted line: ols (least-squares line with a confidence band for the mean).")
    public var fit: String?

    @Option(name: .customLong("by"), help: "Group by this column: colour, shape and line type per group, with a legend.")
    public var groupName: String?

    @Option(name: .long, help: "Confidence level of the band (default 0.95).")
    public var level: Double = 0.95

    @OptionGroup public var plotOptions: PlotOutputOptions

    public init() {}

    public var outputOptions: OutputOptions? { plotOptions.summaryOptions }

    /// Points of the grid over which each band is evaluated.
    static let gridSize = 101

    public func execute(in context: RunContext) throws -> CommandReport {
        try plotOptions.validate(command: "scatter")
        if let fit, fit.lowercased() != "ols" { throw CLIError.usage("unknown --fit '\(fit)'; use ols") }
        guard level > 0 && level < 1 else { throw CLIError.usage("--level must be strictly between 0 and 1, e.g. 0.95") }
        let minCell = plotOptions.minCell
        let data = try input.load(in: context)
        let x = try PlotColumns.numeric(data, xName, role: "--x")
        let y = try PlotColumns.numeric(data, yName, role: "--y")
        let labels = try groupName.map { try PlotColumns.labels(data, $0) }
        let complete = (0..<data.table.rowCount).filter { x[$0] != nil && y[$0] != nil && (labels?[$0] != nil || labels == nil) }
        try PlotColumns.requireResolvableSpread(complete.map { x[$0] }, xName, path: data.path)
        try PlotColumns.requireResolvableSpread(complete.map { y[$0] }, yName, path: data.path)
        let grouping = PlotGroups(rows: complete, labels: labels, minCell: minCell)
        let dropped = data.table.rowCount - complete.count

        var warnings: [String] = []
        var fits: [OLSLineBand?] = []
        for group in grouping.groups {
            guard fit != nil, !group.suppressed else { fits.append(nil); continue }
            let gx = group.rows.compactMap { x[$0] }, gy = group.rows.compactMap { y[$0] }
            do {
                fits.append(try OLSLineBand(x: gx, y: gy, level: level, gridSize: Self.gridSize))
            } catch {
                let name = groupName == nil ? "" : " for \(group.label)"
                warnings.append("no OLS line\(name): \(error)")
                fits.append(nil)
            }
        }
        if grouping.suppressedLevelCount > 0 {
            warnings.append("\(grouping.suppressedLevelCount) \(groupName ?? "") group(s) with fewer than \(minCell) rows pooled into '\(PlotGroups.suppressedLabel)'")
        }

        if let warning = grouping.crowdingWarning { warnings.append(warning) }
        let plot = scatterPlot(grouping, x: x, y: y, fits: fits, dropped: dropped, path: data.path)
        let written = try context.writeFile(plot.svg(), to: plotOptions.out)
        return CommandReport(json: json(grouping, fits: fits, data: data, plotted: complete.count, figure: plotOptions.out),
                             tables: [table(grouping, fits: fits, plotted: complete.count, dropped: dropped, path: data.path)],
                             figures: [written], warnings: warnings)
    }

    private func scatterPlot(_ grouping: PlotGroups, x: [Double?], y: [Double?], fits: [OLSLineBand?], dropped: Int,
                             path: String) -> Plot {
        let grouped = groupName != nil
        let percent = FitCommand.percentLabel(level)
        var bands: [Layer] = [], points: [Layer] = [], lines: [Layer] = []
        for (index, group) in grouping.groups.enumerated() {
            // The pooled small groups are grey whatever their position, so they never look like a real group.
            var style = group.suppressed ? MarkStyle(color: Color.okabeIto[7], shape: .plus) : MarkStyle.group(index)
            style.opacity = 0.7
            style.pointRadius = 2.8
            let label: String? = grouped ? PlotGroups.legendLabel(group, minCell: plotOptions.minCell) : nil
            points.append(Layer(.points(x: group.rows.compactMap { x[$0] }, y: group.rows.compactMap { y[$0] }),
                                label: label, style: style))
            guard let band = fits[index] else { continue }
            let lineLabel = label ?? "OLS fit, \(percent) CI"
            var bandStyle = style
            bandStyle.ribbonOpacity = 0.2
            var lineStyle = style
            lineStyle.opacity = 1
            lineStyle.lineWidth = 2
            if !grouped { bandStyle.color = Color.okabeIto[4]; lineStyle.color = Color.okabeIto[4] }
            bands.append(Layer(.ribbon(x: band.gridX, low: band.gridLow, high: band.gridHigh), label: lineLabel, style: bandStyle))
            lines.append(Layer(.line(x: band.gridX, y: band.gridFit), label: lineLabel, style: lineStyle))
        }
        let title = plotOptions.title ?? "\(yName) against \(xName)"
        return Plot(title: title, description: description(grouping, fits: fits, dropped: dropped, path: path),
                    x: .linear(xName), y: .linear(yName), layers: bands + points + lines,
                    legendTitle: groupName, width: grouped ? 720 : 640, height: 440, idPrefix: "scatter")
    }

    private func description(_ grouping: PlotGroups, fits: [OLSLineBand?], dropped: Int, path: String) -> String {
        let plotted = grouping.groups.reduce(0) { $0 + $1.rows.count }
        var text = "Scatter plot of \(yName) (y axis) against \(xName) (x axis) from \(path): \(plotted) rows plotted, "
            + "\(dropped) dropped for missing values."
        if let groupName {
            let named = grouping.groups.filter { !$0.suppressed }.map { "\($0.label) (\($0.rows.count))" }
            text += " Grouped by \(groupName): \(named.joined(separator: ", "))"
            if grouping.suppressedLevelCount > 0 {
                text += "; \(grouping.suppressedLevelCount) group(s) below \(plotOptions.minCell) rows pooled as \(PlotGroups.suppressedLabel)"
            }
            text += "."
        }
        let lines = zip(grouping.groups, fits).compactMap { group, fit -> String? in
            guard let fit else { return nil }
            let prefix = groupName == nil ? "" : "\(group.label): "
            return "\(prefix)\(yName) = \(PlotNumber.line(intercept: fit.intercept, slope: fit.slope, x: xName))"
        }
        if !lines.isEmpty {
            text += " OLS \(lines.count == 1 ? "line" : "lines") with \(FitCommand.percentLabel(level)) confidence band: \(lines.joined(separator: "; "))."
        }
        return text
    }

    private func table(_ grouping: PlotGroups, fits: [OLSLineBand?], plotted: Int, dropped: Int, path: String) -> ResultTable {
        let withFit = fit != nil
        var columns = [TableColumn("Group"), TableColumn("n", kind: .integer)]
        if withFit { columns += [TableColumn("Intercept", kind: .decimal(3)), TableColumn("Slope", kind: .decimal(3)),
                                 TableColumn("\(FitCommand.percentLabel(level)) CI (slope)", kind: .interval(3))] }
        let rows: [[Cell]] = zip(grouping.groups, fits).map { group, band in
            var row: [Cell] = [.text(group.label), PlotGroups.countCell(group, minCell: plotOptions.minCell)]
            if withFit { row += [.number(band?.intercept), .number(band?.slope), .interval(band?.slopeLow, band?.slopeHigh)] }
            return row
        }
        return ResultTable(title: "Scatter plot: \(yName) against \(xName)", columns: columns, rows: rows,
                           notes: ["\(path): \(plotted) rows plotted, \(dropped) dropped for missing values."])
    }

    private func json(_ grouping: PlotGroups, fits: [OLSLineBand?], data: LoadedData, plotted: Int, figure: String) -> JSONValue {
        let groups: [JSONValue] = zip(grouping.groups, fits).map { group, band in
            var fields: [(String, JSONValue)] = [("label", .string(group.label)), ("suppressed", .bool(group.suppressed)),
                                                 ("n", PlotGroups.countJSON(group, minCell: plotOptions.minCell))]
            if fit != nil { fields.append(("fit", band?.json ?? .null)) }
            return .object(fields)
        }
        return .object([
            ("plot", .string("scatter")), ("x", .string(xName)), ("y", .string(yName)),
            ("by", groupName.map { .string($0) } ?? .null), ("fit", fit.map { .string($0.lowercased()) } ?? .null),
            ("level", .number(level)), ("min_cell", .integer(plotOptions.minCell)),
            ("data", data.json(used: plotted)), ("groups", .array(groups)), ("figure", .string(figure)),
        ])
    }
}

/// The least-squares line y = a + b·x with a pointwise confidence band for the mean, as R's
/// `predict(lm(y ~ x), interval = "confidence")`: the fit is `Regression.fit(.ols, ...)` and the band is
/// `Prediction.predict` of that fit on a grid over the data's range (one prediction path for the tool).
struct OLSLineBand {
    let intercept: Double
    let slope: Double
    let slopeLow: Double?
    let slopeHigh: Double?
    let degreesOfFreedom: Int
    let n: Int
    let level: Double
    let criticalValue: Double
    let gridX: [Double]
    let gridFit: [Double]
    let gridLow: [Double]
    let gridHigh: [Double]
    private let saved: SavedRegression

    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    init(x: [Double], y: [Double], level: Double, gridSize: Int) throws {
        let table = try Table(columns: [Column(name: "x", numeric: x), Column(name: "y", numeric: y)])
        let result: RegressionResult
        do {
            result = try Regression.fit(.ols, formula: "y ~ x", data: table, options: RegressionOptions(level: level))
        } catch {
            throw Failure(description: "\(error)")
        }
        guard let a = result.coefficient("(Intercept)")?.estimate, let slopeTerm = result.coefficient("x"),
              let b = slopeTerm.estimate, result.vcov.rows == 2 else {
            throw Failure(description: "x does not vary, so a line cannot be fitted")
        }
        intercept = a
        slope = b
        slopeLow = slopeTerm.confLow
        slopeHigh = slopeTerm.confHigh
        degreesOfFreedom = result.fit.dfResidual
        n = x.count
        self.level = level
        saved = SavedRegression(result)
        let low = x.min() ?? 0, high = x.max() ?? 0
        let steps = max(gridSize - 1, 1)
        gridX = (0...steps).map { low + (high - low) * Double($0) / Double(steps) }
        let band = try OLSLineBand.band(saved, at: gridX, level: level)
        criticalValue = band.criticalValue ?? .nan
        gridFit = band.fit.map { $0 ?? .nan }
        gridLow = band.lower.map { $0 ?? .nan }
        gridHigh = band.upper.map { $0 ?? .nan }
    }

    private static func band(_ saved: SavedRegression, at x: [Double], level: Double) throws -> PredictionResult {
        do {
            let grid = try Table(columns: [Column(name: "x", numeric: x)])
            return try Prediction.predict(saved, data: grid, interval: .confidence, level: level)
        } catch {
            throw Failure(description: "\(error)")
        }
    }

    /// Fitted mean and confidence limits at `x0`.
    func prediction(at x0: Double) throws -> (fit: Double, low: Double, high: Double) {
        let p = try OLSLineBand.band(saved, at: [x0], level: level)
        return (p.fit[0] ?? .nan, p.lower[0] ?? .nan, p.upper[0] ?? .nan)
    }

    var json: JSONValue {
        .object([
            ("intercept", .number(intercept)), ("slope", .number(slope)),
            ("slope_conf_low", slopeLow.map { .number($0) } ?? .null), ("slope_conf_high", slopeHigh.map { .number($0) } ?? .null),
            ("n", .integer(n)), ("df_residual", .integer(degreesOfFreedom)), ("critical_t", .number(criticalValue)),
        ])
    }
}
