import AllianceTestSupport
import DataTable
import Foundation
@testable import Models
import Optimization
import Testing

/// The analytic gradient of the Laplace deviance in (θ, β) (`PenalizedIRLS.laplaceGradient`, which the Laplace fit's
/// Newton steps and Hessian rest on) against Richardson-extrapolated central differences of the deviance itself
/// (numDeriv's `grad`, 4 rounds), at points away from the optimum where the gradient is far from 0. Agreement within
/// 1e-6 relative to the gradient's largest component (the differences are accurate to about 1e-8 there).
@Suite("GLMM Laplace gradient")
struct GLMMGradientTests {
    struct Case: Sendable, CustomStringConvertible {
        let data: String
        let formula: String
        let family: MixedFamily
        /// (θ, β) where the gradient is checked.
        let point: [Double]
        var description: String { formula }
    }

    static let cases: [Case] = [
        // Scalar intercept, logit and Poisson (with and without an offset), cbind trials.
        Case(data: "glmm_clients.csv", formula: "dropout ~ wai_c + arm + female + (1 | therapist)", family: .logit,
             point: [0.8, -1.1, -0.4, 0.3, 0.1]),
        Case(data: "glmm_clients.csv", formula: "sessions ~ wai_c + arm + (1 | therapist)", family: .poisson, point: [0.35, 2.0, 0.1, -0.05]),
        Case(data: "glmm_clients.csv", formula: "homework ~ wai_c + offset(log(exposure)) + (1 | therapist)", family: .poisson,
             point: [0.5, -0.2, 0.15]),
        Case(data: "glmm_clients.csv", formula: "cbind(attended, offered - attended) ~ wai_c + (1 | therapist)", family: .logit,
             point: [0.3, 0.9, 0.25]),
        // Correlated and uncorrelated random slopes (θ off the diagonal, q = 2).
        Case(data: "glmm_clients.csv", formula: "dropout ~ wai_c + (wai_c | therapist)", family: .logit, point: [0.7, -0.2, 0.6, -1.0, -0.5]),
        Case(data: "glmm_clients.csv", formula: "sessions ~ wai_c + (wai_c | therapist)", family: .poisson, point: [0.3, 0.05, 0.2, 2.1, 0.1]),
        Case(data: "glmm_clients.csv", formula: "dropout ~ wai_c + (wai_c || therapist)", family: .logit, point: [0.5, 0.9, -0.9, -0.3]),
    ]

    @Test("analytic gradient against numerical differences", arguments: cases)
    func gradient(_ c: Case) throws {
        let table = try fixtureFiles.table("glmm/\(c.data)")
        let setup = try GeneralizedLinearMixedModel.Setup(formula: c.formula, table: table, options: .init(family: c.family))
        let state = PenalizedIRLS(family: c.family.glmFamily, y: setup.y, weights: setup.weights, offset: setup.offset, x: setup.x,
                                  p: setup.kept.count, block: setup.block)
        let k = setup.block.thetaPositions.count
        #expect(c.point.count == k + setup.kept.count)
        func deviance(_ x: [Double]) -> Double {
            state.setTheta(x[0..<k])
            state.setBeta(Array(x[k...]))
            do { try state.run(joint: false) } catch { return .nan }
            return state.laplaceDeviance
        }
        let numerical = NumericalDerivatives.jacobian(at: c.point, relativeStep: 1e-3, absoluteStep: 1e-3) { [deviance($0)] }[0]
        _ = deviance(c.point)
        let analytic = state.laplaceGradient()
        let scale = numerical.map(abs).max() ?? 1
        #expect(scale > 1, "the point should be away from the optimum")
        for (a, e) in zip(analytic, numerical) {
            expectClose(a, e, absolute: 1e-6 * scale, "\(c) gradient")
        }
    }
}
