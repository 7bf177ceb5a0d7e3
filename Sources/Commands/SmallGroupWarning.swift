import Privacy

/// The small-cell rule (DESIGN.md §9) stated, not applied, where the groups are the analysis itself (survival curves
/// by `--by`, rupture groups): hiding them would leave nothing to report, so groups under the rule are named and the
/// user is told to merge them before the output is shared.
enum SmallGroupWarning {
    /// The warning for the groups of 1 to `minimum − 1` members, or nil when there are none.
    /// - subject: what formed the groups ("--by arm"); unit: what a member is ("row", "client");
    ///   describes: what of the output gives the members away ("their curves and counts"); remedy: what to do first.
    static func message(file: String, subject: String, groups: [(label: String, size: Int)], unit: String,
                        describes: String, remedy: String = "merge small groups",
                        minimum: Int = SmallCellSuppressor.defaultMinimum) -> String? {
        let small = groups.filter { $0.size > 0 && $0.size < minimum }
        guard !small.isEmpty else { return nil }
        let list = small.map { "'\($0.label)' (\($0.size) \(unit)\($0.size == 1 ? "" : "s"))" }.joined(separator: ", ")
        return "\(file): \(subject) has groups of fewer than \(minimum) \(unit)s: \(list); "
            + "\(describes) describe individual clients, so \(remedy) before sharing this output"
    }
}
