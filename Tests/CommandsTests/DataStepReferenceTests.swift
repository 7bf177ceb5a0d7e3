import AllianceTestSupport
import DataTable
import Foundation
import Testing
@testable import Commands

/// `transform`, `reshape` and `aggregate` against dplyr/tidyr on the same data (Fixtures/datasteps/, made by
/// make_datasteps.R). Every value must be identical (means and row means are summed in long double as R sums
/// them), except lm slopes (R's QR against alliance's centred sums), held to 1e-13 relative.
@Suite("Data steps against dplyr and tidyr")
struct DataStepReferenceTests {
    static let directory = (try? fixtureFiles.path("datasteps")) ?? "Fixtures/datasteps"

    /// Runs a step writing `out.csv` in a scratch directory and returns the written table.
    func step(_ arguments: [String]) throws -> (Table, CapturedRun) {
        let scratch = try temporaryDirectory("datasteps")
        let out = (scratch as NSString).appendingPathComponent("out.csv")
        let run = try runCommand(arguments + ["--out", out], inputDirectory: Self.directory)
        if let e = run.error { Issue.record("\(arguments.prefix(2)): \(e.message)") }
        return (try CSVReader.read(contentsOf: out), run)
    }

    func expected(_ name: String) throws -> Table {
        try CSVReader.read(contentsOf: (Self.directory as NSString).appendingPathComponent(name))
    }

    /// Column names, types and every cell; `tolerant` columns may differ by 1e-13 relative.
    func expectSame(_ got: Table, _ want: Table, tolerant: Set<String> = []) {
        #expect(got.columnNames == want.columnNames)
        #expect(got.rowCount == want.rowCount)
        guard got.columnNames == want.columnNames, got.rowCount == want.rowCount else { return }
        for (g, w) in zip(got.columns, want.columns) {
            switch (g.data, w.data) {
            case (.numeric(let a), .numeric(let b)):
                for i in 0..<a.count {
                    #expect(a.missing[i] == b.missing[i], "\(g.name) row \(i + 1): missing \(a.missing[i]) vs \(b.missing[i])")
                    guard !a.missing[i], !b.missing[i] else { continue }
                    if tolerant.contains(g.name) {
                        let scale = max(abs(b.values[i]), 1)
                        #expect(abs(a.values[i] - b.values[i]) <= 1e-13 * scale, "\(g.name) row \(i + 1): \(a.values[i]) vs \(b.values[i])")
                    } else {
                        #expect(a.values[i] == b.values[i], "\(g.name) row \(i + 1): \(a.values[i]) vs \(b.values[i])")
                    }
                }
            case (.categorical(let a), .categorical(let b)):
                for i in 0..<a.count { #expect(a[i] == b[i], "\(g.name) row \(i + 1)") }
            default:
                Issue.record("\(g.name): types differ (numeric vs text)")
            }
        }
    }

    @Test func handmadeTransform() throws {
        let (got, run) = try step(["transform", "handmade.csv",
            "--recode", "alliance_label: Never=0, Rarely=1, Sometimes=2, Often=3, Always=4",
            "--compute", "wai_w = within(wai, client)", "--compute", "wai_b = between(wai, client)",
            "--compute", "phq_lag = lag(phq, client, session)", "--compute", "m = mean(phq, wai, srs, min = 2)",
            "--compute", "s = sum(phq, wai, srs, min = 2)", "--compute", "change = phq - phq_lag",
            "--filter", "phq >= 10 | site == \"north\"", "--drop", "therapist"])
        expectSame(got, try expected("expected_handmade_transform.csv"))
        #expect(run.stdout.contains("13 rows in, 8 rows out"))
        #expect(run.stderr.contains("2 rows had a missing value in the condition"))
    }

    @Test func sessionsTransform() throws {
        let (got, _) = try step(["transform", "sessions_sample.csv",
            "--compute", "wai = mean(wai_1, wai_2, wai_3, min = 2)", "--compute", "wai_cw = within(wai, client)",
            "--compute", "wai_cm = between(wai, client)", "--compute", "phq = sum(phq_1, phq_2, phq_3, min = 3)",
            "--compute", "phq_prev = lag(phq, client, session)", "--compute", "srs_log = log(srs_1 + 1)",
            "--filter", "attended == 1 & !is.na(phq_prev)"])
        expectSame(got, try expected("expected_sessions_transform.csv"))
    }

    @Test func handmadeWideAndBack() throws {
        let (wide, run) = try step(["reshape", "handmade.csv", "--wide", "--id", "client", "--time", "session", "--format", "json"])
        expectSame(wide, try expected("expected_handmade_wide.csv"))
        let json = try parseJSON(run.stdout)
        #expect(json["rows_in"] as? Int == 13)
        #expect(json["rows_out"] as? Int == 5)
        #expect(json["carried"] as? [String] == ["therapist", "site"])
        let (long, _) = try step(["reshape", "expected_handmade_wide.csv", "--long", "--id", "client",
                                  "--stub", "phq_,wai_,srs_,alliance_label_", "--time", "session"])
        expectSame(long, try expected("expected_handmade_long.csv"))
    }

    @Test func sessionsWide() throws {
        let (wide, _) = try step(["reshape", "sessions_sample.csv", "--wide", "--id", "client", "--time", "session"])
        expectSame(wide, try expected("expected_sessions_wide.csv"))
    }

    @Test func handmadeAggregate() throws {
        let (got, run) = try step(["aggregate", "handmade.csv", "--by", "client", "--order", "session", "--mean", "phq,wai",
                                   "--first", "phq", "--last", "phq,wai", "--min", "srs", "--max", "srs", "--slope", "phq", "--count"])
        expectSame(got, try expected("expected_handmade_aggregate.csv"), tolerant: ["phq_slope"])
        #expect(run.stdout.contains("13 rows in, 5 rows out"))
    }

    @Test func sessionsAggregate() throws {
        let (got, _) = try step(["aggregate", "sessions_sample.csv", "--by", "client", "--order", "session", "--mean", "phq_1,srs_1",
                                 "--first", "phq_1", "--last", "phq_1", "--min", "srs_1", "--max", "srs_1",
                                 "--slope", "srs_1,phq_1", "--count"])
        expectSame(got, try expected("expected_sessions_aggregate.csv"), tolerant: ["srs_1_slope", "phq_1_slope"])
    }
}
