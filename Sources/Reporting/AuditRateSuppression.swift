import Privacy

/// Small-cell suppression of the audit's rates (docs/monitoring.md, "Small cells"; docs/privacy.md).
///
/// A published rate is a two-entry table: numerator x and complement n − x, with the denominator n as its total
/// (recovered and not recovered among those at caseness who finished). Shown with n, the rate gives x away (36.4%
/// of 11 is 4), so a rate is shown only when both x and n − x are 0 or at least the minimum, and x is published
/// only then. The groups of one table (the parts: service–quarter cells, or therapists) add up to the overall
/// row, so each column is a line in the sense of `SmallCellSuppressor`: a hidden entry needs another hidden in
/// the same line, or the total gives it away.
///
/// Two stages, both `SmallCellSuppressor` one-way plans over the parts with the overall row as total:
/// 1. each denominator (finished; at caseness at the start and finished; known dropout status): counts in
///    `1..<minimumCell` hidden, with complements;
/// 2. each metric: a part is hidden when its denominator is, or its numerator or complement is in
///    `1..<minimumCell`; then complements in the metric's line (a hidden part's n − x is hidden with its x, since
///    n is known, so one line per metric suffices).
/// Parts that are not published at all (groups hidden by the referral rule and not pooled) are hidden from the
/// start; a part that is not shown but can be derived (clients without a therapist: the overall row less every
/// therapist) is an ordinary part, hidden only by the rule.
struct AuditRateSuppression {
    struct Metric {
        /// Index into the denominators.
        let denominator: Int
        let numerators: [Int]
        let overall: Int
    }

    enum Reason: Equatable { case denominator, numerator }

    /// [denominator][part]
    let denominatorHidden: [[Bool]]
    let overallDenominatorHidden: [Bool]
    /// [metric][part]: nil where the rate is shown.
    let metricHidden: [[Reason?]]
    let overallMetricHidden: [Reason?]

    /// `denominators[d][part]`; `unpublished[part]` for parts hidden from the start; `overallHidden` for overall
    /// entries another table has had to hide (the overall row is shared between tables).
    init(denominators: [[Int]], overallDenominators: [Int], metrics: [Metric], unpublished: [Bool], minimumCell k: Int,
         overallDenominatorsHidden: [Bool]? = nil, overallMetricsHidden: [Bool]? = nil) {
        let suppressor = SmallCellSuppressor(minimumCell: k)
        func small(_ c: Int) -> Bool { c >= 1 && c < k }
        var denHidden: [[Bool]] = []
        var denOverall: [Bool] = []
        for (d, counts) in denominators.enumerated() {
            let plan = try? suppressor.suppressionPlan(counts: counts, total: overallDenominators[d], hidden: unpublished,
                                                       totalHidden: overallDenominatorsHidden?[d] ?? false)
            // A failure can only come from a negative count, which counts never are; hide everything if it happens.
            denHidden.append(plan?.cells ?? counts.map { _ in true })
            denOverall.append(plan?.total ?? true)
        }
        var hidden: [[Reason?]] = []
        var overall: [Reason?] = []
        for (m, metric) in metrics.enumerated() {
            let n = denominators[metric.denominator], x = metric.numerators
            let start = x.indices.map { p in unpublished[p] || denHidden[metric.denominator][p] || small(x[p]) || small(n[p] - x[p]) }
            let nAll = overallDenominators[metric.denominator]
            let totalStart = (overallMetricsHidden?[m] ?? false) || denOverall[metric.denominator]
                || small(metric.overall) || small(nAll - metric.overall)
            let plan = try? suppressor.suppressionPlan(counts: x, total: metric.overall, hidden: start, totalHidden: totalStart)
            let cells = plan?.cells ?? x.map { _ in true }
            hidden.append(x.indices.map { p in
                denHidden[metric.denominator][p] ? .denominator : (cells[p] ? .numerator : nil)
            })
            overall.append(denOverall[metric.denominator] ? .denominator : ((plan?.total ?? true) ? .numerator : nil))
        }
        denominatorHidden = denHidden
        overallDenominatorHidden = denOverall
        metricHidden = hidden
        overallMetricHidden = overall
    }

    static func reasonText(_ reason: Reason, k: Int) -> String {
        switch reason {
        case .denominator:
            return "fewer than \(k) clients in the denominator, or hidden so that such a count cannot be recovered from the totals"
        case .numerator:
            return "the count or its complement (denominator − count) is under \(k), or hidden so that such a count cannot be recovered from the totals"
        }
    }
}
