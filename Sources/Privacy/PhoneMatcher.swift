/// Telephone numbers in common written forms. The text is read as digit groups separated by one space,
/// hyphen or dot (or by parentheses), and the group lengths are checked against national shapes:
/// - international: `+` (or the call prefix `00`) and 8–15 digits (`+44113 496 0191`, `001-355-798-7490`) (`+447700900123`, `+1 555 123 4567`, `+44 (0)20 7946 0958`);
/// - North American: 3-3-4 (`(555) 123-4567`, `555-123-4567`, `555.123.4567`), optionally after `1`, with
///   an area code starting 2–9;
/// - UK: a leading `0`, 10–11 digits in two or three groups of at least three (`07700 900123`,
///   `020 7946 0958`, `0161 496 0000`), or 10–11 contiguous digits starting `01`, `02`, `03`, `07`, `08` or `09`.
/// An extension (`x963`, `ext. 12`) may follow. Shapes that are dates (4-2-2, 2-2-4), SSNs (3-2-4), ranges (`12-15`) or single short numbers never fit.
enum PhoneMatcher {
    struct Group {
        let length: Int
        let parenthesized: Bool
        let firstDigit: Int
        let value: Int
        let end: Int
    }

    static func match(_ s: Bytes, _ i: Int, _ hi: Int) -> Int? {
        guard hasEnoughDigits(s, i, hi) else { return nil }
        var j = i
        let plus = s[j] == UInt8(ascii: "+")
        if plus { j += 1 }
        var groups: [Group] = []
        groups.reserveCapacity(6)
        while j < hi && groups.count < 6 {
            let open = s[j] == UInt8(ascii: "(")
            let start = open ? j + 1 : j
            let (value, end) = ByteMatching.digitRun(s, start, hi)
            guard end > start, end - start <= 15 else { break }
            var next = end
            if open {
                guard end < hi, s[end] == UInt8(ascii: ")") else { break }
                next = end + 1
            }
            groups.append(Group(length: end - start, parenthesized: open, firstDigit: Int(s[start] &- 48),
                                value: value, end: next))
            j = next
            var k = j
            if k < hi && (s[k] == ByteMatching.space || s[k] == ByteMatching.hyphen || s[k] == ByteMatching.dot) {
                k += 1
            }
            guard k < hi, s[k].isDigit || s[k] == UInt8(ascii: "(") else { break }
            guard k > j || open || s[k] == UInt8(ascii: "(") else { break }
            j = k
        }
        var count = groups.count
        while count > 0 {
            let prefix = groups[0..<count]
            let end = prefix[prefix.endIndex - 1].end
            if fits(prefix, plus: plus) {
                if let extended = extensionEnd(s, end, hi) { return extended }
                if !(end < hi && s[end].isLetter) { return end }
            }
            count -= 1
        }
        return nil
    }

    /// An extension after a number: `x963`, ` x 963`, ` ext. 12`, `ext12`.
    private static func extensionEnd(_ s: Bytes, _ end: Int, _ hi: Int) -> Int? {
        var j = end
        if j < hi && s[j] == ByteMatching.space { j += 1 }
        if ByteMatching.hasPrefix(s, j, hi, "ext") {
            j += 3
            if j < hi && s[j] == ByteMatching.dot { j += 1 }
        } else if j < hi && s[j].lowercased == UInt8(ascii: "x") {
            j += 1
        } else {
            return nil
        }
        if j < hi && s[j] == ByteMatching.space { j += 1 }
        let (_, digitsEnd) = ByteMatching.digitRun(s, j, hi)
        guard (1...6).contains(digitsEnd - j), digitsEnd == hi || !s[digitsEnd].isAlnum else { return nil }
        return digitsEnd
    }

    /// Cheap pre-check before grouping: at least 8 digits among the phone-number characters that follow.
    private static func hasEnoughDigits(_ s: Bytes, _ i: Int, _ hi: Int) -> Bool {
        var digits = 0
        var j = i
        while j < hi {
            let b = s[j]
            if b.isDigit {
                digits += 1
                if digits >= 8 { return true }
            } else if !(b == ByteMatching.space || b == ByteMatching.hyphen || b == ByteMatching.dot
                        || b == UInt8(ascii: "(") || b == UInt8(ascii: ")") || b == UInt8(ascii: "+")) {
                return false
            }
            j += 1
        }
        return false
    }

    static func fits(_ groups: ArraySlice<Group>, plus: Bool) -> Bool {
        guard let first = groups.first else { return false }
        let lengths = groups.map(\.length)
        let digits = lengths.reduce(0, +)
        // `00` is the international call prefix, as `+` is: `001-355-798-7490`, `0044 20 7946 0958`.
        if !plus && groups.count >= 2 && first.length >= 3 && first.length <= 5 && first.firstDigit == 0
            && first.value < 10_000 && String(first.value).count <= first.length - 2 {
            return (10...17).contains(digits)
        }
        if plus {
            guard (8...16).contains(digits), !first.parenthesized else { return false }
            if groups.count == 1 { return digits <= 15 }
            // A country code of 1–3 digits; after it, at most one single-digit group besides a trunk `(0)`
            // (`+61 2 9876 5432`, `+44 (0)20 7946 0958`), so that `+1 2 3 4 5 6 7 8` is not a number.
            let singleDigitGroups = groups.dropFirst().filter { $0.length == 1 && !($0.parenthesized && $0.value == 0) }
            // (Country and area code are sometimes run together: `+44113 496 0191`.)
            return first.length <= 6 && singleDigitGroups.count <= 1
        }
        var rest = groups
        if lengths.count == 4 && first.length == 1 && first.value == 1 && !first.parenthesized {
            rest = groups.dropFirst()
        }
        if rest.map(\.length) == [3, 3, 4] {
            // Area codes start 2–9; the exchange is not checked, so the textbook `555-123-4567` counts.
            let area = rest[rest.startIndex]
            let exchange = rest[rest.startIndex + 1]
            return area.firstDigit >= 2 && !exchange.parenthesized
                && !rest[rest.startIndex + 2].parenthesized
        }
        if first.firstDigit == 0 && groups.count >= 2 && groups.count <= 3 {
            return (10...11).contains(digits) && (3...5).contains(first.length)
                && groups.allSatisfy { $0.length >= 3 } && groups.dropFirst().allSatisfy { !$0.parenthesized }
        }
        if groups.count == 1 && (10...11).contains(first.length) && first.firstDigit == 0 && !first.parenthesized {
            var secondDigit = first.value
            for _ in 0..<(first.length - 2) { secondDigit /= 10 }
            return [1, 2, 3, 7, 8, 9].contains(secondDigit % 10)
        }
        return false
    }
}
