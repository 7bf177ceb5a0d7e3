/// What one text cell shows. `strong` kinds are specific enough that a single cell flags its column
/// (an email address in one free-text note is a leak); `weak` kinds are whole-cell shapes that also
/// occur innocently (a bare 5-digit number, a single given name, a year-month), so they flag a column
/// only when they make up a majority of its cells (see `IdentifierGuard`).
struct CellEvidence: Sendable {
    var strong = KindMask()
    var weak = KindMask()
    /// The cell is a 5-digit number written with a leading zero: evidence that 5-digit cells are ZIP codes.
    var zipWithLeadingZero = false

    var all: KindMask { strong.union(weak) }
}

/// Scans one text cell for identifier patterns, on its UTF-8 bytes.
///
/// Strong patterns, found anywhere in the cell (word-bounded): email addresses; URLs (`http://`, `https://`,
/// `ftp://`, `www.`); IPv4 (four octets ≤ 255) and IPv6 (eight groups, or fewer with one `::`); US SSNs
/// `###-##-####` (area not 000, 666 or 9xx); NHS numbers (10 digits, or 3-3-4 with spaces or hyphens, valid
/// mod-11 check digit); telephone numbers (US `(555) 123-4567`, `555-123-4567`, `1-555-…`, `+1 …`; UK
/// `07700 900123`, `020 7946 0958`, `07700900123`, `+44 …`; any `+` number of 8–15 digits); full dates
/// (`2024-03-05`, `05/03/2024`, `3/5/24`, `5.3.2024`, `5 March 2024`, `5th Mar 2024`, `5-Mar-24`,
/// `March 5, 2024`); ZIP+4 (`02139-4307`) and a state code with a ZIP (`MA 02139`); UK postcodes (`SW1A 1AA`);
/// personal names (a title such as `Dr`/`Mrs` before a capitalised word, or a common given name followed by a
/// capitalised word that is not a place word such as `Clinic`); payment card numbers (13–19 digits or 4-4-4-4
/// groups, Luhn check); IBANs (mod-97 check); street addresses (`12 High Street`, `136 Baker Pines`).
///
/// Weak whole-cell shapes: a 5-digit number (ZIP), an 8-digit `yyyymmdd` date, a year-month (`2024-03`,
/// `03/2024`, `March 2024`; `2019-20` style year ranges excluded), a single common given name, a 17-character
/// vehicle identification number.
enum TextContentScanner {
    static func scan(_ text: String) -> CellEvidence {
        var copy = text
        return copy.withUTF8 { scan(bytes: $0) }
    }

    static func scan(bytes s: Bytes) -> CellEvidence {
        // Word and Excel put non-breaking and thin spaces, en dashes and Unicode hyphens into numbers and names
        // (`943–476–5919`, `SW1A 1AA` with U+00A0, `1984‐07‐12`); a copied address may carry a zero-width space or a
        // Cyrillic `а`. All passed as clean until session 21: the patterns read a folded copy (`ScannerFolding`).
        if s.contains(where: { $0 >= 0x80 }) {
            let folded = ScannerFolding.fold(s)
            return folded.withUnsafeBufferPointer { scanASCII(bytes: $0) }
        }
        return scanASCII(bytes: s)
    }

    private static func scanASCII(bytes s: Bytes) -> CellEvidence {
        var lo = 0
        var hi = s.count
        while lo < hi, s[lo].isBlank { lo += 1 }
        while hi > lo, s[hi - 1].isBlank { hi -= 1 }
        var evidence = CellEvidence()
        guard lo < hi else { return evidence }
        scanWholeCell(s, lo, hi, &evidence)
        scanEmbedded(s, lo, hi, &evidence)
        scanEmails(s, lo, hi, &evidence)
        return evidence
    }

    // MARK: - Whole-cell shapes

    private static func scanWholeCell(_ s: Bytes, _ lo: Int, _ hi: Int, _ evidence: inout CellEvidence) {
        let (value, digitEnd) = ByteMatching.digitRun(s, lo, hi)
        if digitEnd == hi {
            switch hi - lo {
            case 5:
                evidence.weak.insert(.postalCode)
                if s[lo] == UInt8(ascii: "0") { evidence.zipWithLeadingZero = true }
            case 8:
                if ByteMatching.isCompactDate(value) { evidence.weak.insert(.date) }
            default:
                break
            }
            return
        }
        if isYearMonth(s, lo, hi) { evidence.weak.insert(.date) }
        if AccountAndAddressMatchers.isVehicleIdentificationNumber(s, lo, hi) { evidence.weak.insert(.vehicleIdentifier) }
        if let end = PersonNameMatcher.capitalisedWord(s, lo, hi), end == hi,
           PersonNameMatcher.isGivenName(s, lo, end) {
            evidence.weak.insert(.name)
        }
        if PersonNameMatcher.isSurnameCommaGivenName(s, lo, hi) { evidence.strong.insert(.name) }
        if PersonNameMatcher.isUncasedFullName(s, lo, hi) { evidence.strong.insert(.name) }
        if let end = matchUKPostcode(s, lo, hi, caseInsensitive: true), end == hi {
            evidence.strong.insert(.postalCode)
        }
    }

    /// `2024-03`, `2024/3`, `03/2024`, `3-2024`, `March 2024`, `Mar-2024`: the whole cell. `2019-20` and
    /// `2010/11` (the second part is the next year) are year ranges, not months.
    static func isYearMonth(_ s: Bytes, _ lo: Int, _ hi: Int) -> Bool {
        let (first, firstEnd) = ByteMatching.digitRun(s, lo, hi)
        let firstLength = firstEnd - lo
        if firstLength > 0 {
            guard firstEnd < hi, s[firstEnd] == ByteMatching.hyphen || s[firstEnd] == ByteMatching.slash else {
                return false
            }
            let (second, secondEnd) = ByteMatching.digitRun(s, firstEnd + 1, hi)
            let secondLength = secondEnd - firstEnd - 1
            guard secondEnd == hi else { return false }
            if firstLength == 4 && (1...2).contains(secondLength) {
                return ByteMatching.isPlausibleYear(first) && (1...12).contains(second)
                    && second != (first + 1) % 100
            }
            if (1...2).contains(firstLength) && secondLength == 4 {
                return (1...12).contains(first) && ByteMatching.isPlausibleYear(second)
            }
            return false
        }
        guard let (_, monthEnd) = ByteMatching.monthName(s, lo, hi), monthEnd < hi,
              s[monthEnd] == ByteMatching.space || s[monthEnd] == ByteMatching.hyphen else { return false }
        let (year, yearEnd) = ByteMatching.digitRun(s, monthEnd + 1, hi)
        return yearEnd == hi && yearEnd - monthEnd - 1 == 4 && ByteMatching.isPlausibleYear(year)
    }

    // MARK: - Embedded patterns

    private static func scanEmbedded(_ s: Bytes, _ lo: Int, _ hi: Int, _ evidence: inout CellEvidence) {
        var i = lo
        while i < hi {
            let c = s[i]
            let atBoundary = i == lo || !s[i - 1].isAlnum
            guard atBoundary, c.isAlnum || c == UInt8(ascii: "+") || c == UInt8(ascii: "(") || c == ByteMatching.colon
            else {
                i += 1
                continue
            }
            if c.isDigit {
                // Digits of a decimal number (`3183098598.4671478`, `448600.02630573971`) are not identifiers:
                // skip a fraction part, and an integer part longer than any date or IP address part.
                let runEnd = ByteMatching.digitRun(s, i, hi).end
                let isFraction = i >= lo + 2 && s[i - 1] == ByteMatching.dot && s[i - 2].isDigit
                let isLongIntegerPart = runEnd - i > 4 && runEnd + 1 < hi && s[runEnd] == ByteMatching.dot
                    && s[runEnd + 1].isDigit
                if isFraction || isLongIntegerPart {
                    i = runEnd
                    continue
                }
            }
            if let (kind, end) = match(s, lo, i, hi) {
                evidence.strong.insert(kind)
                i = max(end, i + 1)
            } else {
                i += 1
            }
        }
    }

    /// The first pattern that matches at `i`, in an order that settles overlaps (an NHS number in 3-3-4
    /// groups is checked before a US telephone number of the same shape).
    private static func match(_ s: Bytes, _ lo: Int, _ i: Int, _ hi: Int) -> (IdentifierKind, Int)? {
        let c = s[i]
        if c.isDigit {
            if let end = matchISODate(s, i, hi) { return (.date, end) }
            if let end = matchSSN(s, i, hi) { return (.socialSecurityNumber, end) }
            if let end = AccountAndAddressMatchers.matchCardNumber(s, i, hi) { return (.accountNumber, end) }
            if let end = matchNHSNumber(s, i, hi) { return (.nhsNumber, end) }
            if let end = matchIPv4(s, i, hi) { return (.ipAddress, end) }
            if let end = matchNumericDate(s, i, hi) { return (.date, end) }
            if let end = matchDayMonthNameYear(s, i, hi) { return (.date, end) }
            if let end = matchZipPlus4(s, i, hi) { return (.postalCode, end) }
            if let end = AccountAndAddressMatchers.matchStreetAddress(s, i, hi) { return (.address, end) }
            if let end = PhoneMatcher.match(s, i, hi) { return (.phoneNumber, end) }
            if let end = matchIPv6(s, i, hi) { return (.ipAddress, end) }
            return nil
        }
        if c == UInt8(ascii: "+") || c == UInt8(ascii: "(") {
            if let end = PhoneMatcher.match(s, i, hi) { return (.phoneNumber, end) }
            return nil
        }
        if c == ByteMatching.colon {
            if let end = matchIPv6(s, i, hi) { return (.ipAddress, end) }
            return nil
        }
        if let end = matchURL(s, i, hi) { return (.url, end) }
        if let end = matchMonthNameDayYear(s, i, hi) { return (.date, end) }
        if let end = PersonNameMatcher.matchName(s, lo, i, hi) { return (.name, end) }
        if c.isUpper {
            if let end = matchNationalInsuranceNumber(s, i, hi) { return (.socialSecurityNumber, end) }
            if let end = AccountAndAddressMatchers.matchIBAN(s, i, hi) { return (.accountNumber, end) }
            if let end = matchUKPostcode(s, i, hi, caseInsensitive: false) { return (.postalCode, end) }
            if let end = matchStateZip(s, i, hi) { return (.postalCode, end) }
        }
        if c.isHexDigit, let end = matchIPv6(s, i, hi) { return (.ipAddress, end) }
        return nil
    }

    // MARK: Dates

    /// Three digit runs joined by one separator (`-`, `/` or `.`) written twice, the first run `firstDigits` long and
    /// the second one or two digits (`2024-03-12`, `12/03/24`): the runs' values, the separator, where the third run
    /// starts and where it ends. The callers check the third run's length and the date.
    @inline(__always)
    static func separatedDigitRuns(_ s: Bytes, _ i: Int, _ hi: Int, firstDigits: ClosedRange<Int>)
        -> (first: Int, second: Int, third: Int, separator: UInt8, thirdStart: Int, end: Int)? {
        let (first, e1) = ByteMatching.digitRun(s, i, hi)
        guard firstDigits.contains(e1 - i), e1 < hi else { return nil }
        let separator = s[e1]
        guard separator == ByteMatching.hyphen || separator == ByteMatching.slash || separator == ByteMatching.dot
        else { return nil }
        let (second, e2) = ByteMatching.digitRun(s, e1 + 1, hi)
        guard (1...2).contains(e2 - e1 - 1), e2 < hi, s[e2] == separator else { return nil }
        let (third, e3) = ByteMatching.digitRun(s, e2 + 1, hi)
        return (first, second, third, separator, e2 + 1, e3)
    }

    /// `yyyy-mm-dd`, `yyyy/mm/dd`, `yyyy.mm.dd` (a time may follow).
    static func matchISODate(_ s: Bytes, _ i: Int, _ hi: Int) -> Int? {
        guard let r = separatedDigitRuns(s, i, hi, firstDigits: 4...4), ByteMatching.isPlausibleYear(r.first),
              (1...2).contains(r.end - r.thirdStart), ByteMatching.isValidDay(r.third, month: r.second, year: r.first)
        else { return nil }
        return r.end
    }

    /// `dd/mm/yyyy`, `mm/dd/yyyy`, `d/m/yy`, with `/`, `-` or (four-digit years only) `.`; valid if either
    /// day-first or month-first reading is a real date.
    static func matchNumericDate(_ s: Bytes, _ i: Int, _ hi: Int) -> Int? {
        guard let r = separatedDigitRuns(s, i, hi, firstDigits: 1...2) else { return nil }
        let yearLength = r.end - r.thirdStart
        guard yearLength == 4 || (yearLength == 2 && r.separator != ByteMatching.dot) else { return nil }
        if yearLength == 4 && !ByteMatching.isPlausibleYear(r.third) { return nil }
        // Another separator and digits after the year: a longer code (`1-2-33-4`), not a date.
        if r.end + 1 < hi && s[r.end] == r.separator && s[r.end + 1].isDigit { return nil }
        let year = yearLength == 4 ? r.third : nil
        let dayFirst = ByteMatching.isValidDay(r.first, month: r.second, year: year)
        let monthFirst = ByteMatching.isValidDay(r.second, month: r.first, year: year)
        return dayFirst || monthFirst ? r.end : nil
    }

    /// `5 March 2024`, `5th Mar 2024`, `05 Mar, 2024`, `5-Mar-2024`, `05-Mar-24`.
    static func matchDayMonthNameYear(_ s: Bytes, _ i: Int, _ hi: Int) -> Int? {
        let (day, e1) = ByteMatching.digitRun(s, i, hi)
        guard (1...2).contains(e1 - i), (1...31).contains(day) else { return nil }
        var j = skipOrdinalSuffix(s, e1, hi)
        guard j < hi else { return nil }
        let separator = s[j]
        guard separator == ByteMatching.space || separator == ByteMatching.hyphen else { return nil }
        j += 1
        guard j < hi, let (month, monthEnd) = ByteMatching.monthName(s, j, hi) else { return nil }
        j = monthEnd
        if separator == ByteMatching.hyphen {
            guard j < hi, s[j] == ByteMatching.hyphen else { return nil }
            let (y, e) = ByteMatching.digitRun(s, j + 1, hi)
            let length = e - j - 1
            guard length == 2 || (length == 4 && ByteMatching.isPlausibleYear(y)) else { return nil }
            return ByteMatching.isValidDay(day, month: month, year: length == 4 ? y : nil) ? e : nil
        }
        return matchSpacedYear(s, j, hi, day: day, month: month)
    }

    /// `March 5, 2024`, `Mar 5 2024`, `March 5th, 2024`.
    static func matchMonthNameDayYear(_ s: Bytes, _ i: Int, _ hi: Int) -> Int? {
        guard let (month, monthEnd) = ByteMatching.monthName(s, i, hi) else { return nil }
        var j = monthEnd
        if j < hi && s[j] == ByteMatching.dot { j += 1 }
        guard j < hi, s[j] == ByteMatching.space else { return nil }
        let (day, e1) = ByteMatching.digitRun(s, j + 1, hi)
        guard (1...2).contains(e1 - j - 1) else { return nil }
        j = skipOrdinalSuffix(s, e1, hi)
        return matchSpacedYear(s, j, hi, day: day, month: month)
    }

    /// `, yyyy` or ` yyyy` after a day and a month name (`5 March, 2024`, `March 5 2024`): where the year ends, if
    /// it is plausible and the day exists in that month and year.
    private static func matchSpacedYear(_ s: Bytes, _ i: Int, _ hi: Int, day: Int, month: Int) -> Int? {
        var j = i
        if j < hi && s[j] == ByteMatching.comma { j += 1 }
        guard j < hi, s[j] == ByteMatching.space else { return nil }
        let (y, e) = ByteMatching.digitRun(s, j + 1, hi)
        guard e - j - 1 == 4, ByteMatching.isPlausibleYear(y), ByteMatching.isValidDay(day, month: month, year: y)
        else { return nil }
        return e
    }

    private static func skipOrdinalSuffix(_ s: Bytes, _ i: Int, _ hi: Int) -> Int {
        guard i + 1 < hi else { return i }
        let pair = (s[i].lowercased, s[i + 1].lowercased)
        let isSuffix = pair == (UInt8(ascii: "s"), UInt8(ascii: "t")) || pair == (UInt8(ascii: "n"), UInt8(ascii: "d"))
            || pair == (UInt8(ascii: "r"), UInt8(ascii: "d")) || pair == (UInt8(ascii: "t"), UInt8(ascii: "h"))
        guard isSuffix, i + 2 >= hi || !s[i + 2].isLetter else { return i }
        return i + 2
    }

    // MARK: Numbers

    /// `###-##-####` with an issuable area, group and serial.
    static func matchSSN(_ s: Bytes, _ i: Int, _ hi: Int) -> Int? {
        let (area, e1) = ByteMatching.digitRun(s, i, hi)
        guard e1 - i == 3, e1 < hi, s[e1] == ByteMatching.hyphen else { return nil }
        let (group, e2) = ByteMatching.digitRun(s, e1 + 1, hi)
        guard e2 - e1 - 1 == 2, e2 < hi, s[e2] == ByteMatching.hyphen else { return nil }
        let (serial, e3) = ByteMatching.digitRun(s, e2 + 1, hi)
        guard e3 - e2 - 1 == 4, !(e3 + 1 < hi && s[e3] == ByteMatching.hyphen && s[e3 + 1].isDigit) else { return nil }
        return ByteMatching.isValidSSN(area: area, group: group, serial: serial) ? e3 : nil
    }

    /// A UK National Insurance number: two prefix letters (the first not D, F, I, Q, U or V, the second not those or O;
    /// not BG, GB, KN, NK, NT, TN or ZZ), six digits, contiguous or in pairs with single spaces (`AB 12 34 56 C`),
    /// and a suffix A–D (optionally after a space), upper case, ending the word.
    static func matchNationalInsuranceNumber(_ s: Bytes, _ i: Int, _ hi: Int) -> Int? {
        guard i + 9 <= hi, s[i].isUpper, s[i + 1].isUpper else { return nil }
        let first = s[i], second = s[i + 1]
        let excludedFirst = Set("DFIQUV".utf8), excludedSecond = Set("DFIOQUV".utf8)
        guard !excludedFirst.contains(first), !excludedSecond.contains(second) else { return nil }
        let prefix = String(decoding: [first, second], as: UTF8.self)
        guard !["BG", "GB", "KN", "NK", "NT", "TN", "ZZ"].contains(prefix) else { return nil }
        var j = i + 2
        let spaced = j < hi && s[j] == ByteMatching.space
        for pair in 0..<3 {
            if spaced { guard j < hi, s[j] == ByteMatching.space else { return nil }; j += 1 }
            guard j + 2 <= hi, s[j].isDigit, s[j + 1].isDigit else { return nil }
            j += 2
            _ = pair
        }
        if j < hi, s[j] == ByteMatching.space { j += 1 }
        guard j < hi, (UInt8(ascii: "A")...UInt8(ascii: "D")).contains(s[j]) else { return nil }
        j += 1
        guard j == hi || !s[j].isAlnum else { return nil }
        return j
    }

    /// Ten digits, contiguous or 3-3-4 with a run of spaces and hyphens between the groups (`943 476 5919`,
    /// `943  476  5919` as a form pads it, `943 - 476 - 5919`), with a valid check digit.
    static func matchNHSNumber(_ s: Bytes, _ i: Int, _ hi: Int) -> Int? {
        let (_, e1) = ByteMatching.digitRun(s, i, hi)
        let end: Int
        if e1 - i == 10 {
            end = e1
        } else if e1 - i == 3 {
            let s2 = gapEnd(s, e1, hi)
            let (_, e2) = ByteMatching.digitRun(s, s2, hi)
            guard s2 > e1, e2 - s2 == 3 else { return nil }
            let s3 = gapEnd(s, e2, hi)
            let (_, e3) = ByteMatching.digitRun(s, s3, hi)
            guard s3 > e2, e3 - s3 == 4 else { return nil }
            end = e3
        } else {
            return nil
        }
        var digits: [Int] = []
        digits.reserveCapacity(10)
        for k in i..<end where s[k].isDigit { digits.append(Int(s[k] &- 48)) }
        return ByteMatching.isValidNHSNumber(digits) ? end : nil
    }

    /// The end of the run of spaces and hyphens starting at `i` (`i` itself when there is none).
    private static func gapEnd(_ s: Bytes, _ i: Int, _ hi: Int) -> Int {
        var j = i
        while j < hi, s[j] == ByteMatching.space || s[j] == ByteMatching.hyphen { j += 1 }
        return j
    }

    /// Four dot-separated octets, each 0–255.
    static func matchIPv4(_ s: Bytes, _ i: Int, _ hi: Int) -> Int? {
        var j = i
        for part in 0..<4 {
            let (octet, e) = ByteMatching.digitRun(s, j, hi)
            guard (1...3).contains(e - j), octet <= 255 else { return nil }
            j = e
            if part < 3 {
                guard j < hi, s[j] == ByteMatching.dot else { return nil }
                j += 1
            }
        }
        if j + 1 < hi && s[j] == ByteMatching.dot && s[j + 1].isDigit { return nil }
        return j
    }

    /// Eight colon-separated hex groups, or up to seven with one `::` (at least three hex digits in all unless
    /// it starts with `::`, as `::1` does, so that `1::2` is not taken for an address). `10:30:00` (a time)
    /// does not match.
    static func matchIPv6(_ s: Bytes, _ i: Int, _ hi: Int) -> Int? {
        var j = i
        var groups = 0
        var hexDigits = 0
        var compressed = false
        if s[j] == ByteMatching.colon {
            guard j + 1 < hi, s[j + 1] == ByteMatching.colon else { return nil }
            compressed = true
            j += 2
        }
        while j < hi {
            var k = j
            while k < hi, s[k].isHexDigit { k += 1 }
            let length = k - j
            if length == 0 { break }
            guard length <= 4, k >= hi || !s[k].isAlnum else { return nil }
            groups += 1
            hexDigits += length
            j = k
            guard j < hi, s[j] == ByteMatching.colon else { break }
            if j + 1 < hi && s[j + 1] == ByteMatching.colon {
                guard !compressed else { return nil }
                compressed = true
                j += 2
            } else if j + 1 < hi && s[j + 1].isHexDigit {
                j += 1
            } else {
                break
            }
        }
        let startsCompressed = s[i] == ByteMatching.colon
        let valid = compressed ? (1...7).contains(groups) && (hexDigits >= 3 || startsCompressed) : groups == 8
        return valid ? j : nil
    }

    /// `12345-6789`.
    static func matchZipPlus4(_ s: Bytes, _ i: Int, _ hi: Int) -> Int? {
        let (_, e1) = ByteMatching.digitRun(s, i, hi)
        guard e1 - i == 5, e1 < hi, s[e1] == ByteMatching.hyphen else { return nil }
        let (_, e2) = ByteMatching.digitRun(s, e1 + 1, hi)
        guard e2 - e1 - 1 == 4, !(e2 < hi && s[e2] == ByteMatching.hyphen) else { return nil }
        return e2
    }

    /// A US state code and a ZIP: `MA 02139`, `CA 90210-1234`.
    static func matchStateZip(_ s: Bytes, _ i: Int, _ hi: Int) -> Int? {
        guard i + 8 <= hi, s[i].isUpper, s[i + 1].isUpper, s[i + 2] == ByteMatching.space,
              usStates.contains(ByteMatching.string(s, i, i + 2)) else { return nil }
        let (_, e) = ByteMatching.digitRun(s, i + 3, hi)
        guard e - i - 3 == 5 else { return nil }
        return matchZipPlus4(s, i + 3, hi) ?? e
    }

    private static let usStates: Set<String> = [
        "AL", "AK", "AZ", "AR", "CA", "CO", "CT", "DE", "DC", "FL", "GA", "HI", "ID", "IL", "IN", "IA", "KS", "KY",
        "LA", "ME", "MD", "MA", "MI", "MN", "MS", "MO", "MT", "NE", "NV", "NH", "NJ", "NM", "NY", "NC", "ND", "OH",
        "OK", "OR", "PA", "PR", "RI", "SC", "SD", "TN", "TX", "UT", "VT", "VA", "WA", "WV", "WI", "WY",
        "VI", "GU", "AS", "MP", "PW", "FM", "MH", "AA", "AE", "AP",
    ]

    /// A full UK postcode: outward code `A9`, `A99`, `A9A`, `AA9`, `AA99` or `AA9A`, an optional space, and an
    /// inward code `9AA` whose letters exclude C, I, K, M, O and V. Upper case only inside free text.
    static func matchUKPostcode(_ s: Bytes, _ i: Int, _ hi: Int, caseInsensitive: Bool) -> Int? {
        func isLetter(_ b: UInt8) -> Bool { caseInsensitive ? b.isLetter : b.isUpper }
        var tokenEnd = i
        while tokenEnd < hi, s[tokenEnd].isAlnum { tokenEnd += 1 }
        // Spaced form: outward token, one space, three-character inward token.
        if tokenEnd + 4 <= hi, s[tokenEnd] == ByteMatching.space, isOutwardCode(s, i, tokenEnd, isLetter) {
            let inward = tokenEnd + 1
            if isInwardCode(s, inward, isLetter), inward + 3 == hi || !s[inward + 3].isAlnum { return inward + 3 }
        }
        // Compact form: one token whose last three characters are the inward code.
        let length = tokenEnd - i
        if (5...7).contains(length), isOutwardCode(s, i, tokenEnd - 3, isLetter), isInwardCode(s, tokenEnd - 3, isLetter) {
            return tokenEnd
        }
        return nil
    }

    private static func isOutwardCode(_ s: Bytes, _ from: Int, _ to: Int, _ isLetter: (UInt8) -> Bool) -> Bool {
        let length = to - from
        guard (2...4).contains(length), isLetter(s[from]) else { return false }
        var j = from + 1
        if j < to && isLetter(s[j]) { j += 1 }
        guard j < to, s[j].isDigit else { return false }
        j += 1
        if j < to && (s[j].isDigit || isLetter(s[j])) { j += 1 }
        return j == to
    }

    private static func isInwardCode(_ s: Bytes, _ from: Int, _ isLetter: (UInt8) -> Bool) -> Bool {
        guard from + 3 <= s.count, s[from].isDigit else { return false }
        for k in (from + 1)...(from + 2) {
            let b = s[k]
            guard isLetter(b) else { return false }
            switch b | 0x20 {
            case UInt8(ascii: "c"), UInt8(ascii: "i"), UInt8(ascii: "k"), UInt8(ascii: "m"), UInt8(ascii: "o"),
                 UInt8(ascii: "v"):
                return false
            default: continue
            }
        }
        return true
    }

    // MARK: Web

    /// `http://…`, `https://…`, `ftp://…`, `www.…` up to the next blank.
    static func matchURL(_ s: Bytes, _ i: Int, _ hi: Int) -> Int? {
        let first = s[i].lowercased
        guard first == UInt8(ascii: "h") || first == UInt8(ascii: "w") || first == UInt8(ascii: "f") else { return nil }
        var j: Int
        if ByteMatching.hasPrefix(s, i, hi, "https://") {
            j = i + 8
        } else if ByteMatching.hasPrefix(s, i, hi, "http://") {
            j = i + 7
        } else if ByteMatching.hasPrefix(s, i, hi, "ftp://") {
            j = i + 6
        } else if ByteMatching.hasPrefix(s, i, hi, "www.") {
            j = i + 4
        } else {
            return nil
        }
        guard j < hi, s[j].isAlnum else { return nil }
        while j < hi, !s[j].isBlank { j += 1 }
        return j
    }

    /// Every `local@domain.tld` in the cell: local part of letters, digits and `._%+-`; two or more domain labels,
    /// the last of at least two letters.
    private static func scanEmails(_ s: Bytes, _ lo: Int, _ hi: Int, _ evidence: inout CellEvidence) {
        let at = UInt8(ascii: "@")
        func isLocal(_ b: UInt8) -> Bool {
            b.isAlnum || b == ByteMatching.dot || b == UInt8(ascii: "_") || b == UInt8(ascii: "%")
                || b == UInt8(ascii: "+") || b == ByteMatching.hyphen
        }
        var k = lo
        while k < hi {
            defer { k += 1 }
            guard s[k] == at, k > lo, isLocal(s[k - 1]) else { continue }
            var j = k + 1
            var labels = 0
            var lastLabelLetters = true
            var lastLabelLength = 0
            while j < hi {
                let start = j
                var allLetters = true
                while j < hi, s[j].isAlnum || s[j] == ByteMatching.hyphen {
                    if !s[j].isLetter { allLetters = false }
                    j += 1
                }
                guard j > start else { break }
                labels += 1
                lastLabelLetters = allLetters
                lastLabelLength = j - start
                guard j + 1 < hi, s[j] == ByteMatching.dot, s[j + 1].isAlnum else { break }
                j += 1
            }
            if labels >= 2 && lastLabelLetters && lastLabelLength >= 2 {
                evidence.strong.insert(.emailAddress)
                return
            }
        }
    }
}
