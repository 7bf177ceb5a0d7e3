/// Recognising how a number's decimal mark is written, for the European CSV dialect (`;` between fields,
/// `,` as the decimal mark, as R's `write.csv2` and Excel in most of Europe write them).
///
/// Thousands separators are never guessed: with a decimal comma a number written with a `.` is refused
/// rather than read as either 1.234 or 1234 (R's `read.csv2` would make the column text, and a model would
/// then treat it as a factor).
enum DecimalMarks {
    static let point = UInt8(ascii: ".")
    static let comma = UInt8(ascii: ",")

    @inline(__always)
    private static func isDigit(_ b: UInt8) -> Bool { b &- 48 <= 9 }

    /// `[+-]? digits* , digits+` with a digit somewhere: a number written with a decimal comma (`3,25`, `-0,5`, `,5`).
    static func isCommaDecimalNumber(_ p: UnsafePointer<UInt8>, _ n: Int) -> Bool {
        var i = 0
        if n > 0 && (p[0] == UInt8(ascii: "-") || p[0] == UInt8(ascii: "+")) { i = 1 }
        while i < n && isDigit(p[i]) { i += 1 }
        guard i < n && p[i] == comma else { return false }
        i += 1
        let fraction = i
        while i < n && isDigit(p[i]) { i += 1 }
        return i == n && i > fraction
    }

    /// A number written with a `.` where the decimal mark is `,`: `[+-]? d+ . d+ (, d+)?` (a decimal point,
    /// `1.5`) or `[+-]? d{1,3} (. ddd)+ (, d+)?` (thousands dots, `1.234,5`). Dates such as `05.12.2026` are neither.
    static func isNumberWithPoint(_ p: UnsafePointer<UInt8>, _ n: Int) -> Bool {
        var i = 0
        if n > 0 && (p[0] == UInt8(ascii: "-") || p[0] == UInt8(ascii: "+")) { i = 1 }
        var groups: [Int] = []
        var run = 0
        while i < n && (isDigit(p[i]) || p[i] == point) {
            if p[i] == point { groups.append(run); run = 0 } else { run += 1 }
            i += 1
        }
        groups.append(run)
        guard groups.count >= 2, groups.allSatisfy({ $0 > 0 }) else { return false }
        if i < n {
            guard p[i] == comma else { return false }
            i += 1
            let fraction = i
            while i < n && isDigit(p[i]) { i += 1 }
            guard i == n && i > fraction else { return false }
        }
        if groups.count == 2 && i == n && !(0..<n).contains(where: { p[$0] == comma }) { return true }
        return groups[0] <= 3 && groups.dropFirst().allSatisfy { $0 == 3 }
    }

    /// A number written with a decimal point and a fraction (`3.25`): evidence against the European dialect.
    static func isPointDecimalNumber(_ p: UnsafePointer<UInt8>, _ n: Int) -> Bool {
        var hasPoint = false
        for k in 0..<n where p[k] == point { hasPoint = true; break }
        guard hasPoint else { return false }
        if case .value = DecimalParser.parse(p, count: n) { return true }
        return false
    }
}
