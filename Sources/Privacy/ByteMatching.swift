/// ASCII byte classes and small parsers shared by the content matchers. The matchers work on UTF-8 bytes
/// (never Regex, never an allocation per word) because a free-text column can have a million distinct values.
typealias Bytes = UnsafeBufferPointer<UInt8>

extension UInt8 {
    @inline(__always) var isDigit: Bool { self &- 48 < 10 }
    @inline(__always) var isUpper: Bool { self &- 65 < 26 }
    @inline(__always) var isLower: Bool { self &- 97 < 26 }
    @inline(__always) var isLetter: Bool { isUpper || isLower }
    @inline(__always) var isAlnum: Bool { isDigit || isLetter }
    @inline(__always) var isHexDigit: Bool { isDigit || (self | 0x20) &- 97 < 6 }
    @inline(__always) var isBlank: Bool { self == 32 || self == 9 || self == 10 || self == 13 }
    @inline(__always) var lowercased: UInt8 { isUpper ? self | 0x20 : self }
}

enum ByteMatching {
    static let space = UInt8(ascii: " ")
    static let hyphen = UInt8(ascii: "-")
    static let slash = UInt8(ascii: "/")
    static let dot = UInt8(ascii: ".")
    static let comma = UInt8(ascii: ",")
    static let colon = UInt8(ascii: ":")

    /// The digits starting at `i`: their value (first 18 digits) and the index after the last.
    @inline(__always)
    static func digitRun(_ s: Bytes, _ i: Int, _ hi: Int) -> (value: Int, end: Int) {
        var j = i
        var value = 0
        while j < hi, s[j].isDigit {
            if j - i < 18 { value = value * 10 + Int(s[j] &- 48) }
            j += 1
        }
        return (value, j)
    }

    /// The letters starting at `i`; returns the index after the last.
    @inline(__always)
    static func letterRun(_ s: Bytes, _ i: Int, _ hi: Int) -> Int {
        var j = i
        while j < hi, s[j].isLetter { j += 1 }
        return j
    }

    static func string(_ s: Bytes, _ from: Int, _ to: Int) -> String {
        String(decoding: UnsafeBufferPointer(rebasing: s[from..<to]), as: UTF8.self)
    }

    /// Whether `s[i..<hi]` starts with `prefix`, ignoring ASCII case.
    static func hasPrefix(_ s: Bytes, _ i: Int, _ hi: Int, _ prefix: StaticString) -> Bool {
        let count = prefix.utf8CodeUnitCount
        guard hi - i >= count else { return false }
        return prefix.withUTF8Buffer { p in
            for k in 0..<count where s[i + k].lowercased != p[k] { return false }
            return true
        }
    }

    // MARK: - Calendar

    static func isPlausibleYear(_ year: Int) -> Bool { (1800...2199).contains(year) }

    static func daysInMonth(_ month: Int, year: Int?) -> Int {
        switch month {
        case 2:
            guard let year else { return 29 }
            let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
            return leap ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    static func isValidDay(_ day: Int, month: Int, year: Int?) -> Bool {
        (1...12).contains(month) && day >= 1 && day <= daysInMonth(month, year: year)
    }

    /// An 8-digit `yyyymmdd` value that is a real calendar date in a plausible year.
    static func isCompactDate(_ value: Int) -> Bool {
        let year = value / 10_000
        let month = (value / 100) % 100
        return isPlausibleYear(year) && isValidDay(value % 100, month: month, year: year)
    }

    /// Month names and abbreviations (`March`, `Mar`, `Sept`), case-insensitive: the month number
    /// and the index after the word, or nil.
    static func monthName(_ s: Bytes, _ i: Int, _ hi: Int) -> (month: Int, end: Int)? {
        let end = letterRun(s, i, hi)
        let length = end - i
        guard length >= 3 && length <= 9 else { return nil }
        // Compare the first three letters as one packed key (no allocation: this runs at every word).
        let key = UInt32(s[i].lowercased) << 16 | UInt32(s[i + 1].lowercased) << 8 | UInt32(s[i + 2].lowercased)
        guard let index = monthKeys.firstIndex(of: key) else { return nil }
        if length == 3 { return (index + 1, end) }
        if index == 8 && length == 4 && s[i + 3].lowercased == UInt8(ascii: "t") { return (9, end) }  // Sept
        let name = monthNames[index]
        guard length == name.count else { return nil }
        for k in 3..<length where s[i + k].lowercased != name[k] { return nil }
        return (index + 1, end)
    }

    private static let monthNames: [[UInt8]] = [
        "january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
        "november", "december",
    ].map { Array($0.utf8) }
    private static let monthKeys: [UInt32] = monthNames.map { UInt32($0[0]) << 16 | UInt32($0[1]) << 8 | UInt32($0[2]) }

    // MARK: - Check digits

    /// NHS number check: weights 10…2 on the first nine digits; 11 − (sum mod 11) is the check digit,
    /// 11 means 0 and 10 means the number is invalid.
    static func isValidNHSNumber(_ digits: [Int]) -> Bool {
        guard digits.count == 10 else { return false }
        var sum = 0
        for k in 0..<9 { sum += digits[k] * (10 - k) }
        var check = 11 - sum % 11
        if check == 11 { check = 0 }
        return check != 10 && check == digits[9]
    }

    static func isValidNHSNumber(_ value: Int) -> Bool {
        guard value >= 0 && value < 10_000_000_000 else { return false }
        var digits = [Int](repeating: 0, count: 10)
        var v = value
        for k in stride(from: 9, through: 0, by: -1) {
            digits[k] = v % 10
            v /= 10
        }
        return isValidNHSNumber(digits)
    }

    /// US SSN area/group/serial rules: area 000, 666 and 900–999, group 00 and serial 0000 are never issued.
    static func isValidSSN(area: Int, group: Int, serial: Int) -> Bool {
        area != 0 && area != 666 && area < 900 && group != 0 && serial != 0
    }
}
