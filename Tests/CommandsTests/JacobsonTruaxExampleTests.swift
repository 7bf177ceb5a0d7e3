import AllianceTestSupport
import Foundation
import Testing
@testable import Commands

/// The Jacobson & Truax (1991) Table 2 couples (Dyadic Adjustment Scale, higher is better) through `alliance change`,
/// against values computed independently (see Fixtures/measures/jacobson_truax_1991_README.md). Tolerance 1e-12 relative.
@Suite struct JacobsonTruaxExampleTests {
    @Test func table2CouplesReproduceTheIndependentComputation() throws {
        let run = try runCommand(["change", try fixtureFiles.path("measures/jacobson_truax_1991_table2.csv"),
                                  "--pre", "das_pre", "--post", "das_post", "--sd", "11.825661265562111",
                                  "--reliability", "0.84", "--direction", "higher-better",
                                  "--cutoff", "105.23465586445755", "--format", "json"])
        #expect(run.error == nil)
        let json = try parseJSON(run.stdout)
        #expect(json["method"] as? String == "jacobson-truax")
        #expect(json["n"] as? Int == 30)
        let sDiff = try #require(json["s_diff"] as? Double)
        let rc = try #require(json["reliable_change"] as? Double)
        expectClose(sDiff, 6.689604218315248, relative: 1e-12)
        expectClose(rc, 13.111624267897886, relative: 1e-12)
        let counts = try #require(json["counts"] as? [String: Int])
        #expect(counts == ["recovered": 10, "improved": 8, "unchanged": 11, "deteriorated": 1])
    }
}
