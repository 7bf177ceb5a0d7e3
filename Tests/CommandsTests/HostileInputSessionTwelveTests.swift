import Foundation
import Testing

/// Session 12's hostile-input and privacy review: values the identifier guard did not catch must not reach a message
/// or a table by another route, and text that renders wrongly in an output format. docs/privacy.md and
/// docs/hostile-input.md list the cases.
@Suite("Hostile input: session 12")
struct HostileInputSessionTwelveTests {
    /// 40 rows: site (north/south), item (1…5), y, v (a variance); `stray(i, &fields)` edits row i.
    static func rows(_ stray: (Int, inout [String]) -> Void = { _, _ in }) -> String {
        var text = "site,item,y,v\n"
        for i in 0..<40 {
            var f = [i % 3 == 0 ? "north" : "south", String(1 + (i * 7) % 5),
                     String(format: "%.3f", 0.2 + 0.01 * Double(i)), String(format: "%.4f", 0.01 + 0.001 * Double(i % 9))]
            stray(i, &f)
            text += f.joined(separator: ",") + "\n"
        }
        return text
    }

    @Test("a name the guard misses in a number column is described by its length in the error, a decimal comma still quoted")
    func nonNumericValueIsNotEchoed() throws {
        let name = try Hostile.write(["m.csv": Self.rows { i, f in if i == 31 { f[3] = "zara okafor" } }])
        let outcome = Hostile.run(["meta", "m.csv", "--measure", "generic", "--yi", "y", "--vi", "v"], in: name)
        #expect(outcome.status == 65, "\(outcome.message)")
        #expect(outcome.message.contains("column 'v' (--vi) is not numeric (data row 32 has a text value of 11 characters)"),
                "\(outcome.message)")
        #expect(!outcome.message.contains("okafor"), "\(outcome.message)")
        // A listed given name in lower case is caught earlier, by the guard, which never shows values.
        let caught = try Hostile.write(["m.csv": Self.rows { i, f in if i == 31 { f[3] = "john smith" } }])
        let refused = Hostile.run(["meta", "m.csv", "--measure", "generic", "--yi", "y", "--vi", "v"], in: caught)
        #expect(refused.status == 65 && refused.message.contains("'v'") && !refused.message.contains("john"), "\(refused.message)")
        let comma = try Hostile.write(["m.csv": Self.rows { i, f in if i == 31 { f[3] = "\"0,02\"" } }])
        let quoted = Hostile.run(["meta", "m.csv", "--measure", "generic", "--yi", "y", "--vi", "v"], in: comma)
        #expect(quoted.message.contains("(data row 32 has '0,02')"), "\(quoted.message)")
    }

    @Test("describe: a rare text level among numbers is listed by its length, an NA spelling by its text")
    func strayTextLevelIsNotListed() throws {
        let dir = try Hostile.write(["d.csv": Self.rows { i, f in
            if i == 31 { f[1] = "zara okafor" }
            if i == 12 { f[1] = "n/a" }
        }])
        for format in ["text", "json", "md", "csv", "html"] {
            let outcome = Hostile.run(["describe", "d.csv", "--format", format], in: dir)
            #expect(outcome.status == 0, "\(outcome.message)")
            #expect(!outcome.standardOutput.contains("okafor"), "\(format): \(outcome.standardOutput)")
            #expect(outcome.standardOutput.contains("a text value of 11 characters"), "\(format): \(outcome.standardOutput)")
            #expect(outcome.standardOutput.contains("n/a"), "\(format): \(outcome.standardOutput)")
        }
        // A text column keeps its levels: a site is not a stray value.
        let site = Hostile.run(["describe", "d.csv"], in: dir)
        #expect(site.standardOutput.contains("north"), "\(site.standardOutput)")
    }
}
