/// An ad-hoc scale given on the command line (`--items a,b,c --reverse b --range 1-7`) instead of a key file:
/// a scoring key with the items, their range and the reverse-keyed positions, and nothing else (no subscales,
/// prorating, cut-offs or norms), so scoring and reliability run through the same validated path as shipped keys.
public enum AdHocScaleError: Error, Equatable, CustomStringConvertible, Sendable {
    case badID(String)
    case noItems
    case badRange(min: Double, max: Double)
    case reverseNotAnItem(String, items: [String])
    case duplicateReverse(String)

    public var description: String {
        switch self {
        case .badID(let id): return "scale name '\(id)' must be letters, digits, '-' or '_'"
        case .noItems: return "an ad-hoc scale needs at least one item"
        case .badRange(let lo, let hi): return "item range \(format(lo))-\(format(hi)) is empty: the minimum must be below the maximum"
        case .reverseNotAnItem(let name, let items):
            return "reverse-keyed item '\(name)' is not one of the scale's items (\(listed(items)))"
        case .duplicateReverse(let name): return "reverse-keyed item '\(name)' is listed twice"
        }
    }
}

extension ScoringKey {
    /// A key for `items` (column names, in order) scored by `total`, valid on `range`, with the named items reversed
    /// as `min + max − x`. `range` may be nil only when nothing is reversed (then no range check is made: the range
    /// is every finite number).
    public static func adHoc(id: String, items: [String], range: ItemRange?, reverse: [String],
                             total: TotalRule = .sum) throws(AdHocScaleError) -> ScoringKey {
        guard !id.isEmpty, id.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }) else { throw .badID(id) }
        guard !items.isEmpty else { throw .noItems }
        if let range, !(range.min.isFinite && range.max.isFinite && range.min < range.max) {
            throw .badRange(min: range.min, max: range.max)
        }
        var positions: [Int] = []
        for name in reverse {
            guard let at = items.firstIndex(of: name) else { throw .reverseNotAnItem(name, items: items) }
            guard !positions.contains(at + 1) else { throw .duplicateReverse(name) }
            positions.append(at + 1)
        }
        return ScoringKey(adHocID: id, items: items.count,
                          range: range ?? ItemRange(min: -Double.greatestFiniteMagnitude, max: Double.greatestFiniteMagnitude),
                          reverse: positions.sorted(), total: total)
    }

    private init(adHocID: String, items: Int, range: ItemRange, reverse: [Int], total: TotalRule) {
        format = ScoringKey.formatVersion
        id = adHocID
        name = adHocID
        self.items = items
        itemRange = range
        integerItems = false
        reverseItems = reverse
        subscales = []
        self.total = total
        prorating = nil
        severityBands = []
        clinicalCutoff = nil
        reliableChange = nil
        // Unused without a cut-off or norms (only `change` reads it).
        direction = .higherBetter
        norms = nil
        flags = []
        alert = nil
        source = []
        notes = ["ad-hoc scale from the command line"]
    }
}
