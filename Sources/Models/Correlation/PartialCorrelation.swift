extension Correlation {
    /// Partial correlation of x and y given control variables: both are residualized on the controls
    /// (with an intercept) by least squares, and the residuals correlated. Spearman ranks x, y and every
    /// control first (as ppcor::pcor(method = "spearman")). The t test has n − 2 − k df for k controls;
    /// Fisher-z interval with variance 1/(n−3−k) (Pearson) or (1 + ρ²/2)/(n−3−k) (Spearman).
    public static func partial(
        _ x: [Double], _ y: [Double], controls: [[Double]], method: CorrelationMethod = .pearson,
        confidenceLevel: Double = 0.95
    ) throws(CorrelationError) -> CorrelationResult {
        if method == .kendall { throw .unsupportedPartialMethod(method) }
        let k = controls.count
        try validate(x, y, minimum: 3 + k, confidenceLevel: confidenceLevel)
        for control in controls {
            if control.count != x.count { throw .lengthMismatch(first: x.count, second: control.count) }
            if !control.allSatisfy(\.isFinite) { throw .nonFiniteValue }
        }
        if k == 0 { return try correlate(x, y, method: method, confidenceLevel: confidenceLevel) }
        let rankFirst = method == .spearman
        func transform(_ values: [Double]) -> [Double] { rankFirst ? averageRanks(values) : values }
        let design = [[Double](repeating: 1, count: x.count)] + controls.map { transform($0) }
        let fit = try HouseholderLeastSquares(columns: design)
        let r = try productMomentCorrelation(fit.residuals(transform(x)), fit.residuals(transform(y)))
        return tTestResult(method: method, r: r, n: x.count, controls: k, confidenceLevel: confidenceLevel)
    }
}

/// Least-squares residuals by Householder QR (no pivoting; collinear columns are rejected).
struct HouseholderLeastSquares {
    private let rows: Int
    private let columns: Int
    /// Householder vectors, column-major, vector j in rows j..<n of column j.
    private var reflectors: [Double]

    init(columns input: [[Double]]) throws(CorrelationError) {
        rows = input.first?.count ?? 0
        columns = input.count
        if rows <= columns { throw .tooFewObservations(needed: columns + 1, available: rows) }
        var a = input.flatMap { $0 }
        let scale = input.map { column in column.reduce(0) { $0 + $1 * $1 }.squareRoot() }.max() ?? 0
        for j in 0..<columns {
            let base = j * rows
            var norm = 0.0
            for i in j..<rows { norm += a[base + i] * a[base + i] }
            norm = norm.squareRoot()
            // Rank check on |R_jj| relative to the largest column.
            if norm <= 1e-10 * scale { throw .singularControls }
            let alpha = a[base + j] > 0 ? -norm : norm
            a[base + j] -= alpha
            var vv = 0.0
            for i in j..<rows { vv += a[base + i] * a[base + i] }
            for later in (j + 1)..<columns {
                let other = later * rows
                var dot = 0.0
                for i in j..<rows { dot += a[base + i] * a[other + i] }
                let factor = 2 * dot / vv
                for i in j..<rows { a[other + i] -= factor * a[base + i] }
            }
        }
        reflectors = a
    }

    /// y minus its projection on the column space: apply Qᵀ, zero the first p entries, apply Q.
    func residuals(_ y: [Double]) -> [Double] {
        var v = y
        for j in 0..<columns { reflect(&v, with: j) }
        for j in 0..<columns { v[j] = 0 }
        for j in (0..<columns).reversed() { reflect(&v, with: j) }
        return v
    }

    private func reflect(_ v: inout [Double], with j: Int) {
        let base = j * rows
        var dot = 0.0
        var vv = 0.0
        for i in j..<rows {
            dot += reflectors[base + i] * v[i]
            vv += reflectors[base + i] * reflectors[base + i]
        }
        let factor = 2 * dot / vv
        for i in j..<rows { v[i] -= factor * reflectors[base + i] }
    }
}
