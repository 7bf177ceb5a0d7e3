import AllianceTestSupport
import DataTable
import Foundation
import LinearAlgebra
import Testing
@testable import Models

/// The last IRLS step of a canonical-link fit is solved without its confirming pass (`newtonFinish`): the result
/// must still be the IRLS fixed point, with the covariance at the converged working weights.
@Suite("IRLS stopping")
struct IRLSStoppingTests {
    /// A deterministic logit / Poisson data set (SplitMix64 draws), large enough that the fit polishes after
    /// glm.fit's test holds and is split over two row parts.
    static func table(rows n: Int) throws -> Table {
        var generator = SplitMix(seed: 20261205)
        func uniform() -> Double { generator.nextUnit() }
        var x1: [Double] = [], x2: [Double] = [], yb: [Double] = [], count: [Double] = []
        for _ in 0..<n {
            let a = uniform() * 6 + 1, b = uniform() * 40 + 20
            x1.append(a.rounded())
            x2.append(b)
            let eta = -1.5 + 0.4 * a.rounded() - 0.02 * b
            yb.append(uniform() < 1 / (1 + exp(-eta)) ? 1 : 0)
            // A count by inversion of a Poisson(exp(η / 2 + 1)) draw.
            let mean = exp(eta / 2 + 1)
            var k = 0.0, p = exp(-mean), cumulative = p
            let u = uniform()
            while u > cumulative && k < 100 { k += 1; p *= mean / k; cumulative += p }
            count.append(k)
        }
        return try Table(columns: [Column(name: "yb", numeric: yb), Column(name: "count", numeric: count),
                                   Column(name: "x1", numeric: x1), Column(name: "x2", numeric: x2)])
    }

    static func relative(_ a: Double, _ b: Double) -> Double { abs(a - b) / max(abs(b), 1e-300) }

    @Test(arguments: [(GLMFamily.binomial, "yb"), (GLMFamily.poisson, "count")])
    func fitIsTheFixedPointWithConvergedWeights(family: GLMFamily, outcome: String) throws {
        let data = try IRLSStoppingTests.table(rows: 6000)
        try RowParts.$minimumRowsToSplit.withValue(1000) {
            let formula = try Formula("\(outcome) ~ x1 + x2", dataColumns: data.columnNames)
            let frame = try Regression.modelFrame(formula: formula, data: data, options: RegressionOptions())
            let design = DesignMatrix(frame: frame)
            let (y, _) = try GeneralizedLinearModel.outcomeValues(frame, family: family)
            let fit = try GeneralizedLinearModel.irls(family: family, design: design, y: y, etaStart: nil, offset: nil,
                                                      options: RegressionOptions())
            #expect(fit.converged)
            let p = design.columns
            // One more pass at the returned coefficients, and the step it gives.
            let pass = try GeneralizedLinearModel.pass(family: family, design: design, y: y, offset: nil,
                                                       coefficients: LeastSquares.scattered(fit.coefficients, kept: fit.kept, columns: p),
                                                       eta: nil)
            let step = try LeastSquares(GeneralizedLinearModel.weightedRows(design, weights: pass.weights, response: pass.response),
                                        factored: pass.factored, withResiduals: false)
            #expect(step.kept == fit.kept)
            // Fixed point: the next step does not move the estimates (beyond rounding).
            for (a, b) in zip(step.coefficients, fit.coefficients) { #expect(IRLSStoppingTests.relative(a, b) < 1e-12) }
            // The covariance is (XᵀWX)⁻¹ at the converged weights, not those of the step before.
            for (a, b) in zip(step.unscaledCovariance.storage, fit.unscaledCovariance.storage) {
                #expect(IRLSStoppingTests.relative(a, b) < 1e-11)
            }
            // η and μ are those of the returned coefficients.
            for i in 0..<design.rows { #expect(abs(pass.eta[i] - fit.eta[i]) <= 1e-13 * max(1, abs(fit.eta[i]))) }
            #expect(IRLSStoppingTests.relative(pass.deviance, fit.deviance) < 1e-13)
        }
    }

    /// The prediction C·|Δη|², C from the last two steps, decides; only canonical links take it.
    @Test func newtonFinishRule() throws {
        let data = try IRLSStoppingTests.table(rows: 300)
        let formula = try Formula("yb ~ x1 + x2", dataColumns: data.columnNames)
        let frame = try Regression.modelFrame(formula: formula, data: data, options: RegressionOptions())
        let design = DesignMatrix(frame: frame)
        let (y, _) = try GeneralizedLinearModel.outcomeValues(frame, family: .binomial)
        let pass = try GeneralizedLinearModel.pass(family: .binomial, design: design, y: y, offset: nil,
                                                   coefficients: [-1.5, 0.4, -0.02], eta: nil)
        func finish(_ family: GLMFamily, step: Double, previous: Double) throws -> Bool {
            try GeneralizedLinearModel.newtonFinish(family: family, design: design, after: pass, kept: [0, 1, 2],
                                                    etaStep: step, previousStep: previous, etaSize: 2,
                                                    extended: false) != nil
        }
        // 1e-8 after 1e-4: the next step is predicted near 1e-16, below 16ε·2.
        #expect(try finish(.binomial, step: 1e-8, previous: 1e-4))
        #expect(try finish(.poisson, step: 1e-8, previous: 1e-4))
        // NB2's log link is not canonical: IRLS is not Newton there.
        #expect(try !finish(.negativeBinomial(theta: 2), step: 1e-8, previous: 1e-4))
        // A step still far from rounding, a step that did not shrink, and a first step decide nothing.
        #expect(try !finish(.binomial, step: 1e-5, previous: 1e-3))
        #expect(try !finish(.binomial, step: 1e-8, previous: 1e-8))
        #expect(try !finish(.binomial, step: 1e-8, previous: .infinity))
        // A slow (linear) contraction gives a large C = 1e-8 / (1.2e-8)² and so a prediction far above rounding.
        #expect(try !finish(.binomial, step: 1e-8, previous: 1.2e-8))
    }
}
