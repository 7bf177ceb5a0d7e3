/// One accepted PIRLS step: the new modes and β, Xβ + offset there, the pass at them, and the largest relative change.
struct PIRLSStep<Pass> {
    let u: [Double]
    let beta: [Double]
    let fixed: [Double]
    let trial: Pass
    let change: Double
}

extension LaplaceState {
    /// lme4's step halving in `pwrssUpdate`, for both PIRLS: from (u, β) towards the Newton target, halved while the
    /// penalized deviance rises. Returns nil when 30 halvings found no lower point and the current deviance is finite
    /// (the current modes are then the minimum to rounding). β moves only in the joint pass.
    func halvedStep<Pass>(from u: [Double], _ beta: [Double], to target: [Double], _ newBeta: [Double], fixed: [Double], joint: Bool,
                          currentDeviance: Double, penalizedDeviance: (Pass) -> Double,
                          pass: (_ u: [Double], _ fixed: [Double]) -> Pass) throws(ModelError) -> PIRLSStep<Pass>? {
        var trialU = target, trialBeta = newBeta
        var trialFixed = joint ? fixedPredictor(trialBeta) : fixed
        var trial = pass(trialU, trialFixed)
        var halvings = 0
        // Near the modes a Newton step changes the penalized deviance by less than its rounding: accept it then (a
        // step of 1e-8 in u rejected for 1e-13 of noise would leave log|L|², and so the Laplace deviance, 1e-8 off).
        let slack = 1e-12 * abs(currentDeviance)
        while !(penalizedDeviance(trial) <= currentDeviance + slack) {
            halvings += 1
            guard halvings <= PenalizedIRLS.maxHalvings else {
                if currentDeviance.isFinite { return nil }
                throw .numerical("PIRLS step-halvings failed to reduce the penalized deviance (as lme4's pwrssUpdate); "
                                 + "the model may be too complex for the data or the data separated")
            }
            for k in trialU.indices { trialU[k] = (u[k] + trialU[k]) / 2 }
            if joint {
                for k in trialBeta.indices { trialBeta[k] = (beta[k] + trialBeta[k]) / 2 }
                trialFixed = fixedPredictor(trialBeta)
            }
            trial = pass(trialU, trialFixed)
        }
        var change = 0.0
        for k in trialU.indices { change = max(change, abs(trialU[k] - u[k]) / max(1, abs(trialU[k]))) }
        for k in trialBeta.indices { change = max(change, abs(trialBeta[k] - beta[k]) / max(1, abs(trialBeta[k]))) }
        return PIRLSStep(u: trialU, beta: trialBeta, fixed: trialFixed, trial: trial, change: change)
    }
}
