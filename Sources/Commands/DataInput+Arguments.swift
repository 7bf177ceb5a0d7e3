import DataTable

/// The options a fit read its data with, as command-line arguments, so that `compare` can read the same file the
/// same way again (the `call` a saved lmm fit records, like the call R's refitML re-evaluates).
extension DataInput {
    /// The reading options after the file, in the order `--help` lists them; empty when all are defaults.
    var readingArguments: [String] {
        var arguments: [String] = []
        for token in missingTokens { arguments += ["--na", token] }
        if let missingTokensOnly { arguments += ["--na-only", missingTokensOnly] }
        if let delimiter { arguments += ["--delimiter", delimiter] }
        if let decimal { arguments += ["--decimal", decimal] }
        if let encoding { arguments += ["--encoding", encoding] }
        for order in levelOrders { arguments += ["--levels", order] }
        for column in allowColumns { arguments += ["--allow-column", column] }
        if codes { arguments.append("--codes") }
        return arguments
    }
}

extension DataInput {
    /// The reading choices that change the values read, written canonically (tokens sorted, `point` as `.`) so that
    /// `--na -99,999` and `--na 999 --na -99` read alike; a fit records them and `compare` refuses fits of one file
    /// read two ways (the same row count can hide different rows: -99 dropped in one fit, kept as a value in the other).
    var valueReadingChoices: [String] {
        var choices: [String] = []
        if !missingTokens.isEmpty || missingTokensOnly != nil {
            let (tokens, perColumn) = Self.missingTokenOptions(na: missingTokens, naOnly: missingTokensOnly)
            if Set(tokens) != Set(CSVOptions.defaultMissingTokens) {
                choices.append("missing: " + Set(tokens).sorted().map { "\"\($0)\"" }.joined(separator: ","))
            }
            for column in perColumn.keys.sorted() {
                let codes = Set(perColumn[column] ?? []).sorted().map { "\"\($0)\"" }.joined(separator: ",")
                choices.append("missing in \(column): \(codes)")
            }
        }
        if let decimal {
            choices.append("decimal mark: " + (Self.decimalMark(named: decimal).map { String(UnicodeScalar($0)) } ?? decimal))
        }
        if codes { choices.append("value-label codes") }
        return choices
    }
}
