import AllianceTestSupport
import Foundation
import Testing
@testable import Commands

@Suite struct DescribeCommandTests {
    // Hand-computed: wai_total 45,50,38,55,41 → mean 45.8, sd = sqrt(46.7) (n − 1), median 45.
    @Test func jsonSummariesMatchHandComputation() throws {
        // --min-cell 4: the 5 and 4 values of wai_total and phq_post are summarised; every site (2, 2, 1) is hidden.
        let run = try runCommand(["describe", try fixtureFiles.path("small.csv"), "--format", "json", "--min-cell", "4"])
        let json = try parseJSON(run.stdout)
        #expect(json["rows"] as? Int == 5)
        let data = try #require(json["data"] as? [String: Any])
        #expect(data["used"] as? Int == 5)
        #expect((data["sha256"] as? String)?.count == 64)
        let columns = try #require(json["columns"] as? [[String: Any]])
        let wai = try #require(columns.first { $0["name"] as? String == "wai_total" })
        #expect(wai["type"] as? String == "numeric")
        #expect(abs((wai["mean"] as? Double ?? 0) - 45.8) < 1e-12)
        #expect(abs((wai["sd"] as? Double ?? 0) - 46.7.squareRoot()) < 1e-12)
        #expect(wai["median"] as? Double == 45)
        let post = try #require(columns.first { $0["name"] as? String == "phq_post" })
        #expect(post["missing"] as? Int == 1)
        #expect(post["n"] as? Int == 4)
        let site = try #require(columns.first { $0["name"] as? String == "site" })
        #expect(site["type"] as? String == "categorical")
        // Every site has fewer than 11 rows: all counts suppressed, none printed.
        let levels = try #require(site["levels"] as? [[String: Any]])
        #expect(levels.count == 3)
        #expect(levels.allSatisfy { $0["suppressed"] as? Bool == true && $0["count"] is NSNull })
    }

    @Test func everyFormatRenders() throws {
        for format in ["text", "md", "csv", "latex", "html", "json"] {
            let run = try runCommand(["describe", try fixtureFiles.path("small.csv"), "--format", format])
            #expect(run.error == nil)
            // LaTeX escapes the underscore.
            #expect(run.stdout.contains(format == "latex" ? "wai\\_total" : "wai_total"), "format \(format)")
        }
    }

    @Test func outWritesFileWithFormatFromExtension() throws {
        let dir = try temporaryDirectory("describe-out")
        let run = try runCommand(["describe", try fixtureFiles.path("small.csv"), "--out", "summary.md"], outputDirectory: dir)
        #expect(run.error == nil)
        let text = try String(contentsOfFile: (dir as NSString).appendingPathComponent("summary.md"), encoding: .utf8)
        #expect(text.contains("| wai_total"))
    }

    @Test func refusesToOverwriteItsInput() throws {
        let dir = try temporaryDirectory("overwrite")
        let input = (dir as NSString).appendingPathComponent("data.csv")
        try fixtureFiles.text("small.csv").write(toFile: input, atomically: true, encoding: .utf8)
        let run = try runCommand(["describe", input, "--out", input, "--format", "csv"])
        #expect(run.error?.kind == .cannotCreate)
        #expect(try String(contentsOfFile: input, encoding: .utf8).hasPrefix("client,therapist"))
    }

    @Test func missingFileIsExit66NamingTheFile() throws {
        let run = try runCommand(["describe", "/nonexistent/clinic.csv"])
        #expect(run.error?.kind == .noInput)
        #expect(run.error?.message.contains("/nonexistent/clinic.csv") == true)
    }

    @Test func unknownFormatIsUsageError() throws {
        let run = try runCommand(["describe", try fixtureFiles.path("small.csv"), "--format", "xml"])
        #expect(run.error?.kind == .usage)
    }

    @Test func groupedSummarySuppressesSmallGroups() throws {
        let run = try runCommand(["describe", try fixtureFiles.path("small.csv"), "--by", "site", "--min-cell", "2", "--format", "json"])
        let json = try parseJSON(run.stdout)
        let groups = try #require(json["groups"] as? [[String: Any]])
        // Sites: east 2, north 2, south 1 → south hidden (1 < 2), and one more so the total cannot reveal it.
        let hidden = groups.filter { $0["suppressed"] as? Bool == true }.compactMap { $0["level"] as? String }
        #expect(hidden.contains("south"))
        #expect(hidden.count == 2)
        #expect(!run.stdout.contains("\"n\": 1,"))
    }

    /// A clinic's subgroup written out (`transform --filter "site == 'Tiny'" --out tiny.csv`) and described whole:
    /// with 3 clients, min, median and max are each one client's value. A numeric column with fewer non-missing
    /// values than --min-cell is summarised as suppressed, as a small group of `describe --by` is.
    @Test func columnOfFewerValuesThanMinCellIsSuppressed() throws {
        let dir = try temporaryDirectory("describe-small")
        let path = (dir as NSString).appendingPathComponent("tiny.csv")
        try "client,wai,phq9\nc1,27,0\nc2,35,18\nc3,50,19\n".write(toFile: path, atomically: true, encoding: .utf8)
        for format in ["text", "md"] {
            let run = try runCommand(["describe", path, "--format", format])
            #expect(run.error == nil)
            let printed = run.stdout.replacingOccurrences(of: path, with: "")
            for value in ["27", "35", "50", "18", "19", "37.33", "12.33"] {
                #expect(!printed.contains(value), "\(format) prints \(value)")
            }
            #expect(run.stdout.contains("suppressed"), "\(format)")
        }
        let json = try parseJSON(try runCommand(["describe", path, "--format", "json"]).stdout)
        let wai = try #require((json["columns"] as? [[String: Any]])?.first { $0["name"] as? String == "wai" })
        #expect(wai["n"] as? Int == 3 && wai["suppressed"] as? Bool == true)
        for key in ["mean", "sd", "min", "median", "max", "distinct"] { #expect(wai[key] is NSNull, "\(key)") }
        // The threshold is the user's: --min-cell 3 shows them again.
        #expect(try runCommand(["describe", path, "--min-cell", "3"]).stdout.contains("37.33"))
    }
}

@Suite struct CheckCommandTests {
    @Test func cleanFileExitsZero() throws {
        let run = try runCommand(["check", try fixtureFiles.path("small.csv"), "--format", "json"])
        let json = try parseJSON(run.stdout)
        #expect(json["clean"] as? Bool == true)
        #expect(run.report?.exitStatus == 0)
    }

    @Test func identifiersAreNamedButValuesNeverPrinted() throws {
        let dir = try temporaryDirectory("check")
        let path = (dir as NSString).appendingPathComponent("leaky.csv")
        try "client,contact,phq\nc1,zoe.q.example@example.org,5\nc2,sam.r.example@example.org,7\n"
            .write(toFile: path, atomically: true, encoding: .utf8)
        let run = try runCommand(["check", path, "--format", "json"])
        #expect(run.report?.exitStatus == 65)
        let json = try parseJSON(run.stdout)
        #expect(json["clean"] as? Bool == false)
        let ids = try #require(json["identifiers"] as? [[String: Any]])
        #expect(ids.first?["column"] as? String == "contact")
        #expect(!run.stdout.contains("example.org"))
        // Any data command refuses the same file with 65, naming the column.
        let describe = try runCommand(["describe", path])
        #expect(describe.error?.kind == .data)
        #expect(describe.error?.message.contains("contact") == true)
        #expect(describe.error?.message.contains("example.org") == false)
        // --allow-column lets it through and is recorded.
        let allowed = try runCommand(["describe", path, "--allow-column", "contact", "--format", "json"])
        #expect(allowed.error == nil)
        let data = try #require(try parseJSON(allowed.stdout)["data"] as? [String: Any])
        #expect(data["allowed_identifier_columns"] as? [String] == ["contact"])
        #expect(allowed.stderr.contains("--allow-column"))
        #expect(!allowed.stderr.contains("example.org"))
    }
}
