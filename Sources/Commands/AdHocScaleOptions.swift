import ArgumentParser
import Foundation
import Measures

/// `--reverse a,b --range 1-7`: an ad-hoc scale's reverse-keyed items and item range, for `reliability` and `score`
/// with `--items` and no key file. The range is required for reversal (min + max − x), never guessed from the data:
/// a range read off the observed values would reverse a scale whose top answer nobody gave onto the wrong numbers.
struct AdHocScaleOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Without a key: reverse-keyed items among --items, comma-separated, reversed as min + max - x on --range.", valueName: "a,b,..."))
    var reverse: String?

    // Unconditional, so a negative minimum (`--range -3-3`) is read as the value rather than as an option.
    @Option(name: .long, parsing: .unconditional, help: ArgumentHelp("Without a key: the items' possible range, e.g. 1-7 (needed with --reverse); values outside it stop the run unless --invalid missing.", valueName: "min-max"))
    var range: String?

    var isGiven: Bool { reverse != nil || range != nil }

    /// The ad-hoc key for `items`, or a usage error naming what is missing. Call only without --instrument/--key.
    func key(id: String, items: [String], total: TotalRule = .sum) throws -> ScoringKey {
        let reversed = columnList(reverse ?? "")
        if reverse != nil, reversed.isEmpty { throw CLIError.usage("--reverse needs item names, e.g. --reverse wai_3,wai_7") }
        let itemRange = try range.map(Self.parseRange)
        if !reversed.isEmpty, itemRange == nil {
            throw CLIError.usage("--reverse needs --range MIN-MAX (e.g. --range 1-7): reversal is min + max - x, and the range is not guessed from the data")
        }
        do {
            return try ScoringKey.adHoc(id: id, items: items, range: itemRange, reverse: reversed, total: total)
        } catch {
            throw CLIError.usage(error.description)
        }
    }

    /// `1-7`, `0-4`, `-3-3`, `0.5-5.5`: two numbers joined by `-`.
    static func parseRange(_ text: String) throws -> ScoringKey.ItemRange {
        let bad = CLIError.usage("--range takes MIN-MAX, e.g. --range 1-7 (got '\(text)')")
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        // The separator is a '-' that follows a digit or '.', so a leading minus sign belongs to the minimum.
        let chars = Array(trimmed)
        guard let cut = chars.indices.dropFirst().first(where: { chars[$0] == "-" && (chars[$0 - 1].isNumber || chars[$0 - 1] == ".") }),
              let lo = Double(String(chars[..<cut])), let hi = Double(String(chars[(cut + 1)...])) else { throw bad }
        guard lo.isFinite, hi.isFinite, lo < hi else {
            throw CLIError.usage("--range \(text): the minimum must be below the maximum, e.g. --range 1-7")
        }
        return ScoringKey.ItemRange(min: lo, max: hi)
    }
}
