import Distributions

/// What one bootstrap resample draws: rows with replacement (boot's ordinary bootstrap, `sample(n, n, replace = TRUE)`
/// in distribution), or whole clusters with replacement (a cluster bootstrap: every row of each drawn cluster,
/// as many times as the cluster is drawn). The draws of resample i come from its own stream only.
public enum ResampleScheme: Sendable, Equatable {
    case rows(Int)
    /// `codes[r]` is row r's cluster in 0..<count.
    case clusters(codes: [Int], count: Int)

    /// The number of units drawn (rows or clusters): also the number of leave-one-out fits of the jackknife.
    public var units: Int {
        switch self {
        case .rows(let n): return n
        case .clusters(_, let count): return count
        }
    }

    /// The units drawn, in draw order: `units` draws of `nextInt(below: units)`.
    public func drawUnits(_ generator: inout SeededGenerator) -> [Int] {
        let m = units
        return (0..<m).map { _ in generator.nextInt(below: m) }
    }

    /// How many times each row appears in the resample whose units are `drawn` (frequency weights).
    public func rowWeights(units drawn: [Int], into weights: inout [Double]) {
        switch self {
        case .rows(let n):
            if weights.count != n { weights = [Double](repeating: 0, count: n) } else { for r in 0..<n { weights[r] = 0 } }
            for u in drawn { weights[u] += 1 }
        case .clusters(let codes, let count):
            var times = [Double](repeating: 0, count: count)
            for u in drawn { times[u] += 1 }
            if weights.count != codes.count { weights = [Double](repeating: 0, count: codes.count) }
            for r in codes.indices { weights[r] = times[codes[r]] }
        }
    }

    /// The row indices (0-based, into the model's rows) of the resample whose units are `drawn`, in draw order:
    /// for clusters, each drawn cluster's rows in row order. Feeding these rows to R's `lm` reproduces the resample.
    public func rowIndices(units drawn: [Int]) -> [Int] {
        switch self {
        case .rows: return drawn
        case .clusters(let codes, let count):
            var members = [[Int]](repeating: [], count: count)
            for r in codes.indices { members[codes[r]].append(r) }
            return drawn.flatMap { members[$0] }
        }
    }
}
