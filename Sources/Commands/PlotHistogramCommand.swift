import ArgumentParser
import DataTable
import Foundation
import Output

/// `alliance plot histogram <data> --x X [--bins N | --binwidth W] [--by G] --out F.svg`.
public struct PlotHistogramCommand: AllianceSubcommand {
    public static let configuration = CommandConfiguration(
        commandName: "histogram",
        abstract: "Histogram of a numeric column, optionally one outline per group.",
        discussion: """
            Bins are half-open [a, b), the last one closed. Default width: Freedman–Diaconis, 2·IQR·n^(-1/3) (IQR from
            R's default quantile, type 7), falling back to Sturges' ceil(log2 n + 1) bins over the range when the IQR
            is 0 or Freedman–Diaconis would need more than 200 bins (a long tail). When every value is a whole number and the width comes from a rule, the width is rounded up to a whole
            number and the edges fall at half-integers, so no whole value sits on an edge. --bins N: N equal bins from
            the minimum to the maximum. --binwidth W: edges at multiples of W. With --by each group is drawn as a step
            outline over the same bins; groups smaller than --min-cell are pooled into 'other (suppressed)'.
            """
    )

    @OptionGroup public var input: DataInput

    @Option(name: .customLong("x"), help: "Numeric column to bin.")
    public var xName: String

    @Option(name: .long, help: "Number of equal-width bins from the minimum to the maximum.")
    public var bins: Int?

    @Option(name: .long, help: "Bin width (edges at multiples of it).")
    public var binwidth: Double?

    @Option(name: .customLong("by"), help: "Group by this column: one outline per group, with a legend.")
    public var groupName: String?

    @OptionGroup public var plotOptions: PlotOutputOptions

    public init() {}

    public var outputOptions: OutputOptions? { plotOptions.summaryOptions }

    public func execute(in context: RunContext) throws -> CommandReport {
        try plotOptions.validate(command: "histogram")
        if bins != nil && binwidth != nil { throw CLIError.usage("--bins and --binwidth are alternatives; give one") }
        if let bins, bins < 1 || bins > 10_000 { throw CLIError.usage("--bins must be between 1 and 10000 (got \(bins))") }
        if let binwidth, !(binwidth > 0 && binwidth.isFinite) { throw CLIError.usage("--binwidth must be a positive number") }
        let minCell = plotOptions.minCell
        let data = try input.load(in: context)
        let x = try PlotColumns.numeric(data, xName, role: "--x")
        let labels = try groupName.map { try PlotColumns.labels(data, $0) }
        let complete = (0..<data.table.rowCount).filter { x[$0] != nil && (labels == nil || labels?[$0] != nil) }
        guard !complete.isEmpty else {
            throw CLIError.data("\(data.path): column '\(xName)' has no values to plot (every row is missing)")
        }
        let values = complete.compactMap { x[$0] }
        try PlotColumns.requireResolvableSpread(values, xName, path: data.path)
        let binning: HistogramBins
        do {
            binning = try HistogramBins(values, bins: bins, binwidth: binwidth)
        } catch let failure as HistogramBins.Failure {
            throw CLIError(failure.kind, "\(data.path): column '\(xName)': \(failure.description)")
        }
        let grouping = PlotGroups(rows: complete, labels: labels, minCell: minCell)
        let counts = grouping.groups.map { group in binning.counts(group.rows.compactMap { x[$0] }) }
        var warnings: [String] = []
        if grouping.suppressedLevelCount > 0 {
            warnings.append("\(grouping.suppressedLevelCount) \(groupName ?? "") group(s) with fewer than \(minCell) rows pooled into '\(PlotGroups.suppressedLabel)'")
        }
        if let warning = grouping.crowdingWarning { warnings.append(warning) }
        let dropped = data.table.rowCount - complete.count
        let plot = histogram(grouping, binning: binning, counts: counts, dropped: dropped, path: data.path)
        let written = try context.writeFile(plot.svg(), to: plotOptions.out)
        return CommandReport(json: json(grouping, binning: binning, counts: counts, data: data, plotted: complete.count, figure: plotOptions.out),
                             tables: [table(grouping, binning: binning, counts: counts, dropped: dropped, path: data.path)],
                             figures: [written], warnings: warnings)
    }

    private func histogram(_ grouping: PlotGroups, binning: HistogramBins, counts: [[Int]], dropped: Int, path: String) -> Plot {
        let edges = binning.edges
        var layers: [Layer] = []
        if groupName == nil {
            let centres = (0..<binning.count).map { (edges[$0] + edges[$0 + 1]) / 2 }
            // Bars a little narrower than the bin leave a hairline gap, so neighbours of equal height stay distinct.
            layers.append(Layer(.bars(positions: centres, values: counts[0].map(Double.init), width: binning.width * 0.97),
                                style: MarkStyle(color: Color.okabeIto[4], opacity: 0.85)))
        } else {
            for (index, group) in grouping.groups.enumerated() {
                var style = group.suppressed ? MarkStyle(color: Color.okabeIto[7], dash: .dotted) : MarkStyle.group(index)
                style.lineWidth = 2
                // A closed outline: up from zero at the first edge, across each bin, down to zero at the last.
                let xs = [edges[0]] + edges
                let ys = [0] + counts[index].map(Double.init) + [0]
                layers.append(Layer(.line(x: xs, y: ys, interpolation: .stepAfter),
                                    label: PlotGroups.legendLabel(group, minCell: plotOptions.minCell), style: style))
            }
        }
        let plotted = grouping.groups.reduce(0) { $0 + $1.rows.count }
        let number = binning.text
        var text = "Histogram of \(xName) from \(path): \(plotted) values in \(binning.count) bins of width "
            + "\(number(binning.width)) (\(binning.rule)) from \(number(edges[0])) to "
            + "\(number(edges[binning.count])); \(dropped) rows dropped for missing values."
        if let groupName {
            text += " One outline per \(groupName) group: "
                + grouping.groups.map { PlotGroups.legendLabel($0, minCell: plotOptions.minCell) }.joined(separator: ", ") + "."
        }
        if let peak = counts.first.flatMap({ c in c.indices.max { c[$0] < c[$1] } }), groupName == nil {
            text += " The fullest bin is \(number(edges[peak])) to \(number(edges[peak + 1])) with \(counts[0][peak]) values."
        }
        return Plot(title: plotOptions.title ?? "Distribution of \(xName)", description: text,
                    x: Axis(title: xName, padding: 0.04), y: Axis(title: "Count", including: [0], padding: 0.04),
                    layers: layers, legendTitle: groupName, width: groupName == nil ? 640 : 720, height: 400,
                    idPrefix: "histogram")
    }

    private func table(_ grouping: PlotGroups, binning: HistogramBins, counts: [[Int]], dropped: Int, path: String) -> ResultTable {
        let grouped = groupName != nil
        var columns = [TableColumn("From", kind: .decimal(binning.places)), TableColumn("To", kind: .decimal(binning.places))]
        columns += grouped
            ? grouping.groups.map { TableColumn($0.label, kind: .integer) } + [TableColumn("Total", kind: .integer)]
            : [TableColumn("Count", kind: .integer)]
        let rows: [[Cell]] = (0..<binning.count).map { bin in
            var row: [Cell] = [.number(binning.edges[bin]), .number(binning.edges[bin + 1])]
            let perGroup = counts.map { $0[bin] }
            if grouped {
                // Per-bin counts of a pooled small group would undo the suppression; its total is in the notes.
                row += zip(grouping.groups, perGroup).map { group, count in
                    group.suppressed ? .text("·") : .integer(count)
                }
            }
            row.append(.integer(perGroup.reduce(0, +)))
            return row
        }
        let plotted = grouping.groups.reduce(0) { $0 + $1.rows.count }
        var notes = ["\(path): \(plotted) values binned, \(dropped) rows dropped for missing values.",
                     "\(binning.count) bins of width \(binning.text(binning.width)) (\(binning.rule)); bins are [from, to), the last closed."]
        if grouped && grouping.groups.contains(where: \.suppressed) {
            notes.append("Groups with fewer than \(plotOptions.minCell) rows are pooled as '\(PlotGroups.suppressedLabel)'; its per-bin counts are not shown (·).")
        }
        return ResultTable(title: "Histogram of \(xName)", columns: columns, rows: rows, notes: notes)
    }

    private func json(_ grouping: PlotGroups, binning: HistogramBins, counts: [[Int]], data: LoadedData, plotted: Int,
                      figure: String) -> JSONValue {
        let groups: [JSONValue] = zip(grouping.groups, counts).map { group, c in
            .object([("label", .string(group.label)), ("suppressed", .bool(group.suppressed)),
                     ("n", PlotGroups.countJSON(group, minCell: plotOptions.minCell)),
                     ("counts", group.suppressed ? .null : .array(c.map { .integer($0) }))])
        }
        let totals = (0..<binning.count).map { bin in counts.reduce(0) { $0 + $1[bin] } }
        return .object([
            ("plot", .string("histogram")), ("x", .string(xName)), ("by", groupName.map { .string($0) } ?? .null),
            ("min_cell", .integer(plotOptions.minCell)), ("rule", .string(binning.rule)), ("binwidth", .number(binning.width)),
            ("edges", .array(binning.edges.map { .number($0) })), ("counts", .array(totals.map { .integer($0) })),
            ("data", data.json(used: plotted)), ("groups", groupName == nil ? .null : .array(groups)),
            ("figure", .string(figure)),
        ])
    }
}

/// Histogram bin edges and the rule that chose them; `counts` bins values into them.
struct HistogramBins {
    let edges: [Double]
    let width: Double
    /// Which rule set the width: "Freedman–Diaconis", "Sturges", "--bins N" or "--binwidth W".
    let rule: String
    var count: Int { edges.count - 1 }
    /// Decimals that show the edges exactly enough in human tables.
    let places: Int

    struct Failure: Error, CustomStringConvertible {
        let description: String
        /// Usage when the user's --bins or --binwidth cannot work; data when the values themselves cannot be binned.
        var kind: CLIError.Kind = .usage
    }

    /// Freedman–Diaconis on a long-tailed column can ask for thousands of bins; past this many, Sturges is used.
    static let ruleBinLimit = 200

    /// Most bins a rule or --binwidth may produce (a tiny width on a wide range would otherwise allocate without bound).
    static let maximumBins = 10_000

    init(_ values: [Double], bins: Int? = nil, binwidth: Double? = nil) throws {
        let sorted = values.sorted()
        guard let low = sorted.first, let high = sorted.last else { throw Failure(description: "no values to bin") }
        guard (high - low).isFinite else {
            throw Failure(description: "the values span more than a number can hold (\(low) to \(high)); check the column for sentinel values",
                          kind: .data)
        }
        let whole = sorted.allSatisfy { $0 == $0.rounded() }
        let n = Double(sorted.count)
        var start: Double
        var width: Double
        var count: Int
        if let bins {
            width = high > low ? (high - low) / Double(bins) : 1
            start = high > low ? low : low - 0.5
            count = bins
            rule = "--bins \(bins)"
        } else if let binwidth {
            width = binwidth
            start = (low / binwidth).rounded(.down) * binwidth
            count = try Self.binCount(from: start, to: high, width: binwidth)
            // The top edge closes the last bin; when max sits exactly on an edge it belongs to the bin below.
            if count > 1 && start + Double(count - 1) * binwidth == high { count -= 1 }
            rule = "--binwidth \(PlotNumber.text(binwidth))"
        } else {
            let iqr = Self.quantile7(sorted, 0.75) - Self.quantile7(sorted, 0.25)
            let fd = 2 * iqr / Foundation.cbrt(n)
            if iqr > 0 && (high - low) / fd <= Double(Self.ruleBinLimit) {
                width = fd
                rule = "Freedman–Diaconis"
            } else {
                let sturges = Int((Foundation.log2(n) + 1).rounded(.up))
                width = high > low ? (high - low) / Double(max(sturges, 1)) : 1
                rule = "Sturges"
            }
            if whole {
                width = max(1, width.rounded(.up))
                start = low - 0.5
            } else {
                start = (low / width).rounded(.down) * width
            }
            count = try Self.binCount(from: start, to: high, width: width)
            if count > 1 && start + Double(count - 1) * width == high { count -= 1 }
        }
        guard count <= Self.maximumBins else {
            throw Failure(description: "\(count) bins would be needed; use a larger --binwidth or fewer --bins (at most \(Self.maximumBins))")
        }
        self.width = width
        var edges = (0...count).map { start + Double($0) * width }
        // Rounding must never leave the maximum outside the closed last bin.
        if edges[count] < high { edges[count] = high }
        guard width.isFinite, width > 0, zip(edges, edges.dropFirst()).allSatisfy({ $0 < $1 }) else {
            throw Failure(description: "the values are too close together (or too large) to bin at width \(width); give a --binwidth that suits their scale",
                          kind: bins == nil && binwidth == nil ? .data : .usage)
        }
        self.edges = edges
        // Half-integer edges of whole-number data need one decimal although the width needs none.
        places = max(Self.decimals(width), Self.decimals(edges[0]))
    }

    /// An edge or width for people: whole numbers plain, others to the table's decimals.
    func text(_ x: Double) -> String {
        x == x.rounded() ? PlotNumber.text(x) : NumberFormat.fixed(x, places: places)
    }

    /// Counts of `values` per bin: [edge_k, edge_k+1), with the last bin closed; values outside are not counted.
    func counts(_ values: [Double]) -> [Int] {
        var counts = Array(repeating: 0, count: count)
        guard let first = edges.first, let last = edges.last else { return counts }
        for value in values where value >= first && value <= last {
            let position = ((value - first) / width).rounded(.down)
            var bin = position.isFinite ? Int(min(max(position, 0), Double(count - 1))) : 0
            // Floating-point division can land one bin off at an edge; the edges decide.
            while bin > 0 && value < edges[bin] { bin -= 1 }
            while bin < count - 1 && value >= edges[bin + 1] { bin += 1 }
            counts[bin] += 1
        }
        return counts
    }

    /// Bins of `width` needed to reach `high` from `start`, checked before any conversion to Int can trap.
    private static func binCount(from start: Double, to high: Double, width: Double) throws -> Int {
        let bins = ((high - start) / width).rounded(.down) + 1
        guard bins.isFinite, bins <= Double(maximumBins) else {
            throw Failure(description: "more than \(maximumBins) bins would be needed; use a larger --binwidth or --bins N")
        }
        return max(1, Int(bins))
    }

    /// R's default (type 7) sample quantile of sorted values.
    static func quantile7(_ sorted: [Double], _ p: Double) -> Double {
        let h = Double(sorted.count - 1) * p
        let lower = Int(h.rounded(.down))
        let upper = min(lower + 1, sorted.count - 1)
        return sorted[lower] + (h - Double(lower)) * (sorted[upper] - sorted[lower])
    }

    private static func decimals(_ width: Double) -> Int {
        for places in 0...6 {
            let scaled = width * pow(10, Double(places))
            if abs(scaled - scaled.rounded()) < 1e-9 * max(1, scaled) { return places }
        }
        return 3
    }
}
