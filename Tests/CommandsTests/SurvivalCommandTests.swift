import AllianceTestSupport
import Foundation
import Testing
@testable import Commands

/// `alliance survival`, `fit cox` and `survival-data` end to end: the JSON contract (DESIGN.md §7), figures, and every
/// refusal of issue 14 with its exit status. Reference numbers are survival 3.5-3's, from
/// Tests/ModelsTests/Fixtures/survival/survival_reference.json (lung; relative 1e-8 for coefficients, 1e-10 for tests).
@Suite("survival commands")
struct SurvivalCommandTests {
    static func directory(with files: [String: String] = [:]) throws -> String {
        let dir = try temporaryDirectory("survival")
        let lung = try fixtureFiles.text("survival/lung.csv")
        try lung.write(toFile: (dir as NSString).appendingPathComponent("lung.csv"), atomically: true, encoding: .utf8)
        for (name, text) in files {
            try text.write(toFile: (dir as NSString).appendingPathComponent(name), atomically: true, encoding: .utf8)
        }
        return dir
    }

    static func json(_ arguments: [String], files: [String: String] = [:]) throws -> [String: Any] {
        let dir = try directory(with: files)
        let run = try runCommand(arguments + ["--format", "json"], inputDirectory: dir, outputDirectory: dir)
        if let error = run.error { Issue.record("\(error.message)") }
        return try parseJSON(run.stdout)
    }

    static func failure(_ arguments: [String], files: [String: String] = [:]) throws -> CLIError? {
        let dir = try directory(with: files)
        return try runCommand(arguments, inputDirectory: dir, outputDirectory: dir).error
    }

    @Test func kaplanMeierJSONAndLogRank() throws {
        let doc = try Self.json(["survival", "lung.csv", "--time", "time", "--event", "status", "--by", "sex", "--at", "365"])
        #expect(doc["event_level"] as? String == "2")
        let groups = try #require(doc["groups"] as? [[String: Any]])
        #expect(groups.map { $0["group"] as? String } == ["1", "2"])
        #expect(groups.map { $0["n"] as? Int } == [138, 90])
        #expect(groups.map { jsonNumber($0["median"]) } == [270, 426])
        let at = try #require(groups[0]["at"] as? [[String: Any]])
        #expect(at.count == 1 && at[0]["n_risk"] is Int)
        let table = try #require(groups[0]["table"] as? [[String: Any]])
        #expect(Set(table[0].keys) == ["time", "n_risk", "n_event", "survival", "std_error", "conf_low", "conf_high"])
        let logrank = try #require(doc["logrank"] as? [String: Any])
        #expect(isClose(jsonNumber(logrank["statistic"]), 10.326741954885632, relative: 1e-10))
        #expect(logrank["df"] as? Int == 1)
    }

    /// lung's follow-up ends at 1022 days (sex 1) and 965 (sex 2): `--at 1000` is inside the first group's and after
    /// the second's, whose row carries its last estimate with 0 at risk (extend = TRUE); the note says so, and only then.
    @Test func atTimesAfterFollowUpAreNoted() throws {
        let dir = try Self.directory()
        let run = try runCommand(["survival", "lung.csv", "--time", "time", "--event", "status", "--by", "sex", "--at", "100,1000"],
                                 inputDirectory: dir, outputDirectory: dir)
        #expect(run.error == nil)
        #expect(run.stdout.contains("Times after a group's last follow-up (group 2: 965.00) carry the last estimate with no one "
                                    + "at risk, as summary(fit, times, extend = TRUE)"), "\(run.stdout)")
        let inside = try runCommand(["survival", "lung.csv", "--time", "time", "--event", "status", "--at", "100,500"],
                                    inputDirectory: dir, outputDirectory: dir)
        #expect(!inside.stdout.contains("last follow-up"))
        let after = try runCommand(["survival", "lung.csv", "--time", "time", "--event", "status", "--at", "5000"],
                                   inputDirectory: dir, outputDirectory: dir)
        #expect(after.stdout.contains("Times after the last follow-up (1022.00) carry the last estimate"), "\(after.stdout)")
    }

    @Test func kaplanMeierPlotIsAccessibleWithRiskTable() throws {
        let dir = try Self.directory()
        let run = try runCommand(["survival", "lung.csv", "--time", "time", "--event", "status", "--by", "sex", "--plot", "km.svg"],
                                 inputDirectory: dir, outputDirectory: dir)
        #expect(run.error == nil)
        let svg = try String(contentsOfFile: (dir as NSString).appendingPathComponent("km.svg"), encoding: .utf8)
        #expect(svg.contains("role=\"img\"") && svg.contains("<desc"))
        #expect(svg.contains("Number at risk") && svg.contains("class=\"axis-table\""))
        #expect(svg.contains("Log-rank test"))
        #expect(run.stdout.contains("Log-rank test: χ²(1) = 10.33"))
    }

    @Test func coxJSONContract() throws {
        let doc = try Self.json(["fit", "cox", "lung.csv", "--formula", "Surv(time, status) ~ age + sex", "--zph"])
        #expect(doc["model"] as? String == "cox")
        let coefficients = try #require(doc["coefficients"] as? [[String: Any]])
        #expect(coefficients.map { $0["term"] as? String } == ["age", "sex"])
        #expect(isClose(jsonNumber(coefficients[0]["estimate"]), 0.017045331850165123, relative: 1e-8))
        #expect(isClose(jsonNumber(coefficients[1]["std_error"]), 0.16745796243624203, relative: 1e-8))
        #expect(isClose(jsonNumber(coefficients[1]["exp_estimate"]), exp(-0.51321851983618227), relative: 1e-8))
        let fit = try #require(doc["fit"] as? [String: Any])
        #expect(fit["events"] as? Int == 165)
        #expect(isClose(jsonNumber(fit["concordance"]), 0.60285300289797139, relative: 1e-12))
        let tests = try #require(fit["tests"] as? [String: Any])
        for (key, value) in [("likelihood_ratio", 14.123111213246602), ("wald", 13.473249546959927), ("score", 13.722321489515268)] {
            let test = try #require(tests[key] as? [String: Any])
            #expect(isClose(jsonNumber(test["statistic"]), value, relative: 1e-10), "\(key)")
            #expect(test["df"] as? Int == 2)
        }
        let ph = try #require(doc["ph_test"] as? [[String: Any]])
        #expect(ph.map { $0["term"] as? String } == ["age", "sex", "GLOBAL"])
        #expect(isClose(jsonNumber(ph[2]["chisq"]), 2.7707853789891796, relative: 1e-8))
    }

    @Test func coxWithFewClustersWarns() throws {
        // ph.ecog has 4 levels: robust errors from 4 clusters are reported, with the warning the OLS/GLM fits give.
        let doc = try Self.json(["fit", "cox", "lung.csv", "--formula", "Surv(time, status) ~ age + sex", "--cluster", "ph.ecog"])
        let warnings = try #require(doc["warnings"] as? [String])
        #expect(warnings.contains { $0.contains("only 4 clusters of 'ph.ecog'") })
        let plain = try Self.json(["fit", "cox", "lung.csv", "--formula", "Surv(time, status) ~ age + sex"])
        #expect((plain["warnings"] as? [String] ?? []).allSatisfy { !$0.contains("clusters") })
    }

    @Test func coxPlotsHazardRatiosAndSchoenfeldResiduals() throws {
        let dir = try Self.directory()
        let run = try runCommand(["fit", "cox", "lung.csv", "--formula", "Surv(time, status) ~ age + sex + strata(older)",
                                  "--ties", "breslow", "--zph", "--plot", "cox.svg"], inputDirectory: dir, outputDirectory: dir)
        #expect(run.error == nil)
        for name in ["cox.svg", "cox-zph-age.svg", "cox-zph-sex.svg"] {
            let svg = try String(contentsOfFile: (dir as NSString).appendingPathComponent(name), encoding: .utf8)
            #expect(svg.contains("role=\"img\"") && svg.contains("<desc"), "\(name)")
        }
    }

    @Test func refusalsNameTheProblem() throws {
        let badEvent = "t,e,x\n1,0,1\n2,3,2\n3,1,3\n"
        let empty = "start,stop,e,x\n0,1,0,1\n2,2,1,2\n0,3,1,3\n"
        let noEvents = "t,e,x\n1,0,1\n2,0,2\n3,0,3\n"
        let constant = "t,e,x\n1,1,5\n2,0,5\n3,1,5\n4,1,5\n"
        let negative = "t,e,x\n-1,1,1\n2,0,2\n3,1,3\n"
        // x orders the event times perfectly: the partial likelihood rises without bound (coxph: "coefficient may be infinite").
        let monotone = "t,e,x\n1,1,8\n2,1,7\n3,1,6\n4,1,5\n5,1,4\n6,1,3\n7,1,2\n8,1,1\n"
        let cases: [([String], [String: String], String)] = [
            (["fit", "cox", "d.csv", "--formula", "Surv(t, e) ~ x"], ["d.csv": badEvent], "the event column 'e'"),
            (["fit", "cox", "d.csv", "--formula", "Surv(start, stop, e) ~ x"], ["d.csv": empty], "data row 2 has 'stop'"),
            (["fit", "cox", "d.csv", "--formula", "Surv(t, e) ~ x"], ["d.csv": noEvents], "no row has an event in 'e'"),
            (["fit", "cox", "d.csv", "--formula", "Surv(t, e) ~ x"], ["d.csv": constant], "'x' takes one value"),
            (["fit", "cox", "d.csv", "--formula", "Surv(t, e) ~ x"], ["d.csv": monotone], "monotone likelihood"),
            (["survival", "d.csv", "--time", "t", "--event", "e"], ["d.csv": negative], "cannot be negative"),
            (["survival", "d.csv", "--time", "t", "--event", "e"], ["d.csv": badEvent], "the event column 'e'"),
        ]
        for (arguments, files, phrase) in cases {
            let error = try #require(try Self.failure(arguments, files: files), "\(arguments)")
            #expect(error.kind == .data, "\(arguments): \(error.message)")
            #expect(error.message.contains(phrase) && error.message.contains("d.csv"), "\(error.message)")
        }
        #expect(try Self.failure(["fit", "cox", "lung.csv", "--formula", "Surv(time, status) ~ age", "--ties", "exact"])?.kind == .usage)
        #expect(try Self.failure(["survival", "lung.csv", "--time", "time", "--event", "status", "--conf-type", "logit"])?.kind == .usage)
        #expect(try Self.failure(["fit", "ols", "lung.csv", "--formula", "Surv(time, status) ~ age"])?.kind == .usage)
        #expect(try Self.failure(["fit", "cox", "lung.csv", "--formula", "time ~ age"])?.kind == .usage)
    }

    @Test func sessionRowsBecomeIntervals() throws {
        // c1 attends 1, 2, misses 3, attends 4, then misses 5: dropout at 5. c2 attends 1..3 and completes (censored).
        let sessions = """
            client,session,attended,wai,therapist
            c1,1,1,40,T1
            c1,2,1,42,T1
            c1,3,0,,T1
            c1,4,1,38,T1
            c1,5,0,,T1
            c2,1,1,50,T2
            c2,2,1,51,T2
            c2,3,1,52,T2
            c3,1,0,,T2
            """ + "\n"
        let dir = try Self.directory(with: ["s.csv": sessions])
        let run = try runCommand(["survival-data", "s.csv", "--covariates", "wai", "--keep", "therapist", "--out", "iv.csv"],
                                 inputDirectory: dir, outputDirectory: dir)
        #expect(run.error == nil, "\(run.error?.message ?? "")")
        let out = try String(contentsOfFile: (dir as NSString).appendingPathComponent("iv.csv"), encoding: .utf8)
            .replacingOccurrences(of: "\r\n", with: "\n")
        #expect(out == """
            client,start,stop,event,wai,therapist
            c1,1,2,0,40,T1
            c1,2,4,0,42,T1
            c1,4,5,1,38,T1
            c2,1,2,0,50,T2
            c2,2,3,0,51,T2

            """)
        #expect(run.stderr.contains("1 client never attended"))
        let duplicate = "client,session,attended\nc1,1,1\nc1,1,0\n"
        let error = try #require(try Self.failure(["survival-data", "d.csv", "--out", "x.csv"], files: ["d.csv": duplicate]))
        #expect(error.kind == .data && error.message.contains("session 1 twice"))
    }
}
