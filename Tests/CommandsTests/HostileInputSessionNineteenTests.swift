import Foundation
import Testing

/// Session 19's hostile-input probes: a saved model applied (`predict`) to new rows in which one cell turned a number
/// column into text (a decimal comma quoted in a comma-separated file). The refusal said only that the column is
/// categorical; it now names the first value that is not a number and what to do, as `fit` does for an outcome.
/// `correlate`, `reliability`, `change`, `plot` and instrument scoring refused such a column without the cell too.
/// A coxph habit, `cluster(therapist)` in the formula, is refused with the option that does it. docs/hostile-input.md.
@Suite("Hostile input: session 19")
struct HostileInputSessionNineteenTests {
    /// 40 rows: client, wai, phq; wai of data row `spoiled` (1-based) written as `"4,6"` when given.
    static func rows(spoiled: Int? = nil) -> String {
        var text = "client,wai,phq\n"
        for i in 0..<40 {
            let wai = 4 + Double((i * 7) % 10) / 5
            let phq = 14 - wai + Double((i * 3) % 5) / 2
            let shown = i + 1 == spoiled ? "\"4,6\"" : String(format: "%.1f", wai)
            text += "c\(i),\(shown),\(String(format: "%.1f", phq))\n"
        }
        return text
    }

    @Test("predict on rows where one cell made a predictor text names the cell")
    func predictNamesTheTextCell() throws {
        let dir = try Hostile.write(["fit.csv": Self.rows(), "new.csv": Self.rows(spoiled: 7)])
        let fit = Hostile.run(["fit", "ols", "fit.csv", "--formula", "phq ~ wai", "--format", "json", "--out", "fit.json"], in: dir)
        #expect(fit.status == 0, "\(fit.message)")
        let outcome = Hostile.run(["predict", "fit.json", "new.csv"], in: dir)
        #expect(outcome.status == 65, "\(outcome.message)")
        #expect(outcome.message.contains("'wai' needs a numeric column but 'wai' is categorical (data row 7 has '4,6'); "
                                         + "fix that value or declare it missing with --na"), "\(outcome.message)")
    }

    @Test("commands that need a number column point at the cell that made it text", arguments: [
        (["correlate", "new.csv", "--vars", "wai,phq"], "column 'wai' is not numeric (data row 7 has '4,6'); correlate needs numbers"),
        (["reliability", "new.csv", "--items", "wai,phq"], "column 'wai' is not numeric (data row 7 has '4,6'); reliability needs"),
        (["change", "new.csv", "--pre", "wai", "--post", "phq", "--sd", "5", "--reliability", "0.8"],
         "column 'wai' in new.csv is not numeric (data row 7 has '4,6')"),
        (["plot", "scatter", "new.csv", "--x", "wai", "--y", "phq", "--out", "p.svg"],
         "column 'wai' (--x) is not numeric (data row 7 has '4,6')"),
    ])
    func numberColumnRefusalsNameTheCell(arguments: [String], expected: String) throws {
        let dir = try Hostile.write(["new.csv": Self.rows(spoiled: 7)])
        let outcome = Hostile.run(arguments, in: dir)
        #expect(outcome.status == 65, "\(outcome.message)")
        #expect(outcome.message.contains(expected), "\(arguments): \(outcome.message)")
        #expect(outcome.message.contains("declare it missing with --na"), "\(arguments): \(outcome.message)")
    }

    @Test("a fit of log(x) where one cell made x text names the cell")
    func transformedPredictorNamesTheCell() throws {
        let dir = try Hostile.write(["new.csv": Self.rows(spoiled: 7)])
        let outcome = Hostile.run(["fit", "ols", "new.csv", "--formula", "phq ~ log(wai)"], in: dir)
        #expect(outcome.status == 65, "\(outcome.message)")
        #expect(outcome.message.contains("'log(wai)' needs a numeric column but 'wai' is categorical (data row 7 has '4,6'); "
                                         + "fix that value or declare it missing with --na"), "\(outcome.message)")
    }

    @Test("scoring an instrument whose item one 'n/a' made text names the cell")
    func scoringNamesTheTextItemCell() throws {
        var text = "client," + (1...9).map { "phq_\($0)" }.joined(separator: ",") + "\n"
        for i in 0..<20 {
            let items = (1...9).map { j in i == 4 && j == 3 ? "n/a" : String((i + j) % 4) }
            text += "c\(i)," + items.joined(separator: ",") + "\n"
        }
        let dir = try Hostile.write(["phq.csv": text])
        for command in ["score", "reliability"] {
            let outcome = Hostile.run([command, "phq.csv", "--instrument", "phq-9"], in: dir)
            #expect(outcome.status == 65, "\(outcome.message)")
            #expect(outcome.message.contains("item column 'phq_3' is not numeric (data row 5 has 'n/a'); item responses must be "
                                             + "numbers: fix that value or declare it missing with --na"), "\(command): \(outcome.message)")
        }
    }

    @Test("meta takes metafor's ZCOR for cor (Fisher's z) and gives the same bytes")
    func metaforMeasureNameIsAccepted() throws {
        var text = "study,r,n\n"
        for i in 0..<12 { text += "S\(i),\(String(format: "%.2f", 0.1 + Double(i % 5) * 0.07)),\(40 + i * 9)\n" }
        let dir = try Hostile.write(["m.csv": text])
        let cor = Hostile.run(["meta", "m.csv", "--measure", "cor", "--r", "r", "--n", "n", "--format", "json"], in: dir)
        let zcor = Hostile.run(["meta", "m.csv", "--measure", "ZCOR", "--r", "r", "--n", "n", "--format", "json"], in: dir)
        #expect(cor.status == 0 && zcor.status == 0, "\(zcor.message)")
        #expect(!cor.standardOutput.isEmpty && cor.standardOutput == zcor.standardOutput)
        let raw = Hostile.run(["meta", "m.csv", "--measure", "pcor", "--r", "r", "--n", "n"], in: dir)
        #expect(raw.status == 64 && raw.message.contains("use cor (Fisher's z, escalc's ZCOR)"), "\(raw.message)")
    }

    /// 40 rows: site with 'north' written 'North' in every third north row; wai, phq as `rows()`.
    static func sitesWithCapitals(outcomeWords: Bool = false) -> String {
        var text = "client,site,wai,phq,dropout\n"
        for i in 0..<40 {
            let site = i % 2 == 0 ? (i % 3 == 0 ? "North" : "north") : "south"
            let wai = 4 + Double((i * 7) % 10) / 5
            let phq = 14 - wai + Double((i * 3) % 5) / 2
            let dropout = outcomeWords ? (i % 4 == 0 ? "Yes" : (i % 4 == 1 ? "yes" : "no")) : String(i % 4 == 0 ? 1 : 0)
            text += "c\(i),\(site),\(String(format: "%.1f", wai)),\(String(format: "%.1f", phq)),\(dropout)\n"
        }
        return text
    }

    @Test("a factor or grouping column with one level in two capitalisations is warned about", arguments: [
        ["fit", "ols", "f.csv", "--formula", "phq ~ wai + site"],
        ["fit", "lmm", "f.csv", "--formula", "phq ~ wai + (1 | site)"],
        ["fit", "ols", "f.csv", "--formula", "phq ~ wai", "--cluster", "site"],
    ])
    func caseVariantLevelsAreWarned(arguments: [String]) throws {
        let dir = try Hostile.write(["f.csv": Self.sitesWithCapitals()])
        let outcome = Hostile.run(arguments, in: dir)
        #expect(outcome.status == 0, "\(outcome.message)")
        #expect(outcome.message.contains("'site': 2 of its levels are one word in different capitals (as 'North' and 'north'), "
                                         + "and the model treats them as different groups"), "\(arguments): \(outcome.message)")
        let clean = try Hostile.write(["f.csv": Self.sitesWithCapitals().replacingOccurrences(of: "North", with: "north")])
        #expect(!Hostile.run(arguments, in: clean).message.contains("capitals"))
    }

    @Test("a logistic outcome refused for Yes/yes/no names the capitals")
    func caseVariantOutcomeLevelsAreNamed() throws {
        let dir = try Hostile.write(["f.csv": Self.sitesWithCapitals(outcomeWords: true)])
        let outcome = Hostile.run(["fit", "logit", "f.csv", "--formula", "dropout ~ wai"], in: dir)
        #expect(outcome.status == 65, "\(outcome.message)")
        #expect(outcome.message.contains("it has 3 levels among the rows used ('Yes', 'no', 'yes'); 2 of its levels are one word "
                                         + "in different capitals ('Yes', 'yes'): give them one spelling"), "\(outcome.message)")
    }

    @Test("describe names levels in two capitalisations, but not a flagged column's")
    func describeWarnsOfCaseVariants() throws {
        let dir = try Hostile.write(["f.csv": Self.sitesWithCapitals()])
        let outcome = Hostile.run(["describe", "f.csv"], in: dir)
        #expect(outcome.status == 0, "\(outcome.message)")
        #expect(outcome.message.contains("column 'site': 2 of its levels are one word in different capitals ('North', 'north'); "
                                         + "every analysis treats them as different groups"), "\(outcome.message)")
        var names = "therapist_name,wai\n"
        for i in 0..<30 { names += "\(["Alice Smith", "alice smith", "Bob Jones"][i % 3]),\(4 + i % 3)\n" }
        let flagged = try Hostile.write(["n.csv": names])
        let allowed = Hostile.run(["describe", "n.csv", "--allow-column", "therapist_name"], in: flagged)
        #expect(allowed.message.contains("column 'therapist_name': 2 of its levels are one word in different capitals (as 'North' "
                                         + "and 'north')"), "\(allowed.message)")
        #expect(!allowed.message.contains("Alice") && !allowed.message.contains("alice"), "\(allowed.message)")
    }

    @Test("cluster() in a formula names --cluster")
    func clusterTermNamesTheOption() throws {
        let dir = try Hostile.write(["f.csv": Self.rows()])
        let outcome = Hostile.run(["fit", "cox", "f.csv", "--formula", "Surv(phq, wai) ~ phq + cluster(client)"], in: dir)
        #expect(outcome.status == 64, "\(outcome.message)")
        #expect(outcome.message.contains("cluster() is not supported in formulas"), "\(outcome.message)")
        #expect(outcome.message.contains("use --cluster client"), "\(outcome.message)")
    }
}
