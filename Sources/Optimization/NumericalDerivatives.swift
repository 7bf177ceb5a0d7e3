/// Derivatives by Richardson extrapolation of central differences, as R's numDeriv (Gilbert & Varadhan) computes
/// them: the steps, the number of halvings and the extrapolation follow `numDeriv::jacobian` and `numDeriv::genD`
/// (behind `numDeriv::hessian`) with their default settings, so results agree with R code built on them
/// (lmerTest's Satterthwaite degrees of freedom) to far below their own accuracy.
public enum NumericalDerivatives {
    /// numDeriv's `zero.tol`: parameters smaller than this get the absolute step `eps`.
    static let zeroTolerance = (Double.ulpOfOne / 7e-7).squareRoot()

    /// The Jacobian of `f` at x (rows: outputs, columns: parameters), numDeriv's `jacobian` with
    /// `method.args = list(eps = 1e-4, d = 1e-4, r = 4, v = 2)`.
    public static func jacobian(at x: [Double], relativeStep d: Double = 1e-4, absoluteStep eps: Double = 1e-4, rounds r: Int = 4,
                                _ f: ([Double]) -> [Double]) -> [[Double]] {
        let n = x.count
        let h0 = x.map { abs(d * $0) + eps * (abs($0) < zeroTolerance ? 1 : 0) }
        var columns: [[Double]] = []
        for i in 0..<n {
            var h = h0[i]
            var approximations: [[Double]] = []
            for _ in 0..<r {
                var plus = x, minus = x
                plus[i] += h
                minus[i] -= h
                let fp = f(plus), fm = f(minus)
                approximations.append(zip(fp, fm).map { ($0 - $1) / (2 * h) })
                h /= 2
            }
            columns.append(extrapolate(approximations))
        }
        let outputs = columns.first?.count ?? 0
        return (0..<outputs).map { o in columns.map { $0[o] } }
    }

    /// The Hessian of a scalar `f` at x, numDeriv's `hessian` (through `genD`, `d = 0.1`, `eps = 1e-4`, `r = 4`, `v = 2`):
    /// `secondDerivatives` with one output (the same evaluations in the same order, the same arithmetic).
    public static func hessian(at x: [Double], relativeStep d: Double = 0.1, absoluteStep eps: Double = 1e-4, rounds r: Int = 4,
                               _ f: ([Double]) -> Double) -> [[Double]] {
        secondDerivatives(at: x, relativeStep: d, absoluteStep: eps, rounds: r) { [f($0)] }.hessian[0]
    }

    /// numDeriv's `genD` for a vector-valued `f` (the steps, halvings and extrapolation of `hessian`): each output's
    /// gradient (from the same diagonal pass) and Hessian, `gradient[output][i]` and `hessian[output][i][j]`. One pass
    /// serves several functions of the same expensive evaluation.
    public static func secondDerivatives(at x: [Double], relativeStep d: Double = 0.1, absoluteStep eps: Double = 1e-4, rounds r: Int = 4,
                                         _ f: ([Double]) -> [Double]) -> (value: [Double], gradient: [[Double]], hessian: [[[Double]]]) {
        let n = x.count
        let f0 = f(x)
        let outputs = f0.count
        let h0 = x.map { abs(d * $0) + eps * (abs($0) < zeroTolerance ? 1 : 0) }
        var first = [[Double]](repeating: [], count: n)
        var diagonal = [[Double]](repeating: [], count: n)
        for i in 0..<n {
            var h = h0
            var slopes: [[Double]] = []
            var curvatures: [[Double]] = []
            for _ in 0..<r {
                var plus = x, minus = x
                plus[i] += h[i]
                minus[i] -= h[i]
                let fp = f(plus), fm = f(minus)
                slopes.append((0..<outputs).map { (fp[$0] - fm[$0]) / (2 * h[i]) })
                curvatures.append((0..<outputs).map { (fp[$0] - 2 * f0[$0] + fm[$0]) / (h[i] * h[i]) })
                h = h.map { $0 / 2 }
            }
            first[i] = extrapolate(slopes)
            diagonal[i] = extrapolate(curvatures)
        }
        var hessian = [[[Double]]](repeating: [[Double]](repeating: [Double](repeating: 0, count: n), count: n), count: outputs)
        for i in 0..<n {
            for o in 0..<outputs { hessian[o][i][i] = diagonal[i][o] }
            for j in 0..<i {
                var h = h0
                var approximations: [[Double]] = []
                for _ in 0..<r {
                    var plus = x, minus = x
                    plus[i] += h[i]; plus[j] += h[j]
                    minus[i] -= h[i]; minus[j] -= h[j]
                    let fp = f(plus), fm = f(minus)
                    approximations.append((0..<outputs).map { o in
                        (fp[o] - 2 * f0[o] + fm[o] - diagonal[i][o] * h[i] * h[i] - diagonal[j][o] * h[j] * h[j]) / (2 * h[i] * h[j])
                    })
                    h = h.map { $0 / 2 }
                }
                let values = extrapolate(approximations)
                for o in 0..<outputs { hessian[o][i][j] = values[o]; hessian[o][j][i] = values[o] }
            }
        }
        let gradient = (0..<outputs).map { o in (0..<n).map { first[$0][o] } }
        return (f0, gradient, hessian)
    }

    /// The Jacobian of a vector-valued `g` (an analytic gradient) by one central difference per parameter, with the
    /// given steps: `jacobian[output][i]`. Second derivatives from exact first ones need no extrapolation (2n calls of
    /// `g` instead of genD's ≈ 2rn² of the function); nil when `g` fails at a step.
    public static func centralDifferences(at x: [Double], steps: [Double], _ g: ([Double]) -> [Double]?) -> [[Double]]? {
        var columns: [[Double]] = []
        for i in x.indices {
            var plus = x, minus = x
            plus[i] += steps[i]
            minus[i] -= steps[i]
            guard let gp = g(plus), let gm = g(minus), gp.count == gm.count else { return nil }
            columns.append(zip(gp, gm).map { ($0 - $1) / (2 * steps[i]) })
        }
        let outputs = columns.first?.count ?? 0
        return (0..<outputs).map { o in columns.map { $0[o] } }
    }

    /// Richardson's extrapolation of approximations at steps h, h/2, h/4, … with error in h²: numDeriv's loop
    /// `a[k] = (a[k + 1]·4^m − a[k]) / (4^m − 1)`.
    static func extrapolate(_ approximations: [[Double]]) -> [Double] {
        var a = approximations
        let r = a.count
        var power = 1.0
        for m in 1..<max(r, 1) {
            power *= 4
            for k in 0..<(r - m) {
                a[k] = zip(a[k + 1], a[k]).map { ($0 * power - $1) / (power - 1) }
            }
        }
        return a.first ?? []
    }
}
