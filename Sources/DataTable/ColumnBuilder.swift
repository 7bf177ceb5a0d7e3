/// Accumulates one column while the file is parsed. A column starts numeric: each field is parsed
/// speculatively into a growing `Double` buffer. At the first non-missing field that is not a
/// number the reader converts the column to categorical (re-reading that column's earlier fields
/// from the input) and from then on interns field bytes. Manually managed memory: the reader
/// calls `deallocate()` exactly once.
struct ColumnBuilder {
    private(set) var isNumeric = true
    private(set) var count = 0
    private var capacity: Int
    private var values: UnsafeMutablePointer<Double>
    private var missing: UnsafeMutablePointer<Bool>
    private var codes: UnsafeMutablePointer<Int32>
    private(set) var leadingZeroCount = 0
    /// The first value beyond Double's range (reported only if the column stays numeric).
    private(set) var firstOutOfRange: (line: Int, text: String)?
    private(set) var interner = ByteInterner()

    init(capacity: Int) {
        self.capacity = max(capacity, 16)
        values = .allocate(capacity: self.capacity)
        missing = .allocate(capacity: self.capacity)
        codes = .allocate(capacity: 1)
    }

    func deallocate() {
        values.deallocate()
        missing.deallocate()
        codes.deallocate()
        interner.deallocate()
    }

    mutating func reserve(_ minimumCapacity: Int) {
        guard minimumCapacity > capacity else { return }
        if isNumeric {
            values = grow(values, minimumCapacity)
            missing = grow(missing, minimumCapacity)
        } else {
            codes = grow(codes, minimumCapacity)
        }
        capacity = minimumCapacity
    }

    private func grow<T>(_ old: UnsafeMutablePointer<T>, _ newCapacity: Int) -> UnsafeMutablePointer<T> {
        let fresh = UnsafeMutablePointer<T>.allocate(capacity: newCapacity)
        fresh.moveInitialize(from: old, count: count)
        old.deallocate()
        return fresh
    }

    @inline(__always)
    private mutating func ensureRoom() {
        if count == capacity { reserve(capacity + capacity / 2 + 16) }
    }

    @inline(__always)
    mutating func appendMissing() {
        ensureRoom()
        if isNumeric {
            values[count] = 0
            missing[count] = true
        } else {
            codes[count] = -1
        }
        count += 1
    }

    /// Appends the field as a number if it is one; returns false (appending nothing) if it is not.
    @inline(__always)
    mutating func appendNumber(_ p: UnsafePointer<UInt8>, _ n: Int, line: Int) -> Bool {
        let value: Double
        switch DecimalParser.parse(p, count: n) {
        case .value(let v):
            value = v
        case .outOfRange:
            if firstOutOfRange == nil {
                firstOutOfRange = (line, String(decoding: UnsafeBufferPointer(start: p, count: n), as: UTF8.self))
            }
            value = 0
        case .notANumber:
            return false
        }
        if DecimalParser.hasLeadingZero(p, count: n) { leadingZeroCount += 1 }
        ensureRoom()
        values[count] = value
        missing[count] = false
        count += 1
        return true
    }

    /// Switches to categorical storage; the caller then re-appends the rows read so far.
    mutating func becomeCategorical() {
        values.deallocate()
        missing.deallocate()
        values = .allocate(capacity: 1)
        missing = .allocate(capacity: 1)
        codes.deallocate()
        codes = .allocate(capacity: capacity)
        isNumeric = false
        count = 0
        leadingZeroCount = 0
        firstOutOfRange = nil
    }

    /// Interns the field; returns false if it is a new level that is not valid UTF-8.
    @inline(__always)
    mutating func appendLevel(_ p: UnsafePointer<UInt8>, _ n: Int) -> Bool {
        let (code, isNew) = interner.intern(p, n)
        if isNew && !UTF8Validation.isValid(p, count: n) { return false }
        ensureRoom()
        codes[count] = code
        count += 1
        return true
    }

    func finishNumeric() -> NumericColumn {
        NumericColumn(
            values: Array(UnsafeBufferPointer(start: values, count: count)),
            missing: Array(UnsafeBufferPointer(start: missing, count: count)),
            leadingZeroCount: leadingZeroCount)
    }

    /// Sorts the levels (by bytes, which for UTF-8 is Unicode scalar order, as
    /// `CategoricalColumn.levelOrder`) and recodes the rows.
    func finishCategorical() -> CategoricalColumn {
        let m = interner.count
        let order = sortedLevelOrder()
        var levels: [String] = []
        levels.reserveCapacity(m)
        var rank = [Int32](repeating: 0, count: m)
        // Distinct byte strings can still be equal Strings (NFC vs NFD): merge those, keeping the first.
        var seen: [String: Int32] = [:]
        var needsMergeCheck = false
        for code in order {
            let bytes = interner.bytes(of: Int(code))
            if bytes.contains(where: { $0 >= 0x80 }) { needsMergeCheck = true; break }
        }
        for code in order {
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
        let recoded = [Int32](unsafeUninitializedCapacity: count) { buffer, initialized in
            rank.withUnsafeBufferPointer { rank in
                for i in 0..<count {
                    let c = codes[i]
                    buffer[i] = c < 0 ? -1 : rank[Int(c)]
                }
            }
            initialized = count
        }
        return CategoricalColumn(levels: levels, codes: recoded)
    }

    /// Level codes in byte-lexicographic order of their text.
    private func sortedLevelOrder() -> [Int32] {
        let m = interner.count
        var alreadySorted = true
        for code in stride(from: 1, to: m, by: 1) where !precedes(code - 1, code) {
            alreadySorted = false
            break
        }
        if alreadySorted { return (0..<Int32(m)).map { $0 } }
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
        return x.lexicographicallyPrecedes(y)
    }
}
