import AllianceTestSupport
import Foundation
import LinearAlgebra
import Optimization
import Testing

/// Newton–Raphson with step halving on functions with known minima.
struct NewtonRaphsonTests {
    /// f(x) = √(1 + x²), minimum 1 at 0. The Newton step from x is to −x³, so from 2 the full step lands
    /// on −8, where f is worse (√65 > √5): halved to −3 (still worse: √10), halved again to −0.5, accepted.
    /// Then x → −x³ converges (cubically) to 0.
    static func hyperbola(_ x: [Double]) -> NewtonEvaluation {
        let s = (1 + x[0] * x[0]).squareRoot()
        return NewtonEvaluation(value: s, gradient: [x[0] / s], hessian: Matrix(rowMajor: [[1 / (s * s * s)]]))
    }

    @Test func stepHalvingRescuesAnOvershootingStep() throws {
        var points: [Double] = []
        let result = try NewtonRaphson().minimize(start: [2]) { x in
            points.append(x[0])
            return Self.hyperbola(x)
        }
        // The step −g/h = −10 comes out of a Cholesky solve with rounding: points agree to 1e-14.
        let expected: [Double] = [2, -8, -3, -0.5]
        #expect(points.count > 4)
        expectClose(Array(points.prefix(4)), expected, .absolute(1e-14), "first points")
        let summary = result.summary
        #expect(summary.converged && summary.stopReason == .relativeChangeReached)
        #expect(abs(summary.parameters[0]) <= 1e-20)
        #expect(summary.value == 1)
        #expect(summary.initialValue == 5.0.squareRoot())
        #expect(summary.evaluations == points.count)
        // Two halvings in the first iteration: two more evaluations than iterations + 1.
        #expect(summary.evaluations == (summary.iterations ?? 0) + 3)
        #expect(result.final.gradient[0] == summary.parameters[0] / (1 + summary.parameters[0] * summary.parameters[0]).squareRoot())
    }

    /// A strictly convex quadratic ½xᵀAx − bᵀx: one Newton step lands on A⁻¹b; the second confirms it.
    @Test func quadraticInOneStep() throws {
        let a = Matrix(rowMajor: [[4, 1, 0], [1, 3, 1], [0, 1, 2]])
        let b = [1.0, 2, 3]
        let result = try NewtonRaphson().minimize(start: [10, -10, 5]) { x in
            let ax = a.multiplied(by: x)
            let value = 0.5 * zip(x, ax).map(*).reduce(0, +) - zip(b, x).map(*).reduce(0, +)
            return NewtonEvaluation(value: value, gradient: zip(ax, b).map(-), hessian: a)
        }
        // The minimiser solves A·x = b: checked through the residual.
        let residual = zip(a.multiplied(by: result.summary.parameters), b).map { abs($0 - $1) }.max() ?? 1
        #expect(residual <= 1e-14)
        #expect(result.summary.iterations == 2 && result.summary.evaluations == 3)
    }

    /// f = x⁴/4 − x²/2 + y², started where ∂²f/∂x² = 3x² − 1 < 0: the Hessian is not positive definite, so
    /// the step uses H + τI and still descends, to the minimum (1, 0) with f = −1/4.
    @Test func indefiniteHessianIsShifted() throws {
        let result = try NewtonRaphson().minimize(start: [0.1, 1]) { p in
            let x = p[0], y = p[1]
            return NewtonEvaluation(
                value: x * x * x * x / 4 - x * x / 2 + y * y,
                gradient: [x * x * x - x, 2 * y],
                hessian: Matrix(rowMajor: [[3 * x * x - 1, 0], [0, 2]]))
        }
        let summary = result.summary
        #expect(summary.converged)
        #expect(abs(summary.parameters[0] - 1) <= 1e-8 && abs(summary.parameters[1]) <= 1e-8)
        expectClose(summary.value, -0.25, absolute: 1e-15)
        #expect(summary.notes.contains { $0.contains("not positive definite") })
    }

    /// A gradient of the wrong sign points uphill: no halving helps, so the run stops, unconverged, at the start.
    @Test func exhaustedHalvingStopsAtTheBestPoint() throws {
        let result = try NewtonRaphson(maxStepHalvings: 5).minimize(start: [1]) { x in
            NewtonEvaluation(value: x[0] * x[0], gradient: [-2 * x[0]], hessian: Matrix(rowMajor: [[2]]))
        }
        #expect(result.summary.stopReason == .stepHalvingExhausted && !result.summary.converged)
        #expect(result.summary.parameters == [1] && result.summary.evaluations == 1 + 6)
    }

    @Test func iterationLimit() throws {
        let result = try NewtonRaphson(maxIterations: 2).minimize(start: [2], evaluate: Self.hyperbola)
        #expect(result.summary.stopReason == .maxIterationsReached && !result.summary.converged)
        #expect(result.summary.iterations == 2)
    }

    /// A NaN at a trial point counts as worse (the step is halved); at the start it is an error.
    @Test func nonFiniteValues() throws {
        let result = try NewtonRaphson().minimize(start: [2]) { x in
            x[0] < -1 ? NewtonEvaluation(value: .nan, gradient: [.nan], hessian: Matrix(rowMajor: [[.nan]])) : Self.hyperbola(x)
        }
        #expect(result.summary.converged && abs(result.summary.parameters[0]) <= 1e-20)
        #expect(throws: OptimizationError.nonFiniteObjective(parameters: [0], value: .infinity, evaluation: 1)) {
            try NewtonRaphson().minimize(start: [0]) { _ in
                NewtonEvaluation(value: .infinity, gradient: [0], hessian: Matrix(rowMajor: [[1]]))
            }
        }
        #expect(throws: OptimizationError.self) {
            try NewtonRaphson().minimize(start: [0, 0]) { _ in
                NewtonEvaluation(value: 0, gradient: [0], hessian: Matrix(rowMajor: [[1]]))
            }
        }
        #expect(throws: OptimizationError.noParameters) { try NewtonRaphson().minimize(start: [], evaluate: Self.hyperbola) }
    }

    @Test func deterministic() throws {
        let first = try NewtonRaphson().minimize(start: [2], evaluate: Self.hyperbola)
        let second = try NewtonRaphson().minimize(start: [2], evaluate: Self.hyperbola)
        #expect(first == second)
    }
}
