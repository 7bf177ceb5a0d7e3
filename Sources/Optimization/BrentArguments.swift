/// The arguments both of Brent's one-dimensional methods (`BrentMinimizer`, `BrentRootFinder`) take, checked once:
/// a finite interval with lower < upper (as R's `optimize` and `uniroot` require), a positive finite tolerance and at
/// least one iteration.
func checkBrentArguments(lower: Double, upper: Double, tolerance: Double, maxIterations: Int) throws(OptimizationError) {
    guard lower.isFinite, upper.isFinite, lower < upper else {
        throw .invalidArgument("the interval [\(lower), \(upper)] must be finite with lower < upper")
    }
    guard tolerance > 0, tolerance.isFinite else { throw .invalidArgument("tolerance is \(tolerance); it must be positive") }
    guard maxIterations >= 1 else { throw .invalidArgument("maximum iterations is \(maxIterations)") }
}
