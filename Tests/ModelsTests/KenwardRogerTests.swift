import AllianceTestSupport
import DataTable
import Foundation
import LinearAlgebra
import Testing
@testable import Models

/// Kenward–Roger against lmerTest's `summary(ddf = "Kenward-Roger")` and pbkrtest's `vcovAdj` (pbkrtest 0.5.2,
/// lmerTest 3.1) from Fixtures/kr/make_kr_fixtures.R: sleepstudy (correlated and uncorrelated slopes), Penicillin
/// (crossed), Pastes (nested), and four simulated alliance sets (very unbalanced clients in therapists, sessions
/// in clients in therapists, crossed raters, and a singular fit whose therapist variance is 0).
/// - At R's θ the computation alone is checked: every entry of the adjusted covariance within 1e-9 relative to its
///   diagonal scale, adjusted SEs within 1e-9 relative, df within 1e-7 relative (pbkrtest forms Σ⁻¹ densely,
///   alliance by Woodbury in the random-effects space: the two agree to rounding).
/// - End to end through `fit lmm --df kenward-roger`, the issue's tolerances: df within 1e-4, adjusted SE within
///   1e-6 relative (the fixtures are polished to the REML optimum, as alliance converges).
@Suite("Kenward–Roger against pbkrtest and lmerTest")
struct KenwardRogerTests {
    struct Reference {
        let name: String
        let data: String
        let formula: String
        let theta: [Double]
        let terms: [String]
        let standardErrors: [Double]
        let adjustedStandardErrors: [Double]
        let degreesOfFreedom: [Double]
        let adjustedCovariance: [Double]
        let contrast: (l: [Double], standardError: Double, df: Double)?
    }

    static let references: [Reference] = {
        guard let text = try? fixtureFiles.text("kr/kr_reference.json"), let root = try? parseJSON(text),
              let fits = root["fits"] as? [[String: Any]] else { return [] }
        return fits.compactMap { f in
            guard let name = f["name"] as? String, let data = f["data"] as? String, let formula = f["formula"] as? String,
                  let theta = try? f.doubles("theta"), let coefficients = f["coefficients"] as? [[String: Any]],
                  let adjusted = try? f.doubles("vcov_adjusted") else { return nil }
            var contrast: (l: [Double], standardError: Double, df: Double)?
            if let c = f["contrast"] as? [String: Any], let l = try? c.doubles("l"), let se = try? c.double("kr_std_error"),
               let df = try? c.double("kr_df") {
                contrast = (l, se, df)
            }
            return Reference(name: name, data: data, formula: formula, theta: theta,
                             terms: coefficients.compactMap { $0["term"] as? String },
                             standardErrors: coefficients.compactMap { jsonNumber($0["std_error"]) },
                             adjustedStandardErrors: coefficients.compactMap { jsonNumber($0["kr_std_error"]) },
                             degreesOfFreedom: coefficients.compactMap { jsonNumber($0["kr_df"]) },
                             adjustedCovariance: adjusted, contrast: contrast)
        }
    }()

    static let names = references.map(\.name)

    static func setup(_ reference: Reference, options: LinearMixedModelOptions = .init(degreesOfFreedom: .kenwardRoger)) throws -> LinearMixedModel.Setup {
        let table = try fixtureFiles.table("kr/\(reference.data)")
        return try LinearMixedModel.Setup(formula: try Formula(reference.formula, dataColumns: table.columnNames), table: table, options: options)
    }

    @Test("the fixtures are all there")
    func fixturesLoad() {
        #expect(Self.references.count == 9)
        for r in Self.references {
            #expect(r.terms.count == r.adjustedStandardErrors.count && r.terms.count == r.degreesOfFreedom.count)
            #expect(r.adjustedCovariance.count == r.terms.count * r.terms.count)
        }
    }

    @Test("at R's θ: adjusted covariance, adjusted SEs and df as pbkrtest", arguments: names)
    func atReferenceTheta(name: String) throws {
        let reference = try #require(Self.references.first { $0.name == name })
        let setup = try Self.setup(reference)
        let factor = MixedFactor(products: setup.products, structure: setup.structure)
        factor.update(reference.theta)
        let sigma2 = factor.residualVariance(reml: true)
        let p = setup.kept.count
        #expect(p == reference.terms.count)
        let covariance = Matrix(rows: p, columns: p, columnMajor: factor.unscaledCovariance().storage.map { $0 * sigma2 })
        for j in 0..<p {
            #expect(abs(covariance[j, j].squareRoot() / reference.standardErrors[j] - 1) < 1e-9, "\(name) unadjusted SE \(j)")
        }
        let adjustment = try setup.kenwardRoger(factor: factor, sigma2: sigma2, covariance: covariance)
        let adjusted = adjustment.adjustedCovariance
        for j in 0..<p {
            for i in 0..<p {
                let scale = (adjusted[i, i] * adjusted[j, j]).squareRoot()
                #expect(abs(adjusted[i, j] - reference.adjustedCovariance[j * p + i]) < 1e-9 * scale, "\(name) Φ_A[\(i), \(j)]")
            }
            let unit = (0..<p).map { $0 == j ? 1.0 : 0.0 }
            let se = adjustment.adjustedVariance(contrast: unit).squareRoot()
            #expect(abs(se / reference.adjustedStandardErrors[j] - 1) < 1e-9, "\(name) \(reference.terms[j]) SE \(se) vs \(reference.adjustedStandardErrors[j])")
            let df = adjustment.degreesOfFreedom(contrast: unit)
            #expect(abs(df / reference.degreesOfFreedom[j] - 1) < 1e-7, "\(name) \(reference.terms[j]) df \(df) vs \(reference.degreesOfFreedom[j])")
        }
        if let contrast = reference.contrast {
            let se = adjustment.adjustedVariance(contrast: contrast.l).squareRoot()
            let df = adjustment.degreesOfFreedom(contrast: contrast.l)
            #expect(abs(se / contrast.standardError - 1) < 1e-9, "\(name) contrast SE \(se) vs \(contrast.standardError)")
            #expect(abs(df / contrast.df - 1) < 1e-7, "\(name) contrast df \(df) vs \(contrast.df)")
        }
    }

    @Test("end to end: fit lmm --df kenward-roger reports the adjusted SEs and the KR df", arguments: names)
    func endToEnd(name: String) throws {
        let reference = try #require(Self.references.first { $0.name == name })
        let result = try Self.setup(reference).fit()
        #expect(result.dfMethod == .kenwardRoger)
        let rows = result.coefficients.filter { !$0.aliased }
        #expect(rows.map(\.term) == reference.terms)
        for (k, row) in rows.enumerated() {
            let se = try #require(row.stdError)
            let df = try #require(row.df)
            #expect(abs(se / reference.adjustedStandardErrors[k] - 1) < Self.seTolerance(name), "\(name) \(row.term) SE \(se) vs \(reference.adjustedStandardErrors[k])")
            #expect(abs(df - reference.degreesOfFreedom[k]) < 1e-4, "\(name) \(row.term) df \(df) vs \(reference.degreesOfFreedom[k])")
            #expect(abs(result.covariance[k, k].squareRoot() - se) <= 1e-12 * se, "the reported covariance is the adjusted one")
        }
    }

    /// 1e-6 relative, except Penicillin: its REML criterion is flat along the sample θ (6 levels) to 3e-11 over 6e-6,
    /// the size of the difference between lme4's and alliance's rounding of the criterion (2.5e-10 at the same θ), so
    /// the two optima differ by 1.6e-6 in that θ and the SE, adjusted or not, by 1.5e-6 (at R's θ it agrees to 1e-9).
    static func seTolerance(_ name: String) -> Double { name == "penicillin" ? 2e-6 : 1e-6 }

    @Test("Kenward–Roger is refused for ML fits, as lmerTest")
    func refusesML() throws {
        let reference = try #require(Self.references.first { $0.name == "sleepstudy" })
        let setup = try Self.setup(reference, options: .init(reml: false, degreesOfFreedom: .kenwardRoger))
        #expect(throws: ModelError.self) { try setup.fit() }
    }

    @Test("models of several factors with more random effects than the dense limit are refused with advice")
    func refusesLarge() throws {
        let levels = KenwardRogerTerms.randomEffectsLimit
        var group: [String?] = []
        var rater: [String?] = []
        var x: [Double?] = []
        var y: [Double?] = []
        for i in 0..<levels {
            for r in 0..<2 {
                group.append("g\(i)")
                rater.append("r\((i + r) % 20)")
                x.append(Double(r))
                // A group effect plus within-group noise, both from fixed residues (no generator needed).
                y.append(Double((i * 31) % 17) / 4 + Double((i * 7919 + r * 104_729) % 1000) / 250 + 0.5 * Double(r))
            }
        }
        let table = try Table(columns: [Column(name: "g", categorical: group), Column(name: "rater", categorical: rater),
                                        Column(name: "x", numeric: x), Column(name: "y", numeric: y)])
        let formula = try Formula("y ~ x + (1 | g) + (1 | rater)", dataColumns: table.columnNames)
        do {
            _ = try LinearMixedModel.fit(formula: formula, table: table, options: .init(degreesOfFreedom: .kenwardRoger))
            Issue.record("expected a refusal")
        } catch {
            guard case .randomEffectsTooLarge(let detail) = error else { Issue.record("unexpected \(error)"); return }
            #expect(detail.contains("3020") && detail.contains("--df satterthwaite"), "\(detail)")
        }
    }
}
