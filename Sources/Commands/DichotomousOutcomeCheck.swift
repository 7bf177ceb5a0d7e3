import DataTable

extension LoadedData {
    /// `mediate` and `moderate` fit every equation by OLS. PROCESS fits a Y with two values by logistic regression
    /// (effects in log-odds), so with a 0/1 outcome such as dropout the two disagree; the OLS numbers are kept (the
    /// documented model) and this warning says what they are.
    func warnDichotomousOutcome(_ y: String, command: String, in context: RunContext) {
        guard let column = table.column(named: y)?.numeric else { return }
        var seen: [Double] = []
        for (value, missing) in zip(column.values, column.missing) where !missing && !seen.contains(value) {
            seen.append(value)
            if seen.count > 2 { return }
        }
        guard seen.count == 2 else { return }
        let pair = seen.sorted().map { $0.rounded() == $0 && abs($0) < 1e15 ? String(Int($0)) : String($0) }
        context.warn("\(path): the outcome Y '\(y)' takes only two values (\(pair[0]) and \(pair[1])): \(command) fits it by OLS, "
                     + "a linear probability model, so its paths and effects are differences in probability; PROCESS fits a "
                     + "dichotomous Y by logistic regression (log-odds), so its numbers differ. For the log-odds scale of the "
                     + "Y equation, fit it with `alliance fit logit`")
    }
}
