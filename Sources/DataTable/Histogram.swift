import Foundation

/// Histogram bin edges and the rule that chose them; `counts` bins values into them. Bins are half-open
/// [a, b), the last one closed (R's `hist(right = FALSE, include.lowest = TRUE)`).
public struct HistogramBins: Sendable, Equatable {
    /// What set the width.
    public enum Rule: Sendable, Equatable {
        /// 2·IQR·n^(-1/3), the IQR from R's default (type 7) quantile.
        case freedmanDiaconis
        /// ceil(log2 n + 1) bins over the range.
        case sturges
        /// N equal bins from the minimum to the maximum.
        case bins(Int)
        /// Edges at multiples of the width.
        case binwidth(Double)
    }

    public let edges: [Double]
    public let width: Double
    public let rule: Rule
    public var count: Int { edges.count - 1 }

    /// Freedman–Diaconis on a long-tailed column can ask for thousands of bins; past this many, Sturges is used.
    public static let ruleBinLimit = 200

    /// Most bins a rule or a bin width may produce (a tiny width on a wide range would otherwise allocate without bound).
    public static let maximumBins = 10_000

    /// Bins for `values`: `bins` equal bins from the minimum to the maximum, or edges at multiples of `binwidth`,
    /// or (neither) Freedman–Diaconis falling back to Sturges when the IQR is 0 or Freedman–Diaconis would need
    /// more than `ruleBinLimit` bins. When every value is a whole number and the width comes from a rule, the width
    /// is rounded up to a whole number and the edges fall at half-integers, so no whole value sits on an edge.
    public init(_ values: [Double], bins: Int? = nil, binwidth: Double? = nil) throws(HistogramError) {
        let sorted = values.sorted()
        guard let low = sorted.first, let high = sorted.last else { throw .noValues }
        guard (high - low).isFinite else { throw .spanTooWide(low: low, high: high) }
        let whole = sorted.allSatisfy { $0 == $0.rounded() }
        let n = Double(sorted.count)
        var start: Double
        var width: Double
        var count: Int
        if let bins {
            width = high > low ? (high - low) / Double(bins) : 1
            start = high > low ? low : low - 0.5
            count = bins
            rule = .bins(bins)
        } else if let binwidth {
            width = binwidth
            start = (low / binwidth).rounded(.down) * binwidth
            count = try Self.binCount(from: start, to: high, width: binwidth)
            // The top edge closes the last bin; when max sits exactly on an edge it belongs to the bin below.
            if count > 1 && start + Double(count - 1) * binwidth == high { count -= 1 }
            rule = .binwidth(binwidth)
        } else {
            let iqr = sampleQuantile(sorted: sorted, 0.75) - sampleQuantile(sorted: sorted, 0.25)
            let fd = 2 * iqr / Foundation.cbrt(n)
            if iqr > 0 && (high - low) / fd <= Double(Self.ruleBinLimit) {
                width = fd
                rule = .freedmanDiaconis
            } else {
                let sturges = Int((Foundation.log2(n) + 1).rounded(.up))
                width = high > low ? (high - low) / Double(max(sturges, 1)) : 1
                rule = .sturges
            }
            if whole {
                width = max(1, width.rounded(.up))
                start = low - 0.5
            } else {
                start = (low / width).rounded(.down) * width
            }
            count = try Self.binCount(from: start, to: high, width: width)
            if count > 1 && start + Double(count - 1) * width == high { count -= 1 }
        }
        guard count <= Self.maximumBins else { throw .tooManyBins(count) }
        self.width = width
        var edges = (0...count).map { start + Double($0) * width }
        // Rounding must never leave the maximum outside the closed last bin.
        if edges[count] < high { edges[count] = high }
        guard width.isFinite, width > 0, zip(edges, edges.dropFirst()).allSatisfy({ $0 < $1 }) else {
            throw .tooClose(width: width, widthFromRule: bins == nil && binwidth == nil)
        }
        self.edges = edges
    }

    /// Counts of `values` per bin: [edge_k, edge_k+1), with the last bin closed; values outside are not counted.
    public func counts(_ values: [Double]) -> [Int] {
        var counts = Array(repeating: 0, count: count)
        guard let first = edges.first, let last = edges.last else { return counts }
        for value in values where value >= first && value <= last {
            let position = ((value - first) / width).rounded(.down)
            var bin = position.isFinite ? Int(min(max(position, 0), Double(count - 1))) : 0
            // Floating-point division can land one bin off at an edge; the edges decide.
            while bin > 0 && value < edges[bin] { bin -= 1 }
            while bin < count - 1 && value >= edges[bin + 1] { bin += 1 }
            counts[bin] += 1
        }
        return counts
    }

    /// Bins of `width` needed to reach `high` from `start`, checked before any conversion to Int can trap.
    private static func binCount(from start: Double, to high: Double, width: Double) throws(HistogramError) -> Int {
        let bins = ((high - start) / width).rounded(.down) + 1
        guard bins.isFinite, bins <= Double(maximumBins) else { throw .beyondBinLimit }
        return max(1, Int(bins))
    }
}

/// Why values cannot be binned.
public enum HistogramError: Error, Equatable, Sendable, CustomStringConvertible {
    case noValues
    /// The range overflows a Double.
    case spanTooWide(low: Double, high: Double)
    /// The requested bins or width would need this many bins (more than `HistogramBins.maximumBins`).
    case tooManyBins(Int)
    /// A bin width would need more than `HistogramBins.maximumBins` bins.
    case beyondBinLimit
    /// Adjacent edges coincide at this width (values too close together, or too large, for it).
    case tooClose(width: Double, widthFromRule: Bool)

    public var description: String {
        switch self {
        case .noValues: return "no values to bin"
        case .spanTooWide(let low, let high):
            return "the values span more than a number can hold (\(low) to \(high)); check the column for sentinel values"
        case .tooManyBins(let count):
            return "\(count) bins would be needed (at most \(HistogramBins.maximumBins))"
        case .beyondBinLimit: return "more than \(HistogramBins.maximumBins) bins would be needed"
        case .tooClose(let width, _): return "the values are too close together (or too large) to bin at width \(width)"
        }
    }
}

/// R's default (type 7) sample quantile of ascending `sorted` values, 0 ≤ p ≤ 1: the value at position
/// (n − 1)·p, interpolating linearly between neighbours (`quantile(x, p, type = 7)`).
public func sampleQuantile(sorted: [Double], _ p: Double) -> Double {
    let h = Double(sorted.count - 1) * p
    let lower = Int(h.rounded(.down))
    let upper = min(lower + 1, sorted.count - 1)
    return sorted[lower] + (h - Double(lower)) * (sorted[upper] - sorted[lower])
}

/// A histogram of one or more groups of values over the same bins.
public struct Histogram: Sendable, Equatable {
    public let bins: HistogramBins
    /// `counts[g][k]`: values of group `g` in bin `k`.
    public let counts: [[Int]]

    public init(bins: HistogramBins, groups: [[Double]]) {
        self.bins = bins
        counts = groups.map { bins.counts($0) }
    }

    /// Counts per bin over all groups.
    public var totals: [Int] {
        (0..<bins.count).map { bin in counts.reduce(0) { $0 + $1[bin] } }
    }
}
