import Output
import Privacy

extension PooledGroups {
    /// Okabe–Ito has eight colours; past them colours repeat (shapes and line types still differ).
    public var crowdingWarning: String? {
        let shown = groups.filter { !$0.pooled }.count
        guard shown > Color.okabeIto.count else { return nil }
        return "\(shown) groups are shown; colours repeat after \(Color.okabeIto.count) (shapes and line types still differ). Consider a coarser --by or a larger --min-cell."
    }

    /// The warnings of a grouped figure: small groups pooled, then colours repeating.
    func warnings(by: String?, minCell: Int) -> [String] {
        var warnings: [String] = []
        if pooledLevelCount > 0 {
            warnings.append("\(pooledSentence(by: by, minCell: minCell)) pooled into '\(Self.pooledLabel)'")
        }
        if let warning = crowdingWarning { warnings.append(warning) }
        return warnings
    }

    /// "2 site group(s) with fewer than 11 rows, and 1 more so that the pool reaches 11": what was pooled and why.
    func pooledSentence(by: String?, minCell: Int) -> String {
        let small = pooledLevelCount - complementLevelCount
        let name = by.map { "\($0) " } ?? ""
        return "\(small) \(name)group(s) with fewer than \(minCell) rows"
            + (complementLevelCount > 0 ? ", and \(complementLevelCount) more so that the pool reaches \(minCell) (complementary pooling)," : "")
    }

    /// Rows in all groups.
    var rowCount: Int { groups.reduce(0) { $0 + $1.rows.count } }
}

extension PooledGroups.Group {
    /// The legend text of a group: its label and size, except that a pooled group below `minCell` shows no count.
    public func legendLabel(minCell: Int) -> String {
        if pooled && rows.count < minCell { return "\(label), n < \(minCell)" }
        return "\(label) (n = \(rows.count))"
    }

    /// The size as a table cell: blank for a pooled group below `minCell`.
    func countCell(minCell: Int) -> Cell {
        pooled && rows.count < minCell ? .text("< \(minCell)") : .integer(rows.count)
    }

    func countJSON(minCell: Int) -> JSONValue {
        pooled && rows.count < minCell ? .null : .integer(rows.count)
    }
}
