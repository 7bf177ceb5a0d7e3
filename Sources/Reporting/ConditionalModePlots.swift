import Models
import Output
import Privacy

/// The caterpillar plot of `fit lmm|logit|poisson --plot F.svg` (F-ranef.svg): each grouping factor's conditional modes with
/// ±1.96 conditional-SD intervals, sorted, as lme4's `dotplot(ranef(fit, condVar = TRUE))`. A level is labelled
/// only when it has at least the small-cell rule's count of rows (DESIGN.md §9, `SmallCellSuppressor.defaultMinimum`);
/// smaller levels are drawn without a name.
enum ConditionalModePlots {
    /// The normal quantile lme4's dotplot uses for its intervals.
    static let caterpillarQuantile = 1.96

    /// One plot per grouping factor and effect, named for the file: `ranef` when the model has one grouping factor
    /// with one effect, otherwise `ranef-GROUP` (intercepts) and `ranef-GROUP-EFFECT`. Empty without conditional modes.
    static func caterpillars(_ conditionalModes: [ConditionalMode], formula: String,
                             minimumLabelledRows: Int = SmallCellSuppressor.defaultMinimum) -> [(name: String, plot: Plot)] {
        var panels: [(group: String, term: String)] = []
        for m in conditionalModes where !panels.contains(where: { $0.group == m.group && $0.term == m.term }) {
            panels.append((m.group, m.term))
        }
        return panels.map { panel in
            let name = panels.count == 1 ? "ranef"
                : "ranef-" + Self.fileSafe(panel.group) + (panel.term == "(Intercept)" ? "" : "-" + Self.fileSafe(panel.term))
            return (name, caterpillar(conditionalModes, formula: formula, group: panel.group, term: panel.term,
                                      minimumLabelledRows: minimumLabelledRows))
        }
    }

    private static func caterpillar(_ conditionalModes: [ConditionalMode], formula: String, group: String, term: String,
                                    minimumLabelledRows: Int) -> Plot {
        // Sorted by the conditional mode (ties by level, for deterministic bytes); the first category is at the top,
        // so the order is descending.
        let modes = conditionalModes.filter { $0.group == group && $0.term == term }
            .sorted { ($0.estimate, $0.level) > ($1.estimate, $1.level) }
        let labelled = modes.map { $0.rows >= minimumLabelledRows }
        let labels = zip(modes, labelled).map { $1 ? $0.level : "" }
        let positions = modes.indices.map(Double.init)
        let z = Self.caterpillarQuantile
        let low = modes.map { m in m.conditionalSD.map { m.estimate - z * $0 } ?? .nan }
        let high = modes.map { m in m.conditionalSD.map { m.estimate + z * $0 } ?? .nan }
        let shown = labelled.filter { $0 }.count
        let hidden = modes.count - shown
        let range = modes.isEmpty ? ""
            : " Conditional modes range from \(NumberFormat.fixed(modes.last?.estimate ?? 0, places: 3)) to "
                + "\(NumberFormat.fixed(modes.first?.estimate ?? 0, places: 3))."
        let labelNote = hidden == 0 ? "Every level is labelled."
            : "\(hidden) of \(modes.count) levels have fewer than \(minimumLabelledRows) rows and are drawn without their name (small-cell rule)."
        let effect = term == "(Intercept)" ? "intercept" : term
        return Plot(title: "Random effects: \(effect) by \(group)",
                    description: "Caterpillar plot of the conditional modes (BLUPs) of the \(effect) for \(modes.count) levels of \(group), "
                        + "sorted, with ±1.96 conditional-SD intervals (\(formula)).\(range) \(labelNote)",
                    x: .linear("Conditional mode of \(effect) (±1.96 conditional SD)", including: [0]),
                    y: .categorical(group, labels),
                    layers: [
                        Layer(.reference(.vertical(x: 0)), style: .reference),
                        Layer(.intervals(positions: positions, low: low, high: high, orientation: .horizontal, capSize: 0),
                              style: MarkStyle(color: Color.okabeIto[4])),
                        Layer(.points(x: modes.map(\.estimate), y: positions),
                              style: MarkStyle(color: Color.okabeIto[4], pointRadius: modes.count > 100 ? 2 : 3.5)),
                    ],
                    height: min(1400, max(240, 90 + 14 * Double(modes.count))), showGrid: false, idPrefix: "lmm-ranef")
    }

    /// A group or effect name as part of a file name: letters, digits, '.', '_' and '-'; others become '_'.
    static func fileSafe(_ text: String) -> String {
        String(text.map { $0.isASCII && ($0.isLetter || $0.isNumber || "._-".contains($0)) ? $0 : "_" })
    }

    /// The conditional modes (lme4's `ranef(condVar = TRUE)`) as a table for `--ranef FILE.csv`: one row per group,
    /// level and effect, with the conditional SD and the level's number of rows.
    static func table(_ conditionalModes: [ConditionalMode], formula: String) -> ResultTable {
        ResultTable(title: "Conditional modes: \(formula)",
                    columns: [TableColumn("group"), TableColumn("level"), TableColumn("term"), TableColumn("estimate", kind: .decimal(6)),
                              TableColumn("cond_sd", kind: .decimal(6)), TableColumn("rows", kind: .integer)],
                    rows: conditionalModes.map { m in
                        [.text(m.group), .text(m.level), .text(m.term), .number(m.estimate), .number(m.conditionalSD), .integer(m.rows)]
                    })
    }
}
