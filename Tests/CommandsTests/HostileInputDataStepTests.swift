import Commands
import Foundation
import Testing

/// Hostile and mistaken input to the data steps (`transform`, `reshape`, `aggregate`), in-process: every case
/// ends in success with a documented result or a sysexits status with a message naming the problem; nothing
/// traps, hangs, echoes an identifier or overwrites its input. docs/hostile-input.md lists the cases.
@Suite("Hostile input: data steps")
struct HostileInputDataStepTests {
    struct Case: Sendable, CustomTestStringConvertible {
        let arguments: [String]
        let expected: Hostile.Expected
        /// Strings the message (standard error plus the error) must contain.
        let mentions: [String]

        init(_ arguments: [String], _ expected: Hostile.Expected, _ mentions: [String] = []) {
            self.arguments = arguments
            self.expected = expected
            self.mentions = mentions
        }

        var testDescription: String { arguments.joined(separator: " ").prefix(90).description }
    }

    static let out = ["--out", "out.csv"]

    static let corpus: [Case] = [
        // transform: expressions
        Case(["transform", "steps.csv", "--compute", "x = "] + out, .failure(.usage), ["--compute", "expected an expression"]),
        Case(["transform", "steps.csv", "--compute", "phq + 1"] + out, .failure(.usage), ["NAME = expression"]),
        Case(["transform", "steps.csv", "--compute", "x = nope + 1"] + out, .failure(.usage), ["steps.csv", "no column named 'nope'"]),
        Case(["transform", "steps.csv", "--compute", "x = site * 2"] + out, .failure(.data), ["'site' is text", "--recode"]),
        Case(["transform", "steps.csv", "--compute", "x = mean(phq, wai, min = 3)"] + out, .failure(.usage), ["min = 3 is more than the 2"]),
        Case(["transform", "steps.csv", "--compute", "x = mean(min = 1)"] + out, .failure(.usage), ["mean() needs columns"]),
        Case(["transform", "steps.csv", "--compute", "x = within(phq, client) * 2"] + out, .failure(.usage), ["whole expression"]),
        Case(["transform", "steps.csv", "--compute", "x = lag(phq, client, site)"] + out, .failure(.data), ["order column 'site' must be numeric"]),
        Case(["transform", "steps.csv", "--compute", "x = system(\"ls\")"] + out, .failure(.usage), ["system() is not supported"]),
        Case(["transform", "steps.csv", "--compute", "x = " + String(repeating: "(", count: 5000) + "1"] + out, .failure(.usage), ["nested more than"]),
        Case(["transform", "steps.csv", "--compute", "x = log(phq - 10)"] + out, .success, ["not finite, set missing", "log needs positive values"]),
        Case(["transform", "steps.csv", "--compute", "x = phq / 0"] + out, .success, ["not finite, set missing"]),
        // transform: filters
        Case(["transform", "steps.csv", "--filter", "phq = 10"] + out, .failure(.usage), ["use '=='"]),
        Case(["transform", "steps.csv", "--filter", "phq"] + out, .failure(.usage), ["expected a comparison"]),
        Case(["transform", "steps.csv", "--filter", "1 < phq < 5"] + out, .failure(.usage), ["do not chain"]),
        Case(["transform", "steps.csv", "--filter", "site == \"north"] + out, .failure(.usage), ["unterminated quoted text"]),
        Case(["transform", "steps.csv", "--filter", "site > \"north\""] + out, .failure(.usage), ["only with == or !="]),
        Case(["transform", "steps.csv", "--filter", "phq == \"10\""] + out, .failure(.usage), ["'phq' is numeric"]),
        Case(["transform", "steps.csv", "--filter", "site == 1"] + out, .failure(.data), ["'site' is text"]),
        Case(["transform", "steps.csv", "--filter", String(repeating: "!", count: 5000) + "(phq > 1)"] + out, .failure(.usage), ["nested more than"]),
        Case(["transform", "steps.csv", "--filter", "phq > 100"] + out, .success, ["0 rows out"]),
        // transform: recode, keep/drop, output
        Case(["transform", "steps.csv", "--recode", "label Often=3"] + out, .failure(.usage), ["column: old=new"]),
        Case(["transform", "steps.csv", "--recode", "label: Often"] + out, .failure(.usage), ["is not old=new"]),
        Case(["transform", "steps.csv", "--recode", "label: Often=3, Often=4"] + out, .failure(.usage), ["recoded twice"]),
        Case(["transform", "steps.csv", "--recode", "phq: Often=3"] + out, .failure(.usage), ["'phq' is numeric"]),
        Case(["transform", "steps.csv", "--recode", "lable: Often=3"] + out, .failure(.usage), ["no column named 'lable'", "'label'"]),
        Case(["transform", "steps.csv", "--recode", "label: Seldom=1"] + out, .success, ["'Seldom' matched no cell"]),
        Case(["transform", "steps.csv", "--keep", "client,,phq"] + out, .failure(.usage), ["empty entry"]),
        Case(["transform", "steps.csv", "--keep", "client", "--drop", "phq"] + out, .failure(.usage), ["not both"]),
        Case(["transform", "steps.csv", "--drop", "nope"] + out, .failure(.usage), ["no column named 'nope'"]),
        Case(["transform", "steps.csv", "--drop", "phq"], .failure(.usage), ["--out"]),
        Case(["transform", "steps.csv", "--drop", "phq", "--out", "out.json"], .failure(.usage), ["writes CSV"]),
        Case(["transform", "steps.csv", "--drop", "phq", "--out", "steps.csv"], .failure(.cannotCreate), ["steps.csv"]),
        Case(["transform", "steps.csv"] + out, .failure(.usage), ["nothing to do"]),
        Case(["transform", "identifier_email.csv", "--drop", "phq_pre"] + out, .failure(.data),
             ["identifiers", "contact", "--drop contact --out"]),
        // transform: dropping an identifier column is how a file is de-identified; the dropped column may not be read
        Case(["transform", "identifier_email.csv", "--drop", "contact"] + out, .success,
             ["'contact' looks like email addresses", "not in the output"]),
        Case(["transform", "identifier_email.csv", "--keep", "client,phq_pre"] + out, .success, ["not in the output"]),
        Case(["transform", "identifier_email.csv", "--drop", "contact", "--filter", "contact == 'x'"] + out, .failure(.data),
             ["'contact' looks like email addresses", "may not read it"]),
        Case(["transform", "identifier_email.csv", "--drop", "contact", "--compute", "n = phq_pre + 1"] + out, .success,
             ["not in the output"]),
        Case(["transform", "identifier_email.csv", "--keep", "contact"] + out, .failure(.data), ["identifiers", "contact"]),
        Case(["transform", "missing.csv", "--drop", "phq"] + out, .failure(.noInput), ["missing.csv"]),
        // reshape
        Case(["reshape", "steps.csv", "--wide", "--id", "client", "--time", "session"] + out, .failure(.data),
             ["not unique", "data rows 1 and 2", "file lines 2 and 3"]),
        Case(["reshape", "steps.csv", "--wide", "--long", "--id", "client", "--time", "session"] + out, .failure(.usage), ["one of --wide or --long"]),
        Case(["reshape", "steps.csv", "--wide", "--id", "clinet", "--time", "session"] + out, .failure(.usage), ["no column named 'clinet'"]),
        Case(["reshape", "steps.csv", "--wide", "--id", "client", "--time", "client"] + out, .failure(.usage), ["same column"]),
        Case(["reshape", "steps.csv", "--long", "--id", "client", "--time", "session"] + out, .failure(.usage), ["needs --stub"]),
        Case(["reshape", "steps.csv", "--long", "--id", "client", "--stub", "zz_", "--time", "t"] + out, .failure(.usage), ["matches no column"]),
        Case(["reshape", "steps.csv", "--long", "--id", "client", "--stub", "ph", "--time", "t"] + out, .failure(.data), ["'client' is not unique"]),
        Case(["reshape", "header_only.csv", "--wide", "--id", "client", "--time", "phq_pre"] + out, .success, ["0 rows out"]),
        // aggregate
        Case(["aggregate", "steps.csv", "--by", "client", "--slope", "phq"] + out, .failure(.usage), ["--slope needs --order"]),
        Case(["aggregate", "steps.csv", "--by", "client", "--mean", "site"] + out, .failure(.data), ["'site' is text"]),
        Case(["aggregate", "steps.csv", "--by", "client", "--order", "site", "--first", "phq"] + out, .failure(.data), ["must be numeric"]),
        Case(["aggregate", "steps.csv", "--by", "client"] + out, .failure(.usage), ["nothing to compute"]),
        Case(["aggregate", "steps.csv", "--by", "n", "--count"] + out, .failure(.usage), ["no column named 'n'"]),
        Case(["aggregate", "steps.csv", "--by", "client", "--order", "session", "--first", "site,phq", "--count"] + out, .success, ["rows out"]),
        Case(["aggregate", "all_missing_column.csv", "--by", "client", "--mean", "wai", "--count"] + out, .success, ["rows out"]),
    ]

    /// `transform --drop` of an identifier column writes a file without it that loads cleanly, and no value of it is
    /// printed on the way.
    @Test func droppingAnIdentifierColumnDeidentifiesTheFile() throws {
        let directory = try Hostile.scratchDirectory()
        let corpus = try Hostile.corpusDirectory()
        try FileManager.default.copyItem(atPath: (corpus as NSString).appendingPathComponent("identifier_email.csv"),
                                         toPath: (directory as NSString).appendingPathComponent("identifier_email.csv"))
        let drop = Hostile.run(["transform", "identifier_email.csv", "--drop", "contact", "--out", "clean.csv"], in: directory)
        #expect(drop.status == 0, "\(drop.message)")
        #expect(!(drop.message + drop.standardOutput).contains("@"), "a value of the dropped column was printed")
        let written = try String(contentsOfFile: (directory as NSString).appendingPathComponent("clean.csv"), encoding: .utf8)
        #expect(written.split(whereSeparator: \.isNewline).first == "client,phq_pre")
        #expect(!written.contains("@"))
        let describe = Hostile.run(["describe", "clean.csv"], in: directory)
        #expect(describe.status == 0, "\(describe.message)")
    }

    /// A small table with a duplicate client × session, text and numbers, a missing value.
    static let steps = """
        client,session,site,phq,wai,label
        k1,1,north,12,3,Often
        k1,1,north,14,3.5,Never
        k2,1,south,,2,Often
        k2,2,south,9,2.5,Always
        """

    @Test(arguments: corpus)
    func dataStep(_ c: Case) throws {
        let directory = try Hostile.scratchDirectory()
        try Self.steps.write(toFile: (directory as NSString).appendingPathComponent("steps.csv"), atomically: true, encoding: .utf8)
        let corpus = try Hostile.corpusDirectory()
        for name in ["identifier_email.csv", "header_only.csv", "all_missing_column.csv"] {
            try FileManager.default.copyItem(atPath: (corpus as NSString).appendingPathComponent(name),
                                             toPath: (directory as NSString).appendingPathComponent(name))
        }
        let before = try String(contentsOfFile: (directory as NSString).appendingPathComponent("steps.csv"), encoding: .utf8)
        let outcome = Hostile.run(c.arguments, in: directory)
        #expect(outcome.status == c.expected.status, "\(c.arguments): \(outcome.message)")
        let text = outcome.message + outcome.standardOutput
        for m in c.mentions { #expect(text.contains(m), "\(c.arguments): '\(m)' not in: \(text)") }
        #expect(outcome.seconds < 10)
        // The input is never changed, whatever happened.
        #expect(try String(contentsOfFile: (directory as NSString).appendingPathComponent("steps.csv"), encoding: .utf8) == before)
        // Identifier values are never echoed.
        #expect(!text.contains("@example.org"))
    }

    /// Large inputs generated at run time: a continuous --time (every row its own time) is refused before a
    /// 20,000 × 20,000 table is allocated; a recode with 50,000 pairs and a 50,000-level column is linear.
    @Test func largeInputsStayBounded() throws {
        let directory = try Hostile.scratchDirectory()
        var csv = "client,time,label\n"
        for i in 0..<20_000 { csv += "c\(i),\(Double(i) + 0.5),L\(i)\n" }
        try csv.write(toFile: (directory as NSString).appendingPathComponent("big.csv"), atomically: true, encoding: .utf8)
        let wide = Hostile.run(["reshape", "big.csv", "--wide", "--id", "client", "--time", "time", "--out", "w.csv"], in: directory)
        #expect(wide.status == 65, "\(wide.message)")
        #expect(wide.message.contains("is 'time' the session number?"))
        #expect(wide.seconds < 10)
        let pairs = (0..<50_000).map { "L\($0)=\($0)" }.joined(separator: ", ")
        let recode = Hostile.run(["transform", "big.csv", "--recode", "label: \(pairs)", "--out", "r.csv"], in: directory)
        #expect(recode.status == 0, "\(recode.message)")
        #expect(recode.seconds < 10)
    }
}

