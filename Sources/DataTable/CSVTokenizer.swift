/// One field of a record: a byte span into the input (quotes already stripped) and flags.
struct FieldSpan {
    var start: Int
    var end: Int
    /// The span contains doubled quotes (`""`) that must be collapsed before use.
    var hasEscapedQuote: Bool
}

/// A tokenizer failure, located by line and 1-based field number; the reader adds file and header name.
struct TokenizeFailure: Error {
    let kind: CSVError.Kind
    let line: Int
    let field: Int?
}

/// Splits records into fields over raw bytes (RFC 4180 plus common practice):
/// - fields are separated by `delimiter`; a record ends at LF, CRLF or a lone CR (old Mac files),
///   or at the end of input (a final newline is optional);
/// - a field that starts with `"` is quoted: it may contain delimiters, CR, LF and doubled quotes;
/// - spaces around unquoted fields and around quoted fields are ignored (as in data.table's
///   `strip.white = TRUE`), unless the delimiter itself is a space; quoted content is kept verbatim;
/// - a quote inside an unquoted field, text after a closing quote, and NUL bytes are errors.
struct CSVTokenizer {
    let base: UnsafePointer<UInt8>
    let end: Int
    let delimiter: UInt8
    let trimSpaces: Bool
    private let delimiterWord: UInt64
    /// 1 for bytes that stop an unquoted field (delimiter, quote, CR, LF, NUL), else 0.
    private let stops: UnsafeMutablePointer<UInt8>

    static let quote = UInt8(ascii: "\"")
    static let cr = UInt8(ascii: "\r")
    static let lf = UInt8(ascii: "\n")
    static let space = UInt8(ascii: " ")

    init(base: UnsafePointer<UInt8>, end: Int, delimiter: UInt8) {
        self.base = base
        self.end = end
        self.delimiter = delimiter
        self.trimSpaces = delimiter != CSVTokenizer.space
        self.delimiterWord = CSVTokenizer.broadcast(delimiter)
        stops = .allocate(capacity: 256)
        stops.initialize(repeating: 0, count: 256)
        for b in [delimiter, CSVTokenizer.quote, CSVTokenizer.cr, CSVTokenizer.lf, 0] { stops[Int(b)] = 1 }
    }

    func deallocate() { stops.deallocate() }

    @inline(__always)
    func isLineEnd(_ position: Int) -> Bool {
        let b = base[position]
        return b == CSVTokenizer.lf || b == CSVTokenizer.cr
    }

    /// The position after the line end at `position` (LF, CRLF or CR).
    @inline(__always)
    func skipLineEnd(_ position: Int) -> Int {
        if base[position] == CSVTokenizer.cr && position + 1 < end && base[position + 1] == CSVTokenizer.lf {
            return position + 2
        }
        return position + 1
    }

    /// Tokenizes the record starting at `position` (which is not at a line end). Stores up to
    /// `capacity` fields; returns the number of fields found (which may exceed `capacity`) and the
    /// position after the record's line end. `line` advances past every line end consumed.
    @inline(__always)
    func record(
        at position: Int, into fields: UnsafeMutablePointer<FieldSpan>, capacity: Int, line: inout Int
    ) throws(TokenizeFailure) -> (count: Int, next: Int) {
        var p = position
        var count = 0
        while true {
            let (span, next, endsRecord) = try field(at: p, number: count + 1, line: &line)
            if count < capacity { fields[count] = span }
            count += 1
            if endsRecord { return (count, next) }
            p = next
        }
    }

    /// The field starting at `position`; `number` (1-based) locates errors. Returns the position
    /// after the delimiter or line end that follows it, and whether that ended the record.
    @inline(__always)
    func field(
        at position: Int, number: Int, line: inout Int
    ) throws(TokenizeFailure) -> (span: FieldSpan, next: Int, endsRecord: Bool) {
        var s = position
        if trimSpaces { while s < end && base[s] == CSVTokenizer.space { s += 1 } }
        if s < end && base[s] == CSVTokenizer.quote {
            let openLine = line
            var q = s + 1
            var escaped = false
            while true {
                guard q < end else { throw TokenizeFailure(kind: .unterminatedQuote, line: openLine, field: number) }
                let c = base[q]
                if c == CSVTokenizer.quote {
                    if q + 1 < end && base[q + 1] == CSVTokenizer.quote {
                        escaped = true
                        q += 2
                        continue
                    }
                    break
                } else if c == CSVTokenizer.lf {
                    line += 1
                } else if c == CSVTokenizer.cr {
                    if !(q + 1 < end && base[q + 1] == CSVTokenizer.lf) { line += 1 }
                } else if c == 0 {
                    throw TokenizeFailure(kind: .nulByte, line: line, field: number)
                }
                q += 1
            }
            let span = FieldSpan(start: s + 1, end: q, hasEscapedQuote: escaped)
            var p = q + 1
            if trimSpaces { while p < end && base[p] == CSVTokenizer.space { p += 1 } }
            if p >= end { return (span, end, true) }
            let c = base[p]
            if c == delimiter { return (span, p + 1, false) }
            if c == CSVTokenizer.lf || c == CSVTokenizer.cr {
                line += 1
                return (span, skipLineEnd(p), true)
            }
            throw TokenizeFailure(kind: c == 0 ? .nulByte : .textAfterClosingQuote, line: line, field: number)
        }
        let q = unquotedFieldEnd(from: s)
        var fieldEnd = q
        if trimSpaces { while fieldEnd > s && base[fieldEnd - 1] == CSVTokenizer.space { fieldEnd -= 1 } }
        let span = FieldSpan(start: s, end: fieldEnd, hasEscapedQuote: false)
        if q >= end { return (span, end, true) }
        let c = base[q]
        if c == delimiter { return (span, q + 1, false) }
        if c == CSVTokenizer.lf || c == CSVTokenizer.cr {
            line += 1
            return (span, skipLineEnd(q), true)
        }
        throw TokenizeFailure(kind: c == 0 ? .nulByte : .strayQuote, line: line, field: number)
    }

    /// The first stop byte (delimiter, quote, CR, LF, NUL) at or after `position`, or `end`. Eight
    /// bytes at a time while they last (most fields end within the first word, with no branch per
    /// byte), then byte by byte.
    @inline(__always)
    func unquotedFieldEnd(from position: Int) -> Int {
        var q = position
        while q + 8 <= end {
            let word = UnsafeRawPointer(base + q).loadUnaligned(as: UInt64.self).littleEndian
            let found = CSVTokenizer.zeroBytes(word ^ delimiterWord) | CSVTokenizer.zeroBytes(word ^ CSVTokenizer.quoteWord)
                | CSVTokenizer.zeroBytes(word ^ CSVTokenizer.lfWord) | CSVTokenizer.zeroBytes(word ^ CSVTokenizer.crWord)
                | CSVTokenizer.zeroBytes(word)
            if found != 0 { return q + found.trailingZeroBitCount >> 3 }
            q += 8
        }
        while q < end && stops[Int(base[q])] == 0 { q += 1 }
        return q
    }

    static let quoteWord = broadcast(quote)
    static let lfWord = broadcast(lf)
    static let crWord = broadcast(cr)

    static func broadcast(_ byte: UInt8) -> UInt64 { UInt64(byte) &* 0x0101_0101_0101_0101 }

    /// High bit set in the lowest zero byte of `v` (higher bytes may be false positives, which is
    /// harmless since only the lowest matters).
    @inline(__always)
    static func zeroBytes(_ v: UInt64) -> UInt64 {
        (v &- 0x0101_0101_0101_0101) & ~v & 0x8080_8080_8080_8080
    }

    /// Counts the fields of the record at `position` for `candidate` as delimiter, quote-aware and
    /// without validation; returns the count and the position after the record.
    func countFields(at position: Int, candidate: UInt8) -> (count: Int, next: Int) {
        var p = position
        var count = 1
        var inQuotes = false
        while p < end {
            let c = base[p]
            if inQuotes {
                if c == CSVTokenizer.quote {
                    if p + 1 < end && base[p + 1] == CSVTokenizer.quote { p += 1 } else { inQuotes = false }
                }
            } else if c == CSVTokenizer.quote {
                inQuotes = true
            } else if c == candidate {
                count += 1
            } else if c == CSVTokenizer.lf || c == CSVTokenizer.cr {
                return (count, skipLineEnd(p))
            }
            p += 1
        }
        return (count, end)
    }

    /// Picks the delimiter among comma, semicolon and tab from the first records (up to 30): the
    /// candidate that gives every sampled record the header's field count, with the most fields
    /// (ties: comma, then semicolon, then tab). If none is consistent, the one with the most header
    /// fields (the reader then reports the ragged record); if all give one field, comma.
    static func detectDelimiter(base: UnsafePointer<UInt8>, start: Int, end: Int) -> UInt8 {
        let candidates: [UInt8] = [UInt8(ascii: ","), UInt8(ascii: ";"), UInt8(ascii: "\t")]
        var bestConsistent: (delimiter: UInt8, fields: Int)?
        var bestHeader: (delimiter: UInt8, fields: Int) = (candidates[0], 1)
        for candidate in candidates {
            let scanner = CSVTokenizer(base: base, end: end, delimiter: candidate)
            defer { scanner.deallocate() }
            var p = start
            var headerCount = 0
            var consistent = true
            var records = 0
            while p < end && records < 30 {
                if scanner.isLineEnd(p) { p = scanner.skipLineEnd(p); continue }
                let (count, next) = scanner.countFields(at: p, candidate: candidate)
                if records == 0 { headerCount = count } else if count != headerCount { consistent = false }
                records += 1
                p = next
            }
            if headerCount > bestHeader.fields { bestHeader = (candidate, headerCount) }
            if consistent && headerCount > 1 && headerCount > (bestConsistent?.fields ?? 1) {
                bestConsistent = (candidate, headerCount)
            }
        }
        return bestConsistent?.delimiter ?? bestHeader.delimiter
    }
}
