import Optimization

/// What glmer's two stages need of a penalized-IRLS state: the one-factor `PenalizedIRLS` and `SeveralFactorPIRLS`.
protocol LaplaceState: AnyObject {
    var beta: [Double] { get }
    /// The spherical random effects at the current modes.
    var u: [Double] { get }
    var betaCovariance: [Double] { get }
    var laplaceDeviance: Double { get }
    func setTheta(_ theta: ArraySlice<Double>)
    func setBeta(_ b: [Double])
    func fixedPredictor(_ b: [Double]) -> [Double]
    @discardableResult func run(joint: Bool, fromStart: Bool) throws(ModelError) -> Double
}

extension PenalizedIRLS: LaplaceState {}
extension SeveralFactorPIRLS: LaplaceState {}

/// Stage 1 of glmer (nAGQ = 0): θ by BOBYQA from `start`, with β and the modes from the joint PIRLS at each θ; the
/// state is left at the optimum. Returns the optimizer summary, β there and its PIRLS standard errors.
struct LaplaceStageOne {
    let summary: OptimizerSummary
    let beta: [Double]
    let standardErrors: [Double]
    /// θ's lower bounds.
    let lower: [Double]

    /// Where stage 2 starts: (θ, β) at stage 1's optimum.
    var stageTwoStart: [Double] { summary.parameters + beta }
    /// Stage 2's lower bounds: θ's, with β free.
    var stageTwoLower: [Double] { lower + [Double](repeating: -.infinity, count: beta.count) }

    init(state: some LaplaceState, start: [Double], lower: [Double], p: Int) throws(ModelError) {
        self.lower = lower
        state.setTheta(start[...])
        do { try state.run(joint: true, fromStart: true) } catch {
            throw GeneralizedLinearMixedModel.Setup.plainWords(error, stage: "the starting fit (θ = 1, β and the modes by penalized IRLS)")
        }
        do {
            summary = try DerivativeFreeMinimizer(.bobyqa, options: GeneralizedLinearMixedModel.stageOneOptions)
                .minimize(start: start, lowerBounds: lower) { theta in
                    state.setTheta(theta[...])
                    do { try state.run(joint: true, fromStart: false) } catch { return .nan }
                    return state.laplaceDeviance
                }
        } catch {
            throw .mixedNotConverged(detail: "the first stage (θ with β inside PIRLS, glmer's nAGQ = 0) failed: \(error)")
        }
        state.setTheta(summary.parameters[...])
        do { try state.run(joint: true, fromStart: false) } catch {
            throw GeneralizedLinearMixedModel.Setup.plainWords(error, stage: "the first stage's optimum")
        }
        beta = state.beta
        let covariance = state.betaCovariance
        standardErrors = (0..<p).map { max(covariance[$0 * p + $0], 0).squareRoot() }
    }
}
