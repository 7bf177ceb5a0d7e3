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
            var s = p
            if trimSpaces { while s < end && base[s] == CSVTokenizer.space { s += 1 } }
            if s < end && base[s] == CSVTokenizer.quote {
                let openLine = line
                var q = s + 1
                var escaped = false
                while true {
                    guard q < end else {
                        throw TokenizeFailure(kind: .unterminatedQuote, line: openLine, field: count + 1)
                    }
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
                        throw TokenizeFailure(kind: .nulByte, line: line, field: count + 1)
                    }
                    q += 1
                }
                if count < capacity { fields[count] = FieldSpan(start: s + 1, end: q, hasEscapedQuote: escaped) }
                count += 1
                p = q + 1
                if trimSpaces { while p < end && base[p] == CSVTokenizer.space { p += 1 } }
                if p >= end { return (count, end) }
                let c = base[p]
                if c == delimiter { p += 1; continue }
                if c == CSVTokenizer.lf || c == CSVTokenizer.cr {
                    line += 1
                    return (count, skipLineEnd(p))
                }
                throw TokenizeFailure(kind: c == 0 ? .nulByte : .textAfterClosingQuote, line: line, field: count)
            }
            var q = s
            while q < end && stops[Int(base[q])] == 0 { q += 1 }
            var fieldEnd = q
            if trimSpaces { while fieldEnd > s && base[fieldEnd - 1] == CSVTokenizer.space { fieldEnd -= 1 } }
            if count < capacity { fields[count] = FieldSpan(start: s, end: fieldEnd, hasEscapedQuote: false) }
            count += 1
            if q >= end { return (count, end) }
            let c = base[q]
            if c == delimiter { p = q + 1; continue }
            if c == CSVTokenizer.lf || c == CSVTokenizer.cr {
                line += 1
                return (count, skipLineEnd(q))
            }
            throw TokenizeFailure(kind: c == 0 ? .nulByte : .strayQuote, line: line, field: count)
        }
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
