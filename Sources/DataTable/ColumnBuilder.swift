import Dispatch
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Accumulates one column while the file is parsed. A column starts numeric: each field is parsed
/// speculatively into a growing `Double` buffer. At the first non-missing field that is not a
/// number the reader converts the column to categorical (re-reading that column's earlier fields
/// from the input) and from then on interns field bytes. Manually managed memory: the reader
/// calls `deallocate()` exactly once.
struct ColumnBuilder {
    private(set) var isNumeric = true
    private var values: [Double] = []
    /// Numbers wait here and join `values` a block at a time: one uniqueness check and one copy per
    /// block instead of a runtime uniqueness check per `Array.append` (`perf`: ≈ 5% of the read in
    /// `swift_isUniquelyReferenced`; the read of the 1M-row benchmark files took 8–13% less CPU).
    /// `values` then `pending[0..<pendingCount]` are the column's numbers in order.
    private let pending: UnsafeMutablePointer<Double>
    private var pendingCount = 0
    private static let blockSize = 256
    /// Missing flags, kept only once a missing value has been seen (most columns have none).
    private var missing: [Bool] = []
    private var hasMissing = false
    private var codes: [Int32] = []
    /// Level codes wait here and join `codes` a block at a time, as numbers do in `pending` (an `Array.append` per
    /// text field called the runtime's uniqueness check each time). `codes` then `pendingCodes[0..<pendingCodeCount]`.
    private let pendingCodes: UnsafeMutablePointer<Int32>
    private var pendingCodeCount = 0
    private(set) var leadingZeroCount = 0
    /// The first value beyond Double's range (reported only if the column stays numeric).
    private(set) var firstOutOfRange: (line: Int, text: String)?
    private(set) var interner = ByteInterner()
    /// The two-thread parse (ParallelParse.swift) writes both halves' numbers straight into one buffer sized for
    /// the whole input, so the join moves the second half's numbers inside pages already touched instead of
    /// copying them into fresh ones. The first half's builder owns that buffer (`shared`, its `count` the
    /// buffer's capacity, elements not yet written) and writes from its start; the second half's builder
    /// writes from an offset past the first half's estimated rows. `window[0..<windowCount]` are a builder's
    /// first numbers; those that do not fit in `windowCapacity` go to `values` after them (a wrong estimate
    /// costs memory, never the result). `window` is nil for a builder that owns its numbers.
    private var shared: [Double] = []
    private var window: UnsafeMutablePointer<Double>?
    private var windowCapacity = 0
    private var windowCount = 0
    /// The window's first `populatedUpTo` elements have been made resident (`PopulatedPages`).
    private var populatedUpTo = 0

    init(capacity: Int) {
        values.reserveCapacity(capacity)
        pending = .allocate(capacity: Self.blockSize)
        pendingCodes = .allocate(capacity: Self.blockSize)
    }

    var count: Int { isNumeric ? windowCount + values.count + pendingCount : codes.count + pendingCodeCount }

    /// Makes this (first-half, still empty) builder own a buffer for `total` numbers and write its own from the
    /// buffer's start, up to `firstCapacity` of them; returns where the second half's numbers go (room for
    /// `total - firstCapacity`). The buffer's elements are not initialized, so its pages stay untouched until written.
    mutating func shareNumbers(total: Int, firstCapacity: Int) -> UnsafeMutablePointer<Double>? {
        guard total > 0, firstCapacity <= total else { return nil }
        var base: UnsafeMutablePointer<Double>?
        // Double is a trivial type: counting the uninitialized elements as initialized writes nothing.
        shared = [Double](unsafeUninitializedCapacity: total) { buffer, initialized in
            base = buffer.baseAddress
            initialized = total
        }
        guard let base else { return nil }
        window = base
        windowCapacity = firstCapacity
        return base + firstCapacity
    }

    /// Makes this (second-half, still empty) builder write its first `capacity` numbers at `start`, inside the buffer
    /// of the first half's builder (`shareNumbers`), which must outlive this builder's use of it.
    mutating func writeNumbers(into start: UnsafeMutablePointer<Double>, capacity: Int) {
        window = start
        windowCapacity = capacity
    }

    /// The second half was dropped: this first-half builder may fill the whole shared buffer.
    mutating func claimSharedBuffer() {
        if window != nil && !shared.isEmpty { windowCapacity = shared.count }
    }

    /// Makes the window's next chunk resident before the block that reaches it is written.
    @inline(never)
    private mutating func populateWindow() {
        guard let window else { return }
        let chunk = PopulatedPages.chunkBytes / MemoryLayout<Double>.stride
        let from = populatedUpTo
        populatedUpTo = Swift.min(windowCapacity, Swift.max(from + chunk, windowCount + pendingCount))
        PopulatedPages.populate(from: UnsafeMutableRawPointer(window + from), to: UnsafeMutableRawPointer(window + populatedUpTo))
    }

    /// Rows this builder expects to hold, for sizing missing flags or codes started late.
    private var expectedRows: Int {
        guard window != nil else { return values.capacity }
        return shared.isEmpty ? windowCapacity : shared.count
    }

    func deallocate() {
        interner.deallocate()
        pending.deallocate()
        pendingCodes.deallocate()
    }

    @inline(__always)
    private mutating func pushCode(_ code: Int32) {
        pendingCodes[pendingCodeCount] = code
        pendingCodeCount += 1
        if pendingCodeCount == Self.blockSize { flushCodes() }
    }

    private mutating func flushCodes() {
        guard pendingCodeCount > 0 else { return }
        codes.append(contentsOf: UnsafeBufferPointer(start: pendingCodes, count: pendingCodeCount))
        pendingCodeCount = 0
    }

    @inline(__always)
    private mutating func push(_ value: Double) {
        pending[pendingCount] = value
        pendingCount += 1
        if pendingCount == Self.blockSize { flush() }
    }

    /// Moves the waiting numbers into the window, or when they do not fit (or it is nil), into `values`.
    mutating func flush() {
        guard pendingCount > 0 else { return }
        if let window, values.isEmpty && windowCount + pendingCount <= windowCapacity {
            if windowCount + pendingCount > populatedUpTo { populateWindow() }
            (window + windowCount).update(from: pending, count: pendingCount)
            windowCount += pendingCount
        } else {
            values.append(contentsOf: UnsafeBufferPointer(start: pending, count: pendingCount))
        }
        pendingCount = 0
    }

    /// The column buffers are filled front to back, so they gain nothing from huge pages' fewer TLB
    /// misses, and on the benchmark machine the kernel zeroed a fresh 2 MiB page far more slowly than
    /// 512 small ones (`perf`: `clear_page_rep` under `do_huge_pmd_anonymous_page` ≈ 13% of the read;
    /// ≈ 9–13% less CPU without the advice, docs/csv.md). Sorting buffers keep it (`SortedValues`).
    mutating func reserve(_ minimumCapacity: Int) {
        if isNumeric {
            // A window's numbers have their room already; `values` only takes what overflows it.
            if window == nil { values.reserveCapacity(minimumCapacity) }
            if hasMissing { missing.reserveCapacity(minimumCapacity) }
        } else {
            codes.reserveCapacity(minimumCapacity)
            // Nearly every row so far brought a new level: expect that to go on.
            if interner.count * 10 >= count * 9 { interner.reserve(entries: minimumCapacity) }
        }
    }

    @inline(__always)
    mutating func appendMissing() {
        if isNumeric {
            if !hasMissing { startMissingFlags() }
            push(0)
            missing.append(true)
        } else {
            pushCode(-1)
        }
    }

    /// Appends the field as a number if it is one; returns false (appending nothing) if it is not.
    @inline(__always)
    mutating func appendNumber(_ p: UnsafePointer<UInt8>, _ n: Int, line: Int) -> Bool {
        append(DecimalParser.parse(p, count: n), p, n, leadingZero: DecimalParser.hasLeadingZero(p, count: n) ? 1 : 0,
               line: line)
    }

    /// Appends `parsed`, the reading of the field's `n` bytes at `p`; returns false (appending nothing)
    /// if it is not a number. `leadingZero` (0 or 1) says whether the text has a redundant leading zero.
    @inline(__always)
    mutating func append(
        _ parsed: DecimalParser.Result, _ p: UnsafePointer<UInt8>, _ n: Int, leadingZero: Int, line: Int
    ) -> Bool {
        let value: Double
        switch parsed {
        case .value(let v):
            // An integer written with more digits than a double holds (above 2^53: 9007199254740993 reads as …992, and
            // 20-digit codes as 1.2345678901234567e+19) is a code, not a quantity: read as one, two ids became one group
            // and `transform --out` rewrote them (session 21). Such a field is not a number, so the column is text.
            if abs(v) > DecimalParser.largestExactInteger && DecimalParser.isIntegerLiteral(p, count: n) { return false }
            value = v
        case .outOfRange:
            if firstOutOfRange == nil {
                firstOutOfRange = (line, String(decoding: UnsafeBufferPointer(start: p, count: n), as: UTF8.self))
            }
            value = 0
        case .notANumber:
            return false
        }
        leadingZeroCount &+= leadingZero
        push(value)
        if hasMissing { missing.append(false) }
        return true
    }

    /// Appends a number already converted (the one-pass read's common case); `leadingZero` is 1 when its text
    /// has a redundant leading zero (`DecimalParser.Scanned.leadingZero`), else 0: added, not tested.
    @inline(__always)
    mutating func appendValue(_ value: Double, leadingZero: Int) {
        leadingZeroCount &+= leadingZero
        push(value)
        if hasMissing { missing.append(false) }
    }

    /// The first missing value: flags for the values so far (none missing), room for the rest.
    private mutating func startMissingFlags() {
        hasMissing = true
        missing.reserveCapacity(Swift.max(expectedRows, count + 1))
        missing.append(contentsOf: repeatElement(false, count: count))
    }

    /// Switches to categorical storage; the caller then re-appends the rows read so far.
    mutating func becomeCategorical() {
        let capacity = expectedRows
        values = []
        // `shared` stays: the second half may still be writing into it (dropped at the join or the finish).
        window = nil
        windowCount = 0
        pendingCount = 0
        missing = []
        hasMissing = false
        codes.reserveCapacity(capacity)
        isNumeric = false
        leadingZeroCount = 0
        firstOutOfRange = nil
    }

    /// Interns the field; returns false if it is a new level that is not valid UTF-8.
    @inline(__always)
    mutating func appendLevel(_ p: UnsafePointer<UInt8>, _ n: Int) -> Bool {
        let (code, isNew) = interner.intern(p, n)
        if isNew && !UTF8Validation.isValid(p, count: n) { return false }
        pushCode(code)
        return true
    }

    /// `appendLevel` for a field with at least `readable` bytes readable at `p` (see `ByteInterner.intern(_:_:readable:)`).
    @inline(__always)
    mutating func appendLevel(_ p: UnsafePointer<UInt8>, _ n: Int, readable: Int) -> Bool {
        let (code, isNew) = interner.intern(p, n, readable: readable)
        if isNew && !UTF8Validation.isValid(p, count: n) { return false }
        pushCode(code)
        return true
    }

    /// Whether `appendShortLevel` may be called: the interner's short table is in use.
    var takesShortLevelWords: Bool { interner.hasShortIndex }

    /// `appendLevel` for a field of 1 to 16 bytes given also as its words, as `ByteInterner.internShort` takes them (the
    /// one-pass text reader has them from finding the field's end). Only while `takesShortLevelWords`.
    @inline(__always)
    mutating func appendShortLevel(_ p: UnsafePointer<UInt8>, _ n: Int, lo: UInt64, hi: UInt64) -> Bool {
        let (code, isNew) = interner.internShort(p, n, lo, hi)
        if isNew && !UTF8Validation.isValid(p, count: n) { return false }
        pushCode(code)
        return true
    }

    /// Appends a numeric builder holding the records that follow this one's; `lineOffset` turns its
    /// line numbers (counted from 1 at its first record's line) into file lines.
    /// When both wrote into this builder's shared buffer, the later numbers are moved down to follow this builder's
    /// (inside pages the two halves already touched) and the buffer becomes the column's; otherwise they are copied.
    mutating func appendNumbers(of later: ColumnBuilder, lineOffset: Int) {
        flush()
        // Flags for this builder's own values first (all present), if the later part has missing ones.
        if later.hasMissing && !hasMissing { startMissingFlags() }
        let ownCount = count
        let total = ownCount + later.count
        if window != nil && !shared.isEmpty && total <= shared.count {
            shared.withUnsafeMutableBufferPointer { buffer in
                guard let base = buffer.baseAddress else { return }
                // The later window first (it may overlap where it goes), then the two overflows.
                // Nothing to move when the later numbers were written where they belong (the first half's records counted).
                if let laterWindow = later.window, later.windowCount > 0, laterWindow != base + ownCount {
                    memmove(base + ownCount, laterWindow, later.windowCount * MemoryLayout<Double>.stride)
                }
                Self.copy(values, to: base + windowCount)
                var at = ownCount + later.windowCount
                Self.copy(later.values, to: base + at)
                at += later.values.count
                (base + at).update(from: later.pending, count: later.pendingCount)
            }
            // Every number now lies at the buffer's start: the buffer stays the window, so a later part can be
            // appended the same way (the two-thread parse's pieces); `adoptSharedBuffer` cuts it at the finish.
            values = []
            windowCount = total
            windowCapacity = shared.count
        } else if window == nil && later.window == nil {
            values.append(contentsOf: later.values)
            values.append(contentsOf: UnsafeBufferPointer(start: later.pending, count: later.pendingCount))
        } else {
            // More rows than the shared buffer holds (or a window without one): one fresh array for both, built
            // before the shared buffer, which the later window may lie in, is dropped.
            var numbers = [Double]()
            numbers.reserveCapacity(total)
            if let window { numbers.append(contentsOf: UnsafeBufferPointer(start: window, count: windowCount)) }
            numbers.append(contentsOf: values)
            if let laterWindow = later.window {
                numbers.append(contentsOf: UnsafeBufferPointer(start: laterWindow, count: later.windowCount))
            }
            numbers.append(contentsOf: later.values)
            numbers.append(contentsOf: UnsafeBufferPointer(start: later.pending, count: later.pendingCount))
            values = numbers
            shared = []
            window = nil
            windowCount = 0
        }
        if hasMissing {
            if later.hasMissing {
                missing.append(contentsOf: later.missing)
            } else {
                missing.append(contentsOf: repeatElement(false, count: later.count))
            }
        }
        leadingZeroCount += later.leadingZeroCount
        if firstOutOfRange == nil, let (line, text) = later.firstOutOfRange {
            firstOutOfRange = (line + lineOffset, text)
        }
    }

    private static func copy(_ numbers: [Double], to destination: UnsafeMutablePointer<Double>) {
        numbers.withUnsafeBufferPointer { source in
            if let from = source.baseAddress { destination.update(from: from, count: source.count) }
        }
    }

    /// Makes the numbers written so far (after `flush`) this builder's own `values`: the shared buffer, cut to
    /// them, when nothing overflowed it (no copy), else a copy. Drops a shared buffer the column no longer uses.
    private mutating func adoptSharedBuffer() {
        defer {
            shared = []
            window = nil
            windowCount = 0
        }
        guard let window else { return }
        if values.isEmpty && !shared.isEmpty {
            shared.removeLast(shared.count - windowCount)
            values = shared
        } else {
            var numbers = [Double]()
            numbers.reserveCapacity(windowCount + values.count)
            numbers.append(contentsOf: UnsafeBufferPointer(start: window, count: windowCount))
            numbers.append(contentsOf: values)
            values = numbers
        }
    }

    /// Appends a categorical builder holding the records that follow this one's. Its levels are
    /// interned here in its first-seen order, so the levels end up in the same first-seen order (and
    /// the codes the same) as if one builder had read both parts.
    mutating func appendLevels(of later: ColumnBuilder) {
        let m = later.interner.count
        var recode = [Int32](repeating: 0, count: m)
        for code in 0..<m {
            recode[code] = interner.intern(later.interner.arena + later.interner.offsets[code],
                                           later.interner.lengths[code]).code
        }
        flushCodes()
        // Written through pointers: an `append` per code called the runtime's uniqueness check each time.
        let from = codes.count
        let laterCount = later.codes.count + later.pendingCodeCount
        codes.append(contentsOf: repeatElement(0, count: laterCount))
        codes.withUnsafeMutableBufferPointer { codes in
            guard let to = codes.baseAddress.map({ $0 + from }) else { return }
            recode.withUnsafeBufferPointer { recode in
                later.codes.withUnsafeBufferPointer { laterCodes in
                    for (i, code) in laterCodes.enumerated() { to[i] = code < 0 ? -1 : recode[Int(code)] }
                }
                let tail = to + later.codes.count
                for i in 0..<later.pendingCodeCount {
                    let code = later.pendingCodes[i]
                    tail[i] = code < 0 ? -1 : recode[Int(code)]
                }
            }
        }
    }

    /// Returns the rows' storage to the system (after `appendNumbers`/`appendLevels` copied it).
    mutating func releaseRows() {
        ReleasedPages.release(&values)
        pendingCount = 0
        ReleasedPages.release(&missing)
        ReleasedPages.release(&codes)
        pendingCodeCount = 0
    }

    /// The column; shares storage with the builder (no copy). A column with no missing value takes its all-false
    /// flags from `noneMissing`, made once and shared by every such column of the table (a million rows each).
    mutating func finishNumeric(noneMissing: inout [Bool]) -> NumericColumn {
        flush()
        adoptSharedBuffer()
        if !hasMissing && noneMissing.count != values.count { noneMissing = [Bool](repeating: false, count: values.count) }
        return NumericColumn(values: values, missing: hasMissing ? missing : noneMissing, leadingZeroCount: leadingZeroCount)
    }

    /// Sorts the levels (by bytes, which for UTF-8 is Unicode scalar order, as
    /// `CategoricalColumn.levelOrder`) and recodes the rows.
    mutating func finishCategorical() -> CategoricalColumn {
        flushCodes()
        shared = []
        let m = interner.count
        let order = sortedLevelOrder()
        let needsMergeCheck = (0..<m).contains { code in interner.bytes(of: code).contains { $0 >= 0x80 } }
        if order == nil && !needsMergeCheck {
            // First-seen order is already sorted (e.g. sequential ids): codes stand as they are.
            return CategoricalColumn(levels: levelStrings(count: m), codes: codes)
        }
        var levels: [String] = []
        levels.reserveCapacity(m)
        var rank = [Int32](repeating: 0, count: m)
        // Distinct byte strings can still be equal Strings (NFC vs NFD): merge those, keeping the first.
        var seen: [String: Int32] = [:]
        for code in order ?? Array(0..<Int32(m)) {
            let level = String(decoding: interner.bytes(of: Int(code)), as: UTF8.self)
            if needsMergeCheck, let existing = seen[level] {
                rank[Int(code)] = existing
                continue
            }
            let newRank = Int32(levels.count)
            if needsMergeCheck { seen[level] = newRank }
            rank[Int(code)] = newRank
            levels.append(level)
        }
        // Recode in place: the builder holds the only reference, so no copy is made.
        codes.withUnsafeMutableBufferPointer { codes in
            rank.withUnsafeBufferPointer { rank in
                for i in 0..<codes.count where codes[i] >= 0 { codes[i] = rank[Int(codes[i])] }
            }
        }
        return CategoricalColumn(levels: levels, codes: codes)
    }

    /// The first `m` levels as Strings, in code order; a column of many levels (client codes) builds them in
    /// two halves on two threads.
    private func levelStrings(count m: Int) -> [String] {
        let interner = UnsafeInterner(interner)
        return [String](unsafeUninitializedCapacity: m) { buffer, initialized in
            if let base = buffer.baseAddress {
                HugePages.advise(UnsafeMutableRawPointer(base), byteCount: m * MemoryLayout<String>.stride)
                let out = UnsafeStrings(base: base)
                let parts = m >= 1 << 16 ? 2 : 1
                DispatchQueue.concurrentPerform(iterations: parts) { part in
                    let range = (part * m / parts)..<((part + 1) * m / parts)
                    for code in range {
                        (out.base + code).initialize(to: String(decoding: interner.value.bytes(of: code), as: UTF8.self))
                    }
                }
            }
            initialized = m
        }
    }

    /// Level codes in byte-lexicographic order of their text; nil when first-seen order is already sorted.
    private func sortedLevelOrder() -> [Int32]? {
        if interner.isStrictlyIncreasing { return nil }
        let m = interner.count
        var alreadySorted = true
        for code in stride(from: 1, to: m, by: 1) where !precedes(code - 1, code) {
            alreadySorted = false
            break
        }
        if alreadySorted { return nil }
        // Sort by an 8-byte big-endian prefix first; ties fall back to the full bytes. Fields never
        // contain NUL, so zero padding orders a prefix before its extensions.
        var keyed = (0..<m).map { code -> (key: UInt64, code: Int32) in
            let bytes = interner.bytes(of: code)
            var key: UInt64 = 0
            for k in 0..<8 { key = key << 8 | UInt64(k < bytes.count ? bytes[k] : 0) }
            return (key, Int32(code))
        }
        keyed.sort { a, b in a.key != b.key ? a.key < b.key : precedes(Int(a.code), Int(b.code)) }
        return keyed.map(\.code)
    }

    private func precedes(_ a: Int, _ b: Int) -> Bool {
        let x = interner.bytes(of: a)
        let y = interner.bytes(of: b)
        guard let xBase = x.baseAddress, let yBase = y.baseAddress else { return x.count < y.count }
        return ByteInterner.precedes(xBase, x.count, yBase, y.count)
    }
}

/// The interner and the output of `levelStrings`, shared read-only (interner) or by disjoint ranges (output)
/// between the two threads.
private struct UnsafeInterner: @unchecked Sendable {
    let value: ByteInterner
    init(_ value: ByteInterner) { self.value = value }
}

private struct UnsafeStrings: @unchecked Sendable {
    let base: UnsafeMutablePointer<String>
}
