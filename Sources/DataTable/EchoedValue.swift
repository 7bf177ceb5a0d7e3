/// Whether a cell's text may be quoted in a message or a table (docs/privacy.md, "Values in messages").
///
/// A stray text value in a number column is what a researcher needs to see when it is a decimal comma, an NA
/// spelling or a unit ('12,5', 'n/a', '12 kg'), but it can as well be a name, a date of birth or a telephone number
/// the identifier guard did not catch ('john smith'). So a value is quoted only when it is short and has the shape
/// of a code; anything else is described by its length, with the row and column that locate it.
public enum EchoedValue {
    /// `'VALUE'` when the value may be quoted, else `a text value of K characters`.
    public static func phrase(_ value: String) -> String {
        isQuotable(value) ? "'\(value)'" : "a text value of \(value.count) character\(value.count == 1 ? "" : "s")"
    }

    /// Short code-like text: an NA spelling, answer word or number word from a fixed list, up to three punctuation marks, or a
    /// number of at most 6 digits written with a decimal comma, thousands separators (two different ones at most),
    /// a comparison sign, an exponent or a unit from a fixed list ('<5', '1.234,5', '12 kg', '-99 missing', '2-3').
    /// Dates, telephone, NHS and record numbers have more digits or repeat a separator; names have capitals or no
    /// digits, so none of them is quoted.
    public static func isQuotable(_ value: String) -> Bool {
        guard !value.isEmpty, value.count <= 16 else { return false }
        if codeWords.contains(value.lowercased()) { return true }
        if value.count <= 3, value.allSatisfy({ "-.?*/_#~".contains($0) }) { return true }
        return isNumberLike(Array(value))
    }

    private static let codeWords: Set<String> = [
        "na", "n/a", "n.a.", "n.a", "#n/a", "nan", "null", "nil", "none", "missing", "unknown", "unk", "not known",
        "nk", "dk", "don't know", "refused", "declined", "nr", "n.r.", "n.r", "n/r", "not recorded", "not applicable",
        "not asked", "n.k.", "tbc", "inf", "-inf", "+inf", "infinity", "-infinity", "yes", "no", "y", "n", "true",
        "false", "low", "medium", "high", "none given", "blank", "empty",
        // A number written as a word ('fifteen' among PHQ-9 totals) is what the researcher must find and fix.
        "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve",
        "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen", "twenty", "thirty", "forty",
        "fifty", "sixty", "seventy", "eighty", "ninety", "hundred",
    ]

    /// Units and words written after a number in a cell; a word outside the list (a surname after a house number) is
    /// not quoted.
    private static let units: Set<String> = [
        "kg", "g", "mg", "mcg", "lb", "lbs", "st", "cm", "mm", "m", "in", "ft", "mmhg", "bpm", "ml", "l", "mg/dl",
        "mmol/l", "kg/m2", "y", "yr", "yrs", "years", "mo", "months", "wk", "wks", "weeks", "d", "days", "h", "hr",
        "hrs", "hours", "min", "mins", "s", "sec", "x", "pts", "points", "sessions", "missing", "na", "n/a", "approx",
    ]

    private static func isNumberLike(_ c: [Character]) -> Bool {
        var i = 0
        while i < c.count, i < 2, "<>≤≥~+-=".contains(c[i]) { i += 1 }
        var digits = 0, separators: [Character] = [], dashes = 0
        var lastWasDigit = false
        while i < c.count {
            let ch = c[i]
            if ch.isASCII, ch.isNumber {
                digits += 1; lastWasDigit = true; i += 1
            } else if ".,' ".contains(ch), i + 1 < c.count, c[i + 1].isASCII, c[i + 1].isNumber, lastWasDigit || (digits == 0 && ch != " ") {
                separators.append(ch); lastWasDigit = false; i += 1
            } else if ch == "-", lastWasDigit, i + 1 < c.count, c[i + 1].isASCII, c[i + 1].isNumber {
                dashes += 1; lastWasDigit = false; i += 1
            } else {
                break
            }
        }
        guard digits >= 1, digits <= 6, separators.count <= 2, dashes <= 1 else { return false }
        if separators.count == 2, separators[0] == separators[1] { return false }
        if dashes == 1, digits > 4 || !separators.isEmpty { return false }
        // An exponent, then an optional space and a unit.
        if i < c.count, c[i] == "e" || c[i] == "E" {
            var j = i + 1
            if j < c.count, c[j] == "+" || c[j] == "-" { j += 1 }
            let start = j
            while j < c.count, c[j].isASCII, c[j].isNumber { j += 1 }
            if j > start, j - start <= 3 { i = j }
        }
        if i == c.count { return true }
        if c[i] == " " { i += 1 }
        let unit = String(c[i...])
        return unit == "%" || units.contains(unit.lowercased())
    }
}
