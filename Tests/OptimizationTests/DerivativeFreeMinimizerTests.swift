import AllianceTestSupport
import CNLopt
import Foundation
import Optimization
import Testing

@Sendable func rosenbrock(_ x: [Double]) -> Double {
    let a = x[1] - x[0] * x[0]
    let b = 1 - x[0]
    return 100 * (a * a) + b * b
}

/// (x₁ − 3)² + 2(x₂ − 1)² + x₁x₂ on [0, 2] × [0, 5]: the unconstrained minimum (20/7, 2/7) is outside,
/// so the minimum is on the bound x₁ = 2, at x₂ = 1/2 (∂f/∂x₂ = 4(x₂ − 1) + 2 = 0), f = 2.5, with
/// ∂f/∂x₁ = −1.5 < 0 there (KKT: the bound is active).
@Sendable func boundedQuadratic(_ x: [Double]) -> Double {
    let a = x[0] - 3
    let b = x[1] - 1
    return a * a + 2 * (b * b) + x[0] * x[1]
}

/// BOBYQA and NEWUOA through NLopt. The fixtures come from R's nloptr linked to the same Debian libnlopt
/// with lme4's nloptwrap settings, so the optimiser's path is the same: evaluation counts must be equal
/// and the parameters agree to 1e-12 relative (identical arithmetic gives identical bits; the margin is
/// for a different libnlopt build).
struct DerivativeFreeMinimizerTests {
    static let tight = DerivativeFreeOptions(
        relativeFunctionTolerance: 0, absoluteFunctionTolerance: 0,
        relativeParameterTolerance: 0, absoluteParameterTolerance: 1e-12, maxEvaluations: 100_000)

    static func expectMatches(
        _ summary: OptimizerSummary, _ reference: [String: [String: Double]], _ name: String,
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        let par1 = try Fixtures.value(reference, name, "par1")
        let par2 = try Fixtures.value(reference, name, "par2")
        #expect(isClose(summary.parameters[0], par1, .relativeOrAbsolute(1e-12)), "\(name) par1 \(summary.parameters[0]) vs \(par1)", sourceLocation: sourceLocation)
        #expect(isClose(summary.parameters[1], par2, .relativeOrAbsolute(1e-12)), "\(name) par2 \(summary.parameters[1]) vs \(par2)", sourceLocation: sourceLocation)
        #expect(isClose(summary.value, try Fixtures.value(reference, name, "fval"), .relativeOrAbsolute(1e-12)), "\(name) fval", sourceLocation: sourceLocation)
        #expect(summary.evaluations == Int(try Fixtures.value(reference, name, "feval")), "\(name) feval", sourceLocation: sourceLocation)
        let status = Int(try Fixtures.value(reference, name, "status"))
        #expect(summary.stopReason == StopReason(nloptCode: status), "\(name) status", sourceLocation: sourceLocation)
    }

    @Test func matchesLme4NloptwrapAndNewuoa() throws {
        let reference = try Fixtures.reference()
        let unbounded = try DerivativeFreeMinimizer().minimize(
            start: [-1.2, 1], lowerBounds: [-.infinity, -.infinity], upperBounds: [.infinity, .infinity], objective: rosenbrock)
        try Self.expectMatches(unbounded, reference, "lme4_bobyqa_rosenbrock")
        #expect(unbounded.algorithm == .bobyqa && unbounded.converged)
        let bounded = try DerivativeFreeMinimizer().minimize(
            start: [1, 1], lowerBounds: [0, 0], upperBounds: [2, 5], objective: boundedQuadratic)
        try Self.expectMatches(bounded, reference, "lme4_bobyqa_quadratic")
        let newuoa = try DerivativeFreeMinimizer(.newuoa).minimize(start: [-1.2, 1], objective: rosenbrock)
        try Self.expectMatches(newuoa, reference, "lme4_newuoa_rosenbrock")
        #expect(newuoa.algorithm == .newuoa)
        let newuoaBound = try DerivativeFreeMinimizer(.newuoa).minimize(
            start: [1, 1], lowerBounds: [0, 0], upperBounds: [2, 5], objective: boundedQuadratic)
        try Self.expectMatches(newuoaBound, reference, "lme4_newuoabound_quadratic")
        #expect(newuoaBound.algorithm == .newuoaBound)
        let mixedModels = try DerivativeFreeMinimizer(options: .mixedModels).minimize(start: [-1.2, 1], objective: rosenbrock)
        try Self.expectMatches(mixedModels, reference, "mixedmodels_bobyqa_rosenbrock")
    }

    @Test func evaluationLimit() throws {
        var options = DerivativeFreeOptions.lme4
        options.maxEvaluations = 10
        let summary = try DerivativeFreeMinimizer(options: options).minimize(start: [-1.2, 1], objective: rosenbrock)
        try Self.expectMatches(summary, try Fixtures.reference(), "maxeval10_bobyqa_rosenbrock")
        #expect(summary.stopReason == .maxEvaluationsReached && !summary.converged)
        #expect(summary.stopReason.description == "maximum number of function evaluations reached")
    }

    /// Exact minima with tight tolerances (xtol_abs 1e-12, so BOBYQA's final radius is 1e-12): Rosenbrock
    /// at (1, 1) with value 0, to 1e-9 in the parameters; the bounded quadratic exactly on its bound, and x₂
    /// to 2e-8: f − 2.5 = 2(x₂ − ½)² there, and f is resolved only to ε·2.5, so x₂ cannot be located more
    /// closely than √(ε·2.5/2) ≈ 1.7e-8 from function values.
    @Test(arguments: [DerivativeFreeAlgorithm.bobyqa, .newuoa])
    func exactMinima(algorithm: DerivativeFreeAlgorithm) throws {
        let minimizer = DerivativeFreeMinimizer(algorithm, options: Self.tight)
        let r = try minimizer.minimize(start: [-1.2, 1], objective: rosenbrock)
        #expect(abs(r.parameters[0] - 1) <= 1e-9 && abs(r.parameters[1] - 1) <= 1e-9, "\(r.parameters)")
        #expect(r.value <= 1e-18)
        #expect(r.initialValue == rosenbrock([-1.2, 1]))
        let q = try minimizer.minimize(start: [1, 1], lowerBounds: [0, 0], upperBounds: [2, 5], objective: boundedQuadratic)
        #expect(q.parameters[0] == 2, "on the bound exactly: \(q.parameters)")
        expectClose(q.parameters[1], 0.5, absolute: 2e-8)
        expectClose(q.value, 2.5, absolute: 1e-15)
        #expect(q.parametersOnBounds == [0])
        #expect(q.lowerBounds == [0, 0] && q.upperBounds == [2, 5] && q.start == [1, 1])
    }

    @Test func settingsAreReported() throws {
        let summary = try DerivativeFreeMinimizer().minimize(
            start: [1, 1], lowerBounds: [0, 0], upperBounds: [2, 5], objective: boundedQuadratic)
        let settings = Dictionary(uniqueKeysWithValues: summary.settings.map { ($0.name, $0.values) })
        #expect(settings["xtol_rel"] == [1e-4] && settings["xtol_abs"] == [1e-8] && settings["ftol_abs"] == [1e-8])
        #expect(settings["ftol_rel"] == [0] && settings["maxeval"] == [100_000])
        // NLopt's default step: a quarter of the bound width (x₁ ∈ [0, 2] from 1: 0.5), or three quarters of
        // the distance to a nearer bound (x₂ ∈ [0, 5] from 1: the lower bound is 1 away, 0.75).
        #expect(settings["initial_step"] == [0.5, 0.75])
        #expect(summary.iterations == nil && summary.notes.isEmpty)
    }

    /// A parameter with equal bounds stays there (NLopt removes the dimension); the others are optimised.
    @Test func fixedParameter() throws {
        let summary = try DerivativeFreeMinimizer(options: Self.tight).minimize(
            start: [1, 0.5], lowerBounds: [1, 0], upperBounds: [1, 5], objective: boundedQuadratic)
        #expect(summary.parameters[0] == 1)
        // With x₁ = 1: 4(x₂ − 1) + 1 = 0, so x₂ = 3/4 (to 2e-8, as above).
        expectClose(summary.parameters[1], 0.75, absolute: 2e-8)
        #expect(summary.parametersOnBounds == [0])
        var options = Self.tight
        options.initialStep = [0.1, 0.1]
        let stepped = try DerivativeFreeMinimizer(options: options).minimize(
            start: [1, 0.5], lowerBounds: [1, 0], upperBounds: [1, 5], objective: boundedQuadratic)
        #expect(stepped.parameters[0] == 1 && abs(stepped.parameters[1] - 0.75) <= 2e-8)
    }

    @Test func oneParameterNewuoaUsesBobyqa() throws {
        let summary = try DerivativeFreeMinimizer(.newuoa, options: Self.tight).minimize(start: [3]) { ($0[0] - 0.25) * ($0[0] - 0.25) + 1 }
        #expect(summary.algorithm == .bobyqa)
        #expect(summary.notes.count == 1)
        expectClose(summary.parameters[0], 0.25, absolute: 1e-9)
    }

    /// NaN where x₁ > 1.5: stop with an error naming the point, or (on request) use the start's value.
    @Test func nonFiniteObjective() throws {
        let guarded: @Sendable ([Double]) -> Double = { $0[0] > 1.5 ? .nan : boundedQuadratic($0) }
        do {
            _ = try DerivativeFreeMinimizer().minimize(start: [1, 1], lowerBounds: [0, 0], upperBounds: [2, 5], objective: guarded)
            Issue.record("a NaN objective was not reported")
        } catch {
            guard case .nonFiniteObjective(let x, let value, let evaluation) = error else {
                Issue.record("wrong error \(error)")
                return
            }
            #expect(value.isNaN && x[0] > 1.5 && evaluation > 1)
            #expect(error.description.contains("restrict the parameters"))
        }
        var options = Self.tight
        options.nonFiniteValues = .replaceWithInitialValue
        let summary = try DerivativeFreeMinimizer(options: options).minimize(
            start: [1, 1], lowerBounds: [0, 0], upperBounds: [2, 5], objective: guarded)
        #expect(summary.value.isFinite && summary.parameters[0] <= 1.5)
        #expect(summary.value < summary.initialValue)
        #expect(summary.notes.contains { $0.contains("not finite") })
        #expect(throws: OptimizationError.nonFiniteObjective(parameters: [1, 1], value: .infinity, evaluation: 1)) {
            try DerivativeFreeMinimizer().minimize(start: [1, 1]) { _ in .infinity }
        }
    }

    @Test func badArgumentsAreTypedErrors() {
        let minimizer = DerivativeFreeMinimizer()
        #expect(throws: OptimizationError.noParameters) { try minimizer.minimize(start: [], objective: rosenbrock) }
        #expect(throws: OptimizationError.startOutsideBounds(index: 1, start: 6, lower: 0, upper: 5)) {
            try minimizer.minimize(start: [1, 6], lowerBounds: [0, 0], upperBounds: [2, 5], objective: boundedQuadratic)
        }
        #expect(throws: OptimizationError.dimensionMismatch(what: "lower bounds", expected: 2, actual: 1)) {
            try minimizer.minimize(start: [1, 1], lowerBounds: [0], objective: boundedQuadratic)
        }
        #expect(throws: OptimizationError.self) {
            try minimizer.minimize(start: [1, 1], lowerBounds: [3, 0], upperBounds: [2, 5], objective: boundedQuadratic)
        }
        #expect(throws: OptimizationError.self) { try minimizer.minimize(start: [.nan, 1], objective: rosenbrock) }
        var options = DerivativeFreeOptions.lme4
        options.initialStep = [2, 1]  // more than half the width of [0, 2]
        #expect(throws: OptimizationError.self) {
            try DerivativeFreeMinimizer(options: options).minimize(
                start: [1, 1], lowerBounds: [0, 0], upperBounds: [2, 5], objective: boundedQuadratic)
        }
        options.initialStep = [0.1]
        #expect(throws: OptimizationError.dimensionMismatch(what: "initial step", expected: 2, actual: 1)) {
            try DerivativeFreeMinimizer(options: options).minimize(start: [1, 1], objective: rosenbrock)
        }
        let never = DerivativeFreeOptions(
            relativeFunctionTolerance: 0, absoluteFunctionTolerance: 0, relativeParameterTolerance: 0,
            absoluteParameterTolerance: 0, maxEvaluations: nil)
        #expect(throws: OptimizationError.self) {
            try DerivativeFreeMinimizer(options: never).minimize(start: [1, 1], objective: rosenbrock)
        }
    }

    /// Every nlopt_result constant in nlopt.h maps to its reason, in words.
    @Test func nloptReturnCodes() {
        let expected: [(nlopt_result, StopReason, Bool)] = [
            (NLOPT_SUCCESS, .success, true),
            (NLOPT_STOPVAL_REACHED, .stopValueReached, true),
            (NLOPT_FTOL_REACHED, .functionToleranceReached, true),
            (NLOPT_XTOL_REACHED, .parameterToleranceReached, true),
            (NLOPT_MAXEVAL_REACHED, .maxEvaluationsReached, false),
            (NLOPT_MAXTIME_REACHED, .maxTimeReached, false),
            (NLOPT_FAILURE, .failure, false),
            (NLOPT_INVALID_ARGS, .invalidArguments, false),
            (NLOPT_OUT_OF_MEMORY, .outOfMemory, false),
            (NLOPT_ROUNDOFF_LIMITED, .roundoffLimited, false),
            (NLOPT_FORCED_STOP, .forcedStop, false),
        ]
        for (code, reason, converged) in expected {
            let mapped = StopReason(nloptCode: Int(code.rawValue))
            #expect(mapped == reason && mapped.isConvergence == converged, "code \(code.rawValue)")
        }
        #expect(StopReason(nloptCode: 3).description == "tolerance on the function value reached (relative ftol_rel or absolute ftol_abs)")
        #expect(StopReason(nloptCode: 4).description == "tolerance on the parameters reached (relative xtol_rel or absolute xtol_abs)")
        #expect(StopReason(nloptCode: -4).description.contains("rounding errors"))
        #expect(StopReason(nloptCode: 42) == .unknownNLoptCode(42))
        #expect(OptimizationError.nloptFailure(code: -2, message: "bounds").description.contains("invalid arguments"))
    }

    /// Same inputs, bitwise the same result, also when several minimisations run at once on different
    /// threads (the callback reaches its closure through a context pointer, not a global).
    @Test func deterministicAndThreadIndependent() throws {
        let minimizer = DerivativeFreeMinimizer(options: Self.tight)
        let first = try minimizer.minimize(start: [-1.2, 1], objective: rosenbrock)
        let second = try minimizer.minimize(start: [-1.2, 1], objective: rosenbrock)
        #expect(first == second)
        #expect(first.parameters.map(\.bitPattern) == second.parameters.map(\.bitPattern))
        let results = LockedSlots<OptimizerSummary>(count: 8)
        DispatchQueue.concurrentPerform(iterations: 8) { i in
            let start = i.isMultiple(of: 2) ? [-1.2, 1.0] : [1.0, 1.0]
            let objective: @Sendable ([Double]) -> Double = i.isMultiple(of: 2) ? rosenbrock : boundedQuadratic
            let summary = try? minimizer.minimize(
                start: start, lowerBounds: i.isMultiple(of: 2) ? nil : [0, 0], upperBounds: i.isMultiple(of: 2) ? nil : [2, 5],
                objective: objective)
            results.set(i, summary)
        }
        let quadratic = try minimizer.minimize(start: [1, 1], lowerBounds: [0, 0], upperBounds: [2, 5], objective: boundedQuadratic)
        for (i, summary) in results.values.enumerated() {
            #expect(summary == (i.isMultiple(of: 2) ? first : quadratic), "thread \(i)")
        }
    }
}
