import Foundation
import Testing

/// Session 18's hostile-input probes: a column of scores that one cell turns into text (a decimal comma quoted in a
/// comma-separated file) as the outcome of a fit. The refusal was right but said only that the outcome is categorical,
/// leaving the researcher to search the file for the cell; it now names the first value that is not a number, as the
/// Cox time column and the other numeric-column refusals do. docs/hostile-input.md lists the case.
@Suite("Hostile input: session 18")
struct HostileInputSessionEighteenTests {
    /// 40 rows: client, therapist (four), wai, phq; phq of data row 9 written "8,3" (quoted).
    static let rows: String = {
        var text = "client,therapist,wai,phq\n"
        for i in 0..<40 {
            let wai = 4 + Double((i * 7) % 10) / 5
            let phq = 14 - wai + Double((i * 3) % 5) / 2
            let shown = i == 8 ? "\"8,3\"" : String(format: "%.1f", phq)
            text += "c\(i),T\(i % 4),\(String(format: "%.1f", wai)),\(shown)\n"
        }
        return text
    }()

    @Test("a fit whose outcome one cell made text names the cell", arguments: [
        ["fit", "ols", "f.csv", "--formula", "phq ~ wai"],
        ["fit", "lmm", "f.csv", "--formula", "phq ~ wai + (1 | therapist)"],
        ["fit", "poisson", "f.csv", "--formula", "phq ~ wai"],
    ])
    func textOutcomeNamesTheCell(arguments: [String]) throws {
        let dir = try Hostile.write(["f.csv": Self.rows])
        let outcome = Hostile.run(arguments, in: dir)
        #expect(outcome.status == 65, "\(outcome.message)")
        #expect(outcome.message.contains("the outcome 'phq' is categorical; this model needs a numeric outcome (data row 9 has '8,3'); "
                                         + "fix that value or declare it missing with --na"), "\(arguments): \(outcome.message)")
    }

    @Test("a text outcome of words (site names) is refused as before, without a cell")
    func wordOutcomeNamesNoCell() throws {
        var text = "site,wai\n"
        for i in 0..<30 { text += "\(["north", "south", "east"][i % 3]),\(4 + i % 3)\n" }
        let dir = try Hostile.write(["f.csv": text])
        let outcome = Hostile.run(["fit", "ols", "f.csv", "--formula", "site ~ wai"], in: dir)
        #expect(outcome.status == 65, "\(outcome.message)")
        #expect(outcome.message.hasSuffix("the outcome 'site' is categorical; this model needs a numeric outcome"), "\(outcome.message)")
    }

    @Test("a text outcome of names is refused without echoing a name-like value")
    func identifierLikeOutcomeIsNotEchoed() throws {
        var text = "therapist_name,wai\n"
        for i in 0..<30 { text += "\(["Alice Smith", "Bob Jones", "Carol White"][i % 3]),\(4 + i % 3)\n" }
        let dir = try Hostile.write(["f.csv": text])
        let outcome = Hostile.run(["fit", "ols", "f.csv", "--formula", "therapist_name ~ wai", "--allow-column", "therapist_name"], in: dir)
        #expect(outcome.status != 0, "\(outcome.message)")
        #expect(!outcome.message.contains("Alice") && !outcome.message.contains("Smith"), "\(outcome.message)")
    }
}
