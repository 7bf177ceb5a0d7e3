import Distributions
import Foundation

extension LinearMixedModel.Setup {
    /// The intervals that need more than the estimates: profile-likelihood intervals for the SDs, correlations
    /// and σ (`VarianceProfile`), and the ICC intervals — from θ's profile for one random-intercept factor, from
    /// a parametric bootstrap with `--boot` (`IntraclassBootstrap`). Failures become warnings, never a failed fit.
    func addIntervals(to result: inout LinearMixedModelResult, factor: MixedFactor) {
        switch options.profileIntervals {
        case .always:
            addProfileIntervals(to: &result)
            if result.singular {
                result.warnings.append("the fit is singular (a variance at zero): its profile-likelihood intervals may be inaccurate")
            }
        case .never: break
        case .automatic:
            if result.singular {
                // With a variance at its bound the profiles of the other parameters are not reliable here (the same model
                // gave ends 4e-4 apart under two BLAS kernels; lme4 warns of non-monotonic profiles on it): not by default.
                result.warnings.append("the profile-likelihood intervals of the variance components were skipped because the fit is "
                                       + "singular (a variance at zero), where profiling the other parameters is unreliable; "
                                       + "--profile computes them anyway, to be read with care")
            } else if let cost = VarianceProfile.unaffordableCost(structure) {
                result.warnings.append("the profile-likelihood intervals of the variance components were skipped: \(cost); "
                                       + "--profile computes them anyway")
            } else {
                addProfileIntervals(to: &result)
            }
        }
        addIntraclassIntervals(to: &result, factor: factor)
    }

    private func addProfileIntervals(to result: inout LinearMixedModelResult) {
        let profile: VarianceProfile
        do {
            profile = try VarianceProfile(products: products, structure: structure, start: result.theta,
                                          startObjective: result.objective, reml: options.reml)
        } catch {
            result.warnings.append("no profile-likelihood intervals for the variance components: \(error)")
            return
        }
        var problems: [String] = []
        for (w, end) in profile.intervals(level: options.level).enumerated() {
            let name: (group: String, terms: [String])
            if w == profile.relative.count {
                name = ("Residual", [])
            } else {
                let p = profile.parameterization.positions[w]
                let block = structure.blocks[p.block]
                name = p.isCorrelation ? (block.group, [block.columnNames[p.column], block.columnNames[p.row]])
                                       : (block.group, [block.columnNames[p.column]])
            }
            guard let i = result.varianceComponents.firstIndex(where: { $0.group == name.group && $0.terms == name.terms }) else { continue }
            result.varianceComponents[i].confLow = end.low
            result.varianceComponents[i].confHigh = end.high
            result.varianceComponents[i].confMethod = "profile"
            let label = ([name.group] + name.terms).joined(separator: " ")
            if let problem = end.problem {
                problems.append("\(label): \(problem)")
            } else if end.high == nil && result.varianceComponents[i].correlation == nil {
                problems.append("\(label): the profile does not reach the interval's upper end")
            }
        }
        if !problems.isEmpty {
            result.warnings.append("some profile-likelihood intervals are missing: " + problems.joined(separator: "; "))
        }
    }

    private func addIntraclassIntervals(to result: inout LinearMixedModelResult, factor: MixedFactor) {
        guard !result.intraclassCorrelations.isEmpty else {
            if options.bootstrap != nil {
                result.warnings.append("--boot bootstraps the ICCs, which are reported for random-intercept models only; this model has random "
                                       + "slopes, so nothing was resampled")
            }
            return
        }
        let criterion = options.reml ? "REML criterion" : "deviance"
        if let boot = options.bootstrap {
            factor.update(result.theta)
            let bootstrap = IntraclassBootstrap(setup: self, theta: result.theta, beta: factor.fixedEffects(), sigma: result.sigma)
            let replicates = bootstrap.run(resamples: boot.resamples, seed: boot.seed)
            for (g, block) in structure.blocks.enumerated() {
                guard let i = result.intraclassCorrelations.firstIndex(where: { $0.group == block.group }) else { continue }
                let interval = IntraclassBootstrap.percentileInterval(replicates.values[g], level: options.level)
                result.intraclassCorrelations[i].confLow = interval?.0
                result.intraclassCorrelations[i].confHigh = interval?.1
                result.intraclassCorrelations[i].method = "parametric bootstrap percentile interval (as lme4's bootMer with boot.ci "
                    + "type \"perc\"): \(boot.resamples) resamples simulated from the fit and refitted by \(options.reml ? "REML" : "ML"), seed \(boot.seed)"
            }
            if replicates.failures > 0 {
                result.warnings.append("\(replicates.failures) of \(boot.resamples) bootstrap refits did not converge and were left out of the ICC "
                                       + "intervals (as bootMer drops failed refits)")
            }
            return
        }
        guard structure.blocks.count == 1, let i = result.intraclassCorrelations.indices.first else {
            for i in result.intraclassCorrelations.indices {
                result.intraclassCorrelations[i].method = "variance ratio at the \(options.reml ? "REML" : "ML") estimates; no interval: with several "
                    + "grouping factors the ICC depends on every variance, so it has no one-parameter profile; --boot N --seed S gives a "
                    + "parametric bootstrap interval (as lme4's bootMer)"
            }
            return
        }
        guard options.profileIntervals != .never else {
            result.intraclassCorrelations[i].method = "variance ratio at the \(options.reml ? "REML" : "ML") estimates; no interval (--no-profile)"
            return
        }
        // One random intercept: ICC = θ²/(1 + θ²) is increasing in θ, so its interval is θ's profile interval mapped.
        let profileFactor = MixedFactor(products: products, structure: structure)
        let reml = options.reml
        let minimum = result.objective
        let estimate = result.theta[0]
        let zeta = { (t: Double) throws(ModelError) -> (zeta: Double, slope: Double?) in
            let excess = max(profileFactor.objective([t], reml: reml) - minimum, 0)
            let zeta = (t > estimate ? 1 : (t < estimate ? -1 : 0)) * excess.squareRoot()
            // dζ/dθ = (d criterion/dθ)/(2ζ) from the analytic gradient (none at θ = 0, where Λ is singular).
            guard zeta != 0, let gradient = profileFactor.objectiveGradient([t], reml: reml) else { return (zeta, nil) }
            return (zeta, gradient[0] / (2 * zeta))
        }
        let z = Normal.quantile(0.5 + options.level / 2)
        do {
            let ends = try ProfileEnds(estimate: estimate, kind: .standardDeviation(scale: 1), z: z).ends(zeta)
            func icc(_ t: Double) -> Double { t * t / (1 + t * t) }
            result.intraclassCorrelations[i].confLow = ends.low.map(icc)
            result.intraclassCorrelations[i].confHigh = ends.high.map(icc) ?? 1
            result.intraclassCorrelations[i].method = "profile-likelihood interval of θ = SD(\(structure.blocks[0].group))/σ in the \(criterion) "
                + "(the fit's own), mapped by ICC = θ²/(1 + θ²), which is increasing in θ"
        } catch {
            result.warnings.append("no profile-likelihood interval for the ICC: \(error)")
        }
    }
}
