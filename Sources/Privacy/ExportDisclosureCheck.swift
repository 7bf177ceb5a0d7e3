/// The small-cell rule for aggregates that leave a site (DESIGN.md §9, `fit --export-summary`): every count an
/// exported summary reveals or lets a reader derive — the site's rows, each level of a categorical predictor, the
/// rows at each value of every design column of two or three values, the 2 × 2 tables of pairs of two-valued columns
/// (`SiteSummary.designCells`), a binary outcome's two values — must reach `--min-cell`. Zero counts
/// are refused too: an exported design column that is all zeros or all ones at a site would still reveal a count
/// through the cross-products. Returns the cells that are too small, in the order given.
public enum ExportDisclosureCheck {
    public static func smallCells(_ cells: [(what: String, count: Int)], minimumCell: Int) -> [(what: String, count: Int)] {
        cells.filter { $0.count < minimumCell }
    }

    /// The refusal in plain words, naming each small cell (the counts themselves are not echoed).
    public static func refusal(_ small: [(what: String, count: Int)], minimumCell: Int) -> String? {
        guard !small.isEmpty else { return nil }
        let names = small.prefix(8).map { $0.what }.joined(separator: "; ")
        let more = small.count > 8 ? " and \(small.count - 8) more" : ""
        return "the summary would reveal counts below the small-cell rule (--min-cell \(minimumCell)): \(names)\(more). "
            + "Merge rare levels, drop the term, or pool with a larger site; nothing was written"
    }
}
