extension AllianceCLI {
    /// `--boot -1`, `--at -5,4`, `--alert-cutoff -2`: swift-argument-parser takes a value that starts with `-` for
    /// another option and reported "Missing value for '--boot <boot>'", hiding the real problem. A long option
    /// without `=` followed by a negative number (or list of numbers) is passed as `--boot=-1`, which it reads as the
    /// value, so the option's own check speaks ("--boot must be between 2 and …, got -1") or the value is used. No
    /// option of alliance is a digit, so such a token was never anything else.
    public static func normalizedArguments(_ arguments: [String]) -> [String] {
        var out: [String] = []
        var i = 0
        while i < arguments.count {
            let a = arguments[i]
            if a == "--" { out += arguments[i...]; break }
            if a.hasPrefix("--"), a.count > 2, !a.contains("="), i + 1 < arguments.count, isNegativeNumber(arguments[i + 1]) {
                out.append(a + "=" + arguments[i + 1])
                i += 2
                continue
            }
            out.append(a)
            i += 1
        }
        return out
    }

    /// `-1`, `-0.5`, `-.5`, `-5,4`, `-1e-3`: a minus, a digit (or a point and a digit), then only number characters.
    static func isNegativeNumber(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        guard bytes.count >= 2, bytes[0] == UInt8(ascii: "-") else { return false }
        let isDigit = { (b: UInt8) in b >= 48 && b <= 57 }
        guard isDigit(bytes[1]) || (bytes[1] == UInt8(ascii: ".") && bytes.count >= 3 && isDigit(bytes[2])) else { return false }
        return bytes.dropFirst().allSatisfy { isDigit($0) || $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: ",")
            || $0 == UInt8(ascii: "e") || $0 == UInt8(ascii: "E") || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: "+") }
    }
}
