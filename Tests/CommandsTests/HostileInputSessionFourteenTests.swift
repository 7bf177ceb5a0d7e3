import Commands
import DataTable
import Foundation
import StatFiles
import Testing

/// Session 14's privacy and hostile-input review (privacy7): what reaches standard error and messages from a file's
/// names and levels. docs/hostile-input.md and docs/privacy.md list the cases.
@Suite("Hostile input: session 14")
struct HostileInputSessionFourteenTests {
    /// Standard error as the `alliance` binary writes it: warnings and notes as the command runs, then the error.
    static func standardError(_ arguments: [String], in directory: String) -> String {
        var err = ""
        let context = RunContext(inputDirectory: directory, outputDirectory: directory,
                                 standardOutput: { _ in }, standardError: { err += $0 })
        do {
            guard let command = try AllianceCLI.parseAsRoot(arguments) as? any AllianceSubcommand else { return "not a subcommand" }
            try command.perform(in: context)
        } catch let error as CLIError {
            context.reportError(error.message)
        } catch {
            err += "unexpected: \(error)"
        }
        return err
    }

    /// A column name with bidirectional overrides and isolates, C0 controls, ANSI escape sequences (clear the screen,
    /// red), a bell, DEL and a C1 CSI; what is left once they are dropped.
    static let hostileName = "phq\u{202E}9\u{202C}_\u{2066}a\u{2067}b\u{2068}c\u{2069}\u{1B}[2J\u{1B}[31mx\u{07}\u{7F}\u{9B}1m"
    static let shownName = "phq9_abc[2J[31mx1m"

    static func hasNoControls(_ text: String) -> Bool {
        !text.unicodeScalars.contains { s in
            (s.value < 0x20 && s != "\n") || (0x7F...0x9F).contains(s.value) || [0x202C, 0x202E, 0x2066, 0x2067, 0x2068, 0x2069].contains(s.value)
        }
    }

    @Test("a warning naming a column whose name holds U+202E, isolates, C0 controls and ESC sequences shows it without them")
    func warningDropsControlsInAColumnName() throws {
        var csv = "\"\(Self.hostileName)\",y\n"
        for i in 0..<40 { csv += "\(i == 7 || i == 19 ? -99 : 1 + i % 5),\(i % 7)\n" }
        let dir = try Hostile.write(["d.csv": csv])
        let err = Self.standardError(["describe", "d.csv"], in: dir)
        #expect(err.contains("warning: d.csv: column '\(Self.shownName)' holds -99 in 2 rows"), "\(err.debugDescription)")
        #expect(Self.hasNoControls(err), "\(err.debugDescription)")
    }

    @Test("an error naming such a column (the identifier guard's refusal) shows it without them")
    func errorDropsControlsInAColumnName() throws {
        var csv = "\"\(Self.hostileName)\",y\n"
        for i in 0..<30 { csv += "person\(i)@example.org,\(i % 7)\n" }
        let dir = try Hostile.write(["d.csv": csv])
        let err = Self.standardError(["describe", "d.csv"], in: dir)
        #expect(err.hasPrefix("error: ") && err.contains("/d.csv appears to contain identifiers"), "\(err.debugDescription)")
        #expect(err.contains("  column '\(Self.shownName)': "), "\(err.debugDescription)")
        #expect(Self.hasNoControls(err), "\(err.debugDescription)")
        #expect(err.contains("\n  column"), "the message keeps its lines: \(err.debugDescription)")
    }

    /// 60 rows: a `name` column of three personal names (the guard flags it by header and content), a `site` column of
    /// three sites, x, y and a yes/no status.
    static let names = ["Zara Okafor", "John Smith", "Mary Jones"]
    static func namesFile() throws -> String {
        var csv = "name,site,x,y,status\n"
        let sites = ["north", "south", "east"]
        for i in 0..<60 {
            csv += "\(names[i % 3]),\(sites[(i / 3) % 3]),\((i * 7) % 11),\(Double((i * 13) % 17) + 0.5 * Double(i % 3)),\(i % 4 == 0 ? "yes" : "no")\n"
        }
        return try Hostile.write(["d.csv": csv])
    }

    static func showsNoName(_ text: String) -> Bool {
        !names.contains { text.contains($0) } && !text.contains("Okafor")
    }

    @Test("model errors never list levels of a column let through the identifier guard; a site's levels are listed")
    func modelErrorsWithholdLevelsOfAnAllowedIdentifierColumn() throws {
        let dir = try Self.namesFile()
        let reference = Hostile.run(["fit", "ols", "d.csv", "--formula", "y ~ x + name", "--ref", "name=Nobody",
                                     "--allow-column", "name"], in: dir)
        #expect(reference.status == 64 && Self.showsNoName(reference.message), "\(reference.message)")
        #expect(reference.message.contains("'Nobody' is not a level of 'name' (3 levels, not listed"), "\(reference.message)")
        let site = Hostile.run(["fit", "ols", "d.csv", "--formula", "y ~ x + site", "--ref", "site=west", "--allow-column", "name"], in: dir)
        #expect(site.status == 64 && site.message.contains("(levels: east, north, south)"), "\(site.message)")

        let outcome = Hostile.run(["fit", "logit", "d.csv", "--formula", "name ~ x", "--allow-column", "name"], in: dir)
        #expect(outcome.status == 65 && Self.showsNoName(outcome.message), "\(outcome.message)")
        #expect(outcome.message.contains("it has 3 levels among the rows used (not listed"), "\(outcome.message)")
        let siteOutcome = Hostile.run(["fit", "logit", "d.csv", "--formula", "site ~ x", "--allow-column", "name"], in: dir)
        #expect(siteOutcome.message.contains("('east', 'north', 'south')"), "\(siteOutcome.message)")
    }

    @Test("--levels, applied before the guard, never lists a flagged column's levels (even without --allow-column)")
    func levelOrderErrorsWithholdLevelsOfAFlaggedColumn() throws {
        let dir = try Self.namesFile()
        let unknown = Hostile.run(["describe", "d.csv", "--levels", "name=Nobody"], in: dir)
        #expect(unknown.status == 64 && Self.showsNoName(unknown.message), "\(unknown.message)")
        #expect(unknown.message.contains("'Nobody' is not a level of column 'name' (3 levels, not listed"), "\(unknown.message)")
        let unlisted = Hostile.run(["describe", "d.csv", "--levels", "name=Zara Okafor,John Smith"], in: dir)
        #expect(unlisted.status == 64 && unlisted.message.contains("also has the level a text value of 10 characters"),
                "\(unlisted.message)")
        #expect(!unlisted.message.contains("Mary"), "\(unlisted.message)")
        let site = Hostile.run(["describe", "d.csv", "--levels", "site=west", "--allow-column", "name"], in: dir)
        #expect(site.status == 64 && site.message.contains("(its levels: east, north, south)"), "\(site.message)")
    }

    /// `score answers.sav --out x.sav`: the string variable's declared DK and RF come back declared, in their cells (they
    /// were written as empty strings with no declaration: a blank answer, a valid value, to SPSS and haven).
    @Test("score --out x.sav writes SPSS string user-missing values back as declared")
    func scoreKeepsStringUserMissingValues() throws {
        let dir = try Hostile.scratchDirectory()
        let input = StatFileCommandTests.statFixture("string_missing.sav")
        let outcome = Hostile.run(["score", input, "--items", "item_1,item_2", "--name", "s", "--out", "x.sav"], in: dir)
        #expect(outcome.status == 0 && !outcome.message.contains("declared missing value longer"), "\(outcome.message)")
        let answer = try #require(try StatFileReader.read(contentsOf: dir + "/x.sav", format: .sav).column(named: "answer"))
        #expect(answer.metadata.declaredMissingTexts == ["DK", "RF"])
        #expect(answer.metadata.declaredMissingTextCodes == [2: "DK", 4: "RF"])
        #expect((0..<8).map { answer.categorical?[$0] } == ["yes", "no", nil, "yes", nil, "no", "yes", nil])
    }

    /// A name inside longer free text passes the guard (docs/privacy.md, "Known limits": only whole cells are matched,
    /// so that answers and notes raise no false alarm). A clean `check` says so where the user reads the verdict, and
    /// `check --help` (and so the manual page) states the limit.
    @Test("a clean check states that names inside free text are not detected; so does check's help")
    func cleanCheckStatesTheFreeTextLimit() throws {
        var csv = "client,note,phq\n"
        for i in 0..<30 { csv += "c\(i),\(i == 7 ? "seen by john smith at intake" : "no change this week"),\(i % 27)\n" }
        let dir = try Hostile.write(["n.csv": csv])
        let outcome = Hostile.run(["check", "n.csv"], in: dir)
        #expect(outcome.status == 0, "\(outcome.message)")
        #expect(outcome.standardOutput.contains("no identifiers found"), "\(outcome.standardOutput)")
        #expect(outcome.standardOutput.contains("a name inside longer text"), "\(outcome.standardOutput)")
        #expect(!outcome.standardOutput.contains("at intake"), "no cell is shown: \(outcome.standardOutput)")
        let help = CheckCommand.helpMessage(columns: 200)
        #expect(help.contains("a name inside longer text"), "\(help)")
    }

    @Test("track and ruptures: a client of a column let through the guard with a session twice is not named; a code is")
    func monitoringErrorsWithholdClientNames() throws {
        var csv = "name,client,session,phq\n"
        for c in 0..<3 { for t in 1...4 { csv += "\(Self.names[c]),c0\(c),\(t),\(20 - t - c)\n" } }
        csv += "Mary Jones,c02,2,10\n"
        let dir = try Hostile.write(["s.csv": csv])
        for command in [["track", "--score", "phq"], ["ruptures", "--alliance", "phq"]] {
            let named = Hostile.run([command[0], "s.csv", "--client", "name", "--session", "session", command[1], command[2],
                                     "--allow-column", "name"], in: dir)
            #expect(named.status == 65 && Self.showsNoName(named.message), "\(named.message)")
            #expect(named.message.contains("a client of 'name' (a text value of 10 characters) has two rows for session 2"),
                    "\(named.message)")
            let coded = Hostile.run([command[0], "s.csv", "--client", "client", "--session", "session", command[1], command[2],
                                     "--allow-column", "name"], in: dir)
            #expect(coded.message.contains("client c02 has two rows for session 2"), "\(coded.message)")
        }
    }

    /// The guard's refusal suggests the `transform --drop` that removes the flagged columns: a file or column name with a
    /// space or a quote is quoted for the shell, so the command can be pasted as it is.
    @Test("the refusal's --drop suggestion quotes names a shell would split")
    func dropSuggestionIsShellQuoted() throws {
        var csv = "contact email,y\n"
        for i in 0..<30 { csv += "person\(i)@example.org,\(i % 7)\n" }
        let dir = try Hostile.write(["my data.csv": csv, "plain.csv": csv.replacingOccurrences(of: "contact email", with: "contact")])
        let spaced = Hostile.run(["describe", "my data.csv"], in: dir)
        #expect(spaced.message.contains("`alliance transform 'my data.csv' --drop 'contact email' --out FILE.csv`"), "\(spaced.message)")
        let plain = Hostile.run(["describe", "plain.csv"], in: dir)
        #expect(plain.message.contains("`alliance transform plain.csv --drop contact --out FILE.csv`"), "\(plain.message)")
    }

    /// A string variable's value labels are now written back to an SPSS file, so the guard scans them as it scans a
    /// numeric variable's: a label holding a person's name or a telephone number is refused, naming the column only.
    @Test("a string variable's value label with a name or a telephone number is refused, never shown")
    func textValueLabelsAreScanned() throws {
        let dir = try Hostile.scratchDirectory()
        for (tag, label) in [("name", "Mrs Patel"), ("phone", "ring 07700 900123")] {
            let metadata = ColumnMetadata(textValueLabels: [TextValueLabel(value: "RF", label: label)])
            let column = Column(name: "v1", data: .categorical(CategoricalColumn(["yes", "no", "RF", "no"])), metadata: metadata)
            let bytes = try StatFileWriter.data(try Table(columns: [column]), format: .sav, file: "v.sav")
            try Data(bytes).write(to: URL(fileURLWithPath: dir + "/\(tag).sav"))
            let outcome = Hostile.run(["describe", "\(tag).sav"], in: dir)
            #expect(outcome.status == 65 && outcome.message.contains("column 'v1'"), "\(tag): \(outcome.message)")
            #expect(!outcome.message.contains("Patel") && !outcome.message.contains("07700"), "\(tag): \(outcome.message)")
        }
    }
}
