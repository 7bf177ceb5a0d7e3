import LinearAlgebra

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
        let (tx, ty) = (transform(x), transform(y))
        let (rx, ry) = (fit.residuals(tx), fit.residuals(ty))
        // A variable the controls explain exactly leaves rounding noise (≈ 1e-14 of its spread), whose correlation is
        // meaningless (wai_total beside wai_mean = wai_total / 12 gave r = −.215); lm's 1e-7 rule on the norms.
        func centredNorm(_ v: [Double]) -> Double {
            let mean = v.reduce(0, +) / Double(v.count)
            return v.reduce(0) { $0 + ($1 - mean) * ($1 - mean) }.squareRoot()
        }
        func norm(_ v: [Double]) -> Double { v.reduce(0) { $0 + $1 * $1 }.squareRoot() }
        func explained(_ residual: [Double], _ v: [Double]) -> Bool {
            let spread = centredNorm(v)
            return spread > 0 && norm(residual) <= 1e-7 * spread   // a constant is `zeroVariance`'s case
        }
        if explained(rx, tx) || explained(ry, ty) { throw .explainedByControls }
        let r = try productMomentCorrelation(rx, ry)
        return tTestResult(method: method, r: r, n: x.count, controls: k, confidenceLevel: confidenceLevel)
    }
}

/// Least-squares residuals on the controls, by LinearAlgebra's unpivoted Householder QR (dgeqrf/dormqr).
/// Collinear controls are rejected: |R_jj| is column j's residual norm after the earlier columns, and must exceed
/// 1e-10 of the largest column norm.
struct HouseholderLeastSquares {
    private let qr: QRDecomposition

    init(columns input: [[Double]]) throws(CorrelationError) {
        let rows = input.first?.count ?? 0
        if rows <= input.count { throw .tooFewObservations(needed: input.count + 1, available: rows) }
        do {
            qr = try QRDecomposition(Matrix(columns: input), pivoting: false)
        } catch {
            throw .nonFiniteValue
        }
        let scale = input.map { column in column.reduce(0) { $0 + $1 * $1 }.squareRoot() }.max() ?? 0
        if qr.rDiagonal.contains(where: { abs($0) <= 1e-10 * scale }) { throw .singularControls }
    }

    /// y minus its projection on the column space: apply Qᵀ, zero the first p entries, apply Q.
    func residuals(_ y: [Double]) -> [Double] {
        guard var v = try? qr.qTransposeTimes(y) else { return y.map { _ in .nan } }
        for j in 0..<qr.columns { v[j] = 0 }
        return (try? qr.qTimes(v)) ?? y.map { _ in .nan }
    }
}
