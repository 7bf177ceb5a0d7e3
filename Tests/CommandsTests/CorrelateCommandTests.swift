import AllianceTestSupport
import Foundation
import Testing
@testable import Commands

/// `alliance correlate` through the CLI path against R (cor.test, p.adjust(method = "holm"), partial correlations
/// from lm residuals): Tests/ModelsTests/Fixtures/make_correlation.R made the data (the shared
/// correlation_alliance.csv) and the reference values, copied here. Tolerance 1e-10 relative.
@Suite struct CorrelateCommandTests {
    struct Reference {
        let kind, method, x, y, controls, missing, level: String
        let n: Int
        let estimate, statistic, p, low, high, pAdjusted: Double?
    }

    static func references() throws -> [Reference] {
        let text = try fixtureFiles.text("correlate/correlation_reference.csv")
        return text.split(separator: "\n").dropFirst().map { line in
            let f = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            func d(_ i: Int) -> Double? { Double(f[i]) }
            return Reference(kind: f[0], method: f[1], x: f[2], y: f[3], controls: f[4], missing: f[6], level: f[5],
                             n: Int(f[7]) ?? -1, estimate: d(8), statistic: d(9), p: d(10), low: d(11), high: d(12), pAdjusted: d(13))
        }
    }

    static let variables = ["wai_total", "srs_total", "phq9_pre", "phq9_post", "age", "sessions"]

    func close(_ a: Double?, _ b: Double?, _ what: String) {
        guard let a, let b else {
            #expect(a == nil && b == nil, "\(what): \(String(describing: a)) vs \(String(describing: b))")
            return
        }
        expectClose(a, b, relative: 1e-10, "\(what) (R)")
    }

    func pairs(_ arguments: [String]) throws -> [[String: Any]] {
        let run = try runCommand(["correlate", try FixtureFiles.shared.path("correlation_alliance.csv")] + arguments + ["--format", "json"])
        #expect(run.error == nil, "\(String(describing: run.error))")
        return try #require(try parseJSON(run.stdout)["pairs"] as? [[String: Any]])
    }

    @Test(arguments: ["pearson", "spearman", "kendall"], ["pairwise", "listwise"])
    func matricesMatchR(method: String, missing: String) throws {
        let refs = try Self.references().filter { $0.kind == "matrix" && $0.method == method && $0.missing == missing }
        #expect(refs.count == 15)
        var args = ["--vars", Self.variables.joined(separator: ","), "--method", method, "--adjust", "holm"]
        if missing == "listwise" { args.append("--listwise") }
        let got = try pairs(args)
        for ref in refs {
            let pair = try #require(got.first { $0["x"] as? String == ref.x && $0["y"] as? String == ref.y })
            #expect(pair["n"] as? Int == ref.n)
            close(pair["estimate"] as? Double, ref.estimate, "\(method) \(ref.x)-\(ref.y) r")
            close(pair["statistic"] as? Double, ref.statistic, "\(method) \(ref.x)-\(ref.y) statistic")
            close(pair["p_value"] as? Double, ref.p, "\(method) \(ref.x)-\(ref.y) p")
            close(pair["p_adjusted"] as? Double, ref.pAdjusted, "\(method) \(ref.x)-\(ref.y) holm")
        }
    }

    @Test func pairsWithIntervalsMatchR() throws {
        for ref in try Self.references().filter({ $0.kind == "pair" && $0.missing.isEmpty }) {
            let got = try pairs(["--vars", "\(ref.x),\(ref.y)", "--method", ref.method, "--level", ref.level])
            let pair = try #require(got.first)
            close(pair["estimate"] as? Double, ref.estimate, "\(ref.method) \(ref.x)-\(ref.y)")
            close(pair["conf_low"] as? Double, ref.low, "\(ref.method) \(ref.x)-\(ref.y) low")
            close(pair["conf_high"] as? Double, ref.high, "\(ref.method) \(ref.x)-\(ref.y) high")
        }
    }

    @Test func partialCorrelationsMatchR() throws {
        for ref in try Self.references().filter({ $0.kind == "partial" }) {
            let controls = ref.controls.replacingOccurrences(of: "+", with: ",")
            let got = try pairs(["--vars", "\(ref.x),\(ref.y)", "--method", ref.method, "--partial", controls, "--level", ref.level])
            let pair = try #require(got.first)
            #expect(pair["n"] as? Int == ref.n)
            close(pair["estimate"] as? Double, ref.estimate, "partial \(ref.x)-\(ref.y) | \(controls)")
            close(pair["p_value"] as? Double, ref.p, "partial p \(ref.x)-\(ref.y) | \(controls)")
        }
    }

    @Test func errorsAreClear() throws {
        let data = try FixtureFiles.shared.path("correlation_alliance.csv")
        let unknown = try runCommand(["correlate", data, "--vars", "wai_totl,age"])
        #expect(unknown.error?.kind == .usage)
        #expect(unknown.error?.message.contains("wai_total") == true)
        let one = try runCommand(["correlate", data, "--vars", "age"])
        #expect(one.error?.kind == .usage)
        let kendallPartial = try runCommand(["correlate", data, "--vars", "age,sessions", "--method", "kendall", "--partial", "wai_total"])
        #expect(kendallPartial.error?.kind == .usage)
        let text = try runCommand(["correlate", try fixtureFiles.path("small.csv"), "--vars", "site,wai_total"])
        #expect(text.error?.kind == .data)
    }

    @Test func heatmapIsWrittenAndEveryFormatRenders() throws {
        let dir = try temporaryDirectory("correlate")
        let data = try FixtureFiles.shared.path("correlation_alliance.csv")
        let run = try runCommand(["correlate", data, "--vars", "wai_total,phq9_pre,phq9_post", "--plot", "r.svg"], outputDirectory: dir)
        #expect(run.report?.figures.count == 1)
        let svg = try String(contentsOfFile: (dir as NSString).appendingPathComponent("r.svg"), encoding: .utf8)
        #expect(svg.contains("role=\"img\"") && svg.contains("heatmap"))
        for format in ["text", "md", "csv", "latex", "html"] {
            let r = try runCommand(["correlate", data, "--vars", "wai_total,phq9_pre,phq9_post", "--format", format])
            #expect(r.error == nil && r.stdout.contains("phq9"), "format \(format)")
        }
    }
}
