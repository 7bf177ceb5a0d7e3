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
