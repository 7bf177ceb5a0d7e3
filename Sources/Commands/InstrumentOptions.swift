import ArgumentParser
import DataTable
import Foundation
import Measures

/// `--instrument ID`, `--key FILE`, `--prefix P` and `--items a,b,…`: which scoring key applies and which
/// columns hold its items. Shared by `score`, `reliability` and `change`.
struct InstrumentSelection {
    var instrument: String?
    var keyFile: String?

    /// The scoring key, or nil when neither `--instrument` nor `--key` was given.
    /// Errors: 64 for an unknown id or a key whose id contradicts `--instrument`; 66 for an unreadable key
    /// file; 65 for a malformed key.
    func key(in context: RunContext) throws -> ScoringKey? {
        if let keyFile {
            let (path, bytes) = try context.readSideInput(keyFile)
            let key: ScoringKey
            do { key = try ScoringKey.decode(Data(bytes), origin: path) } catch {
                throw CLIError.data(error.description)
            }
            if let instrument, instrument.lowercased() != key.id.lowercased() {
                throw CLIError.usage("--instrument '\(instrument)' does not match the id '\(key.id)' of the key in \(path); give one or the other")
            }
            return key
        }
        guard let instrument else { return nil }
        do { return try ScoringKey.builtin(instrument) } catch {
            throw CLIError.usage(error.description)
        }
    }
}

/// Splits `--items a,b,…` (or `--vars`-style lists) into trimmed, non-empty names.
func columnList(_ text: String) -> [String] {
    text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
}

/// The item columns of `key` in `table`: from `--items`, from `--prefix`, or, with neither, from the first
/// complete set among the usual prefixes (`phq_9_`, `phq-9_`, `phq_` … for `phq-9`), so that
/// `--instrument phq-9` finds `phq_1…phq_9` without more flags.
func itemColumns(for key: ScoringKey, prefix: String?, items: String?, in table: Table,
                 file: String) throws -> [String] {
    switch (prefix, items) {
    case (.some, .some):
        throw CLIError.usage("give --prefix or --items, not both")
    case (_, .some(let list)):
        let names = columnList(list)
        do { try checkItems(names, for: key, in: table) } catch { throw commandError(error, file: file, table: table) }
        return names
    case (.some(let p), nil):
        do { return try resolveItems(prefix: p, count: key.items, in: table) } catch {
            throw commandError(error, file: file, table: table)
        }
    case (nil, nil):
        for candidate in defaultPrefixes(for: key) {
            if let found = try? resolveItems(prefix: candidate, count: key.items, in: table) { return found }
        }
        let tried = defaultPrefixes(for: key).map { "'\($0)'" }.joined(separator: ", ")
        throw CLIError.usage("\(file): no complete set of \(key.items) \(key.id) item columns under the prefixes \(tried); "
            + "pass --prefix P (columns P1… or P_1…) or --items a,b,…")
    }
}

func defaultPrefixes(for key: ScoringKey) -> [String] {
    var candidates = [key.columnStem, key.id]
    if let head = key.columnStem.split(separator: "_").first.map(String.init) { candidates.append(head) }
    var seen = Set<String>()
    return candidates.filter { !$0.isEmpty && seen.insert($0).inserted }
}

/// Maps the Measures library's scoring errors to exit statuses: bad flags are usage errors (64); values
/// or columns the data cannot supply are data errors (65). A text item column of `table` is pointed at its first value
/// that is not a number (a decimal comma, `n/a`).
func commandError(_ error: ScoringError, file: String, table: Table) -> CLIError {
    switch error {
    case .nonNumericItem(let name):
        guard let column = table.column(named: name) else { return CLIError.data("\(file): \(error.description)") }
        return CLIError.data("\(file): " + column.notNumeric("item column '\(name)'", "item responses must be numbers"))
    case .outOfRange, .outputColumnExists:
        return CLIError.data("\(file): \(error.description)")
    case .wrongItemCount, .duplicateItem, .unknownColumn, .itemsNotFound, .ambiguousPrefix:
        return CLIError.usage("\(file): \(error.description)")
    }
}

/// `--invalid error|missing`.
func invalidPolicy(_ text: String) throws -> InvalidValuePolicy {
    switch text.lowercased() {
    case "error": return .error
    case "missing": return .missing
    default: throw CLIError.usage("unknown --invalid '\(text)'; use error or missing")
    }
}
