import AllianceTestSupport
import DataTable
import Foundation
@testable import Models
import Testing

/// GLMMs against lme4 1.1-31's glmer polished to the optimum of its own deviance function (Newton steps with numDeriv
/// on `devFunOnly = TRUE`): Fixtures/glmm/ (make_glmm_fixtures.R, README there). Tolerances are issue 13's: fixed effects
/// and variance components 1e-5 relative (1e-7 absolute for a variance at zero), log-likelihood 1e-6 absolute; also
/// the deviance 1e-9 relative, standard errors (Hessian of the deviance in (θ, β), glmer's use.hessian) 1e-5 relative,
/// conditional modes and SDs 1e-5 (relative, or absolute near 0), Pearson χ² 1e-6 relative.
@Suite("GLMMs vs glmer")
struct GLMMReferenceTests {
    struct Fit: @unchecked Sendable, CustomStringConvertible {
        let fields: [String: Any]
        var name: String { fields["name"] as? String ?? "?" }
        var description: String { name }
        var formula: String { fields["formula"] as? String ?? "" }
        var data: String { fields["data"] as? String ?? "" }
        var family: MixedFamily { (fields["family"] as? String) == "binomial" ? .logit : .poisson }
        var nagq: Int { (fields["nagq"] as? NSNumber)?.intValue ?? 1 }
        func number(_ key: String) -> Double { (fields[key] as? NSNumber)?.doubleValue ?? .nan }
        func numbers(_ key: String) -> [Double] { (fields[key] as? [NSNumber] ?? []).map(\.doubleValue) }
        func array(_ key: String) -> [[String: Any]] { fields[key] as? [[String: Any]] ?? [] }
    }


    static let fits: [Fit] = {
        let reference = (try? fixtureFiles.jsonObject("glmm/glmm_reference.json")) ?? [:]
        return (reference["fits"] as? [[String: Any]] ?? []).map(Fit.init)
    }()

    static func fitted(_ fit: Fit) throws -> GeneralizedLinearMixedModelResult {
        let table = try fixtureFiles.table("glmm/\(fit.data)")
        return try GeneralizedLinearMixedModel.fit(formula: fit.formula, table: table,
                                                   options: GeneralizedLinearMixedModelOptions(family: fit.family, quadraturePoints: fit.nagq))
    }

    @Test func fixturesArePresent() {
        // cbpp at nAGQ 1 and 10, two grouseticks fits, eleven simulated alliance fits.
        #expect(Self.fits.count == 15)
        #expect(Self.fits.filter { $0.name.hasPrefix("sim_") }.count >= 8)
    }

    @Test("estimates, SEs, variance components, log-likelihood", arguments: fits)
    func estimates(_ fit: Fit) throws {
        let r = try Self.fitted(fit)
        #expect(r.rowsUsed == Int(fit.number("n")), "\(fit) rows")
        expectClose(r.deviance, fit.number("deviance"), relative: 1e-9, "\(fit) deviance")
        if fit.nagq == 1 {
            // glmer's own logLik() takes log|L|² from the weights one PIRLS pass before the modes (up to 1.1e-5 off on these fits).
            expectClose(r.logLikelihood, fit.number("log_likelihood_glmer"), absolute: 2e-5, "\(fit) logLik as glmer reports it")
        }
        fit.expectLikelihoodThetaAndCoefficients(r)
        for c in r.coefficients where !c.aliased {
            if let b = c.estimate, let s = c.stdError {
                expectClose(c.statistic, b / s, relative: 1e-12, "\(fit) \(c.term) z")
                expectClose(c.pValue, erfc(abs(b / s) / 2.0.squareRoot()), relative: 1e-10, "\(fit) \(c.term) p")
            }
        }
        for e in fit.array("random_effects") {
            if let variance = (e["variance"] as? NSNumber)?.doubleValue, let term = e["term"] as? String {
                let ours = r.varianceComponents.first { $0.terms == [term] && $0.correlation == nil }
                expectClose(ours?.variance, variance, variance < 1e-6 ? .absolute(1e-7) : .relative(1e-5), "\(fit) \(term) variance")
            } else if let correlation = (e["correlation"] as? NSNumber)?.doubleValue {
                let ours = r.varianceComponents.first { $0.correlation != nil }
                expectClose(ours?.correlation, correlation, .relativeOrAbsolute(1e-5), "\(fit) correlation")
            }
        }
        if fit.family == .poisson {
            expectClose(r.overdispersion?.pearsonChiSquared, fit.number("pearson_chisq"), relative: 1e-6, "\(fit) Pearson χ²")
            #expect(r.overdispersion?.degreesOfFreedom == r.rowsUsed - r.parameterCount)
        } else {
            #expect(r.overdispersion == nil)
        }
    }

    /// The PIRLS, Xβ and gradient passes on two row halves (as fits of 131,072 rows or more run): the same tolerances.
    @Test("estimates with the rows split in two halves",
          arguments: fits.filter { ["cbpp_laplace", "sim_slope_logit", "sim_ri_poisson", "sim_offset_poisson"].contains($0.name) })
    func splitRows(_ fit: Fit) throws {
        try RowParts.$minimumRowsToSplit.withValue(2) { try estimates(fit) }
    }

    /// lme4's `pp$b(1)` and the diagonal of Λ(LᵀL)⁻¹Λᵀ, for the fits with one scalar random effect (level order: sorted labels).
    @Test("conditional modes and SDs", arguments: fits.filter { ($0.fields["theta"] as? [Any])?.count == 1 })
    func conditionalModes(_ fit: Fit) throws {
        let r = try Self.fitted(fit)
        let modes = r.conditionalModes.sorted { $0.level < $1.level }
        let b = fit.numbers("ranef"), v = fit.numbers("ranef_cond_var")
        #expect(modes.count == b.count, "\(fit) levels")
        for (m, (e, ev)) in zip(modes, zip(b, v)) {
            // Modes near 0 within 1e-6 absolute (θ itself is within 1e-5 relative, and a mode scales with it).
            expectClose(m.estimate, e, abs(e) < 0.1 ? .absolute(1e-6) : .relative(1e-5), "\(fit) mode \(m.level)")
            if ev > 1e-12 {
                expectClose(m.conditionalSD, ev.squareRoot(), relative: 1e-5, "\(fit) conditional SD \(m.level)")
            } else {
                expectClose(m.conditionalSD, 0, absolute: 1e-5, "\(fit) conditional SD \(m.level)")
            }
        }
    }

    @Test func latentICCForLogit() throws {
        guard let fit = Self.fits.first(where: { $0.name == "sim_ri_logit" }) else { Issue.record("fixture missing"); return }
        let r = try Self.fitted(fit)
        let tau2 = fit.numbers("theta")[0] * fit.numbers("theta")[0]
        #expect(r.intraclassCorrelations.count == 1)
        expectClose(r.intraclassCorrelations.first?.estimate, tau2 / (tau2 + Double.pi * Double.pi / 3), relative: 2e-5, "latent ICC")
    }

    @Test func singularFitIsReported() throws {
        guard let fit = Self.fits.first(where: { $0.name == "sim_null_logit" }) else { Issue.record("fixture missing"); return }
        let r = try Self.fitted(fit)
        #expect(r.singular)
        #expect(r.warnings.contains { $0.contains("singular") })
    }
}
