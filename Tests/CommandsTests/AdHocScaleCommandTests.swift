import AllianceTestSupport
import Commands
import Foundation
import Testing

/// `reliability` and `score` on an ad-hoc scale (`--items … --reverse … --range …`), on bfi's agreeableness items
/// against psych/lavaan (AllianceTestSupport/Fixtures/bfi_omega_reference.json, make_bfi_omega.R). Tolerances:
/// alpha 1e-12 relative (closed form), omegas 1e-6 absolute (iterative ML fits).
@Suite struct AdHocScaleCommandTests {
    static let items = "A1,A2,A3,A4,A5"

    func bfi() throws -> String { try FixtureFiles.shared.path("bfi_agreeableness.csv") }

    @Test func reliabilityReportsBothOmegasLabelled() throws {
        let ref = try FixtureFiles.shared.jsonObject("bfi_omega_reference.json")
        let run = try MeasuresFixtures.run(ReliabilityCommand.self,
                                           [try bfi(), "--items", Self.items, "--reverse", "A1", "--range", "1-6", "--format", "json"])
        let json = run.report.json
        // The contract's keys in their order; the observed omega follows them.
        #expect(json.keys == ["instrument", "data", "n", "items", "alpha", "alpha_conf_low", "alpha_conf_high", "std_alpha",
                              "omega_total", "item_stats", "dropped", "omega_total_observed", "level", "warnings"])
        #expect(json["n"]?.int == 2709)
        #expect(json["dropped"]?.int == 91)
        #expect(relativeError(try #require(json["alpha"]?.double), try ref.double("alpha")) < 1e-12)
        expectClose(json["omega_total"]?.double, try ref.double("omega_total"), absolute: 1e-6, "omega_total")
        expectClose(json["omega_total_observed"]?.double, try ref.double("omega_total_observed"), absolute: 1e-6, "observed")
        let text = run.report.rendered(as: .text)
        #expect(text.contains("ω (model)") && text.contains("ω (observed)"))
        #expect(text.contains("as psych::omega"))
        #expect(text.contains(".71") && text.contains(".72"))
    }

    @Test func reverseNeedsARangeAndNoKey() throws {
        let file = try bfi()
        let noRange = MeasuresFixtures.failure(ReliabilityCommand.self, [file, "--items", Self.items, "--reverse", "A1"])
        #expect(noRange?.exitCode == 64)
        #expect(noRange?.message.contains("--range") == true)
        let withKey = MeasuresFixtures.failure(ReliabilityCommand.self, [file, "--instrument", "phq-9", "--reverse", "A1", "--range", "1-6"])
        #expect(withKey?.exitCode == 64)
        let notItem = MeasuresFixtures.failure(ReliabilityCommand.self, [file, "--items", "A2,A3,A4", "--reverse", "A1", "--range", "1-6"])
        #expect(notItem?.exitCode == 64)
        #expect(notItem?.message.contains("'A1'") == true)
        let subscales = MeasuresFixtures.failure(ReliabilityCommand.self, [file, "--items", Self.items, "--range", "1-6", "--subscales"])
        #expect(subscales?.exitCode == 64)
        let noItems = MeasuresFixtures.failure(ReliabilityCommand.self, [file, "--reverse", "A1", "--range", "1-6"])
        #expect(noItems?.exitCode == 64)
        // A range narrower than the data: refused with the cells named, not reversed onto wrong numbers.
        let narrow = MeasuresFixtures.failure(ReliabilityCommand.self, [file, "--items", Self.items, "--reverse", "A1", "--range", "1-5"])
        #expect(narrow?.exitCode == 65)
        #expect(narrow?.message.contains("A1") == true)
        let scoreNoRange = MeasuresFixtures.failure(ScoreCommand.self, [file, "--items", Self.items, "--reverse", "A1"])
        #expect(scoreNoRange?.exitCode == 64)
        let scoreWithKey = MeasuresFixtures.failure(ScoreCommand.self, [file, "--instrument", "phq-9", "--name", "x"])
        #expect(scoreWithKey?.exitCode == 64)
    }

    @Test func rangeSyntax() throws {
        let file = try bfi()
        for bad in ["7", "1-", "a-b", "6-1", "1-1"] {
            let failure = MeasuresFixtures.failure(ReliabilityCommand.self, [file, "--items", Self.items, "--reverse", "A1", "--range", bad])
            #expect(failure?.exitCode == 64, "--range \(bad)")
        }
        // A negative minimum: the '-' after a digit separates.
        let table = "a,b,c\n-3,0,3\n-1,1,2\n2,-2,0\n0,0,1\n"
        let dir = try MeasuresFixtures.scratchDirectory()
        let csv = dir.appendingPathComponent("centred.csv")
        try table.write(to: csv, atomically: true, encoding: .utf8)
        let run = try MeasuresFixtures.run(ScoreCommand.self, [csv.path, "--items", "a,b,c", "--reverse", "c", "--range", "-3-3",
                                                                "--out", "s.csv"])
        let scored = try MeasuresFixtures.readCSV(run.outputDirectory.appendingPathComponent("s.csv"))
        #expect(scored.header.last == "scale_total")
        // Reversal on -3…3 is -x: -3 + 0 - 3, -1 + 1 - 2, 2 - 2 - 0, 0 + 0 - 1.
        let totals: [String] = scored.rows.compactMap { $0.last }
        #expect(totals == ["-6", "-2", "0", "-1"])
    }

    @Test func scoreWritesTheNamedMeanScore() throws {
        let run = try MeasuresFixtures.run(ScoreCommand.self, [try bfi(), "--items", Self.items, "--reverse", "A1", "--range", "1-6",
                                                               "--name", "agree", "--total", "mean", "--out", "agree.csv"])
        let scored = try MeasuresFixtures.readCSV(run.outputDirectory.appendingPathComponent("agree.csv"))
        #expect(scored.header == ["A1", "A2", "A3", "A4", "A5", "agree_total"])
        // First bfi row: A1 = 2 → 5; (5 + 4 + 3 + 4 + 4) / 5.
        let first: [String] = try #require(scored.rows.first)
        #expect(first == ["2", "4", "3", "4", "4", "4"])
        // Second row: 2 4 5 2 5 → (5 + 4 + 5 + 2 + 5) / 5.
        let second: Double? = Double(scored.rows[1][5])
        #expect(second == 21.0 / 5)
        #expect(run.report.json["instrument"]?.string == "agree")
    }
}
