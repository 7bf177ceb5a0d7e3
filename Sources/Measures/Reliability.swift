import Foundation
import DataTable
import Distributions

/// Per-item statistics, as psych::alpha reports them.
public struct ItemReliability: Sendable, Equatable {
    public let item: String
    /// Correlation of the item with the sum of the other items (psych `r.drop`).
    public let itemRestCorrelation: Double?
    /// Raw alpha of the remaining items (psych `alpha.drop$raw_alpha`); nil with fewer than 3 items.
    public let alphaIfDropped: Double?
}

/// Internal consistency of a set of items over listwise-complete rows.
public struct ReliabilityResult: Sendable, Equatable {
    public let items: [String]
    /// Complete rows used.
    public let n: Int
    /// Rows dropped for a missing item.
    public let dropped: Int
    /// Cronbach's alpha from the covariance matrix.
    public let alpha: Double?
    /// Standardized alpha from the correlation matrix: k·r̄ / (1 + (k−1)·r̄).
    public let standardizedAlpha: Double?
    /// Feldt (1965) interval: 1 − (1−α)·F_{1−γ/2}(n−1, (n−1)(k−1)) to 1 − (1−α)·F_{γ/2}(…).
    public let alphaConfLow: Double?
    public let alphaConfHigh: Double?
    public let level: Double
    public let itemStats: [ItemReliability]
    /// McDonald's omega total from a one-factor ML fit; nil with fewer than 3 items or no convergence.
    public let omega: OmegaResult?
    public let warnings: [String]
}

public enum ReliabilityError: Error, Equatable, CustomStringConvertible, Sendable {
    case tooFewItems(Int)
    case lengthMismatch
    case tooFewCompleteRows(Int)
    case badLevel(Double)
    case unknownColumn(String, suggestions: [String])
    case nonNumericColumn(String)

    public var description: String {
        switch self {
        case .unknownColumn(let name, let suggestions):
            return "no column named '\(name)'\(Table.suggestionHint(suggestions))"
        case .nonNumericColumn(let name): return "column '\(name)' is not numeric; reliability needs numeric items"
        case .tooFewItems(let k): return "reliability needs at least 2 items (got \(k))"
        case .lengthMismatch: return "item columns and names must match in number, and all item columns in length"
        case .tooFewCompleteRows(let n): return "reliability needs at least 3 rows with every item present (found \(n))"
        case .badLevel(let l): return "confidence level must be between 0 and 1 (got \(l))"
        }
    }
}

/// Cronbach's alpha (raw and standardized) with Feldt's interval, item–rest correlations, alpha if
/// item dropped, and omega total from a one-factor maximum-likelihood model.
///
/// `items[j]` holds item j's values over rows; rows with any item missing are dropped (listwise).
public func reliability(items: [[Double?]], names: [String], level: Double = 0.95) throws(ReliabilityError) -> ReliabilityResult {
    let k = items.count
    guard k >= 2 else { throw .tooFewItems(k) }
    guard names.count == k, let rows = items.first?.count, items.allSatisfy({ $0.count == rows }) else {
        throw .lengthMismatch
    }
    guard level > 0, level < 1 else { throw .badLevel(level) }
    let complete = (0..<rows).filter { r in items.allSatisfy { $0[r] != nil } }
    let n = complete.count
    guard n >= 3 else { throw .tooFewCompleteRows(n) }
    let data: [[Double]] = items.map { column in complete.map { column[$0] ?? 0 } }

    let cov = covarianceMatrix(data, divisor: Double(n - 1))
    var warnings: [String] = []
    let variances = (0..<k).map { cov[$0][$0] }
    let constant = (0..<k).filter { !(variances[$0] > 0) }
    if !constant.isEmpty {
        return try withoutConstantItems(constant, data: data, names: names, rows: rows, level: level)
    }

    let total = cov.reduce(0) { $0 + $1.reduce(0, +) }
    let trace = variances.reduce(0, +)
    let rowSums = cov.map { $0.reduce(0, +) }
    let kd = Double(k)
    let alpha = total > 0 ? kd / (kd - 1) * (1 - trace / total) : nil

    var standardized: Double?
    if variances.allSatisfy({ $0 > 0 }) {
        var offDiagonal = 0.0
        for i in 0..<k { for j in 0..<k where i != j { offDiagonal += cov[i][j] / sqrt(variances[i] * variances[j]) } }
        let rBar = offDiagonal / (kd * (kd - 1))
        standardized = kd * rBar / (1 + (kd - 1) * rBar)
    }

    var low: Double?, high: Double?
    if let a = alpha {
        let d1 = Double(n - 1), d2 = Double(n - 1) * (kd - 1)
        let tail = (1 - level) / 2
        low = 1 - (1 - a) * FDistribution(numerator: d1, denominator: d2).quantile(1 - tail)
        high = 1 - (1 - a) * FDistribution(numerator: d1, denominator: d2).quantile(tail)
    }

    let stats: [ItemReliability] = (0..<k).map { j in
        let covWithRest = rowSums[j] - cov[j][j]
        let restVariance = total - 2 * rowSums[j] + cov[j][j]
        let r = restVariance > 0 && cov[j][j] > 0 ? covWithRest / sqrt(cov[j][j] * restVariance) : nil
        var dropped: Double?
        if k >= 3, restVariance > 0 {
            let km = kd - 1
            dropped = km / (km - 1) * (1 - (trace - cov[j][j]) / restVariance)
        }
        return ItemReliability(item: names[j], itemRestCorrelation: r, alphaIfDropped: dropped)
    }

    let negative = stats.filter { ($0.itemRestCorrelation ?? 0) < 0 }.map { "'\($0.item)'" }
    if !negative.isEmpty {
        warnings.append("item\(negative.count == 1 ? "" : "s") \(negative.joined(separator: ", ")) "
            + "correlate\(negative.count == 1 ? "s" : "") negatively with the rest of the scale (item-rest r < 0), which "
            + "lowers alpha: if worded the other way, reverse \(negative.count == 1 ? "it" : "them") (--reverse with --range, "
            + "or the instrument's key) and run again")
    }

    var omega: OmegaResult?
    if k >= 3 {
        // lavaan's ML uses the covariance with divisor n.
        let mlCov = cov.map { $0.map { $0 * Double(n - 1) / Double(n) } }
        omega = fitOneFactorOmega(covariance: mlCov)
        if let o = omega {
            if !o.converged { warnings.append("one-factor model did not converge in \(o.iterations) iterations; omega is unreliable") }
            if !o.heywoodItems.isEmpty {
                let which = o.heywoodItems.map { names[$0] }.joined(separator: ", ")
                warnings.append("Heywood case: residual variance held at its lower bound for \(which)")
            }
        } else {
            warnings.append("one-factor model could not be fitted; omega not reported")
        }
    } else {
        warnings.append("omega needs at least 3 items")
    }
    return ReliabilityResult(items: names, n: n, dropped: rows - n, alpha: alpha, standardizedAlpha: standardized,
                             alphaConfLow: low, alphaConfHigh: high, level: level, itemStats: stats, omega: omega,
                             warnings: warnings)
}

/// Alpha and omega without the items every respondent answered alike, as psych::alpha ("had no variance and was
/// deleted") and SPSS RELIABILITY compute them: a constant adds nothing to the total's variance, and counting it in k
/// would change alpha's k/(k−1). The constant items stay in the item statistics, with no item-rest r and the alpha of
/// the others as their alpha if dropped. `data` holds the listwise-complete rows of every item.
private func withoutConstantItems(_ constant: [Int], data: [[Double]], names: [String], rows: Int,
                                  level: Double) throws(ReliabilityError) -> ReliabilityResult {
    let kept = names.indices.filter { !constant.contains($0) }
    let listed = constant.map { "'\(names[$0])'" }.joined(separator: ", ")
    let plural = constant.count > 1
    let n = data.first?.count ?? 0
    guard kept.count >= 2 else {
        return ReliabilityResult(
            items: names, n: n, dropped: rows - n, alpha: nil, standardizedAlpha: nil, alphaConfLow: nil, alphaConfHigh: nil,
            level: level, itemStats: names.map { ItemReliability(item: $0, itemRestCorrelation: nil, alphaIfDropped: nil) },
            omega: nil, warnings: ["item\(plural ? "s" : "") \(listed) \(plural ? "have" : "has") zero variance, leaving fewer than "
                                   + "two items that vary: alpha and omega are undefined"])
    }
    let inner = try reliability(items: kept.map { j in data[j].map { Optional($0) } }, names: kept.map { names[$0] },
                                level: level)
    var stats: [ItemReliability] = []
    var next = 0
    for j in names.indices {
        if constant.contains(j) {
            stats.append(ItemReliability(item: names[j], itemRestCorrelation: nil, alphaIfDropped: inner.alpha))
        } else {
            stats.append(inner.itemStats[next])
            next += 1
        }
    }
    let warning = "item\(plural ? "s" : "") \(listed) \(plural ? "have" : "has") zero variance (every respondent gave the same "
        + "answer) and \(plural ? "are" : "is") left out of alpha, standardized alpha and omega, as psych::alpha and SPSS do"
    return ReliabilityResult(items: names, n: n, dropped: rows - n, alpha: inner.alpha,
                             standardizedAlpha: inner.standardizedAlpha, alphaConfLow: inner.alphaConfLow,
                             alphaConfHigh: inner.alphaConfHigh, level: level, itemStats: stats, omega: inner.omega,
                             warnings: [warning] + inner.warnings)
}

/// Reliability of named numeric columns of a table (no key: no reversal, no range check).
public func reliability(table: Table, items: [String], level: Double = 0.95) throws(ReliabilityError) -> ReliabilityResult {
    var columns: [[Double?]] = []
    for name in items {
        guard let column = table.column(named: name) else {
            throw .unknownColumn(name, suggestions: table.nearestNames(to: name))
        }
        guard let numeric = column.numericValues else { throw .nonNumericColumn(name) }
        columns.append((0..<numeric.count).map { numeric[$0] })
    }
    return try reliability(items: columns, names: items, level: level)
}

/// Reliability of an instrument's items (reverse keys applied), for the total and, when asked, each subscale.
public struct InstrumentReliability: Sendable, Equatable {
    public let instrument: String
    public let total: ReliabilityResult
    /// In the key's subscale order.
    public let subscales: [SubscaleReliability]
}

public struct SubscaleReliability: Sendable, Equatable {
    public let name: String
    public let result: ReliabilityResult
}

public enum InstrumentReliabilityError: Error, Equatable, CustomStringConvertible, Sendable {
    case scoring(ScoringError)
    case reliability(scale: String, ReliabilityError)

    public var description: String {
        switch self {
        case .scoring(let e): return e.description
        case .reliability(let scale, let e): return "\(scale): \(e.description)"
        }
    }
}

/// `dataRows`: locate out-of-range cells by data row rather than by CSV line (SPSS, Stata and SAS files have no lines).
public func reliability(table: Table, key: ScoringKey, items: [String], subscales: Bool = false, level: Double = 0.95,
                        invalid: InvalidValuePolicy = .error,
                        dataRows: Bool = false) throws(InstrumentReliabilityError) -> InstrumentReliability {
    let prepared: PreparedItems
    do {
        prepared = try prepareItems(table: table, key: key, items: items, policy: invalid, lineOffset: 2, dataRows: dataRows)
    } catch {
        throw .scoring(error)
    }
    func run(_ positions: [Int], scale: String) throws(InstrumentReliabilityError) -> ReliabilityResult {
        do {
            return try reliability(items: positions.map { prepared.values[$0 - 1] }, names: positions.map { items[$0 - 1] },
                                   level: level)
        } catch { throw .reliability(scale: scale, error) }
    }
    let total = try run(Array(1...key.items), scale: key.id)
    var parts: [SubscaleReliability] = []
    if subscales {
        for s in key.subscales {
            parts.append(SubscaleReliability(name: s.name, result: try run(s.items, scale: "\(key.id) \(s.name)")))
        }
    }
    return InstrumentReliability(instrument: key.id, total: total, subscales: parts)
}

/// Sample covariance matrix by the two-pass algorithm. `data[j]` is variable j.
func covarianceMatrix(_ data: [[Double]], divisor: Double) -> [[Double]] {
    let k = data.count
    let centered = data.map { column -> [Double] in
        let mean = column.reduce(0, +) / Double(column.count)
        return column.map { $0 - mean }
    }
    var cov = [[Double]](repeating: [Double](repeating: 0, count: k), count: k)
    for i in 0..<k {
        for j in i..<k {
            var s = 0.0
            for r in 0..<centered[i].count { s += centered[i][r] * centered[j][r] }
            cov[i][j] = s / divisor
            cov[j][i] = cov[i][j]
        }
    }
    return cov
}
