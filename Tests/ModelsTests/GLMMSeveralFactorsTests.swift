import AllianceTestSupport
import DataTable
import Foundation
@testable import Models
import Testing

/// GLMMs with two or three grouping factors (nested and crossed) against lme4 1.1-31's glmer polished to the optimum
/// of its own deviance function: Fixtures/glmm/glmm_multi_reference.json (make_glmm_multi_fixtures.R, README there).
/// Tolerances are issue 13's: fixed effects and variance components 1e-5 relative, log-likelihood 1e-6 absolute; also
/// standard errors (numerical Hessian of the deviance in (θ, β) on both sides) 1e-5 relative, conditional modes 1e-5
/// relative (1e-6 absolute near 0) and conditional SDs 1e-5 relative, Pearson χ² 1e-6 relative.
@Suite("GLMMs with several grouping factors vs glmer")
struct GLMMSeveralFactorsTests {
    typealias Fit = GLMMReferenceTests.Fit

    static let fits: [Fit] = {
        let reference = (try? fixtureFiles.jsonObject("glmm/glmm_multi_reference.json")) ?? [:]
        return (reference["fits"] as? [[String: Any]] ?? []).map(Fit.init)
    }()

    static func fitted(_ fit: Fit, formula: String? = nil) throws -> GeneralizedLinearMixedModelResult {
        let table = try fixtureFiles.table("glmm/\(fit.data)")
        return try GeneralizedLinearMixedModel.fit(formula: formula ?? fit.formula, table: table,
                                                   options: GeneralizedLinearMixedModelOptions(family: fit.family))
    }

    /// Each reference fit once (two tests read it; debug-build fits take seconds).
    static let results: [String: Result<GeneralizedLinearMixedModelResult, any Error>] = {
        var out: [String: Result<GeneralizedLinearMixedModelResult, any Error>] = [:]
        for fit in fits { out[fit.name] = Result { try fitted(fit) } }
        return out
    }()

    static func result(_ fit: Fit) throws -> GeneralizedLinearMixedModelResult {
        guard let r = results[fit.name] else { throw ModelError.numerical("no fit for \(fit.name)") }
        return try r.get()
    }

    @Test func fixturesArePresent() {
        // grouseticks with two and three factors, simulated nested logit, crossed logit, nested Poisson with a slope.
        #expect(Self.fits.count == 5)
    }

    @Test("estimates, SEs, variance components, log-likelihood", arguments: fits)
    func estimates(_ fit: Fit) throws {
        let r = try Self.result(fit)
        #expect(r.rowsUsed == Int(fit.number("n")), "\(fit) rows")
        let groups = (fit.fields["groups"] as? [String]) ?? []
        let levels = fit.numbers("levels").map { Int($0) }
        #expect(r.groups.map(\.group) == groups, "\(fit) groups")
        #expect(r.groups.map(\.levels) == levels, "\(fit) levels")
        expectClose(r.deviance, fit.number("deviance"), absolute: 2e-6, "\(fit) deviance")
        fit.expectLikelihoodThetaAndCoefficients(r)
        let expected = fit.array("random_effects")
        #expect(r.varianceComponents.count == expected.count, "\(fit) components")
        for (ours, e) in zip(r.varianceComponents, expected) {
            #expect(ours.group == e["group"] as? String, "\(fit) component group")
            if let variance = (e["variance"] as? NSNumber)?.doubleValue {
                #expect(ours.terms == [e["term"] as? String ?? "?"], "\(fit) component term")
                expectClose(ours.variance, variance, variance < 1e-6 ? .absolute(1e-7) : .relative(1e-5), "\(fit) \(ours.group) variance")
            } else if let correlation = (e["correlation"] as? NSNumber)?.doubleValue {
                expectClose(ours.correlation, correlation, .relativeOrAbsolute(1e-5), "\(fit) \(ours.group) correlation")
            }
        }
        if fit.family == .poisson {
            expectClose(r.overdispersion?.pearsonChiSquared, fit.number("pearson_chisq"), relative: 1e-6, "\(fit) Pearson χ²")
        } else {
            #expect(r.overdispersion == nil)
            // Latent-scale ICC per factor: τ²_k / (Σ τ² + π²/3).
            let variances = r.varianceComponents.compactMap(\.variance)
            let total = variances.reduce(Double.pi * Double.pi / 3, +)
            #expect(r.intraclassCorrelations.count == groups.count)
            for (icc, v) in zip(r.intraclassCorrelations, variances) { expectClose(icc.estimate, v / total, relative: 1e-12, "\(fit) ICC") }
        }
        #expect(!r.singular)
    }

    /// lme4's `pp$b(1)` and the diagonal of Λ(LᵀL)⁻¹Λᵀ, per factor, level and term.
    @Test("conditional modes and SDs of every factor", arguments: fits)
    func conditionalModes(_ fit: Fit) throws {
        let r = try Self.result(fit)
        let expected = fit.array("modes")
        #expect(r.conditionalModes.count == expected.count, "\(fit) modes")
        var ours: [String: ConditionalMode] = [:]
        for m in r.conditionalModes { ours["\(m.group)|\(m.level)|\(m.term)"] = m }
        for e in expected {
            let key = "\(e["group"] as? String ?? "")|\(e["level"] as? String ?? "")|\(e["term"] as? String ?? "")"
            guard let m = ours[key] else { Issue.record("\(fit): no mode for \(key)"); continue }
            let b = (e["estimate"] as? NSNumber)?.doubleValue ?? .nan
            let v = (e["cond_var"] as? NSNumber)?.doubleValue ?? .nan
            expectClose(m.estimate, b, abs(b) < 0.1 ? .absolute(1e-6) : .relative(1e-5), "\(fit) mode \(key)")
            expectClose(m.conditionalSD, v.squareRoot(), relative: 1e-5, "\(fit) conditional SD \(key)")
        }
    }

    /// `(1 | therapist/client)` is `(1 | therapist) + (1 | therapist:client)`: with client codes unique across therapists, the
    /// same model as the separate terms.
    @Test func nestedShorthandIsTheSameModel() throws {
        guard let fit = Self.fits.first(where: { $0.name == "sim_nested_logit" }) else { Issue.record("fixture missing"); return }
        let r = try Self.fitted(fit, formula: "dropped ~ wai_c + (1 | therapist/client)")
        #expect(r.groups.map(\.group) == ["therapist:client", "therapist"])
        expectClose(r.logLikelihood, fit.number("log_likelihood"), absolute: 1e-6, "logLik")
        for (a, e) in zip(r.theta, fit.numbers("theta")) { expectClose(a, e, relative: 1e-5, "θ") }
        for (c, e) in zip(r.coefficients, fit.numbers("beta")) { expectClose(c.estimate, e, relative: 1e-5, "\(c.term)") }
    }

    @Test func adaptiveQuadratureIsRefusedForSeveralFactors() throws {
        let table = try fixtureFiles.table("glmm/glmm_sessions.csv")
        do {
            _ = try GeneralizedLinearMixedModel.fit(formula: "dropped ~ wai_c + (1 | therapist) + (1 | client)", table: table,
                                                    options: GeneralizedLinearMixedModelOptions(family: .logit, quadraturePoints: 5))
            Issue.record("--nagq 5 with two factors was accepted")
        } catch {
            guard case .invalidRandomEffects(_, let detail) = error else { Issue.record("wrong error \(error)"); return }
            #expect(detail.contains("2 grouping factors") && detail.contains("glmer refuses nAGQ > 1"))
        }
    }

    /// A second factor with a single level among the rows used cannot vary: refused, naming it.
    @Test func factorWithOneLevelIsRefused() throws {
        let n = 200
        var y: [Double] = [], x: [Double] = [], g: [String] = [], site: [String] = []
        for i in 0..<n {
            x.append(Double(i % 7) - 3)
            y.append(Double((i * 37) % 5 < 2 ? 1 : 0))
            g.append("g\(i % 20)")
            site.append("only")
        }
        let table = try Table(columns: [Column(name: "y", numeric: y), Column(name: "x", numeric: x),
                                        Column(name: "g", categorical: g), Column(name: "site", categorical: site)])
        do {
            _ = try GeneralizedLinearMixedModel.fit(formula: "y ~ x + (1 | g) + (1 | site)", table: table,
                                                    options: GeneralizedLinearMixedModelOptions(family: .logit))
            Issue.record("a one-level factor was accepted")
        } catch {
            guard case .invalidRandomEffects(_, let detail) = error else { Issue.record("wrong error \(error)"); return }
            #expect(detail.contains("site has a single level"))
        }
    }

    /// Later factors with more random effects than the dense block takes are refused before any fitting, naming them.
    @Test func tooManyDenseEffectsAreRefused() throws {
        let n = 9_000
        var y: [Double] = [], x: [Double] = [], client: [String] = [], rater: [String] = []
        for i in 0..<n {
            x.append(Double(i % 11) - 5)
            y.append(Double((i * 7919) % 3 == 0 ? 1 : 0))
            client.append("c\(i / 2)")
            rater.append("r\((i * 31) % 4_100)")
        }
        let table = try Table(columns: [Column(name: "y", numeric: y), Column(name: "x", numeric: x),
                                        Column(name: "client", categorical: client), Column(name: "rater", categorical: rater)])
        do {
            _ = try GeneralizedLinearMixedModel.fit(formula: "y ~ x + (1 | client) + (1 | rater)", table: table,
                                                    options: GeneralizedLinearMixedModelOptions(family: .logit))
            Issue.record("4,100 dense random effects were accepted")
        } catch {
            guard case .invalidRandomEffects(_, let detail) = error else { Issue.record("wrong error \(error)"); return }
            #expect(detail.contains("rater: 4100") && detail.contains("up to 4000"), "\(detail)")
        }
    }

    /// A crossed factor with no effect: glmer (tight control, bobyqa) puts the rater θ at its bound 0 (isSingular TRUE) with the
    /// client θ at 0.882114 (6 digits printed, not polished: 1e-4); the fit says so in plain words, naming the factor.
    @Test func singularSecondFactorIsReported() throws {
        guard let fit = Self.fits.first(where: { $0.name == "sim_nested_logit" }) else { Issue.record("fixture missing"); return }
        let r = try Self.fitted(fit, formula: "dropped ~ wai_c + (1 | client) + (1 | rater)")
        #expect(r.groups.map(\.group) == ["client", "rater"])
        #expect(r.theta.count == 2)
        expectClose(r.theta.first, 0.882114, relative: 1e-4, "client θ (glmer unpolished)")
        #expect((r.theta.last ?? 1) < LinearMixedModel.singularTolerance)
        #expect(r.singular)
        #expect(r.warnings.contains { $0.contains("singular") && $0.contains("rater") })
    }
}
