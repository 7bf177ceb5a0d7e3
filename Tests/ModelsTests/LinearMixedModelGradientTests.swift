import AllianceTestSupport
import DataTable
import Foundation
@testable import Models
import Optimization
import Testing

/// The analytic gradient of the profiled REML criterion and deviance in θ (`MixedFactor.objectiveGradient`, which the
/// Newton polishing and the Satterthwaite Hessian rest on) against Richardson-extrapolated central differences of the
/// criterion itself (numDeriv's `grad`, 4 rounds), on every lme4 fixture fit the gradient covers, at a point away from
/// the optimum where the gradient is far from 0. Agreement within 1e-6 of the gradient's largest component.
@Suite("LMM profiled-criterion gradient")
struct LinearMixedModelGradientTests {
    /// lme4's θ̂ moved off the optimum (where the gradient is 0): diagonal entries up by half plus 0.2, off-diagonal
    /// entries by 0.2.
    static func away(_ theta: [Double], diagonal: [Bool]) -> [Double] {
        zip(theta, diagonal).map { t, isDiagonal in isDiagonal ? t * 1.5 + 0.2 : t + 0.2 }
    }

    @Test("analytic gradient against numerical differences", arguments: LinearMixedModelTests.fits)
    func gradient(_ fit: LinearMixedModelTests.Fit) throws {
        let (setup, factor) = try fit.criterion()
        let blocks = setup.structure.blocks
        let theta = (fit.fields["theta"] as? [NSNumber] ?? []).map(\.doubleValue)
        let point = Self.away(theta, diagonal: blocks.flatMap(\.thetaPositions).map(\.isDiagonal))
        #expect(point.count == setup.structure.thetaCount)
        guard factor.hasAnalyticGradient else {
            // Crossed factors and more than two: no analytic gradient, and callers must see nil.
            #expect(blocks.count > 2 || !factor.nestedInFirst, "\(fit)")
            #expect(factor.objectiveGradient(point, reml: fit.reml) == nil, "\(fit)")
            return
        }
        let numerical = NumericalDerivatives.jacobian(at: point, relativeStep: 1e-3, absoluteStep: 1e-3) {
            [factor.objective($0, reml: fit.reml)]
        }[0]
        let analytic = try #require(factor.objectiveGradient(point, reml: fit.reml), "\(fit)")
        let scale = numerical.map(abs).max() ?? 1
        #expect(scale > 1, "\(fit): the point should be away from the optimum")
        #expect(analytic.count == numerical.count)
        for (a, e) in zip(analytic, numerical) {
            expectClose(a, e, absolute: 1e-6 * scale, "\(fit) gradient")
        }
        // The pieces separately (Satterthwaite's Hessian differences them).
        let pieces = try #require(factor.pieceGradients(point, reml: fit.reml))
        let logDetNumerical = NumericalDerivatives.jacobian(at: point, relativeStep: 1e-3, absoluteStep: 1e-3) { t in
            factor.update(t)
            return [factor.logDeterminantZ + (fit.reml ? factor.logDeterminantX : 0), factor.penalizedRSS]
        }
        for (j, (a, e)) in zip(pieces.logDeterminant, logDetNumerical[0]).enumerated() {
            expectClose(a, e, absolute: 1e-7 * max(1, logDetNumerical[0].map(abs).max() ?? 1), "\(fit) log-det gradient \(j)")
        }
        for (j, (a, e)) in zip(pieces.penalizedRSS, logDetNumerical[1]).enumerated() {
            expectClose(a, e, absolute: 1e-7 * max(1, logDetNumerical[1].map(abs).max() ?? 1), "\(fit) r² gradient \(j)")
        }
    }

    /// A singular Λ (a diagonal θ at 0) has no analytic gradient: callers fall back to differences.
    @Test func singularLambdaHasNoGradient() throws {
        let fit = try #require(LinearMixedModelTests.fits.first { $0.data == "sleepstudy.csv" })
        let (setup, factor) = try fit.criterion()
        var theta = setup.structure.thetaStart
        #expect(factor.objectiveGradient(theta, reml: true) != nil)
        theta[0] = 0
        #expect(factor.objectiveGradient(theta, reml: true) == nil)
    }

    /// The fixtures exercise both structures the gradient covers: one factor (q = 1 and 2) and a nested second factor.
    @Test func coverage() throws {
        var single = 0, nested = 0
        for fit in LinearMixedModelTests.fits {
            let (setup, factor) = try fit.criterion()
            guard factor.hasAnalyticGradient else { continue }
            if setup.structure.blocks.count == 1 { single += 1 } else { nested += 1 }
        }
        #expect(single >= 4)
        #expect(nested >= 2)
    }
}
