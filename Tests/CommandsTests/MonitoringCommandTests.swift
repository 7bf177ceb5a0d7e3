import AllianceTestSupport
import Foundation
import Testing
@testable import Commands

/// `track`, `ruptures` and `audit` end to end: the contract columns and JSON keys (issue 17), files written,
/// small-cell suppression in every audit output, and clear errors. The numbers themselves are checked against R
/// in ModelsTests/MonitoringReferenceTests.
@Suite struct MonitoringCommandTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let etr = root.appendingPathComponent("Tests/ModelsTests/Fixtures/monitoring/etr_sessions.csv").path
    static let trajectories = root.appendingPathComponent("Tests/ModelsTests/Fixtures/monitoring/rupture_trajectories.csv").path
    static let clinic = root.appendingPathComponent("Datasets/clinic.csv").path

    static func csv(_ path: String) throws -> [[String]] {
        try String(contentsOfFile: path, encoding: .utf8).components(separatedBy: "\r\n").filter { !$0.isEmpty }
            .map { $0.components(separatedBy: ",") }
    }

    static func object(_ report: CommandReport?) throws -> [String: Any] {
        try parseJSON(try #require(report).json.prettyPrinted())
    }

    @Test func trackWritesTheContractColumnsAndCounts() throws {
        let dir = try temporaryDirectory("track")
        let run = try runCommand(["track", Self.etr, "--client", "client", "--session", "session", "--score", "score",
                                  "--reliable-change", "6", "--out", "flags.csv", "--client-chart", "k07", "--plot", "k07.svg"],
                                 outputDirectory: dir)
        #expect(run.error == nil)
        let json = try Self.object(run.report)
        for key in ["clients", "flagged_clients", "flagged_sessions", "sensitivity", "specificity"] {
            #expect(json[key] != nil, "\(key)")
        }
        #expect(json["clients"] as? Int == 60)
        let rows = try Self.csv((dir as NSString).appendingPathComponent("flags.csv"))
        #expect(rows.first == ["client", "session", "score", "expected", "boundary", "flag"])
        let body = rows.dropFirst()
        #expect(body.count == 312)
        #expect(body.count { $0[5] == "not_on_track" } == json["flagged_sessions"] as? Int)
        #expect(Set(body.filter { $0[5] == "not_on_track" }.map { $0[0] }).count == json["flagged_clients"] as? Int)
        for row in body {
            let score = try #require(Double(row[2])), boundary = try #require(Double(row[4])), expected = try #require(Double(row[3]))
            // PHQ-like scores: the boundary lies above the curve, and a flag means the score is beyond it.
            #expect(boundary > expected)
            #expect((row[5] == "not_on_track") == (score > boundary))
        }
        #expect(run.stderr.contains("fitted on the data being tracked"))
        // The chart is for the clinician's chosen client and carries no identifier.
        let svg = try String(contentsOfFile: (dir as NSString).appendingPathComponent("k07.svg"), encoding: .utf8)
        #expect(svg.contains("<svg") && !svg.contains("k07"))
    }

    /// The PCOMS alliance rule covers every session with an alliance score. It once checked only the sessions the
    /// expected curve checks (after intake, with a symptom score), so an SRS below 36 at intake, the key dropout
    /// warning, was never flagged or counted, nor was a one-session client's.
    @Test func trackFlagsTheAllianceAtIntakeAndAtEverySessionWithAScore() throws {
        let dir = try temporaryDirectory("track-alliance-intake")
        var lines = ["client,session,phq,srs"]
        var expected = (all: 0, intake: 0)
        for i in 0..<30 {
            let intake = 10 + i % 10
            for t in 1...5 {
                let phq = t == 1 ? intake : max(0, min(27, intake - (t - 1) * (i % 4) + (i * 7 + t * 3) % 5 - 2))
                // Ten clients start below the cut-off; six dip below it at session 3.
                let srs = t == 1 ? (i % 3 == 0 ? 30.0 : 40.0) : (t == 3 && i % 5 == 0 ? 35.0 : 38.5)
                if srs < 36 { expected.all += 1; if t == 1 { expected.intake += 1 } }
                lines.append("c\(i),\(t),\(phq),\(srs)")
            }
        }
        // A session with an alliance score but no PHQ-9, and three clients seen once (two of them below the cut-off).
        lines.append("c1,6,,30")
        expected.all += 1
        for (label, srs) in [("o1", 33.0), ("o2", 40.0), ("o3", 31.0)] {
            lines.append("\(label),1,12,\(srs)")
            if srs < 36 { expected.all += 1; expected.intake += 1 }
        }
        #expect(expected == (all: 19, intake: 12))
        try (lines.joined(separator: "\n") + "\n").write(toFile: (dir as NSString).appendingPathComponent("s.csv"),
                                                        atomically: true, encoding: .utf8)
        let base = ["track", "s.csv", "--client", "client", "--session", "session", "--score", "phq", "--instrument", "phq-9"]
        let plain = try runCommand(base + ["--out", "plain.csv"], inputDirectory: dir, outputDirectory: dir)
        let run = try runCommand(base + ["--alliance", "srs", "--out", "flags.csv"], inputDirectory: dir, outputDirectory: dir)
        #expect(plain.error == nil && run.error == nil, "\(String(describing: run.error?.message))")
        let json = try Self.object(run.report)
        let alliance = try #require(json["alliance"] as? [String: Any])
        #expect(alliance["alerts"] as? Int == 19)
        #expect(alliance["intake_alerts"] as? Int == 12)
        #expect(alliance["sessions"] as? Int == 30 * 5 + 1 + 3)
        #expect((json["data"] as? [String: Any])?["used"] as? Int == 154)
        // The symptom trajectory is unchanged by --alliance.
        let plainJSON = try Self.object(plain.report)
        for key in ["clients", "sessions_checked", "flagged_clients", "flagged_sessions", "sensitivity", "specificity"] {
            #expect("\(json[key] ?? "")" == "\(plainJSON[key] ?? "")", "\(key)")
        }
        #expect(json["sessions_checked"] as? Int == 30 * 4)

        let rows = try Self.csv((dir as NSString).appendingPathComponent("flags.csv"))
        #expect(rows.first == ["client", "session", "score", "expected", "boundary", "flag", "alliance", "alliance_flag"])
        let body = Array(rows.dropFirst())
        #expect(body.count == 154)
        #expect(body.count { $0[7] == "below_cutoff" } == 19)
        // Intake rows carry the intake score and alliance, with nothing checked against the curve.
        let c0 = body.filter { $0[0] == "c0" }
        #expect(c0.map { $0[1] } == ["1", "2", "3", "4", "5"])
        #expect(c0.first == ["c0", "1", "10", "", "", "", "30", "below_cutoff"])
        #expect(body.first { $0[0] == "c1" && $0[1] == "1" }?[7] == "ok")
        #expect(body.first { $0[0] == "c1" && $0[1] == "6" } == ["c1", "6", "", "", "", "", "30", "below_cutoff"])
        #expect(body.filter { $0[0].hasPrefix("o") } == [["o1", "1", "12", "", "", "", "33", "below_cutoff"],
                                                         ["o2", "1", "12", "", "", "", "40", "ok"],
                                                         ["o3", "1", "12", "", "", "", "31", "below_cutoff"]])
        // The checked rows are the plain --out rows, in the same order.
        let plainRows = try Self.csv((dir as NSString).appendingPathComponent("plain.csv")).dropFirst()
        #expect(body.filter { !$0[5].isEmpty }.map { Array($0.prefix(6)) } == Array(plainRows))
        let summary = run.stdout
        #expect(summary.contains("Sessions below the SRS alliance cut-off") && summary.contains("of which at intake"))
    }

    @Test func trackWithAReferenceDoesNotWarn() throws {
        let run = try runCommand(["track", Self.etr, "--client", "client", "--session", "session", "--score", "score",
                                  "--reference", Self.etr, "--format", "json"])
        #expect(run.error == nil)
        #expect(!run.stderr.contains("fitted on the data being tracked"))
        let json = try Self.object(run.report)
        #expect(json["sensitivity"] is NSNull)
    }

    @Test(arguments: [
        (["--out", "flags.txt"], 64), (["--coverage", "0.4"], 64), (["--client-chart", "k01"], 64),
        (["--plot", "x.svg"], 64), (["--reliable-change=-1"], 64), (["--reliable-change", "0"], 64),
    ])
    func trackRefusesBadOptions(extra: [String], code: Int) throws {
        let run = try runCommand(["track", Self.etr, "--client", "client", "--session", "session", "--score", "score"] + extra)
        #expect(run.error?.exitCode == Int32(code))
    }

    @Test func trackNamesAMissingColumn() throws {
        let run = try runCommand(["track", Self.etr, "--client", "client", "--session", "session", "--score", "scor"])
        let error = try #require(run.error)
        #expect(error.exitCode == 64 && error.message.contains("--score") && error.message.contains("'score'"))
    }

    @Test func rupturesWriteTheContractColumnsAndNameTheRule() throws {
        let dir = try temporaryDirectory("ruptures")
        let run = try runCommand(["ruptures", Self.trajectories, "--client", "client", "--session", "session", "--alliance", "alliance",
                                  "--drop-sd", "0", "--min-drop", "3", "--out", "episodes.csv", "--clients-out", "clients.csv"],
                                 outputDirectory: dir)
        #expect(run.error == nil)
        let rows = try Self.csv((dir as NSString).appendingPathComponent("episodes.csv"))
        #expect(Array(rows.first?.prefix(5) ?? []) == ["client", "rupture_session", "depth", "repaired", "repair_session"])
        #expect(rows.count == 10)
        #expect(rows.dropFirst().allSatisfy { $0.last == "stiles-2004-v-shaped-deflection drop_sd=0 min_drop=3 repair_window=1 sd_basis=sample" })
        let json = try Self.object(run.report)
        let rule = try #require(json["rule"] as? [String: Any])
        #expect(rule["name"] as? String == "stiles-2004-v-shaped-deflection")
        #expect(jsonNumber(rule["min_drop"]) == 3)
        let groups = try #require(json["groups"] as? [String: Any])
        #expect(groups["none"] as? Int == 1 && groups["repaired"] as? Int == 5 && groups["unrepaired"] as? Int == 3)
        #expect(run.report?.tables.first?.notes.first?.contains("stiles-2004-v-shaped-deflection") == true)
        let clients = try Self.csv((dir as NSString).appendingPathComponent("clients.csv"))
        #expect(clients.first == ["client", "ruptures", "repairs", "group"])
        #expect(clients.contains(["H", "2", "2", "repaired"]))
        #expect(clients.contains(["G", "", "", ""]))
        #expect(clients.contains(["E", "1", "0", "unrepaired"]))
    }

    @Test func rupturesRefuseBadThresholds() throws {
        let base = ["ruptures", Self.trajectories, "--client", "client", "--session", "session", "--alliance", "alliance"]
        #expect(try runCommand(base + ["--sd-basis", "therapist"]).error?.exitCode == 64)
        #expect(try runCommand(base + ["--repair-window", "0"]).error?.exitCode == 64)
        #expect(try runCommand(base + ["--drop-sd", "0"]).error?.exitCode == 64)
    }

    @Test func auditWritesThreeDocumentsAndSuppressesSmallTherapists() throws {
        let dir = try temporaryDirectory("audit")
        let run = try runCommand(["audit", Self.clinic, "--therapist", "therapist", "--pre", "phq_pre", "--post", "phq_post",
                                  "--instrument", "phq-9", "--casemix", "phq_pre + age + gender", "--service", "site",
                                  "--dropout", "dropout", "--min-cell", "25", "--out", "audit.html"], outputDirectory: dir)
        #expect(run.error == nil)
        let files = try FileManager.default.contentsOfDirectory(atPath: dir)
        for name in ["audit.html", "audit.md", "audit.json", "audit-recovery-funnel.svg", "audit-dropout-funnel.svg", "audit-therapist-effects.svg"] {
            #expect(files.contains(name), "\(name)")
        }
        let json = try parseJSON(String(contentsOfFile: (dir as NSString).appendingPathComponent("audit.json"), encoding: .utf8))
        let funnel = try #require(json["funnel"] as? [String: Any])
        let limits = try #require(funnel["limits"] as? [[String: Any]])
        #expect(limits.first.map { Set($0.keys) } == ["n", "lower95", "upper95", "lower998", "upper998"])
        // The target is the pooled reliable-recovery rate of all audited clients.
        let metrics = try #require(json["metrics"] as? [String: Any])
        let recovery = try #require(metrics["reliable_recovery"] as? [String: Any])
        #expect(jsonNumber(funnel["target"]) == jsonNumber(recovery["rate"]))
        // Shown therapists have at least --min-cell clients; the rest appear nowhere under their own label.
        let shown = try #require(funnel["therapists"] as? [[String: Any]])
        var visible = Set<String>()
        for t in shown {
            let label = try #require(t["therapist"] as? String)
            #expect((t["n"] as? Int ?? 0) >= 25, "\(label)")
            #expect(t["rate"] != nil)
            visible.insert(label)
        }
        #expect(visible.contains("other (suppressed)"))
        let md = try String(contentsOfFile: (dir as NSString).appendingPathComponent("audit.md"), encoding: .utf8)
        let html = try String(contentsOfFile: (dir as NSString).appendingPathComponent("audit.html"), encoding: .utf8)
        let effects = try #require((json["therapist_effects"] as? [String: Any])?["therapists"] as? [[String: Any]])
        let shownEffects = Set(effects.compactMap { $0["therapist"] as? String })
        for t in effects { #expect((t["n"] as? Int ?? 0) >= 25) }
        // A therapist hidden from every view is named in no document.
        let dropout = try #require((json["dropout_funnel"] as? [String: Any])?["therapists"] as? [[String: Any]])
        let everShown = visible.union(shownEffects).union(dropout.compactMap { $0["therapist"] as? String })
        for k in 1...40 {
            let label = String(format: "T%02d", k)
            guard !everShown.contains(label) else { continue }
            #expect(!md.contains(label) && !html.contains(label), "\(label) is hidden but named")
        }
        #expect(html.contains("<svg") && !html.contains("src=\""))
        #expect(md.contains("](audit-recovery-funnel.svg)"))
        let manifest = try #require(json["manifest"] as? [String: Any])
        #expect(manifest["alliance_version"] as? String == AllianceVersion.string)
    }

    /// The tester's case (session 21): a shown cell of 16 referrals with 3 at caseness at the start showed recovery 33.3%
    /// (1 of 3) and the JSON held the numerator; a therapist's dropout rate 2 of 16 was published. A rate on a small
    /// denominator, or with a small count or complement, is now suppressed everywhere; ordinary rates are unchanged.
    static func smallCellClinic() -> String {
        var rows = ["therapist,service,quarter,phq_pre,phq_post,dropout"]
        // north/2024-Q1: T01 and T02, 30 clients each, all finished; 24 at caseness (12 recover reliably, 12 do
        // not), 6 not at caseness; 12 dropouts each.
        for t in ["T01", "T02"] {
            for i in 0..<30 {
                let (pre, post) = i < 12 ? (18, 4 + i % 3) : i < 24 ? (18, 17 + i % 3) : (6, 6)
                rows.append("\(t),north,2024-Q1,\(pre),\(post),\(i % 5 < 2 ? 1 : 0)")
            }
        }
        // south/2024-Q2 (T04) and south/2024-Q3 (T05): 16 referrals, 13 finished, 3 at caseness at the start (1
        // recovers reliably); 2 and 3 dropouts.
        for (t, quarter, dropouts) in [("T04", "2024-Q2", 2), ("T05", "2024-Q3", 3)] {
            for i in 0..<16 {
                let (pre, post) = i == 0 ? ("18", "4") : i < 3 ? ("18", "17") : i < 13 ? ("6", "\(5 + i % 3)") : ("6", "")
                rows.append("\(t),south,\(quarter),\(pre),\(post),\(i < dropouts ? 1 : 0)")
            }
        }
        return rows.joined(separator: "\n") + "\n"
    }

    @Test func auditSuppressesRatesOnSmallDenominatorsAndSmallCounts() throws {
        let dir = try temporaryDirectory("audit-small-rates")
        try Self.smallCellClinic().write(toFile: (dir as NSString).appendingPathComponent("clinic.csv"), atomically: true, encoding: .utf8)
        let run = try runCommand(["audit", "clinic.csv", "--therapist", "therapist", "--pre", "phq_pre", "--post", "phq_post",
                                  "--instrument", "phq-9", "--service", "service", "--period", "quarter", "--dropout", "dropout",
                                  "--out", "audit.html"], inputDirectory: dir, outputDirectory: dir)
        #expect(run.error == nil, "\(String(describing: run.error))")
        let json = try parseJSON(String(contentsOfFile: (dir as NSString).appendingPathComponent("audit.json"), encoding: .utf8))
        let cells = try #require((json["service_quarters"] as? [String: Any])?["cells"] as? [[String: Any]])
        func cell(_ service: String, _ period: String) throws -> [String: Any] {
            try #require(cells.first { $0["service"] as? String == service && $0["period"] as? String == period })
        }
        // A cell shown (16 referrals) whose caseness denominator is 3: recovery and reliable recovery suppressed, the
        // count withheld.
        let south = try cell("south", "2024-Q2")
        #expect(south["referrals"] as? Int == 16)
        #expect(south["finished"] as? Int == 13)
        #expect(south["caseness_at_start"] is NSNull)
        for metric in ["recovery", "reliable_recovery", "reliable_improvement"] {
            let m = try #require(south[metric] as? [String: Any])
            #expect(m["suppressed"] as? Bool == true, "\(metric)")
            #expect(m["numerator"] is NSNull && m["rate"] is NSNull, "\(metric)")
            #expect(m["reason"] is String, "\(metric)")
        }
        // Reliable improvement: denominator 13 is shown, its numerator (1) is not.
        #expect((south["reliable_improvement"] as? [String: Any])?["denominator"] as? Int == 13)
        // An ordinary cell is unchanged.
        let north = try cell("north", "2024-Q1")
        let recovery = try #require(north["recovery"] as? [String: Any])
        #expect(recovery["numerator"] as? Int == 24 && recovery["denominator"] as? Int == 48 && jsonNumber(recovery["rate"]) == 0.5)
        #expect(recovery["suppressed"] as? Bool == false)
        #expect((north["reliable_improvement"] as? [String: Any])?["numerator"] as? Int == 24)
        // The dropout funnel: T04 (2 of 16) and T05 (3 of 16) suppressed, T01 and T02 (12 of 30) shown and drawn.
        let dropout = try #require((json["dropout_funnel"] as? [String: Any])?["therapists"] as? [[String: Any]])
        for t in dropout {
            let label = try #require(t["therapist"] as? String)
            if ["T04", "T05"].contains(label) {
                #expect(t["suppressed"] as? Bool == true && t["numerator"] is NSNull && t["rate"] is NSNull && t["position"] is NSNull, "\(label)")
            } else {
                #expect(t["numerator"] as? Int == 12 && t["n"] as? Int == 30 && jsonNumber(t["rate"]) == 0.4, "\(label)")
            }
        }
        // No published count anywhere in the JSON is in 1..<11.
        func smallCounts(_ value: Any, path: String) -> [String] {
            if let object = value as? [String: Any] {
                return object.flatMap { key, v -> [String] in
                    guard !["manifest", "data", "limits", "min_cell", "hidden_cells", "hidden_therapists", "suppressed_rates", "warnings",
                                    "suppressed", "target_suppressed"].contains(key) else { return [] }
                    return smallCounts(v, path: path + "." + key)
                }
            }
            if let array = value as? [Any] { return array.enumerated().flatMap { smallCounts($1, path: "\(path)[\($0)]") } }
            if let n = value as? Int, n >= 1 && n < 11 { return ["\(path) = \(n)"] }
            return []
        }
        #expect(smallCounts(json, path: "").isEmpty, "\(smallCounts(json, path: ""))")
        // The documents say so and give no rate away: 1 of 3 is 33.3%, 2 of 16 12.5%, 3 of 16 18.8%, 1 of 13 7.7%.
        for name in ["audit.md", "audit.html"] {
            let raw = try String(contentsOfFile: (dir as NSString).appendingPathComponent(name), encoding: .utf8)
            // Outside the inline figures (their path coordinates are numbers too).
            let pieces = raw.components(separatedBy: "<svg")
            let text = ([pieces[0]] + pieces.dropFirst().map { $0.components(separatedBy: "</svg>").dropFirst().joined() }).joined()
            for leak in ["33.3", "12.5", "18.8", "7.7"] { #expect(!text.contains(leak), "\(name) shows \(leak)") }
            #expect(text.contains("suppressed"))
            #expect(!text.contains("none is suppressed"), "\(name)")
            #expect(text.contains("50.0") && text.contains("40.0"), "\(name): ordinary rates are shown")
        }
        let text = run.report.map { $0.tables.map { $0.rendered(as: .text) }.joined(separator: "\n") } ?? ""
        for leak in ["33.3", "12.5", "18.8", "7.7"] { #expect(!text.contains(leak), "the text tables show \(leak)") }
        // The funnel draws the shown rates only.
        let svg = try String(contentsOfFile: (dir as NSString).appendingPathComponent("audit-dropout-funnel.svg"), encoding: .utf8)
        #expect(svg.contains("rate of 2 therapist group(s)"))
    }

    @Test func auditRefusesWhatItCannotReport() throws {
        let base = ["audit", Self.clinic, "--therapist", "therapist", "--pre", "phq_pre", "--post", "phq_post"]
        #expect(try runCommand(base + ["--instrument", "phq-9", "--out", "audit.pdf"]).error?.exitCode == 64)
        #expect(try runCommand(base + ["--instrument", "srs", "--out", "audit.html"]).error?.exitCode == 64)
        #expect(try runCommand(base + ["--instrument", "gad-7", "--gad-pre", "gad_pre", "--gad-post", "gad_post", "--out", "a.html"]).error?.exitCode == 64)
        let dir = try temporaryDirectory("audit-bad")
        let bad = try runCommand(base + ["--instrument", "phq-9", "--dropout", "sessions_attended", "--out", "a.html"], outputDirectory: dir)
        #expect(bad.error?.exitCode == 65)
    }
}
