import Models

extension LoadedData {
    /// Warns about -99, 999 and the other common missing-value codes left in the numeric columns a command reads
    /// without a model frame (which runs the same scan for `fit`): a code left in the data is analysed as a value.
    func warnSuspectedMissingCodes(_ columns: [String?], in context: RunContext) {
        for text in MissingCodeWarnings.warnings(table: table, columns: columns.compactMap { $0 }) {
            context.warn("\(path): \(text)")
        }
    }
}
