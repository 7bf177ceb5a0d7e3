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

    /// lme4's `pwrssUpdate` loop, for both PIRLS: from the pass `start` gives (at Xβ + offset, or from the family's
    /// starting means when `fromStart`, whose deviance then counts as +∞ so that the first step is taken), Newton
    /// steps (`solve` factors a pass and returns its target), each halved while the penalized deviance rises, until the
    /// largest relative change in u (and β) is below `PenalizedIRLS.stepTolerance`; then `atModes` refactors at the
    /// modes. `take` stores an accepted (u, β); `iterations` records the passes. Returns the penalized deviance.
    func iteratePIRLS<Pass>(joint: Bool, fromStart: Bool, start: (_ fixed: [Double]) -> Pass, penalizedDeviance: (Pass) -> Double,
                            pass: (_ u: [Double], _ fixed: [Double]) -> Pass,
                            solve: (Pass) throws(ModelError) -> (u: [Double], beta: [Double]),
                            take: (PIRLSStep<Pass>) -> Void, atModes: (Pass) throws(ModelError) -> Void,
                            iterations record: (Int) -> Void) throws(ModelError) -> Double {
        var fixed = fixedPredictor(beta)
        var current = start(fixed)
        var currentDeviance = fromStart ? .infinity : penalizedDeviance(current)
        guard currentDeviance.isFinite || fromStart else {
            throw .numerical("the penalized deviance is not finite at the start of PIRLS")
        }
        var iterations = 0
        while true {
            iterations += 1
            guard iterations <= PenalizedIRLS.maxIterations else {
                throw .mixedNotConverged(detail: "the penalized IRLS for the conditional modes did not converge in \(PenalizedIRLS.maxIterations) "
                                         + "iterations (as lme4's pwrssUpdate failing); the model may be too complex for the data")
            }
            let target = try solve(current)
            guard let step = try halvedStep(from: u, beta, to: target.u, target.beta, fixed: fixed, joint: joint,
                                            currentDeviance: currentDeviance, penalizedDeviance: penalizedDeviance, pass: pass) else {
                // No step lowers the penalized deviance: the current modes are the minimum to rounding.
                record(iterations)
                return currentDeviance
            }
            take(step)
            fixed = step.fixed
            current = step.trial
            currentDeviance = penalizedDeviance(current)
            if step.change < PenalizedIRLS.stepTolerance {
                try atModes(current)
                record(iterations)
                return currentDeviance
            }
        }
    }
}
