/// Multiple-comparison adjustment of p-values, as R's p.adjust.
public enum PValueAdjustment: String, Sendable, CaseIterable, Codable {
    case none
    /// Holm (1979) step-down, family-wise error.
    case holm
    case bonferroni
    /// Benjamini & Hochberg (1995) step-up, false discovery rate.
    case bh

    /// Adjusted p-values in the input order. NaN entries stay NaN and do not count towards the number of
    /// tests (R's treatment of NA).
    public func adjust(_ pValues: [Double]) -> [Double] {
        let present = pValues.indices.filter { !pValues[$0].isNaN }
        let m = Double(present.count)
        var adjusted = pValues
        switch self {
        case .none:
            break
        case .bonferroni:
            for index in present { adjusted[index] = min(1, m * pValues[index]) }
        case .holm:
            // Ascending order; running maximum of (m − i)·p₍ᵢ₎ for i = 0, 1, …
            let order = present.sorted { pValues[$0] < pValues[$1] }
            var runningMaximum = 0.0
            for (rank, index) in order.enumerated() {
                runningMaximum = max(runningMaximum, (m - Double(rank)) * pValues[index])
                adjusted[index] = min(1, runningMaximum)
            }
        case .bh:
            // Descending order; running minimum of m/i·p₍ᵢ₎ for i = m, m−1, …
            let order = present.sorted { pValues[$0] > pValues[$1] }
            var runningMinimum = Double.infinity
            for (offset, index) in order.enumerated() {
                let rank = m - Double(offset)
                runningMinimum = min(runningMinimum, m / rank * pValues[index])
                adjusted[index] = min(1, runningMinimum)
            }
        }
        return adjusted
    }
}
