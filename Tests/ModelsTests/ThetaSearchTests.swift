import AllianceTestSupport
import DataTable
import Foundation
@testable import Models
import Optimization
import Testing

/// θ's search (`ThetaSearch`): coarse BOBYQA then Newton on the analytic gradient where it exists, else lme4's BOBYQA to
/// 1e-12 and the polishing. On every lme4 fixture fit, the search must reach the criterion of the polished lme4 optimum
/// (within 1e-10 relative, issue 12's contract) and of the full BOBYQA path, and take the Newton path exactly where it
/// is allowed to (a gradient, every θ strictly inside its bounds at the end).
@Suite("LMM θ search")
struct ThetaSearchTests {
    @Test("coarse BOBYQA then Newton reaches the polished optimum", arguments: LinearMixedModelTests.fits)
    func sameOptimum(_ fit: LinearMixedModelTests.Fit) throws {
        let (setup, factor) = try fit.criterion()
        let search = try ThetaSearch.minimize(factor: factor, start: setup.structure.thetaStart, reml: fit.reml)
        expectClose(search.value, fit.number("objective"), relative: 1e-10, "\(fit) criterion at the search's θ̂")

        // The full path: BOBYQA to 1e-12 from lme4's start, then the polishing steps.
        let lower = setup.structure.thetaLowerBounds
        let full = try DerivativeFreeMinimizer(.bobyqa, options: LinearMixedModel.optimizerOptions)
            .minimize(start: setup.structure.thetaStart, lowerBounds: lower) { factor.objective($0, reml: fit.reml) }
        let polished = NewtonPolish.polish(theta: full.parameters, value: full.value, lowerBounds: lower,
                                           gradient: { factor.objectiveGradient($0, reml: fit.reml) }) { factor.objective($0, reml: fit.reml) }
        #expect(search.value <= polished.value + 1e-10 * abs(polished.value), "\(fit): \(search.value) vs \(polished.value)")

        let newton = search.summary.notes.contains { $0.contains("Newton step") && $0.contains("trust region of 1e-4") }
        let inside = zip(search.theta, lower).allSatisfy { $0 > $1 }
        if newton {
            #expect(factor.hasAnalyticGradient && inside, "\(fit): the Newton path needs the gradient and an interior θ̂")
            #expect(search.summary.settings.contains { $0.name == "xtol_abs" && $0.values == [1e-4] }, "\(fit)")
        } else {
            #expect(!factor.hasAnalyticGradient || !inside || search.theta.contains { $0 != 0 && abs($0) < 1e-3 },
                    "\(fit): an interior fit with the gradient should take the Newton path")
        }
    }

    /// Both paths occur among the fixtures: the Newton path on ordinary fits, the full BOBYQA on boundary fits.
    @Test func bothPathsAreExercised() throws {
        var newton = 0, full = 0
        for fit in LinearMixedModelTests.fits {
            let (setup, factor) = try fit.criterion()
            let search = try ThetaSearch.minimize(factor: factor, start: setup.structure.thetaStart, reml: fit.reml)
            if search.summary.notes.contains(where: { $0.contains("trust region of 1e-4") }) { newton += 1 } else { full += 1 }
        }
        #expect(newton >= 10)
        #expect(full >= 3)
    }
}
