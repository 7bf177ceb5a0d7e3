import AllianceTestSupport
import Foundation
import Optimization
import Testing

/// Brent's zeroin and fmin against R's uniroot and optimize (Fixtures/make_optimization.R), at R's default
/// tolerance (ε^¼ = 2⁻¹³) and at alliance's defaults. The iterations are R's step for step, so the
/// iteration counts must be equal and the points agree to 4 ulp (the functions use the same glibc
/// cos/exp/sin/pow R uses; the tolerance allows a last-bit difference in a libm).
struct BrentTests {
    static let rDefaultTolerance = 0x1p-13

    static let roots: [(name: String, f: @Sendable (Double) -> Double, lower: Double, upper: Double)] = [
        ("cosx", { cos($0) - $0 }, 0, 1),
        ("cubic", { pow($0, 3) - 2 * $0 - 5 }, 2, 3),
        ("expx", { exp(-$0) - $0 }, 0, 1),
    ]

    static let minima: [(name: String, f: @Sendable (Double) -> Double, lower: Double, upper: Double)] = [
        ("quartic", { pow($0, 4) - 3 * pow($0, 3) + 2 }, 0, 5),
        ("sine", { sin($0) }, 0, 2 * Double.pi),
        ("shifted", { ($0 - 1.0 / 3) * ($0 - 1.0 / 3) + exp($0) / 10 }, -1, 2),
    ]

    @Test func rootsMatchUniroot() throws {
        let reference = try Fixtures.reference()
        for problem in Self.roots {
            for (label, finder) in [("default", BrentRootFinder(tolerance: Self.rDefaultTolerance)), ("tight", BrentRootFinder())] {
                let name = "uniroot_\(problem.name)_\(label)"
                let result = try finder.findRoot(lower: problem.lower, upper: problem.upper, problem.f)
                let root = try Fixtures.value(reference, name, "root")
                expectClose(result.root, root, absolute: 4 * root.ulp, "\(name) (R)")
                #expect(result.summary.iterations == Int(try Fixtures.value(reference, name, "iter")), "\(name)")
                #expect(isClose(result.estimatedPrecision, try Fixtures.value(reference, name, "estim_prec"), .relativeOrAbsolute(1e-9)), "\(name)")
                #expect(result.summary.value == problem.f(result.root))
                #expect(result.summary.converged)
                #expect(result.summary.evaluations == 2 + (result.summary.iterations ?? -1))
            }
        }
    }

    /// The fixed point of cos: 0.739085133215160641655312087674 (Dottie number, 30 digits). Brent stops
    /// when half the bracket is ≤ 2ε|x| + tol/2, so the default tol 1e-12 gives the root to ~1e-12.
    @Test func dottieNumber() throws {
        let result = try BrentRootFinder().findRoot(lower: 0, upper: 1) { cos($0) - $0 }
        expectClose(result.root, 0.739085133215160641655312087674, absolute: 1e-12)
        #expect(result.summary.stopReason == .intervalToleranceReached)
        #expect(result.summary.algorithm == .brentRoot)
    }

    @Test func minimaMatchOptimize() throws {
        let reference = try Fixtures.reference()
        for problem in Self.minima {
            for (label, minimizer) in [("default", BrentMinimizer(tolerance: Self.rDefaultTolerance)), ("tight", BrentMinimizer())] {
                let name = "optimize_\(problem.name)_\(label)"
                let summary = try minimizer.minimize(lower: problem.lower, upper: problem.upper, problem.f)
                let minimum = try Fixtures.value(reference, name, "minimum")
                expectClose(summary.parameters[0], minimum, absolute: 4 * minimum.ulp, "\(name) (R)")
                #expect(isClose(summary.value, try Fixtures.value(reference, name, "objective"), .relativeOrAbsolute(1e-15)), "\(name)")
                #expect(summary.converged && summary.stopReason == .intervalToleranceReached)
                #expect(summary.evaluations == 1 + (summary.iterations ?? -1))
            }
        }
    }

    /// Exact minima: x⁴ − 3x³ + 2 at 9/4 (value −6.54296875); sin at 3π/2. The minimiser is located to
    /// about √ε·|x| + tol ≈ 4e-8 (a flat parabola cannot do better); the value to ε.
    @Test func knownMinima() throws {
        let quartic = try BrentMinimizer().minimize(lower: 0, upper: 5) { pow($0, 4) - 3 * pow($0, 3) + 2 }
        expectClose(quartic.parameters[0], 2.25, absolute: 4e-8)
        expectClose(quartic.value, -6.54296875, absolute: 1e-14)
        let sine = try BrentMinimizer().minimize(lower: 0, upper: 2 * Double.pi) { sin($0) }
        expectClose(sine.parameters[0], 1.5 * Double.pi, absolute: 1e-7)
        expectClose(sine.value, -1, absolute: 1e-15)
    }

    @Test func rootAtAnEndIsExact() throws {
        let result = try BrentRootFinder().findRoot(lower: 0, upper: 2) { $0 * $0 - 4 }
        #expect(result.root == 2 && result.summary.stopReason == .exactZero && result.estimatedPrecision == 0)
        #expect(result.summary.iterations == 0)
    }

    @Test func badInputsAreTypedErrors() {
        #expect(throws: OptimizationError.rootNotBracketed(lower: 2, upper: 3, valueAtLower: 4, valueAtUpper: 9)) {
            try BrentRootFinder().findRoot(lower: 2, upper: 3) { $0 * $0 }
        }
        #expect(throws: OptimizationError.self) { try BrentRootFinder().findRoot(lower: 1, upper: 1) { $0 } }
        #expect(throws: OptimizationError.self) { try BrentRootFinder().findRoot(lower: 0, upper: .infinity) { $0 } }
        #expect(throws: OptimizationError.self) { try BrentRootFinder(tolerance: 0).findRoot(lower: -1, upper: 1) { $0 } }
        #expect(throws: OptimizationError.self) { try BrentMinimizer().minimize(lower: 1, upper: 0) { $0 } }
        // NaN inside the interval is an error naming the point, not a silently wrong root.
        do {
            _ = try BrentRootFinder().findRoot(lower: -1, upper: 2) { $0 > 0.1 && $0 < 1 ? .nan : $0 - 0.5 }
            Issue.record("NaN was not reported")
        } catch {
            guard case .nonFiniteObjective(let parameters, let value, _) = error else {
                Issue.record("wrong error \(error)")
                return
            }
            #expect(value.isNaN && parameters[0] > 0.1 && parameters[0] < 1)
        }
        #expect(throws: OptimizationError.self) {
            try BrentMinimizer().minimize(lower: -1, upper: 1) { $0 < 0 ? -.infinity : $0 }
        }
    }

    /// +∞ is treated as a very large value, as R's optimize does: the search moves away from it.
    @Test func infinityIsAvoided() throws {
        let summary = try BrentMinimizer().minimize(lower: -1, upper: 3) { $0 > 2 ? .infinity : ($0 - 1) * ($0 - 1) }
        expectClose(summary.parameters[0], 1, absolute: 1e-7)
        let crossing = try BrentRootFinder().findRoot(lower: -1, upper: 1) { $0 > 0.5 ? .infinity : $0 }
        #expect(abs(crossing.root) <= 1e-12)
        #expect(crossing.summary.initialValue == .infinity)
    }

    @Test func deterministic() throws {
        let first = try BrentMinimizer().minimize(lower: -1, upper: 2) { ($0 - 0.3) * ($0 - 0.3) + exp($0) }
        let second = try BrentMinimizer().minimize(lower: -1, upper: 2) { ($0 - 0.3) * ($0 - 0.3) + exp($0) }
        #expect(first == second)
        #expect(first.parameters[0].bitPattern == second.parameters[0].bitPattern)
    }
}
