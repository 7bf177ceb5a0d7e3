/// Lexical tokens of the formula language.
enum FormulaTokenKind: Equatable, Sendable {
    case name(String)          // bare or backtick-quoted identifier
    case number(String)        // numeric literal, kept as written
    case string(String)        // "text" or 'text' (only ever an argument, e.g. of relevel(), which is refused by name)
    case tilde, plus, minus, star, slash, caret, colon, bar, comma, equals
    case leftParen, rightParen
    /// Data-step comparisons (`==`, `!=`, `<`, `<=`, `>`, `>=`) and logic (`&`, `!`); only in `--filter`.
    case comparison(String)
    case ampersand, bang
    case end
}

struct FormulaToken: Equatable, Sendable {
    let kind: FormulaTokenKind
    /// Character offset of the token's first character in the formula.
    let offset: Int
    /// Length in characters, including backticks for quoted names.
    let length: Int
    /// True for backtick-quoted names, which never denote a function or keyword.
    let quoted: Bool

    var text: String {
        switch kind {
        case .name(let s): return quoted ? "`\(s)`" : s
        case .number(let s): return s
        case .string(let s): return "\"\(s)\""
        case .tilde: return "~"
        case .plus: return "+"
        case .minus: return "-"
        case .star: return "*"
        case .slash: return "/"
        case .caret: return "^"
        case .colon: return ":"
        case .bar: return "|"
        case .comma: return ","
        case .equals: return "="
        case .leftParen: return "("
        case .rightParen: return ")"
        case .comparison(let op): return op
        case .ampersand: return "&"
        case .bang: return "!"
        case .end: return "end of formula"
        }
    }
}

/// Splits a formula into tokens with character offsets. R's name rules: letters, digits, `.` and `_`,
/// not starting with a digit; anything else goes in backticks.
enum FormulaLexer {
    /// `comparisons`: also read `== != < <= > >= & && ! ||` (data-step conditions; formulas have none).
    static func tokenize(_ formula: String, comparisons: Bool = false) throws(FormulaError) -> [FormulaToken] {
        let chars = Array(formula)
        var tokens: [FormulaToken] = []
        var i = 0
        func isNameStart(_ c: Character) -> Bool { c.isLetter || c == "." || c == "_" }
        func isNameChar(_ c: Character) -> Bool { c.isLetter || c.isNumber || c == "." || c == "_" }
        while i < chars.count {
            let c = chars[i]
            if c.isWhitespace { i += 1; continue }
            // `||` is lme4's uncorrelated bar in a formula, read below; every other operator here is a condition's.
            if let (kind, length) = comparisonToken(chars, at: i), comparisons || kind != .bar {
                guard comparisons else {
                    // R users write I(phq_post < 10); a model formula here reads no conditions, so say where they go.
                    throw FormulaError(formula: formula, offset: i, length: length,
                                       message: "a model formula does not read comparisons or logical operators ('\(String(chars[i..<(i + length)]))'); "
                                           + "make the 0/1 column first, as in alliance transform --compute \"remitted = phq_post < 10\" "
                                           + "(R's as.integer(phq_post < 10)), then use it in the formula")
                }
                tokens.append(FormulaToken(kind: kind, offset: i, length: length, quoted: false))
                i += length
                continue
            }
            let single: FormulaTokenKind? = switch c {
            case "~": .tilde
            case "+": .plus
            case "-": .minus
            case "*": .star
            case "/": .slash
            case "^": .caret
            case ":": .colon
            case "|": .bar
            case ",": .comma
            case "=": .equals
            case "(": .leftParen
            case ")": .rightParen
            default: nil
            }
            if let kind = single {
                tokens.append(FormulaToken(kind: kind, offset: i, length: 1, quoted: false))
                i += 1
                continue
            }
            if c == "`" {
                var j = i + 1
                while j < chars.count && chars[j] != "`" { j += 1 }
                guard j < chars.count else {
                    throw FormulaError(formula: formula, offset: i, message: "unterminated backtick-quoted name")
                }
                guard j > i + 1 else {
                    throw FormulaError(formula: formula, offset: i, length: 2, message: "empty backtick-quoted name")
                }
                tokens.append(FormulaToken(kind: .name(String(chars[(i + 1)..<j])), offset: i, length: j - i + 1, quoted: true))
                i = j + 1
                continue
            }
            if c == "\"" || c == "'" {
                var j = i + 1
                while j < chars.count && chars[j] != c { j += 1 }
                guard j < chars.count else {
                    throw FormulaError(formula: formula, offset: i, message: "unterminated quoted text; quote column names containing \(c) in backticks")
                }
                tokens.append(FormulaToken(kind: .string(String(chars[(i + 1)..<j])), offset: i, length: j - i + 1, quoted: true))
                i = j + 1
                continue
            }
            if c.isNumber || (c == "." && i + 1 < chars.count && chars[i + 1].isNumber) {
                var j = i
                while j < chars.count && (chars[j].isNumber || chars[j] == ".") { j += 1 }
                if j < chars.count && (chars[j] == "e" || chars[j] == "E") {
                    var k = j + 1
                    if k < chars.count && (chars[k] == "+" || chars[k] == "-") { k += 1 }
                    if k < chars.count && chars[k].isNumber {
                        while k < chars.count && chars[k].isNumber { k += 1 }
                        j = k
                    }
                }
                let text = String(chars[i..<j])
                guard Double(text) != nil else {
                    throw FormulaError(formula: formula, offset: i, length: j - i, message: "malformed number '\(text)'")
                }
                tokens.append(FormulaToken(kind: .number(text), offset: i, length: j - i, quoted: false))
                i = j
                continue
            }
            if isNameStart(c) {
                var j = i
                while j < chars.count && isNameChar(chars[j]) { j += 1 }
                tokens.append(FormulaToken(kind: .name(String(chars[i..<j])), offset: i, length: j - i, quoted: false))
                i = j
                continue
            }
            throw FormulaError(formula: formula, offset: i,
                               message: "unexpected character '\(c)'; quote column names containing it in backticks")
        }
        tokens.append(FormulaToken(kind: .end, offset: chars.count, length: 1, quoted: false))
        return tokens
    }

    /// A comparison or logical operator at `i`, longest match first (`<=` before `<`); `||` and `&&` read as
    /// `|` and `&`, as R's scalar forms give the same answer row by row.
    private static func comparisonToken(_ chars: [Character], at i: Int) -> (FormulaTokenKind, Int)? {
        let next: Character? = i + 1 < chars.count ? chars[i + 1] : nil
        switch chars[i] {
        case "=" where next == "=": return (.comparison("=="), 2)
        case "!" where next == "=": return (.comparison("!="), 2)
        case "<" where next == "=": return (.comparison("<="), 2)
        case ">" where next == "=": return (.comparison(">="), 2)
        case "<": return (.comparison("<"), 1)
        case ">": return (.comparison(">"), 1)
        case "&" where next == "&": return (.ampersand, 2)
        case "&": return (.ampersand, 1)
        case "|" where next == "|": return (.bar, 2)
        case "!": return (.bang, 1)
        default: return nil
        }
    }
}
