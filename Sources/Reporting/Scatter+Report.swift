import DataTable
import Models
import Output
import Privacy

/// A scatter plot's content: the two columns, the groups of complete rows and, per group, its OLS line with a
/// confidence band (nil: no line asked for, or a pooled group, which is never fitted; a failure: why no line).
public struct Scatter {
    public let x: (name: String, values: [Double?])
    public let y: (name: String, values: [Double?])
    /// The grouping column (nil: one group).
    public let by: String?
    public let groups: PooledGroups
    public let fits: [Result<OLSLineBand, OLSLineBand.Failure>?]
    /// Display offsets of the points (discrete scores would otherwise overprint); nil: points at their values.
    public let jitter: ScatterJitter?

    public init(x: (name: String, values: [Double?]), y: (name: String, values: [Double?]), by: String?,
                groups: PooledGroups, fits: [Result<OLSLineBand, OLSLineBand.Failure>?], jitter: ScatterJitter? = nil) {
        self.x = x
        self.y = y
        self.by = by
        self.groups = groups
        self.fits = fits
        self.jitter = jitter
    }

    /// `plot scatter`: the figure, a table of groups (with each line when `fit` is given) and the JSON summary.
    /// `labels` name the columns in the figure and table; the JSON keeps the names.
    public func report(fit: String?, level: Double, minCell: Int, title: String?, figure: String, dropped: Int,
                       data: DataProvenance, labels: VariableLabels = VariableLabels()) -> Report {
        var warnings: [String] = []
        for (group, outcome) in zip(groups.groups, fits) {
            guard case .failure(let error) = outcome else { continue }
            let name = by == nil ? "" : " for \(group.label)"
            warnings.append("no OLS line\(name): \(error)")
        }
        warnings += groups.warnings(by: by, minCell: minCell)
        let bands = fits.map { try? $0?.get() }
        let shown = Scatter(x: (labels.display(x.name), x.values), y: (labels.display(y.name), y.values),
                            by: by.map(labels.display), groups: groups, fits: fits, jitter: jitter)
        return Report(json: json(bands, fit: fit, level: level, minCell: minCell, figure: figure, data: data),
                      tables: [shown.table(bands, withFit: fit != nil, level: level, minCell: minCell, dropped: dropped,
                                           file: data.file)],
                      plots: [shown.plot(bands, level: level, minCell: minCell, title: title, dropped: dropped, file: data.file)],
                      warnings: warnings)
    }

    private func plot(_ fits: [OLSLineBand?], level: Double, minCell: Int, title: String?, dropped: Int, file: String) -> Plot {
        let grouped = by != nil
        let percent = PlotNumber.percent(level)
        var bands: [Layer] = [], points: [Layer] = [], lines: [Layer] = []
        for (index, group) in groups.groups.enumerated() {
            // The pooled small groups are grey whatever their position, so they never look like a real group.
            var style = group.pooled ? MarkStyle(color: Color.okabeIto[7], shape: .plus) : MarkStyle.group(index)
            style.opacity = 0.7
            style.pointRadius = 2.8
            let label: String? = grouped ? group.legendLabel(minCell: minCell) : nil
            // Jitter moves only the drawn points; the lines and every number are computed from the values.
            let shownX = group.rows.compactMap { row in x.values[row].map { $0 + (jitter?.x[row] ?? 0) } }
            let shownY = group.rows.compactMap { row in y.values[row].map { $0 + (jitter?.y[row] ?? 0) } }
            points.append(Layer(.points(x: shownX, y: shownY),
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
        return Plot(title: title ?? "\(y.name) against \(x.name)",
                    description: description(fits, level: level, minCell: minCell, dropped: dropped, file: file),
                    x: .linear(x.name), y: .linear(y.name), layers: bands + points + lines,
                    legendTitle: by, width: grouped ? 720 : 640, height: 440, idPrefix: "scatter")
    }

    private func description(_ fits: [OLSLineBand?], level: Double, minCell: Int, dropped: Int, file: String) -> String {
        var text = "Scatter plot of \(y.name) (y axis) against \(x.name) (x axis) from \(file): \(groups.rowCount) rows plotted, "
            + "\(dropped) dropped for missing values."
        if let by {
            let named = groups.groups.filter { !$0.pooled }.map { "\($0.label) (\($0.rows.count))" }
            text += " Grouped by \(by): \(named.isEmpty ? "every group pooled" : named.joined(separator: ", "))"
            if groups.pooledLevelCount > 0 {
                text += "; \(groups.pooledSentence(by: nil, minCell: minCell)) pooled as \(PooledGroups.pooledLabel)"
            }
            text += "."
        }
        let lines = zip(groups.groups, fits).compactMap { group, fit -> String? in
            guard let fit else { return nil }
            let prefix = by == nil ? "" : "\(group.label): "
            return "\(prefix)\(y.name) = \(PlotNumber.line(intercept: fit.intercept, slope: fit.slope, x: x.name))"
        }
        if !lines.isEmpty {
            text += " OLS \(lines.count == 1 ? "line" : "lines") with \(PlotNumber.percent(level)) confidence band: \(lines.joined(separator: "; "))."
        }
        if let jitter {
            text += " Points jittered by up to ±\(NumberFormat.roundTrip(jitter.amount)) on both axes (seed \(jitter.seed)); lines use the unjittered values."
        }
        return text
    }

    private func table(_ fits: [OLSLineBand?], withFit: Bool, level: Double, minCell: Int, dropped: Int, file: String) -> ResultTable {
        var columns = [TableColumn("Group"), TableColumn("n", kind: .integer)]
        if withFit { columns += [TableColumn("Intercept", kind: .decimal(3)), TableColumn("Slope", kind: .decimal(3)),
                                 TableColumn("\(PlotNumber.percent(level)) CI (slope)", kind: .interval(3))] }
        let rows: [[Cell]] = zip(groups.groups, fits).map { group, band in
            var row: [Cell] = [.text(group.label), group.countCell(minCell: minCell)]
            if withFit { row += [.number(band?.intercept), .number(band?.slope), .interval(band?.slopeLow, band?.slopeHigh)] }
            return row
        }
        return ResultTable(title: "Scatter plot: \(y.name) against \(x.name)", columns: columns, rows: rows,
                           notes: ["\(file): \(groups.rowCount) rows plotted, \(dropped) dropped for missing values."])
    }

    private func json(_ fits: [OLSLineBand?], fit: String?, level: Double, minCell: Int, figure: String,
                      data: DataProvenance) -> JSONValue {
        let groupsJSON: [JSONValue] = zip(groups.groups, fits).map { group, band in
            var fields: [(String, JSONValue)] = [("label", .string(group.label)), ("suppressed", .bool(group.pooled)),
                                                 ("n", group.countJSON(minCell: minCell))]
            if fit != nil { fields.append(("fit", band.map(Self.json) ?? .null)) }
            return .object(fields)
        }
        return .object([
            ("plot", .string("scatter")), ("x", .string(x.name)), ("y", .string(y.name)),
            ("by", by.map { .string($0) } ?? .null), ("fit", fit.map { .string($0.lowercased()) } ?? .null),
            ("level", .number(level)), ("min_cell", .integer(minCell)),
            ("data", data.json(used: groups.rowCount)), ("groups", .array(groupsJSON)), ("figure", .string(figure)),
        ] + (jitter.map { [("jitter", .object([("amount", .number($0.amount)), ("seed", .string(String($0.seed)))]))] } ?? []))
    }

    /// One group's line: intercept, slope and its interval, n, residual df and the t critical value of the band.
    static func json(_ band: OLSLineBand) -> JSONValue {
        .object([
            ("intercept", .number(band.intercept)), ("slope", .number(band.slope)),
            ("slope_conf_low", band.slopeLow.map { .number($0) } ?? .null),
            ("slope_conf_high", band.slopeHigh.map { .number($0) } ?? .null),
            ("n", .integer(band.n)), ("df_residual", .integer(band.degreesOfFreedom)), ("critical_t", .number(band.criticalValue)),
        ])
    }
}

/// Uniform display offsets in (−amount, amount) per row on each axis, as R's `jitter(x, amount = a)`, drawn from a
/// seeded generator so that the figure is reproducible; the seed is recorded in the JSON and the SVG description.
public struct ScatterJitter: Sendable {
    public let amount: Double
    public let seed: UInt64
    public let x: [Double]
    public let y: [Double]

    public init(amount: Double, seed: UInt64, x: [Double], y: [Double]) {
        self.amount = amount
        self.seed = seed
        self.x = x
        self.y = y
    }
}
