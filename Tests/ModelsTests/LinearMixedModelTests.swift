import AllianceTestSupport
import DataTable
import Foundation
@testable import Models
import Testing

/// `fit lmm` against lme4 1.1-31 polished to the optimum, lmerTest 3.1-3 (Satterthwaite) and lme4's
/// `ranef(condVar = TRUE)`: Fixtures/lmm/ (made by make_lmm_fixtures.R; README there). Tolerances are issue 12's:
/// the objective at lme4's θ 1e-10 relative; estimates, SEs, variance components, log-likelihood 1e-6 relative;
/// Satterthwaite df 1e-4 relative; ICC and conditional modes 1e-6.
@Suite("Linear mixed models vs lme4")
struct LinearMixedModelTests {
    struct Fit: @unchecked Sendable, CustomStringConvertible {
        let fields: [String: Any]
        var name: String { fields["name"] as? String ?? "?" }
        var description: String { name }
        var reml: Bool { fields["reml"] as? Bool ?? true }
        var formula: String { fields["formula"] as? String ?? "" }
        var data: String { fields["data"] as? String ?? "" }
        func number(_ key: String) -> Double { (fields[key] as? NSNumber)?.doubleValue ?? .nan }
        func array(_ key: String) -> [[String: Any]] { fields[key] as? [[String: Any]] ?? [] }
    }

    static let fits: [Fit] = {
        let reference = (try? fixtureFiles.jsonObject("lmm/lmm_reference.json")) ?? [:]
        return (reference["fits"] as? [[String: Any]] ?? []).map(Fit.init)
    }()

    static func value(_ object: [String: Any], _ key: String) -> Double { (object[key] as? NSNumber)?.doubleValue ?? .nan }

    /// lme4 names a nested group inner:outer (`cask:batch`, levels `a:A`); alliance outer:inner as the formula reads.
    static func sameGroup(_ ours: String, _ theirs: String) -> Bool {
        ours == theirs || ours.split(separator: ":").reversed().joined(separator: ":") == theirs
    }

    static func fitted(_ fit: Fit, df: MixedDegreesOfFreedom = .satterthwaite) throws -> LinearMixedModelResult {
        let table = try fixtureFiles.table("lmm/\(fit.data)")
        let formula = try Formula(fit.formula, dataColumns: table.columnNames)
        return try LinearMixedModel.fit(formula: formula, table: table, options: LinearMixedModelOptions(reml: fit.reml, degreesOfFreedom: df))
    }

    @Test func fixturesArePresent() {
        #expect(Self.fits.count >= 28)
    }

    @Test("objective at lme4's θ", arguments: fits)
    func objectiveAtReferenceTheta(_ fit: Fit) throws {
        let factor = try fit.criterion().factor
        let theta = (fit.fields["theta"] as? [NSNumber] ?? []).map(\.doubleValue)
        expectClose(factor.objective(theta, reml: fit.reml), fit.number("objective"), relative: 1e-10, "\(fit) objective at θ̂")
        for point in fit.array("objective_points") {
            let t = (point["theta"] as? [NSNumber] ?? []).map(\.doubleValue)
            expectClose(factor.objective(t, reml: fit.reml), Self.value(point, "objective"), relative: 1e-10, "\(fit) objective at \(t)")
        }
    }

    @Test("estimates, variance components and Satterthwaite df", arguments: fits)
    func estimates(_ fit: Fit) throws {
        let r = try Self.fitted(fit)
        expectClose(r.objective, fit.number("objective"), relative: 1e-10, "\(fit) objective")
        expectClose(r.logLikelihood, fit.number("log_likelihood"), relative: 1e-6, "\(fit) logLik")
        expectClose(r.aic, fit.number("aic"), relative: 1e-6, "\(fit) AIC")
        expectClose(r.bic, fit.number("bic"), relative: 1e-6, "\(fit) BIC")
        expectClose(r.sigma, fit.number("sigma"), relative: 1e-6, "\(fit) sigma")
        #expect(r.parameterCount == Int(fit.number("npar")))
        #expect(r.singular == (fit.fields["singular"] as? Bool), "\(fit) singular")
        #expect(r.rowsUsed == Int(fit.number("n")))
        let expected = fit.array("coefficients")
        #expect(r.coefficients.map(\.term) == expected.compactMap { $0["term"] as? String }, "\(fit) terms")
        for (c, e) in zip(r.coefficients, expected) {
            expectClose(c.estimate, Self.value(e, "estimate"), relative: 1e-6, "\(fit) \(c.term) estimate")
            expectClose(c.stdError, Self.value(e, "std_error"), relative: 1e-6, "\(fit) \(c.term) SE")
            expectClose(c.df, Self.value(e, "df"), relative: 1e-4, "\(fit) \(c.term) Satterthwaite df")
            // lmerTest's p underflows to 0 for huge t; ours must be as negligible.
            if Self.value(e, "p_value") < 1e-200 {
                #expect((c.pValue ?? 1) < 1e-100, "\(fit) \(c.term) p")
            } else {
                expectClose(c.pValue, Self.value(e, "p_value"), relative: 1e-4, "\(fit) \(c.term) p")
            }
        }
        for e in fit.array("random_effects") {
            let group = e["group"] as? String ?? ""
            if let terms = e["terms"] as? [String] {
                let ours = r.varianceComponents.first { Self.sameGroup($0.group, group) && $0.terms == terms }
                // A correlation at ±1 or of a singular fit is fixed by the boundary, not by the optimum's precision.
                expectClose(ours?.correlation, Self.value(e, "correlation"), absolute: r.singular ? 1e-4 : 1e-6, "\(fit) \(group) correlation")
                continue
            }
            let term = e["term"] as? String
            let ours = r.varianceComponents.first { Self.sameGroup($0.group, group) && (group == "Residual" || $0.terms.first == term) }
            let scale = fit.number("sigma")
            // A variance at the boundary (0) is compared on the scale of the residual variance.
            if Self.value(e, "std_dev") < 1e-3 * scale {
                expectClose(ours?.standardDeviation, Self.value(e, "std_dev"), absolute: 1e-5 * scale, "\(fit) \(group) \(term ?? "") SD")
            } else {
                expectClose(ours?.variance, Self.value(e, "variance"), relative: 1e-6, "\(fit) \(group) \(term ?? "") variance")
                expectClose(ours?.standardDeviation, Self.value(e, "std_dev"), relative: 1e-6, "\(fit) \(group) \(term ?? "") SD")
            }
        }
        for e in fit.array("icc") {
            let group = e["group"] as? String ?? ""
            let ours = r.intraclassCorrelations.first { Self.sameGroup($0.group, group) }
            expectClose(ours?.estimate, Self.value(e, "estimate"), absolute: 1e-6, "\(fit) ICC \(group)")
        }
    }

    /// The first factor's levels split in two halves (as fits with thousands of levels run): the same references at
    /// the same tolerances, and the objective within rounding of the one-part factor's.
    @Test("estimates on two level halves", arguments: fits)
    func estimatesOnLevelHalves(_ fit: Fit) throws {
        let table = try fixtureFiles.table("lmm/\(fit.data)")
        let formula = try Formula(fit.formula, dataColumns: table.columnNames)
        let setup = try LinearMixedModel.Setup(formula: formula, table: table, options: LinearMixedModelOptions(reml: fit.reml))
        let theta = (fit.fields["theta"] as? [NSNumber] ?? []).map(\.doubleValue)
        let whole = MixedFactor(products: setup.products, structure: setup.structure).objective(theta, reml: fit.reml)
        try LevelHalves.$minimumLevelsToSplit.withValue(2) {
            #expect(LevelHalves(levels: setup.structure.blocks[0].levelCount).ranges.count == 2)
            let halves = MixedFactor(products: setup.products, structure: setup.structure).objective(theta, reml: fit.reml)
            expectClose(halves, whole, relative: 1e-13, "\(fit) objective on halves")
            try estimates(fit)
        }
    }

    /// The passes over the rows split in two fixed halves (as fits from 131,072 rows run): the same references at the
    /// same tolerances.
    @Test("estimates on two row halves", arguments: fits)
    func estimatesOnRowHalves(_ fit: Fit) throws {
        try RowParts.$minimumRowsToSplit.withValue(2) {
            #expect(RowParts(rows: 10).ranges.count == 2)
            try estimates(fit)
        }
    }

    /// The shift b of y − Xb from the first 20 rows only (as fits over 65,536 rows take it): the same references at
    /// the same tolerances, the criterion at lme4's θ included. Where a factor level first appears after row 20 its
    /// column is aliased in those rows and shifted by 0.
    @Test("estimates with the shift from the first rows", arguments: fits)
    func estimatesWithShiftFromFirstRows(_ fit: Fit) throws {
        try LinearMixedModel.Setup.$shiftRows.withValue(20) {
            let table = try fixtureFiles.table("lmm/\(fit.data)")
            let formula = try Formula(fit.formula, dataColumns: table.columnNames)
            let setup = try LinearMixedModel.Setup(formula: formula, table: table, options: LinearMixedModelOptions(reml: fit.reml))
            #expect(setup.design.rows > 20)
            #expect(setup.outcomeShift.count == setup.kept.count)
            try objectiveAtReferenceTheta(fit)
            try estimates(fit)
        }
    }

    @Test("conditional modes and conditional SDs", arguments: fits)
    func conditionalModes(_ fit: Fit) throws {
        let r = try Self.fitted(fit, df: .residual)
        let ranef = fit.array("ranef")
        #expect(!ranef.isEmpty)
        for e in ranef {
            let group = e["group"] as? String ?? ""
            let level = e["level"] as? String ?? ""
            let term = e["term"] as? String ?? ""
            let reversed = level.split(separator: ":").reversed().joined(separator: ":")
            let ours = r.conditionalModes.first { m in
                Self.sameGroup(m.group, group) && m.term == term && (m.level == level || (m.group != group && m.level == reversed))
            }
            #expect(ours != nil, "\(fit) \(group) \(level) \(term) missing")
            // On the scale of the effect's conditional SD (BLUPs near 0 make relative errors meaningless).
            let sd = Self.value(e, "cond_sd")
            expectClose(ours?.estimate, Self.value(e, "estimate"), absolute: 1e-6 * max(sd, abs(Self.value(e, "estimate"))), "\(fit) \(group) \(level) \(term) mode")
            expectClose(ours?.conditionalSD, sd, relative: 1e-6, "\(fit) \(group) \(level) \(term) cond SD")
        }
    }
}

extension LinearMixedModelTests.Fit {
    /// The fixture's setup (cross-products, structure) and the profiled criterion over θ, as the fit builds them.
    func criterion() throws -> (setup: LinearMixedModel.Setup, factor: MixedFactor) {
        let table = try fixtureFiles.table("lmm/\(data)")
        let formula = try Formula(self.formula, dataColumns: table.columnNames)
        let setup = try LinearMixedModel.Setup(formula: formula, table: table, options: LinearMixedModelOptions(reml: reml))
        return (setup, MixedFactor(products: setup.products, structure: setup.structure))
    }
}
