/// Why a meta-analysis or a pooling of site summaries could not be done. Every case says what to do.
/// Study indices are 0-based positions in the input (the command turns them into data lines).
public enum MetaError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A study's inputs cannot give an effect size (a correlation of ±1, n ≤ 3, a negative count, …).
    case invalidStudy(index: Int, reason: String)
    case tooFewStudies(k: Int, needed: Int, what: String)
    /// A three-level model whose complete rows fall in fewer than two clusters.
    case tooFewClusters(clusters: Int, rows: Int)
    /// The moderators (with the intercept) are linearly dependent over the studies used.
    case moderatorsRankDeficient(terms: [String])
    /// An iterative estimate did not settle.
    case notConverged(what: String, iterations: Int)
    /// Something only meaningful in one model was asked of another (trim-and-fill with moderators, …).
    case notApplicable(String)

    public var description: String {
        switch self {
        case .invalidStudy(_, let reason):
            return reason
        case .tooFewClusters(let clusters, let rows):
            return "a three-level model needs at least 2 clusters; the \(rows) complete row\(rows == 1 ? "" : "s") "
                + "\(rows == 1 ? "lies" : "all lie") in \(clusters) (a cluster-level variance needs clusters to compare: "
                + "fit without --cluster, or check the cluster column)"
        case .tooFewStudies(let k, let needed, let what):
            return "\(what) needs at least \(needed) studies with complete data; \(k) \(k == 1 ? "is" : "are") usable"
        case .moderatorsRankDeficient(let terms):
            return "the moderators are linearly dependent over the studies used (\(terms.joined(separator: ", "))); drop one of them"
        case .notConverged(let what, let iterations):
            return "\(what) did not converge in \(iterations) iterations; check the data for extreme effect sizes or variances"
        case .notApplicable(let message):
            return message
        }
    }
}
