import AllianceTestSupport
import ArgumentParser
import Foundation
import Testing
@testable import Commands

/// Every command's help, walked through the argument parser's own description (the ToolInfo JSON the man page is
/// made from): no default stated twice, figure options named alike, examples that name real columns and run on the
/// bundled data, and a man page and completion scripts that cover every command.
@Suite struct HelpTextTests {
    struct Entry {
        let command: String
        let names: [String]
        let abstract: String
        let defaultValue: String?
    }

    /// Every visible command (path like "plot scatter") with its discussion, and every argument entry.
    static func walk() throws -> (commands: [(path: String, text: String)], entries: [Entry]) {
        let object = try #require(try JSONSerialization.jsonObject(with: Data(AllianceCLI._dumpHelp().utf8)) as? [String: Any])
        var commands: [(String, String)] = []
        var entries: [Entry] = []
        func visit(_ command: [String: Any], path: [String]) {
            guard command["shouldDisplay"] as? Bool ?? true else { return }
            let here = path + [command["commandName"] as? String ?? ""]
            let label = here.dropFirst().joined(separator: " ")
            var text = [command["abstract"] as? String, command["discussion"] as? String].compactMap { $0 }.joined(separator: "\n")
            for argument in command["arguments"] as? [[String: Any]] ?? [] where argument["shouldDisplay"] as? Bool ?? true {
                let names = (argument["names"] as? [[String: Any]] ?? []).compactMap { $0["name"] as? String }
                let abstract = argument["abstract"] as? String ?? ""
                entries.append(Entry(command: label, names: names, abstract: abstract, defaultValue: argument["defaultValue"] as? String))
                text += "\n" + abstract
            }
            commands.append((label, text))
            for sub in command["subcommands"] as? [[String: Any]] ?? [] { visit(sub, path: here) }
        }
        visit(try #require(object["command"] as? [String: Any]), path: [])
        return (commands, entries)
    }

    static let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    @Test func noOptionStatesItsDefaultTwice() throws {
        let entries = try Self.walk().entries
        #expect(entries.count > 100)
        for e in entries {
            let mentions = e.abstract.lowercased().components(separatedBy: "default").count - 1
            // ArgumentParser appends "(default: X)" for a declared default: the text must not say it again.
            if e.defaultValue != nil {
                #expect(mentions == 0, "\(e.command) --\(e.names.joined(separator: "/")): \(e.abstract)")
            } else {
                #expect(mentions <= 1, "\(e.command) --\(e.names.joined(separator: "/")): \(e.abstract)")
            }
        }
        // The rendered help as users see it, for good measure.
        for (path, _) in try Self.walk().commands where !path.isEmpty && path != "help" {
            let help = try #require(Self.helpText(path))
            for entry in help.components(separatedBy: "\n  -") {
                #expect(entry.components(separatedBy: "(default").count <= 2, "\(path): \(entry)")
            }
        }
    }

    static func helpText(_ path: String) -> String? {
        var type: ParsableCommand.Type = AllianceCLI.self
        for word in path.split(separator: " ") {
            guard let next = type.configuration.subcommands.first(where: { $0.configuration.commandName == String(word) }) else { return nil }
            type = next
        }
        return AllianceCLI.helpMessage(for: type, columns: 100_000)
    }

    /// Figures written beside a command's result are `--plot FILE` everywhere; only the `plot` commands, whose result
    /// is the figure, name it `--out` like every command's main output (docs/cli.md).
    @Test func figureOptionsAreNamedPlot() throws {
        let entries = try Self.walk().entries
        let figureOptions = entries.filter { $0.abstract.range(of: "svg", options: .caseInsensitive) != nil && !$0.names.isEmpty }
        #expect(figureOptions.count >= 5)
        // meta writes two figures of different kinds, named by kind as DESIGN.md §5 and metafor (docs/cli.md).
        let namedByKind: Set<[String]> = [["forest"], ["funnel"]]
        for e in figureOptions where !(e.command == "meta" && namedByKind.contains(e.names)) {
            let expected = e.command.hasPrefix("plot") ? "out" : "plot"
            #expect(e.names == [expected], "\(e.command): \(e.names) \(e.abstract)")
        }
        #expect(Set(figureOptions.filter { $0.names == ["plot"] }.map(\.command)).isSuperset(of: ["fit", "correlate", "change"]))
    }

    // MARK: examples

    /// Column names the bundled data sets have, plus what `score` adds for every shipped instrument they carry.
    static func vocabulary() throws -> Set<String> {
        var names = Set<String>()
        for file in ["clinic.csv", "sessions.csv"] {
            let text = try String(contentsOf: repositoryRoot.appendingPathComponent("Datasets/\(file)"), encoding: .utf8)
            let header = text.prefix { $0 != "\n" && $0 != "\r" }
            names.formUnion(header.split(separator: ",").map(String.init))
        }
        for (file, instrument, prefix) in [("clinic.csv", "wai-sr", "wai_"), ("clinic.csv", "phq-9", "phq_"), ("clinic.csv", "gad-7", "gad_"),
                                           ("sessions.csv", "srs", "srs_")] {
            let data = repositoryRoot.appendingPathComponent("Datasets/\(file)").path
            let run = try runCommand(["score", data, "--instrument", instrument, "--prefix", prefix, "--format", "json"])
            let report = try #require(run.report, "score \(instrument): \(run.error?.message ?? "")")
            let json = try #require(try JSONSerialization.jsonObject(with: Data(report.json.prettyPrinted().utf8)) as? [String: Any])
            let columns = try #require(json["columns"] as? [String], "score's JSON lists its new columns")
            names.formUnion(columns)
        }
        return names
    }

    /// The text after each "e.g." up to the end of its clause (a `)`, `;` or sentence end outside quotes).
    static func examples(in text: String) -> [String] {
        var out: [String] = []
        var rest = Substring(text)
        while let start = rest.range(of: "e.g.") {
            var fragment = ""
            var quote: Character?
            for ch in rest[start.upperBound...] {
                if let q = quote {
                    if ch == q { quote = nil }
                } else if ch == "\"" || ch == "`" {
                    quote = ch
                } else if ch == ")" || ch == ";" || ch == "\n" {
                    break
                } else if ch == " ", fragment.hasSuffix(".") {
                    break
                }
                fragment.append(ch)
            }
            out.append(fragment.trimmingCharacters(in: .whitespaces))
            rest = rest[start.upperBound...]
        }
        return out
    }

    /// Names an example uses as columns: snake_case words (prefixes like `phq_` match a column that starts with
    /// them), the name before `=` in --levels/--ref/--label, and the variables of a quoted formula or condition.
    static func columnNames(in fragment: String) -> [String] {
        var names = words(fragment).filter { $0.word.contains("_") && $0.next != "(" }.map(\.word)
        for option in ["--levels ", "--ref ", "--label \""] {
            if let r = fragment.range(of: option), let eq = fragment[r.upperBound...].firstIndex(of: "=") {
                names.append(String(fragment[r.upperBound..<eq]))
            }
        }
        // The first quoted string, when it is a formula or a condition: its bare words (not functions, numbers or
        // 'quoted values') are columns.
        let quoted = fragment.split(separator: "\"", omittingEmptySubsequences: false)
        if quoted.count >= 3 {
            let expression = String(quoted[1])
            if expression.contains("~") || expression.contains("==") || expression.contains(">=") {
                let unquoted = expression.replacingOccurrences(of: "'[^']*'", with: "", options: .regularExpression)
                names += words(unquoted).filter { $0.word.first?.isLetter == true && $0.next != "(" }.map(\.word)
            }
        }
        return names
    }

    /// The words of `text` (letters, digits, `_`) with the character after each.
    static func words(_ text: String) -> [(word: String, next: Character?)] {
        let chars = Array(text)
        var out: [(String, Character?)] = []
        var i = 0
        func isWord(_ c: Character) -> Bool { c.isLetter || c.isNumber || c == "_" }
        while i < chars.count {
            guard isWord(chars[i]) else { i += 1; continue }
            var j = i
            while j < chars.count, isWord(chars[j]) { j += 1 }
            out.append((String(chars[i..<j]), j < chars.count ? chars[j] : nil))
            i = j
        }
        return out
    }

    @Test func helpExamplesNameColumnsTheBundledDataAndScoreHave() throws {
        let vocabulary = try Self.vocabulary()
        #expect(vocabulary.contains("wai_sr_total") && vocabulary.contains("phq_post"))
        var checked = 0
        for (path, text) in try Self.walk().commands {
            for fragment in Self.examples(in: text) {
                for name in Self.columnNames(in: fragment) {
                    checked += 1
                    let known = name.hasSuffix("_") ? vocabulary.contains { $0.hasPrefix(name) } : vocabulary.contains(name)
                    #expect(known, "\(path.isEmpty ? "alliance" : path): '\(name)' in the example \"\(fragment)\" is not a column of Datasets/ or of score's output")
                }
            }
        }
        #expect(checked >= 10)
        // The extraction itself: a wrong name is caught.
        #expect(Self.columnNames(in: "\"phq_post ~ wai_total + site\".") .contains("wai_total"))
        #expect(!vocabulary.contains("wai_total"))
    }

    /// Every "Example: alliance …" line in a command's help runs on the bundled data (score's first, since the others
    /// read its scored.csv), as a notebook would run it.
    @Test func helpExampleCommandsRunOnTheBundledData() throws {
        var lines: [String] = []
        for (_, text) in try Self.walk().commands {
            for line in text.components(separatedBy: "\n") where line.trimmingCharacters(in: .whitespaces).hasPrefix("Example: alliance ") {
                lines.append(String(line.trimmingCharacters(in: .whitespaces).dropFirst("Example: alliance ".count)))
            }
        }
        #expect(lines.count >= 3)
        let ordered = lines.filter { $0.hasPrefix("score ") } + lines.filter { !$0.hasPrefix("score ") }
        let out = try temporaryDirectory("help-examples")
        let context = RunContext(inputDirectory: Self.repositoryRoot.path, outputDirectory: out,
                                 standardOutput: { _ in }, standardError: { _ in })
        for line in ordered {
            let args = try CommandLineSplitter.split(line)
            let parsed = try AllianceCLI.parseAsRoot(args)
            let command = try #require(parsed as? any AllianceSubcommand, "\(line)")
            do {
                _ = try command.perform(in: context, printing: false)
            } catch let error as CLIError {
                Issue.record("alliance \(line): \(error.message)")
            }
        }
    }

    // MARK: man page and completions

    @Test func manPageCoversEveryCommandAndOption() throws {
        let page = try ManualPage.roff(fromDump: AllianceCLI._dumpHelp(), version: AllianceVersion.string)
        #expect(page.hasPrefix(".TH ALLIANCE 1 "))
        let (commands, entries) = try Self.walk()
        for (path, _) in commands where !path.isEmpty {
            #expect(page.contains(".SS alliance \(ManualPage.escape(path))"), "\(path)")
        }
        for e in entries where !e.names.isEmpty && !e.names.contains("help") && !e.names.contains("version") {
            let long = try #require(e.names.last)
            #expect(page.contains("\\fB\\-\\-\(ManualPage.escape(long))\\fR") || page.contains("\\fB\\-\(ManualPage.escape(long))\\fR"),
                    "\(e.command) \(long)")
        }
        #expect(!page.contains("generate\\-manual"))
        // No line a roff reader would take as a request by accident.
        for line in page.split(separator: "\n") where line.hasPrefix(".") || line.hasPrefix("'") {
            #expect(["TH", "SH", "SS", "PP", "TP", "B", "I"].contains(line.dropFirst().split(separator: " ").first.map(String.init) ?? ""),
                    "\(line)")
        }
    }

    @Test func completionScriptsNameEveryCommand() throws {
        let names = CommandGuidance.commandNames.filter { $0 != "help" }
        for shell in [CompletionShell.bash, .zsh, .fish] {
            let script = AllianceCLI.completionScript(for: shell)
            for name in names { #expect(script.contains(name), "\(shell): \(name)") }
            #expect(script.contains("formula") && script.contains("reverse") && script.contains("range"), "\(shell)")
        }
    }

    /// `make install-files` (what `make install` runs after the release build) lays out the binary, the man page and
    /// the three completion scripts under DESTDIR/PREFIX.
    @Test func makeInstallLaysOutManPageAndCompletions() throws {
        let binary = try #require(AllianceExecutable.path(), "alliance executable not found; build it (swift build)")
        let destination = try temporaryDirectory("install")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["make", "-s", "-C", Self.repositoryRoot.path, "install-files", "ALLIANCE=\(binary)", "DESTDIR=\(destination)",
                             "PREFIX=/opt/alliance"]
        process.standardOutput = FileHandle.nullDevice
        let stderr = Pipe()
        process.standardError = stderr
        try process.run()
        let errors = String(decoding: stderr.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "\(errors)")
        let root = (destination as NSString).appendingPathComponent("opt/alliance")
        for (file, marker) in [("bin/alliance", ""), ("share/man/man1/alliance.1", ".TH ALLIANCE 1"),
                               ("share/bash-completion/completions/alliance", "complete"),
                               ("share/zsh/site-functions/_alliance", "#compdef alliance"),
                               ("share/fish/vendor_completions.d/alliance.fish", "complete -c 'alliance'")] {
            let path = (root as NSString).appendingPathComponent(file)
            let data = try #require(FileManager.default.contents(atPath: path), "\(file) not installed")
            #expect(data.count > 1000, "\(file)")
            if !marker.isEmpty { #expect(String(decoding: data, as: UTF8.self).contains(marker), "\(file)") }
        }
        #expect(FileManager.default.isExecutableFile(atPath: (root as NSString).appendingPathComponent("bin/alliance")))
    }
}
