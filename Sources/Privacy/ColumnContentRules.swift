import DataTable

/// Content evidence for one column: how many cells matched each kind, and whether every value is a bare year
/// (which clears a date-like header such as `referral_date` holding only `2021`).
struct ColumnContent {
    var cells: [IdentifierKind: Int] = [:]
    var allYears = false
}

/// Thresholds (why: one identifier leaks; a shape that also occurs innocently needs a majority):
/// - a *strong* pattern (see `TextContentScanner`) flags the column if it matches in at least one cell;
/// - a *weak* whole-cell shape flags the column when at least half of the non-missing cells match it;
///   5-digit text cells count as ZIP codes only if at least one is written with a leading zero;
/// - ages over 89 flag on a single cell, in a column whose header says age in years.
enum CategoricalContentRules {
    static let weakShare = 0.5

    /// Scans each distinct level once and weights it by its row count, so the cost is one pass over the codes
    /// plus one scan per level.
    static func scan(_ column: CategoricalColumn, isAgeInYears: Bool) -> ColumnContent {
        let counts = column.levelCounts()
        let kindCount = IdentifierKind.allCases.count
        var strong = [Int](repeating: 0, count: kindCount)
        var matched = [Int](repeating: 0, count: kindCount)
        var nonMissing = 0
        var zipWithLeadingZero = 0
        var yearCells = 0
        var agesOver89 = 0
        for (index, level) in column.levels.enumerated() {
            let n = counts[index]
            guard n > 0 else { continue }
            nonMissing += n
            // One look at the level's bytes for both the patterns and the bare-year test.
            var text = level
            let (evidence, bareYear) = text.withUTF8 { (TextContentScanner.scan(bytes: $0), isBareYear($0)) }
            evidence.strong.forEachOrdinal { strong[$0] += n }
            evidence.all.forEachOrdinal { matched[$0] += n }
            if evidence.zipWithLeadingZero { zipWithLeadingZero += n }
            if bareYear { yearCells += n }
            if isAgeInYears, let age = Double(level.trimmingBlanks()), age > 89 { agesOver89 += n }
        }
        var content = ColumnContent()
        content.allYears = nonMissing > 0 && yearCells == nonMissing
        for kind in IdentifierKind.allCases {
            let k = kind.ordinal
            guard matched[k] > 0 else { continue }
            var flagged = strong[k] > 0 || Double(matched[k]) >= weakShare * Double(nonMissing)
            if kind == .postalCode && strong[k] == 0 && zipWithLeadingZero == 0 { flagged = false }
            if flagged { content.cells[kind] = matched[k] }
        }
        if agesOver89 > 0 { content.cells[.ageOver89] = agesOver89 }
        return content
    }

    /// Four digits (blanks around them allowed) naming a plausible year.
    static func isBareYear(_ bytes: Bytes) -> Bool {
        var lo = 0
        var hi = bytes.count
        while lo < hi, bytes[lo].isBlank { lo += 1 }
        while hi > lo, bytes[hi - 1].isBlank { hi -= 1 }
        guard hi - lo == 4 else { return false }
        var year = 0
        for i in lo..<hi {
            guard bytes[i].isDigit else { return false }
            year = year * 10 + Int(bytes[i] &- 48)
        }
        return ByteMatching.isPlausibleYear(year)
    }
}

/// Numeric columns get cheap integer-range checks only (one pass for the range, then at most one more pass
/// for the rule the range allows):
/// - header says age in years: each value over 89 is a finding, unless half or more of the values exceed 130
///   (no one is that old: the column is something else, such as age squared);
/// - every value an integer 1800–2199: bare years (clears a date-like header);
/// - `yyyymm` or `yyyymmdd` integers that are real year-months or dates in half or more of the cells: dates;
/// - 9-digit integers (or 7–9 digits written with leading zeros) shaped like issuable US SSNs in 90 % of the
///   cells, unless the header names study identifiers: social security numbers;
/// - 5-digit ZIP codes: integers ≤ 99999 written with leading zeros (the only evidence left once `02139` is a
///   number), where at least 90 % are ≥ 10000 or had a leading zero, every value under 10000 could have had
///   one, under 10 % are below 501 (the lowest ZIP), and the header does not name study identifiers; when the
///   header already says ZIP, the values 501–99999 are counted as matching cells;
/// - 13–16-digit integers starting 2–6 and passing the Luhn check in half or more of the cells (random integers pass one time
///   in ten): payment card (account) numbers;
/// - 10-digit integers: UK telephone numbers when half or more of the fields had a leading zero; otherwise NHS
///   numbers when half or more pass the mod-11 check; otherwise North American numbers (10 digits with area
///   code and exchange starting 2–9, or 11 digits starting 1) when they make up 90 % of the cells.
enum NumericContentRules {
    static func scan(_ column: NumericColumn, header: HeaderClassifier.Result) -> ColumnContent {
        var content = ColumnContent()
        let range = integerRange(column, countingAges: header.isAgeInYears)
        let nonMissing = range.nonMissing
        let allIntegers = range.allIntegers
        let minimum = range.minimum
        let maximum = range.maximum
        let agesOver89 = range.agesOver89
        // A column whose values mostly exceed any human age (age squared, `age2`) does not hold ages.
        if header.isAgeInYears && agesOver89 > 0 && 2 * countAbove(column, 130) < nonMissing {
            content.cells[.ageOver89] = agesOver89
        }
        guard nonMissing > 0, allIntegers else { return content }
        content.allYears = minimum >= 1800 && maximum <= 2199
        if maximum >= 100_000 && maximum < 1_000_000 {
            let yearMonths = countIntegers(column) { ByteMatching.isPlausibleYear($0 / 100) && (1...12).contains($0 % 100) }
            if 2 * yearMonths >= nonMissing { content.cells[.date] = yearMonths }
        }
        if maximum >= 10_000_000 && maximum < 100_000_000 {
            let dates = countIntegers(column) { ByteMatching.isCompactDate($0) }
            if 2 * dates >= nonMissing { content.cells[.date] = dates }
        }
        let isStudyIdentifier = !header.tokens.allSatisfy { !HeaderClassifier.studyIdentifierWords.contains($0) }
        if let zipCells = zipCodeCells(column, nonMissing: nonMissing, minimum: minimum, maximum: maximum, header: header) {
            content.cells[.postalCode] = zipCells
        } else if header.kinds.contains(.postalCode) && maximum <= 99_999 {
            // The header already says ZIP: count the values that could be ZIP codes.
            let zips = countIntegers(column) { $0 >= 501 && $0 <= 99_999 }
            if zips > 0 { content.cells[.postalCode] = zips }
        }
        if maximum >= 1_000_000 && maximum < 1_000_000_000 && !isStudyIdentifier {
            let written9Digits = column.leadingZeroCount > 0
            let ssns = countIntegers(column) { v in
                (v >= 100_000_000 || (written9Digits && v >= 1_000_000))
                    && ByteMatching.isValidSSN(area: v / 1_000_000, group: (v / 10_000) % 100, serial: v % 10_000)
            }
            if 10 * ssns >= 9 * nonMissing { content.cells[.socialSecurityNumber] = ssns }
        }
        if maximum >= 1_000_000_000 && maximum < 1_000_000_000_000 {
            classifyLongNumbers(column, nonMissing: nonMissing, studyIdentifier: isStudyIdentifier, into: &content)
        }
        if maximum >= 1_000_000_000_000 {
            // 13–16 digits: payment card numbers pass the Luhn check (random numbers do one time in ten).
            let cards = countIntegers(column) { v in
                var leading = v
                while leading >= 10 { leading /= 10 }
                // Card networks start 2–6; millisecond timestamps (13 digits starting 1) are not cards.
                return v >= 1_000_000_000_000 && v < 10_000_000_000_000_000 && (2...6).contains(leading)
                    && AccountAndAddressMatchers.passesLuhn(v)
            }
            if 2 * cards >= nonMissing { content.cells[.accountNumber] = cards }
        }
        return content
    }

    /// What the rules need from one pass: the count of non-missing values, whether all are whole numbers of
    /// magnitude below 2⁶² and, if so, their range; the values over 89 only when the header says age. Once a value
    /// is not whole (and ages are not counted), the rest of the column is not read: no rule below needs it.
    private struct IntegerRange {
        var nonMissing = 0
        var allIntegers = true
        var minimum = Double.infinity
        var maximum = -Double.infinity
        var agesOver89 = 0
    }

    private static func integerRange(_ column: NumericColumn, countingAges: Bool) -> IntegerRange {
        column.values.withUnsafeBufferPointer { values in
            column.missing.withUnsafeBufferPointer { missing in
                if !countingAges && !anyTrue(missing) {
                    // A column of no missing value in DataTable's pass, which stops at the first block holding a fraction
                    // and otherwise keeps what it found with the column: a model frame's value and missing-code scans of
                    // the column then read nothing again.
                    var range = IntegerRange()
                    range.nonMissing = values.count
                    guard let whole = column.wholeNumberSummary() else {
                        range.allIntegers = false
                        return range
                    }
                    range.minimum = whole.minimum
                    range.maximum = whole.maximum
                    return range
                }
                var range = IntegerRange()
                for i in 0..<values.count where !missing[i] {
                    let v = values[i]
                    range.nonMissing += 1
                    if v < range.minimum { range.minimum = v }
                    if v > range.maximum { range.maximum = v }
                    if range.allIntegers && !isWhole(v) {
                        range.allIntegers = false
                        if !countingAges { break }
                    }
                    if v > 89 { range.agesOver89 += 1 }
                }
                return range
            }
        }
    }

    /// A whole number of magnitude below 2⁶² (`WholeNumberSummary.isWhole`, the test the column's whole-number pass uses).
    @inline(__always)
    static func isWhole(_ v: Double) -> Bool { WholeNumberSummary.isWhole(v) }

    /// Whether any flag is set, a byte at a time with no branch (the compiler vectorises the OR).
    private static func anyTrue(_ flags: UnsafeBufferPointer<Bool>) -> Bool {
        var any: UInt8 = 0
        for flag in UnsafeRawBufferPointer(flags) { any |= flag }
        return any != 0
    }

    private static func countAbove(_ column: NumericColumn, _ limit: Double) -> Int {
        var count = 0
        for i in 0..<column.count where !column.missing[i] && column.values[i] > limit { count += 1 }
        return count
    }

    private static func countIntegers(_ column: NumericColumn, _ predicate: (Int) -> Bool) -> Int {
        var count = 0
        for i in 0..<column.count where !column.missing[i] {
            let v = column.values[i]
            if v >= 0 && v < 1e16 && predicate(Int(v)) { count += 1 }
        }
        return count
    }

    private static func zipCodeCells(_ column: NumericColumn, nonMissing: Int, minimum: Double, maximum: Double,
                                     header: HeaderClassifier.Result) -> Int? {
        let leadingZeros = column.leadingZeroCount
        guard leadingZeros > 0, minimum >= 0, maximum <= 99_999, maximum >= 10_000,
              header.tokens.allSatisfy({ !HeaderClassifier.studyIdentifierWords.contains($0) }) else { return nil }
        var fiveDigit = 0
        var belowLowestZip = 0
        for i in 0..<column.count where !column.missing[i] {
            let v = column.values[i]
            if v >= 10_000 { fiveDigit += 1 } else if v < 501 { belowLowestZip += 1 }
        }
        let shorter = nonMissing - fiveDigit
        guard 10 * (fiveDigit + min(leadingZeros, shorter)) >= 9 * nonMissing, shorter <= leadingZeros,
              10 * belowLowestZip <= nonMissing else { return nil }
        return nonMissing
    }

    private static func classifyLongNumbers(_ column: NumericColumn, nonMissing: Int, studyIdentifier: Bool,
                                            into content: inout ColumnContent) {
        var tenDigit = 0
        var nhsValid = 0
        var northAmerican = 0
        var ukMobile = 0
        var large = 0
        for i in 0..<column.count where !column.missing[i] {
            let v = column.values[i]
            if v >= 1_000_000 { large += 1 }
            guard v >= 0 && v < 1e12 else { continue }
            let n = Int(v)
            if n >= 1_000_000_000 && n < 10_000_000_000 {
                tenDigit += 1
                if ByteMatching.isValidNHSNumber(n) { nhsValid += 1 }
                if isNorthAmerican(n) { northAmerican += 1 }
                // A UK mobile stored as a number loses its leading 0: 7xxx xxxxxx.
                if n >= 7_100_000_000 && n < 8_000_000_000 { ukMobile += 1 }
            } else if n >= 10_000_000_000 && n < 20_000_000_000 && isNorthAmerican(n - 10_000_000_000) {
                northAmerican += 1
            }
        }
        if 2 * tenDigit >= nonMissing && 2 * column.leadingZeroCount >= nonMissing {
            content.cells[.phoneNumber] = tenDigit
        } else if 2 * nhsValid >= nonMissing {
            content.cells[.nhsNumber] = nhsValid
        } else if 10 * northAmerican >= 9 * nonMissing {
            content.cells[.phoneNumber] = northAmerican
        } else if 10 * ukMobile >= 9 * nonMissing && !studyIdentifier {
            content.cells[.phoneNumber] = ukMobile
        } else if nhsValid > 0 && nhsValid == large {
            // A column of small numbers (scores) whose only large values are valid NHS numbers: one pasted into the wrong
            // column passed as clean and `describe` printed it as the maximum (session 21).
            content.cells[.nhsNumber] = nhsValid
        }
    }

    /// NANP: area code and exchange code both start with 2–9.
    private static func isNorthAmerican(_ tenDigits: Int) -> Bool {
        tenDigits / 1_000_000_000 >= 2 && (tenDigits / 1_000_000) % 10 >= 2
    }
}

extension String {
    func trimmingBlanks() -> Substring {
        var slice = self[...]
        while let first = slice.utf8.first, first.isBlank { slice = slice.dropFirst() }
        while let last = slice.utf8.last, last.isBlank { slice = slice.dropLast() }
        return slice
    }
}
