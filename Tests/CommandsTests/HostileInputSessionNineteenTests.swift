import Foundation
import Testing

/// Session 19's hostile-input probes: a saved model applied (`predict`) to new rows in which one cell turned a number
/// column into text (a decimal comma quoted in a comma-separated file). The refusal said only that the column is
/// categorical; it now names the first value that is not a number and what to do, as `fit` does for an outcome.
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

    @Test("cluster() in a formula names --cluster")
    func clusterTermNamesTheOption() throws {
        let dir = try Hostile.write(["f.csv": Self.rows()])
        let outcome = Hostile.run(["fit", "cox", "f.csv", "--formula", "Surv(phq, wai) ~ phq + cluster(client)"], in: dir)
        #expect(outcome.status == 64, "\(outcome.message)")
        #expect(outcome.message.contains("cluster() is not supported in formulas"), "\(outcome.message)")
        #expect(outcome.message.contains("use --cluster client"), "\(outcome.message)")
    }
}
