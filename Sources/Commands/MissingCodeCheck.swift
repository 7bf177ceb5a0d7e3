import Models

extension LoadedData {
    /// Warns about -99, 999 and the other common missing-value codes left in the numeric columns a command reads
    /// without a model frame (which runs the same scan for `fit`): a code left in the data is analysed as a value.
    func warnSuspectedMissingCodes(_ columns: [String?], in context: RunContext) {
        for text in MissingCodeWarnings.warnings(table: table, columns: columns.compactMap { $0 }) {
            context.warn("\(path): \(text)")
        }
    }

    /// Warns when an id column (client, group) is read as numbers and some of its values were written with leading
    /// zeros: 007 and 7 are then one id — two clients merge in a data step's groups without a word — and the output
    /// writes 7. Uses the count the reader keeps for the privacy guard.
    func warnLeadingZeroIDs(_ column: String, in context: RunContext) {
        guard let ids = table.column(named: column)?.numeric, ids.leadingZeroCount > 0 else { return }
        let n = ids.leadingZeroCount
        context.warn("\(path): '\(column)' is read as numbers, and \(n) of its values \(n == 1 ? "is" : "are") written with leading zeros: "
            + "007 and 7 are then one \(column), and the output writes 7; if the ids are codes, give them a letter (C007) so they "
            + "are read as text")
    }
}
