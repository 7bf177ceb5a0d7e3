/// How a cell reads in a human-facing format, following its column's `ColumnKind`.
enum HumanCellText {
    /// Shown for missing or not-estimable values in text, Markdown and HTML.
    static let missing = "\u{2014}"

    static func format(_ cell: Cell, kind: ColumnKind, missing: String = missing) -> String {
        switch cell {
        case .text(let text):
            return text
        case .integer(let value):
            guard let value else { return missing }
            return String(value)
        case .number(let value):
            guard let value, !value.isNaN else { return missing }
            return formatNumber(value, kind: kind)
        case .interval(let low, let high):
            let (places, bounded) = intervalStyle(kind)
            let lowKnown = low.map { !$0.isNaN } ?? false, highKnown = high.map { !$0.isNaN } ?? false
            guard let low, let high, lowKnown, highKnown else {
                // One end known (a median's upper limit not reached, as quantile.survfit's NA): show it beside the
                // missing mark; a lone "—" read as no interval at all (session 21).
                guard lowKnown || highKnown else { return missing }
                let style = ColumnKind.interval(places, bounded: bounded)
                func end(_ x: Double?) -> String { x.map { $0.isNaN ? missing : formatNumber($0, kind: style) } ?? missing }
                return "[" + end(low) + ", " + end(high) + "]"
            }
            let ends = bounded ? (NumberFormat.bounded(low, places: places), NumberFormat.bounded(high, places: places))
                : NumberFormat.intervalEnds(low, high, places: places)
            return "[" + ends.0 + ", " + ends.1 + "]"
        }
    }

    static func formatNumber(_ value: Double, kind: ColumnKind) -> String {
        switch kind {
        case .text: return NumberFormat.roundTrip(value)
        case .integer: return NumberFormat.integer(value)
        case .decimal(let places): return NumberFormat.decimal(value, places: places)
        case .estimate(let places): return NumberFormat.estimate(value, places: places)
        case .bounded(let places): return NumberFormat.bounded(value, places: places)
        case .pValue: return NumberFormat.pValue(value)
        case .interval(let places, let bounded):
            return bounded ? NumberFormat.bounded(value, places: places) : NumberFormat.estimate(value, places: places)
        }
    }

    /// Decimals and leading-zero rule for an interval shown in a column of `kind`.
    private static func intervalStyle(_ kind: ColumnKind) -> (places: Int, bounded: Bool) {
        switch kind {
        case .interval(let places, let bounded): return (places, bounded)
        case .decimal(let places), .estimate(let places): return (places, false)
        case .bounded(let places): return (places, true)
        case .pValue: return (3, true)
        case .text, .integer: return (2, false)
        }
    }

    /// A single-line version of `text` (tables have no multi-line cells): each run of breaks becomes one space, and
    /// controls and bidirectional controls are dropped (`ShownText`, which messages on standard error use too).
    static func singleLine(_ text: String) -> String {
        ShownText.cleaned(text, lineBreaks: .space)
    }
}
