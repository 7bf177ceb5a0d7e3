import ArgumentParser
import Foundation
import Models

/// Mistakes ArgumentParser reports tersely, caught before parsing with a message that says what to type instead:
/// a misspelt subcommand (`alliance corelate` → did you mean `correlate`?) and `fit` without its model kind. Both
/// are usage errors (exit 64), in the shell and in notebooks alike.
enum CommandGuidance {
    /// The model kinds `fit` takes, in the order its help lists them.
    static var fitKinds: [String] { FitCommand.modelKinds }

    /// The names suggested after `alliance` (shown subcommands and ArgumentParser's `help`).
    static var commandNames: [String] {
        AllianceCLI.configuration.subcommands.filter { $0.configuration.shouldDisplay }
            .compactMap { $0.configuration.commandName } + ["help"]
    }

    /// Every name ArgumentParser accepts there, hidden ones (`generate-manual`) included.
    static var acceptedNames: [String] {
        AllianceCLI.configuration.subcommands.compactMap { $0.configuration.commandName } + ["help"]
    }

    /// A usage error for `arguments` (everything after `alliance`), or nil to let ArgumentParser parse them.
    static func problem(with arguments: [String]) -> CLIError? {
        guard let first = arguments.first, !first.hasPrefix("-") else { return nil }
        let names = commandNames
        guard acceptedNames.contains(first) else {
            let listed = names.filter { $0 != "help" }.joined(separator: ", ")
            let nearest = closest(to: first, among: names.filter { $0 != "help" })
            let hint = nearest.map { "; did you mean `\($0)`?" } ?? ""
            return .usage("unknown command '\(first)'\(hint) (commands: \(listed); `alliance help COMMAND` explains one)")
        }
        if first == "fit" { return fitProblem(Array(arguments.dropFirst())) }
        return nil
    }

    /// `alliance fit` alone, or with a data file where the kind belongs. An unknown word in the kind's place is left to
    /// `fit` itself, which names the kinds it knows.
    private static func fitProblem(_ rest: [String]) -> CLIError? {
        let kinds = fitKinds.joined(separator: ", ")
        let example = "e.g. alliance fit ols Datasets/clinic.csv --formula \"phq_post ~ phq_pre + homework\""
        guard let next = rest.first else {
            return .usage("fit needs a model kind: \(kinds) (\(example); `alliance fit --help` for the options)")
        }
        if next.hasPrefix("-") || fitKinds.contains(next.lowercased()) { return nil }
        if looksLikeDataFile(next) {
            return .usage("fit needs the model kind before the data file '\(next)': one of \(kinds) (\(example))")
        }
        return nil
    }

    private static func looksLikeDataFile(_ word: String) -> Bool {
        let ext = (word as NSString).pathExtension.lowercased()
        return word == "-" || word.contains("/") || ["csv", "tsv", "txt", "sav", "zsav", "por", "dta", "sas7bdat", "xpt"].contains(ext)
            || FileManager.default.fileExists(atPath: word)
    }

    /// The candidate nearest to `word` by edit distance, when it is close enough to be a slip (at most a third of
    /// the word's letters, and at least 1) or `word` is a prefix of exactly one candidate.
    static func closest(to word: String, among candidates: [String]) -> String? {
        let w = Array(word.lowercased())
        let prefixed = candidates.filter { $0.hasPrefix(word.lowercased()) }
        if word.count >= 2, prefixed.count == 1 { return prefixed[0] }
        let scored = candidates.map { ($0, editDistance(w, Array($0))) }.sorted { $0.1 != $1.1 ? $0.1 < $1.1 : $0.0 < $1.0 }
        guard let best = scored.first, best.1 <= max(1, w.count / 3) else { return nil }
        // Two equally close commands: no guess.
        if scored.count > 1, scored[1].1 == best.1 { return nil }
        return best.0
    }

    /// Levenshtein distance with transpositions counted once (a swapped pair of letters is one slip).
    static func editDistance(_ a: [Character], _ b: [Character]) -> Int {
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var d = [[Int]](repeating: [Int](repeating: 0, count: b.count + 1), count: a.count + 1)
        for i in 0...a.count { d[i][0] = i }
        for j in 0...b.count { d[0][j] = j }
        for i in 1...a.count {
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] { d[i][j] = min(d[i][j], d[i - 2][j - 2] + 1) }
            }
        }
        return d[a.count][b.count]
    }
}

extension AllianceCLI {
    /// The entry point (`AllianceCLI.main()` in the executable): guidance first, then ArgumentParser's own `main`, with
    /// an option's negative number joined to it (`normalizedArguments`).
    public static func main() {
        let arguments = normalizedArguments(Array(CommandLine.arguments.dropFirst()))
        if let problem = CommandGuidance.problem(with: arguments) {
            FileHandle.standardError.write(Data(RunContext.shownMessage("error: \(problem.message)\n").utf8))
            Self.exit(withError: ExitCode(problem.exitCode))
        }
        main(arguments)
    }
}
