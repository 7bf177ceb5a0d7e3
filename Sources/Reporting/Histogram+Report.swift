import DataTable
import Foundation
import Output
import Privacy

extension Histogram {
    /// `plot histogram`: the figure (bars, or one step outline per group), a table of counts per bin and the
    /// JSON summary. `groups` are the groups whose values were counted, in the order of `counts`; `by` is the
    /// grouping column (nil: one group). Counts of a pooled small group are never shown per bin. `labels` name
    /// the columns in the figure and table; the JSON keeps the names.
    public func report(x: String, by: String?, groups: PooledGroups, minCell: Int, title: String?, figure: String,
                       dropped: Int, data: DataProvenance, labels: VariableLabels = VariableLabels()) -> Report {
        let (shownX, shownBy) = (labels.display(x), by.map(labels.display))
        return Report(json: json(x: x, by: by, groups: groups, minCell: minCell, figure: figure, data: data),
                      tables: [table(x: shownX, by: shownBy, groups: groups, minCell: minCell, dropped: dropped, file: data.file)],
                      plots: [plot(x: shownX, by: shownBy, groups: groups, minCell: minCell, title: title, dropped: dropped,
                                   file: data.file)],
                      warnings: groups.warnings(by: by, minCell: minCell))
    }

    private func plot(x: String, by: String?, groups: PooledGroups, minCell: Int, title: String?, dropped: Int,
                      file: String) -> Plot {
        let edges = bins.edges
        var layers: [Layer] = []
        if by == nil {
            let centres = (0..<bins.count).map { (edges[$0] + edges[$0 + 1]) / 2 }
            // Bars a little narrower than the bin leave a hairline gap, so neighbours of equal height stay distinct.
            layers.append(Layer(.bars(positions: centres, values: counts[0].map(Double.init), width: bins.width * 0.97),
                                style: MarkStyle(color: Color.okabeIto[4], opacity: 0.85)))
        } else {
            for (index, group) in groups.groups.enumerated() {
                var style = group.pooled ? MarkStyle(color: Color.okabeIto[7], dash: .dotted) : MarkStyle.group(index)
                style.lineWidth = 2
                // A closed outline: up from zero at the first edge, across each bin, down to zero at the last.
                let xs = [edges[0]] + edges
                let ys = [0] + counts[index].map(Double.init) + [0]
                layers.append(Layer(.line(x: xs, y: ys, interpolation: .stepAfter),
                                    label: group.legendLabel(minCell: minCell), style: style))
            }
        }
        let number = bins.text
        var text = "Histogram of \(x) from \(file): \(groups.rowCount) values in \(bins.count) bins of width "
            + "\(number(bins.width)) (\(bins.rule.text)) from \(number(edges[0])) to "
            + "\(number(edges[bins.count])); \(dropped) rows dropped for missing values."
        if let by {
            text += " One outline per \(by) group: "
                + groups.groups.map { $0.legendLabel(minCell: minCell) }.joined(separator: ", ") + "."
        }
        if let peak = counts.first.flatMap({ c in c.indices.max { c[$0] < c[$1] } }), by == nil {
            text += " The fullest bin is \(number(edges[peak])) to \(number(edges[peak + 1])) with \(counts[0][peak]) values."
        }
        return Plot(title: title ?? "Distribution of \(x)", description: text,
                    x: Axis(title: x, padding: 0.04), y: Axis(title: "Count", including: [0], padding: 0.04),
                    layers: layers, legendTitle: by, width: by == nil ? 640 : 720, height: 400,
                    idPrefix: "histogram")
    }

    private func table(x: String, by: String?, groups: PooledGroups, minCell: Int, dropped: Int, file: String) -> ResultTable {
        let grouped = by != nil
        let places = bins.places
        var columns = [TableColumn("From", kind: .decimal(places)), TableColumn("To", kind: .decimal(places))]
        // With a pooled small group, a bin's total minus the shown groups' counts would be the pooled group's count
        // there: no Total column then (session 20).
        let pooled = grouped && groups.groups.contains(where: \.pooled)
        columns += grouped
            ? groups.groups.map { TableColumn($0.label, kind: .integer) } + (pooled ? [] : [TableColumn("Total", kind: .integer)])
            : [TableColumn("Count", kind: .integer)]
        let rows: [[Cell]] = (0..<bins.count).map { bin in
            var row: [Cell] = [.number(bins.edges[bin]), .number(bins.edges[bin + 1])]
            let perGroup = counts.map { $0[bin] }
            if grouped {
                // Per-bin counts of a pooled small group would undo the suppression; its total is in the notes.
                row += zip(groups.groups, perGroup).map { group, count in
                    group.pooled ? .text("·") : .integer(count)
                }
            }
            if !pooled { row.append(.integer(perGroup.reduce(0, +))) }
            return row
        }
        var notes = ["\(file): \(groups.rowCount) values binned, \(dropped) rows dropped for missing values.",
                     "\(bins.count) bins of width \(bins.text(bins.width)) (\(bins.rule.text)); bins are [from, to), the last closed."]
        if grouped && groups.groups.contains(where: \.pooled) {
            notes.append("Groups with fewer than \(minCell) rows are pooled as '\(PooledGroups.pooledLabel)'; its per-bin counts are not "
                + "shown (·), nor the bins' totals, from which they would follow.")
        }
        return ResultTable(title: "Histogram of \(x)", columns: columns, rows: rows, notes: notes)
    }

    private func json(x: String, by: String?, groups: PooledGroups, minCell: Int, figure: String,
                      data: DataProvenance) -> JSONValue {
        let groupsJSON: [JSONValue] = zip(groups.groups, counts).map { group, c in
            .object([("label", .string(group.label)), ("suppressed", .bool(group.pooled)),
                     ("n", group.countJSON(minCell: minCell)),
                     ("counts", group.pooled ? .null : .array(c.map { .integer($0) }))])
        }
        return .object([
            ("plot", .string("histogram")), ("x", .string(x)), ("by", by.map { .string($0) } ?? .null),
            ("min_cell", .integer(minCell)), ("rule", .string(bins.rule.text)), ("binwidth", .number(bins.width)),
            ("edges", .array(bins.edges.map { .number($0) })),
            // Per-bin totals would reveal a pooled group's counts by subtraction.
            ("counts", by != nil && groups.groups.contains(where: \.pooled) ? .null : .array(totals.map { .integer($0) })),
            ("data", data.json(used: groups.rowCount)), ("groups", by == nil ? .null : .array(groupsJSON)),
            ("figure", .string(figure)),
        ])
    }
}

extension HistogramBins {
    /// Decimals that show the edges exactly enough in human tables (half-integer edges of whole-number data need
    /// one although the width needs none).
    public var places: Int {
        max(Self.decimals(width), Self.decimals(edges[0]))
    }

    /// An edge or width for people: whole numbers plain, others to the table's decimals.
    public func text(_ x: Double) -> String {
        x == x.rounded() ? PlotNumber.text(x) : NumberFormat.fixed(x, places: places)
    }

    private static func decimals(_ width: Double) -> Int {
        for places in 0...6 {
            let scaled = width * pow(10, Double(places))
            if abs(scaled - scaled.rounded()) < 1e-9 * max(1, scaled) { return places }
        }
        return 3
    }
}

extension HistogramBins.Rule {
    /// The rule as reports name it: "Freedman–Diaconis", "Sturges", "--bins N" or "--binwidth W".
    public var text: String {
        switch self {
        case .freedmanDiaconis: return "Freedman–Diaconis"
        case .sturges: return "Sturges"
        case .bins(let n): return "--bins \(n)"
        case .binwidth(let w): return "--binwidth \(PlotNumber.text(w))"
        }
    }
}
