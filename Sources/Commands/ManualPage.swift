import Foundation

/// alliance(1) in roff (man(7) macros), generated from the argument parser's own description of every command
/// (`--experimental-dump-help`, ArgumentParser's ToolInfo JSON), so the page lists exactly the commands, options,
/// defaults and help texts the binary has. ArgumentParser's generate-manual plugin does the same but builds a second
/// tool through SwiftPM's plugin machinery; this page needs only the binary `make install` installs.
enum ManualPage {
    struct MalformedHelp: Error, CustomStringConvertible {
        var description: String { "the argument parser's help dump could not be read" }
    }

    /// The page for the ToolInfo JSON `dump` (from `AllianceCLI._dumpHelp()`).
    static func roff(fromDump dump: String, version: String) throws -> String {
        guard let object = try? JSONSerialization.jsonObject(with: Data(dump.utf8)) as? [String: Any],
              let root = object["command"] as? [String: Any] else { throw MalformedHelp() }
        let name = root["commandName"] as? String ?? "alliance"
        var out: [String] = [
            ".TH \(name.uppercased()) 1 \"\" \"\(name) \(version)\" \"User Commands\"",
            ".SH NAME",
            "\(name) \\- \(escape(root["abstract"] as? String ?? ""))",
            ".SH SYNOPSIS",
            ".B \(name)",
            ".I command",
            "[\\fIoptions\\fR]",
            ".SH DESCRIPTION",
            escape("Every command reads a data file (CSV, or SPSS, Stata and SAS files by extension) and writes a report "
                   + "as text, JSON, CSV, Markdown, LaTeX or HTML (--format, or --out's extension). "
                   + "`\(name) help COMMAND` prints one command's help; this page collects them all."),
        ]
        out += options(of: root)
        out.append(".SH COMMANDS")
        for sub in visibleSubcommands(of: root) { out += section(sub, path: [name]) }
        out += [
            ".SH EXIT STATUS",
            "Statuses follow sysexits(3):",
            ".TP", "0", "success.",
            ".TP", "64", "a usage error: an unknown command or option, a bad value, a misspelt column.",
            ".TP", "65", "a data error: malformed input, identifiers found, a model that cannot be fitted.",
            ".TP", "66", "an input file is missing or unreadable.",
            ".TP", "70", "an internal error (please report it).",
            ".TP", "73, 74", "an output file cannot be created or written.",
            ".SH FILES",
            escape("Datasets/clinic.csv and Datasets/sessions.csv in the source tree are simulated data sets that every "
                   + "example in this page runs on (docs/cli.md)."),
            ".SH SEE ALSO",
            escape("The docs/ folder of the source tree: docs/cli.md (commands, option names, completions), docs/models.md, "
                   + "docs/reliability.md, docs/scoring-keys.md, docs/reproducibility.md."),
        ]
        return out.joined(separator: "\n") + "\n"
    }

    private static func visibleSubcommands(of command: [String: Any]) -> [[String: Any]] {
        (command["subcommands"] as? [[String: Any]] ?? []).filter { $0["shouldDisplay"] as? Bool ?? true }
    }

    /// One command: `.SS alliance fit`, its abstract and discussion, its arguments and options; then its subcommands.
    private static func section(_ command: [String: Any], path: [String]) -> [String] {
        let name = command["commandName"] as? String ?? ""
        let full = path + [name]
        var out = [".SS \(escape(full.joined(separator: " ")))"]
        if let abstract = command["abstract"] as? String, !abstract.isEmpty { out += [".PP", escape(abstract)] }
        if let discussion = command["discussion"] as? String, !discussion.isEmpty {
            for paragraph in discussion.components(separatedBy: "\n") where !paragraph.trimmingCharacters(in: .whitespaces).isEmpty {
                out += [".PP", escape(paragraph.trimmingCharacters(in: .whitespaces))]
            }
        }
        out += options(of: command)
        for sub in visibleSubcommands(of: command) { out += section(sub, path: full) }
        return out
    }

    /// `.TP` entries for the positional arguments, options and flags a user sees (help and version excluded).
    private static func options(of command: [String: Any]) -> [String] {
        var out: [String] = []
        for argument in command["arguments"] as? [[String: Any]] ?? [] where argument["shouldDisplay"] as? Bool ?? true {
            let kind = argument["kind"] as? String ?? ""
            let valueName = argument["valueName"] as? String ?? ""
            let names = (argument["names"] as? [[String: Any]] ?? []).compactMap { n -> String? in
                guard let text = n["name"] as? String else { return nil }
                switch n["kind"] as? String {
                case "short": return "-\(text)"
                case "longWithSingleDash": return "-\(text)"
                default: return "--\(text)"
                }
            }
            if names.contains("--help") || names.contains("--version") { continue }
            var term: String
            switch kind {
            case "positional": term = "\\fI\(escape(valueName))\\fR"
            case "flag": term = names.map { "\\fB\(escape($0))\\fR" }.joined(separator: ", ")
            default: term = names.map { "\\fB\(escape($0))\\fR \\fI\(escape(valueName))\\fR" }.joined(separator: ", ")
            }
            if argument["isRepeating"] as? Bool == true { term += " ..." }
            var text = argument["abstract"] as? String ?? ""
            if let discussion = argument["discussion"] as? String, !discussion.isEmpty { text += " " + discussion }
            if let value = argument["defaultValue"] as? String, !value.isEmpty, kind != "flag" { text += " (default: \(value))" }
            out += [".TP", term, escape(text)]
        }
        return out
    }

    /// Backslashes doubled and a leading `.` or `'` protected, so help text never reads as a roff request.
    static func escape(_ text: String) -> String {
        var s = text.replacingOccurrences(of: "\\", with: "\\e").replacingOccurrences(of: "-", with: "\\-")
        if s.hasPrefix(".") || s.hasPrefix("'") { s = "\\&" + s }
        return s
    }
}
