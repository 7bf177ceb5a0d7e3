import Distributions
import Foundation

extension LinearMixedModel.Setup {
    /// The interval work that needs only θ̂ and the criterion there, not the estimates: lme4's ML refit that the profiles
    /// start from (`VarianceProfile`), and θ's profile ends for one random-intercept factor's ICC. `fit` computes it
    /// beside the estimates, each on its own factor, so the bytes do not depend on the cores; nil where not wanted.
    struct IntervalStart {
        var profile: Result<VarianceProfile, ModelError>?
        var intraclassEnds: Result<(low: Double?, high: Double?), ModelError>?
    }

    /// Whether the profile-likelihood intervals of the variance components are computed at θ̂: always with `--profile`,
    /// never with `--no-profile`, and by default unless the fit is singular or the profiles would be slow.
    func wantsProfiles(theta: [Double]) -> Bool {
        switch options.profileIntervals {
        case .always: return true
        case .never: return false
        case .automatic: return !structure.isSingular(theta) && VarianceProfile.unaffordableCost(structure) == nil
        }
    }

    /// Whether the ICC's interval is θ's profile: one random-intercept factor, no `--boot`, profiles not turned off.
    var profilesIntraclass: Bool {
        structure.blocks.count == 1 && structure.blocks[0].columnNames == ["(Intercept)"] && options.bootstrap == nil
            && options.profileIntervals != .never
    }

    /// `IntervalStart` at the fit's θ̂ and criterion value.
    func intervalStart(theta: [Double], objective: Double) -> IntervalStart {
        var start = IntervalStart()
        if wantsProfiles(theta: theta) {
            do throws(ModelError) {
                start.profile = .success(try VarianceProfile(products: products, structure: structure, start: theta,
                                                             startObjective: objective, reml: options.reml))
            } catch {
                start.profile = .failure(error)
            }
        }
        if profilesIntraclass, let estimate = theta.first {
            do throws(ModelError) {
                start.intraclassEnds = .success(try intraclassProfileEnds(estimate: estimate, minimum: objective))
            } catch {
                start.intraclassEnds = .failure(error)
            }
        }
        return start
    }

    /// The intervals that need more than the estimates: profile-likelihood intervals for the SDs, correlations
    /// and σ (`VarianceProfile`), and the ICC intervals — from θ's profile for one random-intercept factor, from
    /// a parametric bootstrap with `--boot` (`IntraclassBootstrap`). Failures become warnings, never a failed fit.
    /// `start` is `intervalStart` at the result's θ̂.
    func addIntervals(to result: inout LinearMixedModelResult, factor: MixedFactor, start: IntervalStart) {
        if let profile = start.profile {
            switch profile {
            case .success(let profile): addProfileIntervals(profile, to: &result)
            case .failure(let error): result.warnings.append("no profile-likelihood intervals for the variance components: \(error)")
            }
        }
        switch options.profileIntervals {
        case .always:
            if result.singular {
                result.warnings.append("the fit is singular (a variance at zero or a correlation of ±1): its profile-likelihood intervals may be inaccurate")
            }
        case .never: break
        case .automatic:
            if result.singular {
                // With a variance at its bound the profiles of the other parameters are not reliable here (the same model
                // gave ends 4e-4 apart under two BLAS kernels; lme4 warns of non-monotonic profiles on it): not by default.
                result.warnings.append("the profile-likelihood intervals of the variance components were skipped because the fit is "
                                       + "singular (a variance at zero or a correlation of ±1), where profiling the other parameters is unreliable; "
                                       + "--profile computes them anyway, to be read with care")
            } else if let cost = VarianceProfile.unaffordableCost(structure) {
                result.warnings.append("the profile-likelihood intervals of the variance components were skipped: \(cost); "
                                       + "--profile computes them anyway")
            }
        }
        addIntraclassIntervals(to: &result, factor: factor, profileEnds: start.intraclassEnds)
    }

    private func addProfileIntervals(_ profile: VarianceProfile, to result: inout LinearMixedModelResult) {
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

    private func addIntraclassIntervals(to result: inout LinearMixedModelResult, factor: MixedFactor,
                                        profileEnds: Result<(low: Double?, high: Double?), ModelError>?) {
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
            let usable = boot.resamples - replicates.failures
            if usable >= 2, BootstrapInterval.usesExtremeEnds(count: usable, level: options.level) {
                result.warnings.append(BootstrapInterval.extremeEndsWarning(count: usable, level: options.level, what: "usable bootstrap refits",
                                                                            option: "--boot"))
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
        // Computed beside the estimates (`intervalStart`, whose `profilesIntraclass` is the condition that leads here).
        switch profileEnds {
        case .success(let ends)?:
            func icc(_ t: Double) -> Double { t * t / (1 + t * t) }
            result.intraclassCorrelations[i].confLow = ends.low.map(icc)
            result.intraclassCorrelations[i].confHigh = ends.high.map(icc) ?? 1
            result.intraclassCorrelations[i].method = "profile-likelihood interval of θ = SD(\(structure.blocks[0].group))/σ in the \(criterion) "
                + "(the fit's own), mapped by ICC = θ²/(1 + θ²), which is increasing in θ"
        case .failure(let error)?:
            result.warnings.append("no profile-likelihood interval for the ICC: \(error)")
        case nil:
            break
        }
    }

    /// The ends of θ's profile-likelihood interval in the fit's own criterion (one random-intercept factor), about its
    /// estimate and the criterion's minimum there, on a factor of its own.
    func intraclassProfileEnds(estimate: Double, minimum: Double) throws(ModelError) -> (low: Double?, high: Double?) {
        let profileFactor = MixedFactor(products: products, structure: structure)
        let reml = options.reml
        let zeta = { (t: Double) throws(ModelError) -> (zeta: Double, slope: Double?) in
            let excess = max(profileFactor.objective([t], reml: reml) - minimum, 0)
            let zeta = (t > estimate ? 1 : (t < estimate ? -1 : 0)) * excess.squareRoot()
            // dζ/dθ = (d criterion/dθ)/(2ζ) from the analytic gradient (none at θ = 0, where Λ is singular).
            guard zeta != 0, let gradient = profileFactor.objectiveGradient([t], reml: reml) else { return (zeta, nil) }
            return (zeta, gradient[0] / (2 * zeta))
        }
        let z = Normal.quantile(0.5 + options.level / 2)
        return try ProfileEnds(estimate: estimate, kind: .standardDeviation(scale: 1), z: z).ends(zeta)
    }
}
