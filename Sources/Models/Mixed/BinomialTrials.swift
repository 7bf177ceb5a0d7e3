/// `cbind(successes, failures) ~ …`, glmer's binomial outcome with trials, read without changing the formula
/// grammar: the formula is parsed twice with the other parts blanked out (so error carets still point into the
/// text as written): once with the successes as the outcome, once with the failures.
struct BinomialTrials {
    /// The formula with the successes as its outcome (the whole formula when there is no cbind).
    let formula: Formula
    /// The formula with the failures as its outcome; nil without cbind.
    let failureFormula: Formula?
    /// The failures as written, e.g. `size - incidence`.
    let failures: String?
    /// The outcome as written: `cbind(incidence, size - incidence)` or the plain outcome.
    let outcomeLabel: String

    init(formula text: String, dataColumns: [String]?) throws(ModelError) {
        guard let split = Self.split(text) else {
            do { formula = try Formula(text, dataColumns: dataColumns) } catch { throw .formula(error) }
            failureFormula = nil
            failures = nil
            outcomeLabel = formula.outcome.label
            return
        }
        let chars = Array(text)
        func blanked(keeping ranges: [Range<Int>]) -> String {
            String(chars.enumerated().map { i, c in ranges.contains { $0.contains(i) } ? c : " " })
        }
        let rest = split.tilde..<chars.count
        do {
            formula = try Formula(blanked(keeping: [split.successes, rest]), dataColumns: dataColumns)
            failureFormula = try Formula(blanked(keeping: [split.failures, rest]), dataColumns: dataColumns)
        } catch {
            throw .formula(FormulaError(formula: text, offset: error.offset, length: error.length, message: error.message))
        }
        failures = String(chars[split.failures]).trimmingSpaces
        outcomeLabel = "cbind(\(String(chars[split.successes]).trimmingSpaces), \(failures ?? ""))"
    }

    /// Character ranges of the two arguments of a leading cbind( , ) and of the '~', or nil when the outcome is not cbind.
    static func split(_ text: String) -> (successes: Range<Int>, failures: Range<Int>, tilde: Int)? {
        let chars = Array(text)
        var i = 0
        while i < chars.count && chars[i] == " " { i += 1 }
        let name = Array("cbind")
        guard i + name.count < chars.count, Array(chars[i..<(i + name.count)]) == name else { return nil }
        var j = i + name.count
        while j < chars.count && chars[j] == " " { j += 1 }
        guard j < chars.count, chars[j] == "(" else { return nil }
        var depth = 0
        var comma: Int? = nil
        var close: Int? = nil
        var k = j
        while k < chars.count {
            switch chars[k] {
            case "(": depth += 1
            case ")":
                depth -= 1
                if depth == 0 { close = k }
            case "," where depth == 1 && comma == nil: comma = k
            default: break
            }
            if close != nil { break }
            k += 1
        }
        guard let comma, let close else { return nil }
        var t = close + 1
        while t < chars.count && chars[t] == " " { t += 1 }
        guard t < chars.count, chars[t] == "~" else { return nil }
        return ((j + 1)..<comma, (comma + 1)..<close, t)
    }
}

private extension String {
    var trimmingSpaces: String {
        var s = Substring(self)
        while s.first == " " { s = s.dropFirst() }
        while s.last == " " { s = s.dropLast() }
        return String(s)
    }
}
