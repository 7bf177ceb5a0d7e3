import Dispatch
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads a CSV file into a `Table`, in one pass over the raw bytes.
///
/// Rules (see `CSVTokenizer` for the field syntax):
/// - The first non-blank record is the header; it is required, names must be non-empty and unique.
///   A header with no data records gives a table of 0 rows.
/// - A UTF-8 byte-order mark is skipped. Text must be UTF-8; NUL bytes are refused.
/// - Blank lines (nothing between two line ends) are skipped, as R's `read.csv` does; trailing
///   blank lines are always ignored. Exception (data.table's convention): in a one-column file an
///   interior blank line is a record with an empty field, i.e. a missing value by default.
/// - Every record must have as many fields as the header.
/// - A column is numeric when every non-missing field is a decimal number (see `DecimalParser`),
///   otherwise categorical. A column with no non-missing fields is numeric (all missing).
///   A number beyond Double's range in a numeric column is an error (`numberOutOfRange`);
///   numbers too small underflow to the correctly rounded subnormal or zero.
public struct CSVReader {
    /// Reads the file at `path`; `"-"` reads standard input (named `<stdin>` in errors).
    ///
    /// A regular file is memory-mapped and parsed in place; parsed pages are handed back to the page
    /// cache as the parse moves on, so peak memory is about the size of the columns, not file + columns.
    /// Inputs of `parallelThreshold` bytes or more are parsed in two halves on two threads, with the
    /// same table and the same errors as a one-thread parse (see `ParallelParse.swift`).
    /// `inspectingBytes`, if given, sees the file's raw bytes once before parsing (e.g. to hash them
    /// for a run manifest) without a second read or copy.
    public static func read(
        contentsOf path: String, options: CSVOptions = CSVOptions(),
        inspectingBytes: ((UnsafeRawBufferPointer) -> Void)? = nil
    ) throws(CSVError) -> Table {
        try read(contentsOf: path, options: options, inspectingBytes: inspectingBytes,
                 parallelThreshold: parallelThreshold)
    }

    /// Inputs whose records span at least this many bytes are parsed on two threads. Below it the
    /// thread start-up and the merge cost more than they save.
    static let parallelThreshold = 8 << 20

    /// `read(contentsOf:)` with the two-thread threshold given (tests use small ones).
    static func read(
        contentsOf path: String, options: CSVOptions, inspectingBytes: ((UnsafeRawBufferPointer) -> Void)?,
        parallelThreshold: Int
    ) throws(CSVError) -> Table {
        if path == "-" {
            let bytes = try readStandardInput()
            if let inspectingBytes { bytes.withUnsafeBytes(inspectingBytes) }
            return try read(data: bytes, sourceName: "<stdin>", options: options, parallelThreshold: parallelThreshold)
        }
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else {
            let code = errno
            throw CSVError(kind: code == ENOENT ? .fileNotFound : .unreadable(systemMessage(code)), file: path)
        }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw CSVError(kind: .unreadable(systemMessage(errno)), file: path) }
        if (info.st_mode & S_IFMT) == S_IFDIR { throw CSVError(kind: .unreadable("it is a directory"), file: path) }
        let size = Int(info.st_size)
        if (info.st_mode & S_IFMT) == S_IFREG && size > 0, let mapped = map(fd, size) {
            // Parse straight from the page cache; unmap before the columns are finished so the
            // file's pages and the final arrays are not resident together.
            var unmapped = false
            defer { if !unmapped { munmap(mapped, size) } }
            let whole = UnsafeRawBufferPointer(start: mapped, count: size)
            inspectingBytes?(whole)
            if let (utf8, options, note) = try transcoded(whole, sourceName: path, options: options) {
                return try read(data: utf8, sourceName: path, options: options, parallelThreshold: parallelThreshold,
                                notes: [note])
            }
            var parser = try CSVParser(base: mapped.assumingMemoryBound(to: UInt8.self), count: size,
                                       sourceName: path, options: options)
            defer { parser.deallocate() }
            parser.releasesConsumedPages = true
            let parsed = try parser.parseRecords(parallelThreshold: parallelThreshold)
            munmap(mapped, size)
            unmapped = true
            return try parsed.finish()
        }
        let bytes = try readAll(fd, name: path)
        if let inspectingBytes { bytes.withUnsafeBytes(inspectingBytes) }
        return try read(data: bytes, sourceName: path, options: options, parallelThreshold: parallelThreshold)
    }

    public static func read(data: [UInt8], sourceName: String, options: CSVOptions = CSVOptions()) throws(CSVError) -> Table {
        try read(data: data, sourceName: sourceName, options: options, parallelThreshold: parallelThreshold)
    }

    static func read(
        data: [UInt8], sourceName: String, options: CSVOptions, parallelThreshold: Int, notes: [String] = []
    ) throws(CSVError) -> Table {
        let result: Result<Table, CSVError> = data.withUnsafeBytes { buffer in
            do throws(CSVError) {
                return .success(try read(data: buffer, sourceName: sourceName, options: options,
                                         parallelThreshold: parallelThreshold, notes: notes))
            } catch {
                return .failure(error)
            }
        }
        return try result.get()
    }

    public static func read(
        data: UnsafeRawBufferPointer, sourceName: String, options: CSVOptions = CSVOptions()
    ) throws(CSVError) -> Table {
        try read(data: data, sourceName: sourceName, options: options, parallelThreshold: parallelThreshold)
    }

    static func read(
        data: UnsafeRawBufferPointer, sourceName: String, options: CSVOptions, parallelThreshold: Int,
        notes: [String] = []
    ) throws(CSVError) -> Table {
        guard let base = data.baseAddress?.assumingMemoryBound(to: UInt8.self), data.count > 0 else {
            throw CSVError(kind: .emptyFile, file: sourceName)
        }
        if let (utf8, options, note) = try transcoded(data, sourceName: sourceName, options: options) {
            return try read(data: utf8, sourceName: sourceName, options: options, parallelThreshold: parallelThreshold,
                            notes: notes + [note])
        }
        var parser = try CSVParser(base: base, count: data.count, sourceName: sourceName, options: options,
                                   notes: notes)
        defer { parser.deallocate() }
        return try parser.parseRecords(parallelThreshold: parallelThreshold).finish()
    }

    /// The input as UTF-8 when it is declared in another encoding or starts with a UTF-16 byte-order mark,
    /// with the options to parse it (now UTF-8) and a note; nil when it is parsed as it is.
    private static func transcoded(
        _ bytes: UnsafeRawBufferPointer, sourceName: String, options: CSVOptions
    ) throws(CSVError) -> ([UInt8], CSVOptions, String)? {
        let encoding: TextEncoding
        let note: String
        switch options.encoding {
        case .utf8?:
            return nil
        case let declared?:
            encoding = declared
            note = "read as \(declared.rawValue) (--encoding), converted to UTF-8"
        case nil:
            guard TextEncoding.hasUTF16ByteOrderMark(bytes) else { return nil }
            encoding = .utf16
            note = "read as UTF-16 (the file starts with a UTF-16 byte-order mark)"
        }
        var utf8Options = options
        utf8Options.encoding = .utf8
        return (try encoding.transcodeToUTF8(bytes, sourceName: sourceName), utf8Options, note)
    }

    // MARK: - Loading bytes

    /// Maps a regular file read-only; nil if mapping is not possible. Not prefaulted (`MAP_POPULATE`): that was a
    /// serial 20–90 ms before the parse threads started, while faults taken by the parse itself (the kernel maps 16
    /// pages per fault) fall on both threads (LMM a: median wall 305 → 285 ms, CPU the same; docs/csv.md).
    private static func map(_ fd: Int32, _ size: Int) -> UnsafeMutableRawPointer? {
        guard let address = mmap(nil, size, PROT_READ, MAP_PRIVATE, fd, 0),
              address != UnsafeMutableRawPointer(bitPattern: -1)
        else { return nil }
        return address
    }

    static func readStandardInput() throws(CSVError) -> [UInt8] {
        try readAll(0, name: "<stdin>")
    }

    private static func readAll(_ fd: Int32, name: String) throws(CSVError) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(1 << 20)
        try appendAll(from: fd, to: &bytes, name: name)
        return bytes
    }

    private static func appendAll(from fd: Int32, to bytes: inout [UInt8], name: String) throws(CSVError) {
        while true {
            if bytes.count == bytes.capacity { bytes.reserveCapacity(max(bytes.capacity * 2, 1 << 16)) }
            let oldCount = bytes.count
            let room = bytes.capacity - oldCount
            // Read straight into the array's spare capacity (zero-filled first; no reallocation).
            bytes.append(contentsOf: repeatElement(0, count: room))
            var readError: Int32 = 0
            var got = 0
            bytes.withUnsafeMutableBytes { buffer in
                guard let start = buffer.baseAddress else { return }
                while true {
                    let n = systemRead(fd, start + oldCount, room)
                    if n < 0 && errno == EINTR { continue }
                    if n < 0 { readError = errno } else { got = n }
                    break
                }
            }
            bytes.removeLast(room - got)
            if readError != 0 { throw CSVError(kind: .unreadable(systemMessage(readError)), file: name) }
            if got == 0 { return }
        }
    }

    private static func systemMessage(_ code: Int32) -> String {
        guard let text = strerror(code) else { return "error \(code)" }
        return String(cString: text)
    }
}

/// The C library's `read` (shadowed inside `CSVReader` by its own `read`).
@inline(__always)
private func systemRead(_ fd: Int32, _ buffer: UnsafeMutableRawPointer, _ count: Int) -> Int {
    read(fd, buffer, count)
}

/// The parsing state for one input. Owns manually allocated buffers; `deallocate()` once.
struct CSVParser {
    let base: UnsafePointer<UInt8>
    let byteCount: Int
    let sourceName: String
    let tokenizer: CSVTokenizer
    /// Start of the header (after BOM and leading blank lines) and its line number.
    let headerStart: Int
    let headerLine: Int
    /// Byte tokens (other than the empty one) that mean missing, packed.
    let missingTokens: [[UInt8]]
    let emptyIsMissing: Bool
    let longestMissingToken: Int
    /// Missing tokens that are numbers: in a numeric column a field with one of these values is missing.
    let numericCodes: [Double]
    /// Per-column extra tokens and numeric codes (`--na wai_1:-99`), by column index once the header is read.
    let columnMissingOptions: [String: [String]]
    var columnTokens: [[[UInt8]]] = []
    var columnCodes: [[Double]] = []
    var hasColumnCodes = false
    var hasNumericCodes: Bool
    /// The decimal mark is a comma (declared, or detected from the first records when `decimalIsDeclared` is false).
    var decimalComma: Bool
    let decimalIsDeclared: Bool
    /// The first header cell is empty, as in a file written by R's `write.csv` with row names.
    var hasRowNameColumn = false
    /// What the reader decided by itself, for the user (see `DataSource.notes`).
    var notes: [String] = []
    /// 1 for bytes that start some non-empty missing token: most fields are rejected on one lookup.
    private let missingTokenStarts: UnsafeMutablePointer<UInt8>
    var scratch: UnsafeMutablePointer<UInt8>
    var scratchCapacity = 256
    /// For a memory-mapped file: hand parsed pages back to the page cache as the parse moves on,
    /// so that the file and the growing columns are not resident together. (A column that turns
    /// categorical late re-reads earlier records; their pages simply fault in again.)
    var releasesConsumedPages = false
    /// The two-thread parse's pieces of each half, which the other half's thread takes from the back once it is done
    /// (ParallelParse.swift): their smallest size, and a hook each half's thread calls before each of its own pieces,
    /// with the half and the piece (tests hold one back so that pieces are taken).
    var pieceBytes = CSVParser.pieceBytes
    var beforePiece: (@Sendable (_ half: Int, _ piece: Int) -> Void)? = nil
    var releasedUpTo = 0
    /// A field in a numeric column that starts with a number ending at the field's end is read in one
    /// pass over its bytes (no separate search for the field's end). Only when that reading cannot differ
    /// from the general path's: see `enableOnePassNumbers`.
    var readsNumbersInOnePass = false
    /// A text field in a categorical column is read in one pass too (`appendTextField`) when no missing code
    /// can match it by its number.
    var readsTextInOnePass = false
    /// Columns turned categorical so far (a record loop re-checks whether all its columns are still numeric).
    var conversions = 0
    /// The delimiter in every lane, for `appendTextField`'s 16-byte compares.
    let delimiterLanes: SIMD16<UInt8>

    init(base: UnsafePointer<UInt8>, count: Int, sourceName: String, options: CSVOptions,
         notes: [String] = []) throws(CSVError) {
        self.notes = notes
        self.base = base
        self.byteCount = count
        self.sourceName = sourceName
        var start = 0
        if count >= 3 && base[0] == 0xEF && base[1] == 0xBB && base[2] == 0xBF { start = 3 }
        // Trailing line ends are not records: trim them once so every loop can stop at `end`.
        var end = count
        while end > start && (base[end - 1] == CSVTokenizer.lf || base[end - 1] == CSVTokenizer.cr) { end -= 1 }
        // Leading blank lines are skipped too.
        var line = 1
        var p = start
        while p < end && (base[p] == CSVTokenizer.lf || base[p] == CSVTokenizer.cr) {
            if base[p] == CSVTokenizer.cr && p + 1 < end && base[p + 1] == CSVTokenizer.lf { p += 1 }
            p += 1
            line += 1
        }
        guard p < end else { throw CSVError(kind: .emptyFile, file: sourceName) }
        headerStart = p
        headerLine = line

        let delimiter = options.delimiter ?? CSVTokenizer.detectDelimiter(base: base, start: p, end: end)
        guard delimiter != CSVTokenizer.quote && delimiter != CSVTokenizer.cr && delimiter != CSVTokenizer.lf
            && delimiter != 0
        else { throw CSVError(kind: .invalidOptions, file: sourceName) }
        // Checked before the tokenizer allocates anything.
        if let mark = options.decimalMark, mark != DecimalMarks.comma && mark != DecimalMarks.point || mark == delimiter {
            throw CSVError(kind: .invalidOptions, file: sourceName)
        }
        tokenizer = CSVTokenizer(base: base, end: end, delimiter: delimiter)
        delimiterLanes = SIMD16(repeating: delimiter)

        missingTokens = options.missingTokens.filter { !$0.isEmpty }.map { Array($0.utf8) }
        numericCodes = Self.numericCodes(options.missingTokens)
        hasNumericCodes = !numericCodes.isEmpty
        columnMissingOptions = options.columnMissingTokens
        decimalIsDeclared = options.decimalMark != nil
        decimalComma = options.decimalMark == DecimalMarks.comma

        emptyIsMissing = options.missingTokens.contains("")
        longestMissingToken = missingTokens.map(\.count).max() ?? 0
        missingTokenStarts = .allocate(capacity: 256)
        missingTokenStarts.initialize(repeating: 0, count: 256)
        for token in missingTokens { missingTokenStarts[Int(token[0])] = 1 }
        scratch = .allocate(capacity: scratchCapacity)
    }

    /// The tokens that are numbers (read with a decimal point), as values.
    static func numericCodes(_ tokens: [String]) -> [Double] {
        tokens.compactMap { token in
            if case .value(let v) = DecimalParser.parse(token) { return v }
            return nil
        }
    }

    func deallocate() {
        tokenizer.deallocate()
        scratch.deallocate()
        missingTokenStarts.deallocate()
    }

    private mutating func releaseConsumedPages(upTo position: Int) {
        let page = Int(sysconf(Int32(_SC_PAGESIZE)))
        let end = position / page * page
        guard page > 0, end > releasedUpTo else { return }
        madvise(UnsafeMutableRawPointer(mutating: base + releasedUpTo), end - releasedUpTo, Int32(MADV_DONTNEED))
        releasedUpTo = end
    }

    func failure(_ f: TokenizeFailure, names: [String]) -> CSVError {
        let name = f.field.flatMap { $0 >= 1 && $0 <= names.count ? names[$0 - 1] : nil }
        return CSVError(kind: f.kind, file: sourceName, line: f.line, column: f.field, columnName: name)
    }

    // MARK: - Parse

    /// Tokenizes every record into column builders; the result no longer needs the input bytes.
    /// When the records span at least `parallelThreshold` bytes they are parsed in two halves on two
    /// threads (see `parseInTwoChunks`); otherwise, or when that is not possible, in one pass.
    /// `onePassNumbers: false` reads every field by the general path (tests compare the two); `windowRows` sizes the
    /// two-thread parse's shared number buffers instead of its estimate (tests force overflowing and roomy ones).
    mutating func parseRecords(
        parallelThreshold: Int = Int.max, onePassNumbers: Bool = true, windowRows: (first: Int, second: Int)? = nil
    ) throws(CSVError) -> ParsedColumns {
        let (names, afterHeader, lineAfterHeader) = try readHeader()
        let columnCount = names.count
        try resolveColumnMissingTokens(names: names)
        if !decimalIsDeclared && tokenizer.delimiter != DecimalMarks.comma {
            sniffDecimalMark(names: names, start: afterHeader, line: lineAfterHeader)
        }
        if onePassNumbers { enableOnePassNumbers() }
        if tokenizer.end - afterHeader >= parallelThreshold,
           let builders = parseInTwoChunks(columnCount: columnCount, start: afterHeader, line: lineAfterHeader,
                                           windowRows: windowRows) {
            return ParsedColumns(names: names, builders: builders, sourceName: sourceName, byteCount: byteCount,
                                 notes: notes, hasRowNameColumn: hasRowNameColumn)
        }
        do throws(TokenizeFailure) {
            let chunk = try parseChunk(from: afterHeader, line: lineAfterHeader, to: tokenizer.end,
                                       columnCount: columnCount, estimateEnd: tokenizer.end)
            return ParsedColumns(names: names, builders: chunk.builders, sourceName: sourceName, byteCount: byteCount,
                                 notes: notes, hasRowNameColumn: hasRowNameColumn)
        } catch {
            throw failure(error, names: names)
        }
    }

    /// One-pass numbers give the general path's result when a field that reads as a number is never
    /// a missing token, a missing code or a decimal-comma number, and the delimiter cannot be part of a number.
    /// One-pass text gives it when no missing code can match a text field by its number (`isNumericCode`).
    private mutating func enableOnePassNumbers() {
        let numberBytes = Set("0123456789+-.eE".utf8)
        let tokenIsNumber = missingTokens.contains { token in
            token.withUnsafeBufferPointer { t in
                guard let base = t.baseAddress else { return false }
                return DecimalParser.scan(base, limit: t.count)?.length == t.count
            }
        }
        readsNumbersInOnePass = !decimalComma && !hasNumericCodes && !hasColumnCodes && !tokenIsNumber
            && !numberBytes.contains(tokenizer.delimiter)
        readsTextInOnePass = !hasNumericCodes && !hasColumnCodes
    }

    /// Parses the records that start in `start..<stop` (the last one may run past `stop`) into fresh
    /// builders, or, given `resuming` (a chunk parsed from `start`, or empty builders with 0 rows), goes on
    /// from where it ended with its builders, which stay the caller's to release if this throws. `line` is
    /// the line number at `start`; `estimateEnd` is where the records this builder will finally hold end,
    /// for sizing the columns once.
    mutating func parseChunk(
        from start: Int, line startLine: Int, resuming: ParsedChunk? = nil, to stop: Int, columnCount: Int,
        estimateEnd: Int
    ) throws(TokenizeFailure) -> ParsedChunk {
        var line = resuming?.endLine ?? startLine
        var position = resuming?.end ?? start
        let dataStart = start
        let dataStartLine = startLine

        let builders: UnsafeMutablePointer<ColumnBuilder>
        if let resuming {
            builders = resuming.builders
        } else {
            builders = .allocate(capacity: columnCount)
            for j in 0..<columnCount { (builders + j).initialize(to: ColumnBuilder(capacity: 1024)) }
        }
        var handedOver = resuming != nil
        defer { if !handedOver { ParsedColumns.release(builders, count: columnCount) } }

        var rows = resuming?.rows ?? 0
        var estimated = rows >= 4096
        // Every column numeric and read in one pass: records take `parseRecord`'s loop without per-field checks
        // of the column's type. Re-checked only when a column has turned categorical.
        var conversionsSeen = conversions
        var allNumeric = readsNumbersInOnePass && (0..<columnCount).allSatisfy { builders[$0].isNumeric }
        while position < stop {
            let recordLine = line
            let next: Int
            if tokenizer.isLineEnd(position) {
                // A blank line: skipped, except in a one-column file where it is an empty field.
                line += 1
                next = tokenizer.skipLineEnd(position)
                guard columnCount == 1 else {
                    position = next
                    continue
                }
                try add(FieldSpan(start: position, end: position, hasEscapedQuote: false), to: builders,
                        column: 0, row: rows, line: recordLine, dataStart: dataStart,
                        dataStartLine: dataStartLine, columnCount: columnCount)
            } else {
                if conversions != conversionsSeen {
                    conversionsSeen = conversions
                    allNumeric = readsNumbersInOnePass && (0..<columnCount).allSatisfy { builders[$0].isNumeric }
                }
                next = try parseRecord(at: position, builders: builders, columnCount: columnCount, row: rows,
                                       line: &line, dataStart: dataStart, dataStartLine: dataStartLine,
                                       allNumeric: allNumeric)
            }
            rows += 1
            position = next
            if !estimated && rows == 4096 {
                // Size every column once from the bytes consumed so far, to avoid repeated growth.
                estimated = true
                let consumed = Double(position - dataStart)
                let total = Double(estimateEnd - dataStart)
                let estimate = Int(Double(rows) * total / consumed * 1.02) + 64
                for j in 0..<columnCount { builders[j].reserve(estimate) }
            }
            if releasesConsumedPages && position - releasedUpTo >= 1 << 22 {
                releaseConsumedPages(upTo: position)
            }
        }

        handedOver = true
        return ParsedChunk(builders: builders, rows: rows, end: position, endLine: line)
    }

    /// Parses one record straight into the column builders (no intermediate field list); returns
    /// the position after it. A record with the wrong number of fields is an error, so fields
    /// already added from it never reach a table.
    @inline(__always)
    private mutating func parseRecord(
        at position: Int, builders: UnsafeMutablePointer<ColumnBuilder>, columnCount: Int, row: Int,
        line: inout Int, dataStart: Int, dataStartLine: Int, allNumeric: Bool
    ) throws(TokenizeFailure) -> Int {
        let recordLine = line
        var p = position
        var column = 0
        while true {
            // With every column numeric and read in one pass (`allNumeric`) no column's type is looked up. (A loop of
            // its own for such records made a second call site, and the package build then stopped inlining
            // `appendNumberField`: 15% more CPU on the LMM file, csv6.)
            if column < columnCount && (allNumeric || readsNumbersInOnePass && builders[column].isNumeric),
               let (next, endsRecord) = appendNumberField(at: p, to: builders + column, line: &line, recordLine: recordLine) {
                column += 1
                if endsRecord {
                    guard column == columnCount else {
                        throw TokenizeFailure(kind: .raggedRow(expected: columnCount, found: column), line: recordLine,
                                              field: nil)
                    }
                    return next
                }
                p = next
                continue
            }
            if readsTextInOnePass && column < columnCount && !builders[column].isNumeric,
               let (next, endsRecord) = try appendTextField(at: p, to: builders + column, column: column, line: &line,
                                                            recordLine: recordLine) {
                column += 1
                if endsRecord {
                    guard column == columnCount else {
                        throw TokenizeFailure(kind: .raggedRow(expected: columnCount, found: column), line: recordLine,
                                              field: nil)
                    }
                    return next
                }
                p = next
                continue
            }
            let (span, next, endsRecord) = try tokenizer.field(at: p, number: column + 1, line: &line)
            if column == columnCount {
                // Too many fields: count them all for the message.
                var found = column + 1
                var q = next
                var ended = endsRecord
                while !ended {
                    let (_, after, ends) = try tokenizer.field(at: q, number: found + 1, line: &line)
                    found += 1
                    q = after
                    ended = ends
                }
                throw TokenizeFailure(kind: .raggedRow(expected: columnCount, found: found), line: recordLine, field: nil)
            }
            try add(span, to: builders + column, column: column, row: row, line: recordLine,
                    dataStart: dataStart, dataStartLine: dataStartLine, columnCount: columnCount)
            column += 1
            if endsRecord {
                guard column == columnCount else {
                    throw TokenizeFailure(kind: .raggedRow(expected: columnCount, found: column), line: recordLine,
                                          field: nil)
                }
                return next
            }
            p = next
        }
    }

    /// The one-pass reading of a numeric field: when the bytes at `position` start with a number that the
    /// delimiter, a line end or the end of input follows, appends it and returns what `CSVTokenizer.field`
    /// would (the position after the field and whether it ended the record); otherwise appends nothing and
    /// returns nil, and the general path reads the field (spaces, quotes, missing tokens, text, errors).
    @inline(__always)
    private func appendNumberField(
        at position: Int, to builder: UnsafeMutablePointer<ColumnBuilder>, line: inout Int, recordLine: Int
    ) -> (next: Int, endsRecord: Bool)? {
        let end = tokenizer.end
        guard position < end, let number = DecimalParser.scan(base + position, limit: end - position) else { return nil }
        guard let after = fieldEnd(at: position + number.length) else { return nil }
        let p = base + position
        if let v = DecimalParser.quickValue(of: number) {
            builder.pointee.appendValue(v, leadingZero: number.leadingZero)
        } else if !builder.pointee.append(DecimalParser.value(of: number, p), p, number.length,
                                          leadingZero: number.leadingZero, line: recordLine) {
            return nil
        }
        if after.lineEnd { line += 1 }
        return (after.next, after.endsRecord)
    }

    /// The one-pass reading of a text field in a categorical column: an unquoted field with no spaces to trim,
    /// that the delimiter, a line end or the end of input follows, is looked up as a missing token and
    /// otherwise interned, with no separate tokenizing step. Anything else (quotes, spaces, stray bytes,
    /// errors) returns nil before appending, and the general path reads the field. Only used when no missing
    /// code can match a text field by its number (`readsTextInOnePass`), so the result is `add`'s.
    /// Not inlined: inlined, it slowed the numeric fields' loop (≈ 2% more CPU on the all-numeric Cox file;
    /// as a call, ≈ 6% less than before it existed, read harness, docs/csv.md).
    @inline(never)
    private func appendTextField(
        at position: Int, to builder: UnsafeMutablePointer<ColumnBuilder>, column: Int, line: inout Int,
        recordLine: Int
    ) throws(TokenizeFailure) -> (next: Int, endsRecord: Bool)? {
        let end = tokenizer.end
        if end &- position >= 16 && builder.pointee.takesShortLevelWords {
            // Most levels: one 16-byte load finds the field's end and gives the words the short table is keyed by.
            let bytes = UnsafeRawPointer(base + position).loadUnaligned(as: SIMD16<UInt8>.self)
            let stops = unsafeBitCast(Self.lanes(bytes .== delimiterLanes) | Self.lanes(bytes .== SIMD16(repeating: CSVTokenizer.quote))
                | Self.lanes(bytes .== SIMD16(repeating: CSVTokenizer.lf)) | Self.lanes(bytes .== SIMD16(repeating: CSVTokenizer.cr))
                | Self.lanes(bytes .== SIMD16(repeating: 0)), to: SIMD2<UInt64>.self)
            let words = unsafeBitCast(bytes, to: SIMD2<UInt64>.self)
            let low = UInt64(littleEndian: stops[0])
            let high = UInt64(littleEndian: stops[1])
            // The bytes before the first stop: all of the first word when it has none (x & −x isolates the lowest bit).
            let lo = UInt64(littleEndian: words[0]) & ((low & (0 &- low)) &- 1)
            let hi = low != 0 ? 0 : UInt64(littleEndian: words[1]) & ((high & (0 &- high)) &- 1)
            let n = (low != 0 ? low.trailingZeroBitCount : 64 &+ high.trailingZeroBitCount) &>> 3
            // An empty field, a quote first or a field of 16 bytes or more: read below.
            if n != 0 && n != 16 {
                let stop = position &+ n
                let c = base[stop]
                let next: Int
                let endsRecord: Bool
                if c == tokenizer.delimiter {
                    next = stop &+ 1
                    endsRecord = false
                } else if c == CSVTokenizer.lf || c == CSVTokenizer.cr {
                    next = tokenizer.skipLineEnd(stop)
                    endsRecord = true
                } else {
                    // A quote or a NUL byte inside the field: the general path reads it (or reports it).
                    return nil
                }
                let p = base + position
                if tokenizer.trimSpaces && (p[0] == CSVTokenizer.space || p[n &- 1] == CSVTokenizer.space) { return nil }
                if isMissing(p, n) {
                    builder.pointee.appendMissing()
                } else if !builder.pointee.appendShortLevel(p, n, lo: lo, hi: hi) {
                    throw TokenizeFailure(kind: .invalidUTF8, line: recordLine, field: column + 1)
                }
                if endsRecord { line += 1 }
                return (next, endsRecord)
            }
        }
        guard position < end else { return nil }
        let first = base[position]
        if first == CSVTokenizer.quote || (tokenizer.trimSpaces && first == CSVTokenizer.space) { return nil }
        let stop = tokenizer.unquotedFieldEnd(from: position)
        guard let after = fieldEnd(at: stop) else { return nil }
        let n = stop - position
        if tokenizer.trimSpaces && n > 0 && base[stop - 1] == CSVTokenizer.space { return nil }
        let p = base + position
        if isMissing(p, n) {
            builder.pointee.appendMissing()
        } else if !builder.pointee.appendLevel(p, n, readable: end - position) {
            throw TokenizeFailure(kind: .invalidUTF8, line: recordLine, field: column + 1)
        }
        if after.lineEnd { line += 1 }
        return (after.next, after.endsRecord)
    }

    /// A mask's lanes as bytes (0xFF where true), to be OR-ed as integers: `.|` on masks is a loop over the lanes in this
    /// Swift (6.3), `|` on the bytes one instruction.
    @inline(__always)
    private static func lanes(_ mask: SIMDMask<SIMD16<Int8>>) -> SIMD16<UInt8> { unsafeBitCast(mask, to: SIMD16<UInt8>.self) }

    /// What follows a field that stops at `stop`, for the one-pass readers: the position after it, whether the record
    /// ends there and whether a line does; nil when neither the delimiter, a line end nor the end of the input follows
    /// (the general path then reads the field).
    @inline(__always)
    private func fieldEnd(at stop: Int) -> (next: Int, endsRecord: Bool, lineEnd: Bool)? {
        let end = tokenizer.end
        if stop >= end { return (end, true, false) }
        let c = base[stop]
        if c == tokenizer.delimiter { return (stop + 1, false, false) }
        if c == CSVTokenizer.lf || c == CSVTokenizer.cr { return (tokenizer.skipLineEnd(stop), true, true) }
        return nil
    }

    /// The record at `position`, or nil for a blank line that is skipped (the caller steps past it).
    @inline(__always)
    private func nextRecord(
        at position: Int, fields: UnsafeMutablePointer<FieldSpan>, columnCount: Int, line: inout Int
    ) throws(TokenizeFailure) -> (count: Int, next: Int)? {
        if tokenizer.isLineEnd(position) {
            line += 1
            guard columnCount == 1 else { return nil }
            fields[0] = FieldSpan(start: position, end: position, hasEscapedQuote: false)
            return (1, tokenizer.skipLineEnd(position))
        }
        return try tokenizer.record(at: position, into: fields, capacity: columnCount, line: &line)
    }

    @inline(__always)
    private func isMissing(_ p: UnsafePointer<UInt8>, _ n: Int) -> Bool {
        if n == 0 { return emptyIsMissing }
        if missingTokenStarts[Int(p[0])] == 0 || n > longestMissingToken { return false }
        for token in missingTokens where token.count == n {
            var equal = true
            for k in 0..<n where token[k] != p[k] { equal = false; break }
            if equal { return true }
        }
        return false
    }

    /// A per-column token (`--na wai_1:refused`) matches the field's text.
    @inline(never)
    private func isColumnMissing(_ p: UnsafePointer<UInt8>, _ n: Int, column: Int) -> Bool {
        for token in columnTokens[column] where token.count == n {
            if token.withUnsafeBufferPointer({ t in (0..<n).allSatisfy { t[$0] == p[$0] } }) { return true }
        }
        return false
    }

    /// The field is a number equal to a missing code (global or for this column).
    private func isMissingCode(_ v: Double, column: Int) -> Bool {
        numericCodes.contains(v) || (hasColumnCodes && columnCodes[column].contains(v))
    }

    /// The field, read as a number in the file's decimal mark, equals a missing code.
    @inline(never)
    private func isNumericCode(_ p: UnsafePointer<UInt8>, _ n: Int, column: Int) -> Bool {
        withNumberText(p, n) { q, m in
            if case .value(let v) = DecimalParser.parse(q, count: m) { return isMissingCode(v, column: column) }
            return false
        } ?? false
    }

    /// Calls `body` with the field's text as a decimal-point number: as it is, or with a decimal comma
    /// turned into a point. Nil when, with a decimal comma, the field has a `.` (not a number in this dialect).
    @inline(__always)
    private func withNumberText<R>(_ p: UnsafePointer<UInt8>, _ n: Int,
                                   _ body: (UnsafePointer<UInt8>, Int) -> R) -> R? {
        guard decimalComma else { return body(p, n) }
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: max(n, 1)) { buffer -> R? in
            guard let q = buffer.baseAddress else { return nil }
            for k in 0..<n {
                let b = p[k]
                if b == DecimalMarks.point { return nil }
                q[k] = b == DecimalMarks.comma ? DecimalMarks.point : b
            }
            return body(UnsafePointer(q), n)
        }
    }

    /// The numeric path with a decimal comma or missing codes: appends the number (or a missing value for a
    /// code) and returns true, or returns false when the field is not a number.
    @inline(never)
    private mutating func appendNumberCarefully(
        _ p: UnsafePointer<UInt8>, _ n: Int, to builder: UnsafeMutablePointer<ColumnBuilder>, column: Int, line: Int
    ) throws(TokenizeFailure) -> Bool {
        let codes = hasNumericCodes || hasColumnCodes
        let appended = withNumberText(p, n) { q, m -> Bool in
            if codes, case .value(let v) = DecimalParser.parse(q, count: m), isMissingCode(v, column: column) {
                builder.pointee.appendMissing()
                return true
            }
            return builder.pointee.appendNumber(q, m, line: line)
        }
        if let appended { return appended }
        if DecimalMarks.isNumberWithPoint(p, n) {
            throw TokenizeFailure(kind: .pointInDecimalCommaNumber(Self.text(p, n)), line: line, field: column + 1)
        }
        return false
    }

    /// The first records showed no decimal comma, but a numeric column has one: refuse rather than turn the
    /// column into text (which a model would treat as a factor).
    @inline(never)
    private func refuseUndeclaredDecimalComma(_ p: UnsafePointer<UInt8>, _ n: Int, line: Int, column: Int) throws(TokenizeFailure) {
        if !decimalIsDeclared && tokenizer.delimiter != DecimalMarks.comma && !decimalComma
            && DecimalMarks.isCommaDecimalNumber(p, n) {
            throw TokenizeFailure(kind: .undeclaredDecimalComma(Self.text(p, n)), line: line, field: column + 1)
        }
    }

    static func text(_ p: UnsafePointer<UInt8>, _ n: Int) -> String {
        String(decoding: UnsafeBufferPointer(start: p, count: min(n, 80)), as: UTF8.self)
    }

    /// Per-column missing tokens by column index; a name not in the header is an error.
    mutating func resolveColumnMissingTokens(names: [String]) throws(CSVError) {
        guard !columnMissingOptions.isEmpty else { return }
        columnTokens = Array(repeating: [], count: names.count)
        columnCodes = Array(repeating: [], count: names.count)
        for (name, tokens) in columnMissingOptions.sorted(by: { $0.key < $1.key }) {
            guard let j = names.firstIndex(of: name) else {
                throw CSVError(kind: .unknownMissingCodeColumn(name), file: sourceName, line: headerLine)
            }
            columnTokens[j] += tokens.map { Array($0.utf8) }
            columnCodes[j] += Self.numericCodes(tokens)
        }
        hasColumnCodes = true
        hasNumericCodes = hasNumericCodes || columnCodes.contains { !$0.isEmpty }
    }

    /// Looks at the first 30 records for numbers written with a decimal comma: when some field has one and
    /// none is written with a decimal point, the decimal mark is the comma (noted). A sniff, not a pass:
    /// a decimal comma first seen later in a numeric column is refused (`undeclaredDecimalComma`).
    mutating func sniffDecimalMark(names: [String], start: Int, line startLine: Int) {
        let columnCount = names.count
        let fields = UnsafeMutablePointer<FieldSpan>.allocate(capacity: columnCount)
        defer { fields.deallocate() }
        var position = start
        var line = startLine
        var records = 0
        var example: (text: String, column: String)?
        var pointNumbers = 0
        while position < tokenizer.end && records < 30 {
            if tokenizer.isLineEnd(position) {
                position = tokenizer.skipLineEnd(position)
                line += 1
                continue
            }
            guard let (count, next) = try? tokenizer.record(at: position, into: fields, capacity: columnCount, line: &line),
                  count == columnCount
            else { break }
            for j in 0..<columnCount {
                let (p, n) = bytes(of: fields[j])
                if example == nil && DecimalMarks.isCommaDecimalNumber(p, n) {
                    example = (Self.text(p, n), names[j])
                } else if DecimalMarks.isPointDecimalNumber(p, n) {
                    pointNumbers += 1
                }
            }
            records += 1
            position = next
        }
        guard let example, pointNumbers == 0 else { return }
        decimalComma = true
        let shown = tokenizer.delimiter == UInt8(ascii: "\t") ? "tab" : "'\(Character(UnicodeScalar(tokenizer.delimiter)))'"
        notes.append("read as the European CSV dialect: \(shown) between fields and ',' as the decimal mark "
            + "(e.g. '\(example.text)' in column '\(example.column)'); pass --decimal . to read commas as text")
    }

    /// The field's bytes, with doubled quotes collapsed into the scratch buffer when needed.
    @inline(__always)
    private mutating func bytes(of field: FieldSpan) -> (UnsafePointer<UInt8>, Int) {
        let n = field.end - field.start
        guard field.hasEscapedQuote else { return (base + field.start, n) }
        if n > scratchCapacity {
            scratch.deallocate()
            scratchCapacity = n
            scratch = .allocate(capacity: n)
        }
        var out = 0
        var i = field.start
        while i < field.end {
            scratch[out] = base[i]
            out += 1
            i += base[i] == CSVTokenizer.quote ? 2 : 1
        }
        return (UnsafePointer(scratch), out)
    }

    @inline(__always)
    private mutating func add(
        _ field: FieldSpan, to builder: UnsafeMutablePointer<ColumnBuilder>, column: Int, row: Int, line: Int,
        dataStart: Int, dataStartLine: Int, columnCount: Int
    ) throws(TokenizeFailure) {
        let (p, n) = bytes(of: field)
        if isMissing(p, n) || (hasColumnCodes && isColumnMissing(p, n, column: column)) {
            builder.pointee.appendMissing()
        } else if builder.pointee.isNumeric {
            if decimalComma || hasNumericCodes {
                if try appendNumberCarefully(p, n, to: builder, column: column, line: line) { return }
            } else if builder.pointee.appendNumber(p, n, line: line) {
                return
            }
            try refuseUndeclaredDecimalComma(p, n, line: line, column: column)
            try convertToCategorical(builder, column: column, rows: row, dataStart: dataStart,
                                     dataStartLine: dataStartLine, columnCount: columnCount)
            conversions += 1
            let (p2, n2) = bytes(of: field)
            guard builder.pointee.appendLevel(p2, n2) else {
                throw TokenizeFailure(kind: .invalidUTF8, line: line, field: column + 1)
            }
        } else if hasNumericCodes && isNumericCode(p, n, column: column) {
            builder.pointee.appendMissing()
        } else {
            guard builder.pointee.appendLevel(p, n) else {
                throw TokenizeFailure(kind: .invalidUTF8, line: line, field: column + 1)
            }
        }
    }

    /// Re-reads the first `rows` records for one column and interns them as text.
    mutating func convertToCategorical(
        _ builder: UnsafeMutablePointer<ColumnBuilder>, column: Int, rows: Int, dataStart: Int, dataStartLine: Int,
        columnCount: Int
    ) throws(TokenizeFailure) {
        builder.pointee.becomeCategorical()
        guard rows > 0 else { return }
        let fields = UnsafeMutablePointer<FieldSpan>.allocate(capacity: columnCount)
        defer { fields.deallocate() }
        var position = dataStart
        var line = dataStartLine
        var row = 0
        while row < rows {
            let recordLine = line
            guard let (_, next) = try nextRecord(at: position, fields: fields, columnCount: columnCount, line: &line)
            else {
                position = tokenizer.skipLineEnd(position)
                continue
            }
            let (p, n) = bytes(of: fields[column])
            if isMissing(p, n) || (hasColumnCodes && isColumnMissing(p, n, column: column))
                || (hasNumericCodes && isNumericCode(p, n, column: column)) {
                builder.pointee.appendMissing()
            } else if !builder.pointee.appendLevel(p, n) {
                throw TokenizeFailure(kind: .invalidUTF8, line: recordLine, field: column + 1)
            }
            row += 1
            position = next
        }
    }

    /// Reads and checks the header names; returns them with the position and line after the header.
    mutating func readHeader() throws(CSVError) -> (names: [String], next: Int, line: Int) {
        var line = headerLine
        let count: Int
        let next: Int
        let probe = UnsafeMutablePointer<FieldSpan>.allocate(capacity: 1)
        defer { probe.deallocate() }
        do throws(TokenizeFailure) {
            count = try tokenizer.record(at: headerStart, into: probe, capacity: 0, line: &line).count
        } catch {
            throw failure(error, names: [])
        }
        let fields = UnsafeMutablePointer<FieldSpan>.allocate(capacity: count)
        defer { fields.deallocate() }
        line = headerLine
        do throws(TokenizeFailure) {
            next = try tokenizer.record(at: headerStart, into: fields, capacity: count, line: &line).next
        } catch {
            throw failure(error, names: [])
        }
        var names: [String] = []
        var firstColumn: [String: Int] = [:]
        for j in 0..<count {
            let (p, n) = bytes(of: fields[j])
            guard UTF8Validation.isValid(p, count: n) else {
                throw CSVError(kind: .invalidUTF8, file: sourceName, line: headerLine, column: j + 1)
            }
            let name = String(decoding: UnsafeBufferPointer(start: p, count: n), as: UTF8.self)
            if name.isEmpty && j == 0 && count > 1 {
                // R's write.csv writes its row names under an empty first header cell: read the column as `row`
                // (ParsedColumns.finish drops it when it holds just 1…n).
                hasRowNameColumn = true
                names.append("row")
                firstColumn["row"] = 1
                continue
            }
            guard !name.isEmpty else {
                // With another empty name the first is not R's row names: report it, as before.
                throw CSVError(kind: .emptyHeaderName, file: sourceName, line: headerLine,
                               column: hasRowNameColumn ? 1 : j + 1)
            }
            if let first = firstColumn[name] {
                if hasRowNameColumn && first == 1 {
                    // `row` is taken: the unnamed first column stays an error, as before.
                    throw CSVError(kind: .emptyHeaderName, file: sourceName, line: headerLine, column: 1)
                }
                throw CSVError(kind: .duplicateHeaderName(name, firstColumn: first), file: sourceName,
                               line: headerLine, column: j + 1, columnName: name)
            }
            firstColumn[name] = j + 1
            names.append(name)
        }
        return (names, next, line)
    }
}

/// The records of one stretch of the input, parsed into their own column builders.
struct ParsedChunk {
    let builders: UnsafeMutablePointer<ColumnBuilder>
    let rows: Int
    /// The position and line number after the last record.
    let end: Int
    let endLine: Int
}

/// Parsed columns waiting to become a `Table`; `finish()` consumes them (and frees the builders).
struct ParsedColumns {
    let names: [String]
    let builders: UnsafeMutablePointer<ColumnBuilder>
    let sourceName: String
    let byteCount: Int
    let notes: [String]
    /// Column 1 had an empty header cell (R's row names); dropped when it holds just 1…n.
    let hasRowNameColumn: Bool

    static func release(_ builders: UnsafeMutablePointer<ColumnBuilder>, count: Int) {
        for j in 0..<count { builders[j].deallocate() }
        builders.deinitialize(count: count)
        builders.deallocate()
    }

    /// The text columns finished on two threads (each sorts its levels and recodes its rows, ≈ 1–2 ms a million rows, one
    /// after the other before), by column index; empty slots for the others, and all of them empty for fewer than two
    /// such columns or small files, which `finish` then finishes in its loop. Each job finishes only its own columns.
    private func finishedCategoricalColumns() -> [CategoricalColumn?] {
        let count = names.count
        var finished = [CategoricalColumn?](repeating: nil, count: count)
        let text = (0..<count).filter { !builders[$0].isNumeric }
        guard text.count >= 2, builders[text[0]].count >= 1 << 16 else { return finished }
        finished.withUnsafeMutableBufferPointer { slots in
            let jobs = FinishJobs(builders: builders, slots: slots.baseAddress!)
            DispatchQueue.concurrentPerform(iterations: 2) { part in
                for k in stride(from: part, to: text.count, by: 2) {
                    jobs.slots[text[k]] = jobs.builders[text[k]].finishCategorical()
                }
            }
        }
        return finished
    }

    /// Builds the columns one at a time, freeing each builder's scratch as soon as its column exists.
    func finish() throws(CSVError) -> Table {
        let columnCount = names.count
        var next = 0
        defer {
            // Builders before `next` were freed as their columns were built.
            for j in next..<columnCount { builders[j].deallocate() }
            builders.deinitialize(count: columnCount)
            builders.deallocate()
        }
        var columns: [Column] = []
        columns.reserveCapacity(columnCount)
        let categorical = finishedCategoricalColumns()
        // The missing flags of the columns that have no missing value: one array shared by all (arrays are values).
        var noneMissing: [Bool] = []
        while next < columnCount {
            let j = next
            let builder = builders + j
            if let finished = categorical[j] {
                columns.append(Column(name: names[j], data: .categorical(finished)))
            } else if builder.pointee.isNumeric {
                if let (badLine, text) = builder.pointee.firstOutOfRange {
                    throw CSVError(kind: .numberOutOfRange(text), file: sourceName, line: badLine, column: j + 1,
                                   columnName: names[j])
                }
                columns.append(Column(name: names[j], data: .numeric(builder.pointee.finishNumeric(noneMissing: &noneMissing))))
            } else {
                columns.append(Column(name: names[j], data: .categorical(builder.pointee.finishCategorical())))
            }
            builder.pointee.deallocate()
            next += 1
        }
        var notes = self.notes
        if hasRowNameColumn {
            if case .numeric(let c) = columns[0].data, !c.missing.contains(true),
               c.values.enumerated().allSatisfy({ $0.element == Double($0.offset + 1) }) {
                columns.removeFirst()
                notes.append("the first column has no name and holds the row numbers 1…\(c.count) (R's write.csv "
                    + "row names): dropped")
            } else {
                notes.append("the first column has no name (R's write.csv row names): read as column 'row'")
            }
        }
        do throws(TableError) {
            return try Table(columns: columns, source: DataSource(path: sourceName, byteCount: byteCount, notes: notes))
        } catch {
            // Unreachable: names were checked unique and every column has one entry per record.
            throw CSVError(kind: .duplicateHeaderName(error.description, firstColumn: 0), file: sourceName)
        }
    }
}

/// `finishedCategoricalColumns`' builders and result slots: each job touches only its own columns' builders and slots.
private struct FinishJobs: @unchecked Sendable {
    let builders: UnsafeMutablePointer<ColumnBuilder>
    let slots: UnsafeMutablePointer<CategoricalColumn?>
}
