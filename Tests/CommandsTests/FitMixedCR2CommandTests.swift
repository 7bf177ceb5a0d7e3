import AllianceTestSupport
import Foundation
import Testing
@testable import Commands

/// `alliance fit lmm --robust cr2` and `--cluster COL` end to end on the shared formula_data.csv: the report's
/// contract (`vcov`, `clusters`, per-coefficient `df`, the table note) and the usage refusals. The numbers
/// themselves are checked against clubSandwich in ModelsTests/MixedCR2Tests.
@Suite("fit lmm: CR2 cluster-robust standard errors")
struct FitMixedCR2CommandTests {
    static let formula = "phq ~ wai + (1 | therapist)"

    static func json(_ extra: [String]) throws -> [String: Any] {
        let out = try FitFormulaCommandTests.run(["lmm", "formula_data.csv", "--formula", formula, "--format", "json"] + extra).output
        return try #require(try JSONSerialization.jsonObject(with: Data(out.utf8)) as? [String: Any])
    }

    @Test func reportsTheCR2CovarianceAndItsClusters() throws {
        let robust = try Self.json(["--robust", "cr2"])
        let model = try Self.json([])
        #expect(robust["vcov"] as? String == "cluster-cr2:therapist")
        #expect(model["vcov"] == nil)
        let groups = try #require(robust["groups"] as? [[String: Any]])
        #expect((robust["clusters"] as? NSNumber)?.intValue == (groups.first?["levels"] as? NSNumber)?.intValue)
        let cr2 = try FitFormulaCommandTests.coefficients(JSONSerialization.data(withJSONObject: robust).utf8String())
        let classical = try FitFormulaCommandTests.coefficients(JSONSerialization.data(withJSONObject: model).utf8String())
        let se = FitFormulaCommandTests.values(cr2, "std_error")
        #expect(FitFormulaCommandTests.values(cr2, "estimate") == FitFormulaCommandTests.values(classical, "estimate"))
        #expect(zip(se, FitFormulaCommandTests.values(classical, "std_error")).allSatisfy { $0 != $1 && $0 > 0 })
        let df = FitFormulaCommandTests.values(cr2, "df")
        // CR2's Satterthwaite df are at most the number of clusters − 1 for an intercept.
        #expect(df.allSatisfy { $0 > 0 && $0 <= Double((robust["clusters"] as? NSNumber)?.intValue ?? 0) })
        let matrix = try #require((robust["covariance_matrix"] as? [String: Any])?["values"] as? [[NSNumber]])
        for (k, s) in se.enumerated() { expectClose(matrix[k][k].doubleValue.squareRoot(), s, relative: 1e-12, "covariance diagonal \(k)") }
        // --cluster naming the same column is the same estimator.
        let named = try Self.json(["--cluster", "therapist"])
        #expect(named["vcov"] as? String == "cluster-cr2:therapist")
        let namedSE = FitFormulaCommandTests.values(try FitFormulaCommandTests.coefficients(JSONSerialization.data(withJSONObject: named).utf8String()), "std_error")
        for (a, b) in zip(se, namedSE) { expectClose(b, a, relative: 1e-12, "named cluster SE") }
    }

    @Test func tableNoteSaysWhatWasDone() throws {
        let out = try FitFormulaCommandTests.run(["lmm", "formula_data.csv", "--formula", Self.formula, "--robust", "cr2"]).output
        #expect(out.contains("Standard errors: CR2 cluster-robust by therapist ("))
        #expect(out.contains("clubSandwich's coef_test(vcov = \"CR2\")"))
    }

    @Test func usageRefusals() throws {
        let hc = try #require(FitFormulaCommandTests.failure(["lmm", "formula_data.csv", "--formula", Self.formula, "--robust", "hc3"]))
        #expect(hc.kind == .usage && hc.message.contains("takes cr2"))
        let kr = try #require(FitFormulaCommandTests.failure(["lmm", "formula_data.csv", "--formula", Self.formula, "--robust", "cr2",
                                                             "--df", "kenward-roger"]))
        #expect(kr.kind == .usage && kr.message.contains("drop --df kenward-roger"))
        let adjust = try #require(FitFormulaCommandTests.failure(["lmm", "formula_data.csv", "--formula", Self.formula, "--cluster", "therapist",
                                                                 "--cluster-adjust", "cr1s"]))
        #expect(adjust.kind == .usage && adjust.message.contains("CR2 only"))
        let unknown = try #require(FitFormulaCommandTests.failure(["lmm", "formula_data.csv", "--formula", Self.formula, "--cluster", "therapst"]))
        #expect(unknown.kind == .usage && unknown.message.contains("did you mean 'therapist'"))
    }

    @Test func crossedFactorsNeedANestingCluster() throws {
        // Therapists nest in sites, so the top level is site.
        let nested = try FitFormulaCommandTests.run(["lmm", "formula_data.csv", "--formula", "phq ~ wai + (1 | therapist) + (1 | site)",
                                                     "--robust", "cr2", "--format", "json"]).output
        #expect(nested.contains("\"vcov\": \"cluster-cr2:site\"") || nested.contains("\"vcov\":\"cluster-cr2:site\""))
        // Every rater scores clients of every therapist: crossed.
        let directory = try temporaryDirectory("lmm-cr2")
        var csv = "y,therapist,rater\n"
        for t in 0..<6 { for r in 0..<4 { for k in 0..<2 { csv += "\(Double((t * 7 + r * 3 + k * 5) % 11) + 0.1 * Double(t)),T\(t),R\(r)\n" } } }
        try csv.write(toFile: (directory as NSString).appendingPathComponent("crossed.csv"), atomically: true, encoding: .utf8)
        let run = try runCommand(["fit", "lmm", "crossed.csv", "--formula", "y ~ 1 + (1 | therapist) + (1 | rater)", "--robust", "cr2"],
                                 inputDirectory: directory)
        let crossed = try #require(run.error)
        #expect(crossed.kind == .data && crossed.message.contains("are crossed") && crossed.message.contains("--cluster"))
    }
}

private extension Data {
    func utf8String() -> String { String(decoding: self, as: UTF8.self) }
}
