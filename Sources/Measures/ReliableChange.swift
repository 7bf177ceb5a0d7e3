import Foundation
import DataTable

/// Jacobson & Truax (1991) categories, in reporting order.
public enum ChangeCategory: String, Sendable, Equatable, CaseIterable {
    /// Reliable improvement that also crossed from the clinical side of the cut-off to the other.
    case recovered
    /// Reliable improvement otherwise.
    case improved
    case unchanged
    case deteriorated
}

public enum ChangeMethod: String, Sendable, Equatable {
    /// S_diff = √2·SD·√(1 − r); reliable when |RCI| ≥ 1.96.
    case jacobsonTruax = "jacobson-truax"
    /// A published reliable-change criterion in raw points: reliable when |post − pre| ≥ criterion.
    case publishedCriterion = "published-criterion"
}

/// Clinical cut-offs from functional and dysfunctional norms (Jacobson & Truax 1991):
/// a = 2 SD beyond the dysfunctional mean (towards health), b = 2 SD from the functional mean
/// (towards dysfunction), c = (SD_f·M_d + SD_d·M_f) / (SD_f + SD_d).
public struct ClinicalCutoffs: Sendable, Equatable {
    public let a: Double?
    public let b: Double?
    public let c: Double?
}

public func clinicalCutoffs(functional: ScoringKey.Norm?, dysfunctional: ScoringKey.Norm?,
                            direction: ScoreDirection) -> ClinicalCutoffs {
    // Healthier is lower when lower is better.
    let towardHealth: Double = direction == .lowerBetter ? -1 : 1
    let a = dysfunctional.map { $0.mean + towardHealth * 2 * $0.sd }
    let b = functional.map { $0.mean - towardHealth * 2 * $0.sd }
    var c: Double?
    if let f = functional, let d = dysfunctional, f.sd + d.sd > 0 {
        c = (f.sd * d.mean + d.sd * f.mean) / (f.sd + d.sd)
    }
    return ClinicalCutoffs(a: a, b: b, c: c)
}

/// One row's change.
public struct ChangeRow: Sendable, Equatable {
    public let change: Double
    public let rci: Double
    public let category: ChangeCategory
}

public struct ChangeCounts: Sendable, Equatable {
    public let recovered: Int
    public let improved: Int
    public let unchanged: Int
    public let deteriorated: Int
}

public struct ChangeResult: Sendable, Equatable {
    public let method: ChangeMethod
    /// Rows with both scores present.
    public let n: Int
    /// Rows with a score missing (their `rows` entry is nil).
    public let dropped: Int
    /// Standard error of the difference.
    public let sDiff: Double
    /// Minimum raw change that is reliable: 1.96·S_diff (or the published criterion).
    public let reliableChange: Double
    /// Clinical cut-off C used for `recovered` (nil: no row can be `recovered`).
    public let cutoff: Double?
    public let direction: ScoreDirection
    /// Per input row, nil where pre or post is missing.
    public let rows: [ChangeRow?]
    public let counts: ChangeCounts
    public let warnings: [String]
}

public enum ChangeError: Error, Equatable, CustomStringConvertible, Sendable {
    case lengthMismatch(pre: Int, post: Int)
    case invalidSD(Double)
    case invalidReliability(Double)
    case noCriterion(instrument: String)
    /// A pre (input 0) or post (input 1) score outside the key's possible totals.
    case outOfRange(OutOfRangeTotals)

    public var description: String {
        switch self {
        case .lengthMismatch(let a, let b): return "pre and post have different lengths (\(a) and \(b))"
        case .invalidSD(let sd): return "the standard deviation must be positive and finite (got \(sd))"
        case .invalidReliability(let r): return "the reliability must be between 0 and 1, exclusive (got \(r))"
        case .noCriterion(let id):
            return "\(id) has no published reliable-change criterion or norms; pass --sd and --reliability"
        case .outOfRange(let r): return r.description(columns: ["pre", "post"])
        }
    }
}

/// A numeric column's values with nil for missing, for passing `--pre`/`--post` columns to `reliableChange`.
public func optionalValues(of column: Column) -> [Double?]? {
    guard let numeric = column.numeric else { return nil }
    return (0..<numeric.count).map { numeric[$0] }
}

/// The critical |RCI| (two-sided 95%).
public let reliableChangeZ = 1.96

/// Jacobson–Truax reliable change and clinically significant change per row.
/// `sd` is the pre-treatment (or dysfunctional-norm) SD; `reliability` a test–retest or alpha coefficient.
public func reliableChange(pre: [Double?], post: [Double?], sd: Double, reliability: Double, cutoff: Double?,
                           direction: ScoreDirection) throws(ChangeError) -> ChangeResult {
    guard sd > 0, sd.isFinite else { throw .invalidSD(sd) }
    guard reliability > 0, reliability < 1 else { throw .invalidReliability(reliability) }
    let sDiff = sqrt(2) * sd * sqrt(1 - reliability)
    return try classify(pre: pre, post: post, method: .jacobsonTruax, sDiff: sDiff,
                        reliableChange: reliableChangeZ * sDiff, cutoff: cutoff, direction: direction)
}

/// Reliable change by a published raw-point criterion (e.g. PHQ-9: 6 points): reliable when
/// |post − pre| ≥ criterion. S_diff is reported as criterion / 1.96 so that `rci` is on the usual scale.
public func reliableChange(pre: [Double?], post: [Double?], criterion: Double, cutoff: Double?,
                           direction: ScoreDirection) throws(ChangeError) -> ChangeResult {
    guard criterion > 0, criterion.isFinite else { throw .invalidSD(criterion) }
    return try classify(pre: pre, post: post, method: .publishedCriterion, sDiff: criterion / reliableChangeZ,
                        reliableChange: criterion, cutoff: cutoff, direction: direction)
}

/// Reliable change with an instrument key: its published criterion when it has one, otherwise
/// Jacobson–Truax from its dysfunctional-norm SD and reliability; the cut-off is the key's clinical
/// cut-off, else c from its norms.
public func reliableChange(pre: [Double?], post: [Double?], key: ScoringKey) throws(ChangeError) -> ChangeResult {
    try checkTotals(pre: pre, post: post, key: key, criterionGiven: false)
    let cutoff = key.clinicalCutoff
        ?? clinicalCutoffs(functional: key.norms?.functional, dysfunctional: key.norms?.dysfunctional,
                           direction: key.direction).c
    if let criterion = key.reliableChange {
        return try reliableChange(pre: pre, post: post, criterion: criterion, cutoff: cutoff, direction: key.direction)
    }
    if let sd = key.norms?.dysfunctional?.sd, let r = key.norms?.reliability {
        return try reliableChange(pre: pre, post: post, sd: sd, reliability: r, cutoff: cutoff, direction: key.direction)
    }
    throw .noCriterion(instrument: key.id)
}

/// Scores the key's instrument cannot give are refused: classified, a -99 post score would count as recovered. A key
/// without a criterion (and none given) is refused first, as the usage error it is.
private func checkTotals(pre: [Double?], post: [Double?], key: ScoringKey, criterionGiven: Bool) throws(ChangeError) {
    let fromNorms = key.norms?.dysfunctional?.sd != nil && key.norms?.reliability != nil
    guard criterionGiven || key.reliableChange != nil || fromNorms else { throw .noCriterion(instrument: key.id) }
    let range = key.totalRange
    if let found = OutOfRangeTotals.find([pre, post], min: range.min, max: range.max, instrument: key.id) {
        throw .outOfRange(found)
    }
}

private func classify(pre: [Double?], post: [Double?], method: ChangeMethod, sDiff: Double, reliableChange: Double,
                      cutoff: Double?, direction: ScoreDirection) throws(ChangeError) -> ChangeResult {
    guard pre.count == post.count else { throw .lengthMismatch(pre: pre.count, post: post.count) }
    let better: Double = direction == .lowerBetter ? -1 : 1
    func clinical(_ x: Double, _ c: Double) -> Bool {
        direction == .lowerBetter ? DecimalCutoff.reaches(x, c) : DecimalCutoff.isBelow(x, c)
    }

    var tallies = [ChangeCategory: Int]()
    let rows: [ChangeRow?] = zip(pre, post).map { pair in
        guard let before = pair.0, let after = pair.1 else { return nil }
        let change = after - before
        let rci = change / sDiff
        let reliable: Bool
        switch method {
        case .jacobsonTruax: reliable = DecimalCutoff.reaches(abs(rci), reliableChangeZ)
        case .publishedCriterion: reliable = DecimalCutoff.reaches(abs(change), reliableChange)
        }
        let category: ChangeCategory
        if reliable && change * better > 0 {
            if let c = cutoff, clinical(before, c), !clinical(after, c) { category = .recovered } else { category = .improved }
        } else if reliable && change * better < 0 {
            category = .deteriorated
        } else {
            category = .unchanged
        }
        tallies[category, default: 0] += 1
        return ChangeRow(change: change, rci: rci, category: category)
    }
    let n = rows.count { $0 != nil }
    var warnings: [String] = []
    if cutoff == nil { warnings.append("no clinical cut-off: no row can be classed as recovered") }
    if n < pre.count { warnings.append("\(pre.count - n) row(s) lack a pre or post score and were not classified") }
    return ChangeResult(method: method, n: n, dropped: pre.count - n, sDiff: sDiff, reliableChange: reliableChange,
                        cutoff: cutoff, direction: direction, rows: rows,
                        counts: ChangeCounts(recovered: tallies[.recovered] ?? 0, improved: tallies[.improved] ?? 0,
                                             unchanged: tallies[.unchanged] ?? 0,
                                             deteriorated: tallies[.deteriorated] ?? 0),
                        warnings: warnings)
}

/// Reliable change with the user's settings taking precedence over a key's: `sd` with `reliability` (Jacobson–
/// Truax), `cutoff` and `direction` replace the key's where given; without a key, Jacobson–Truax from `sd` and
/// `reliability` (invalid or absent values are reported by that overload), lower scores better by default. With
/// a key and nothing overridden this is `reliableChange(pre:post:key:)`. Otherwise the criterion is the key's
/// published one, else Jacobson–Truax from its norms; the cut-off is the key's, else c from its norms.
public func reliableChange(pre: [Double?], post: [Double?], key: ScoringKey?, sd: Double?, reliability: Double?,
                           cutoff: Double?, direction: ScoreDirection?) throws(ChangeError) -> ChangeResult {
    guard let key else {
        return try reliableChange(pre: pre, post: post, sd: sd ?? .nan, reliability: reliability ?? .nan,
                                  cutoff: cutoff, direction: direction ?? .lowerBetter)
    }
    if sd == nil, cutoff == nil, direction == nil {
        return try reliableChange(pre: pre, post: post, key: key)
    }
    try checkTotals(pre: pre, post: post, key: key, criterionGiven: sd != nil && reliability != nil)
    let dir = direction ?? key.direction
    let cut = cutoff ?? key.clinicalCutoff
        ?? clinicalCutoffs(functional: key.norms?.functional, dysfunctional: key.norms?.dysfunctional, direction: dir).c
    if let sd, let reliability {
        return try reliableChange(pre: pre, post: post, sd: sd, reliability: reliability, cutoff: cut, direction: dir)
    }
    if let criterion = key.reliableChange {
        return try reliableChange(pre: pre, post: post, criterion: criterion, cutoff: cut, direction: dir)
    }
    if let normSD = key.norms?.dysfunctional?.sd, let r = key.norms?.reliability {
        return try reliableChange(pre: pre, post: post, sd: normSD, reliability: r, cutoff: cut, direction: dir)
    }
    throw .noCriterion(instrument: key.id)
}

extension ChangeCounts {
    public subscript(category: ChangeCategory) -> Int {
        switch category {
        case .recovered: return recovered
        case .improved: return improved
        case .unchanged: return unchanged
        case .deteriorated: return deteriorated
        }
    }
}

extension ChangeResult {
    /// The per-row columns `change --out` appends: `rci` and `change_category` (levels in reporting order), both
    /// missing where a score is.
    public var rowColumns: [Column] {
        let levels = ChangeCategory.allCases.map(\.rawValue)
        let codes = rows.map { row in row.flatMap { levels.firstIndex(of: $0.category.rawValue) }.map(Int32.init) ?? -1 }
        return [Column(name: "rci", numeric: rows.map { $0?.rci }),
                Column(name: "change_category", data: .categorical(CategoricalColumn(levels: levels, codes: codes)))]
    }
}
