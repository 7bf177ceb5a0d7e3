/// Interns byte strings: the same bytes always get the same code, in first-seen order. Open
/// addressing over a byte arena, so that interning a field allocates nothing unless it is new.
/// Levels of at most 16 bytes (`shortLength`) are indexed in a table of their own whose slots hold the level's
/// bytes as two words, its length and its code (`ShortSlot`): a lookup reads one slot and compares two words,
/// never the arena or the per-entry arrays (those were three dependent loads, mostly cache misses for a column of
/// 2,000 therapists). Longer levels, and every level once a column has more than `shortTableLimit` of them (the
/// slots are 24 bytes), are indexed by hash in `slots`.
/// Manually managed memory: call `deallocate()` exactly once.
struct ByteInterner {
    private(set) var arena: UnsafeMutablePointer<UInt8>
    private var arenaCapacity: Int
    private var arenaCount = 0
    /// Per entry: offset into the arena and length.
    private(set) var offsets: UnsafeMutablePointer<Int>
    private(set) var lengths: UnsafeMutablePointer<Int>
    private var hashes: UnsafeMutablePointer<UInt64>
    private var entryCapacity: Int
    private(set) var count = 0
    /// Slots hold entry index + 1; 0 is empty.
    private var slots: UnsafeMutablePointer<Int32>
    private var slotMask: Int
    /// While every new field sorts strictly after the previous one (sequential ids), a field is new
    /// exactly when it sorts after the last entry: no hashing needed. The hash index is built the
    /// first time that stops being true.
    private(set) var isStrictlyIncreasing = true
    /// Entries indexed in `slots` (the long levels while the short table is in use).
    private var longCount = 0

    /// A short level: its bytes as two little-endian words, zero past its length; `meta` is its length in the low
    /// 32 bits and its code + 1 in the high ones (0: an empty slot).
    struct ShortSlot {
        var lo: UInt64
        var hi: UInt64
        var meta: UInt64
    }
    static let shortLength = 16
    static let shortTableLimit = 1 << 16
    private var shortSlots: UnsafeMutablePointer<ShortSlot>
    private var shortMask: Int
    /// 64 − log2(the short table's size): a slot is the top bits of the words' hash.
    private var shortShift: UInt64
    private var shortCount = 0
    /// False once the column had more than `shortTableLimit` short levels: then every level is in `slots`.
    private var usesShortTable = true
    /// The short table is built and in use (past strictly-increasing mode, not past `shortTableLimit`): one flag for
    /// the fast paths' test (`intern(_:_:readable:)`, and `internShort` called with a field's words).
    private(set) var hasShortIndex = false

    init() {
        arenaCapacity = 4096
        arena = .allocate(capacity: arenaCapacity)
        entryCapacity = 64
        offsets = .allocate(capacity: entryCapacity)
        lengths = .allocate(capacity: entryCapacity)
        hashes = .allocate(capacity: entryCapacity)
        slotMask = 255
        slots = .allocate(capacity: slotMask + 1)
        slots.initialize(repeating: 0, count: slotMask + 1)
        shortMask = 63
        shortShift = 64 - 6
        shortSlots = .allocate(capacity: shortMask + 1)
        shortSlots.initialize(repeating: ShortSlot(lo: 0, hi: 0, meta: 0), count: shortMask + 1)
    }

    func deallocate() {
        arena.deallocate()
        offsets.deallocate()
        lengths.deallocate()
        hashes.deallocate()
        slots.deallocate()
        shortSlots.deallocate()
    }

    @inline(__always)
    static func hash(_ p: UnsafePointer<UInt8>, _ n: Int) -> UInt64 {
        var h: UInt64 = 0x9E37_79B9_7F4A_7C15 ^ UInt64(n)
        var i = 0
        let raw = UnsafeRawPointer(p)
        while i + 8 <= n {
            h = (h ^ raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)) &* 0xFF51_AFD7_ED55_8CCD
            h ^= h >> 32
            i += 8
        }
        var tail: UInt64 = 0
        var shift: UInt64 = 0
        while i < n { tail |= UInt64(p[i]) << shift; shift += 8; i += 1 }
        if n < 8 { return shortHash(tail, n) }
        h = (h ^ tail) &* 0xC4CE_B9FE_1A85_EC53
        h ^= h >> 29
        return h
    }

    /// `hash` of fewer than 8 bytes, given as one little-endian word (`tail`). Each step (xor with a constant,
    /// multiplication by an odd constant, xor-shift) is invertible, so equal hashes mean equal `n ^ tail`.
    @inline(__always)
    static func shortHash(_ tail: UInt64, _ n: Int) -> UInt64 {
        var h = (0x9E37_79B9_7F4A_7C15 ^ UInt64(truncatingIfNeeded: n) ^ tail) &* 0xC4CE_B9FE_1A85_EC53
        h ^= h >> 29
        return h
    }

    /// The code of these bytes, and whether they were new.
    @inline(__always)
    mutating func intern(_ p: UnsafePointer<UInt8>, _ n: Int) -> (code: Int32, isNew: Bool) {
        if isStrictlyIncreasing {
            if count == 0 || ByteInterner.precedes(arena + offsets[count - 1], lengths[count - 1], p, n) {
                return (appendEntry(p, n, hash: 0), true)
            }
            buildIndex()
        }
        if n <= Self.shortLength && usesShortTable {
            let (lo, hi) = Self.words(p, n)
            return internShort(p, n, lo, hi)
        }
        return insert(p, n, hash: ByteInterner.hash(p, n))
    }

    /// `intern(p, n)` for a field with `readable` bytes readable at `p` (the input goes on past the field): a level of
    /// 1 to 16 bytes is read as one or two 8-byte loads, masked to its length, instead of byte by byte.
    @inline(__always)
    mutating func intern(_ p: UnsafePointer<UInt8>, _ n: Int, readable: Int) -> (code: Int32, isNew: Bool) {
        // 16 readable bytes: the input's last 16 bytes (and empty fields) take the byte loops.
        guard UInt(bitPattern: n &- 1) < UInt(Self.shortLength) && readable >= 16 && hasShortIndex else {
            return internLoaded(p, n, readable: readable)
        }
        let raw = UnsafeRawPointer(p)
        let first = raw.loadUnaligned(as: UInt64.self).littleEndian
        if n <= 8 { return internShort(p, n, first & Self.lowBytes(n), 0) }
        let second = raw.loadUnaligned(fromByteOffset: 8, as: UInt64.self).littleEndian
        return internShort(p, n, first, second & Self.lowBytes(n &- 8))
    }

    /// `intern(p, n, readable:)` off the short table's fast path. Past `shortTableLimit` levels a field shorter than
    /// 8 bytes is still hashed from one load (`shortHash`).
    @inline(never)
    private mutating func internLoaded(_ p: UnsafePointer<UInt8>, _ n: Int, readable: Int) -> (code: Int32, isNew: Bool) {
        guard !usesShortTable && !isStrictlyIncreasing && n < 8 && readable >= 8 else { return intern(p, n) }
        let word = UnsafeRawPointer(p).loadUnaligned(as: UInt64.self).littleEndian
        return insert(p, n, hash: ByteInterner.shortHash(word & ((1 << (UInt64(truncatingIfNeeded: n) &* 8)) &- 1), n))
    }


    /// A mask of the low `k` bytes, 1 ≤ k ≤ 8.
    @inline(__always)
    static func lowBytes(_ k: Int) -> UInt64 { UInt64.max &>> UInt64(truncatingIfNeeded: 64 &- 8 &* k) }

    /// The `n` ≤ 16 bytes at `p` as two little-endian words, zero past `n`, read byte by byte.
    static func words(_ p: UnsafePointer<UInt8>, _ n: Int) -> (lo: UInt64, hi: UInt64) {
        var lo: UInt64 = 0
        var hi: UInt64 = 0
        for i in 0..<min(n, 8) { lo |= UInt64(p[i]) << (8 * UInt64(i)) }
        if n > 8 { for i in 8..<n { hi |= UInt64(p[i]) << (8 * UInt64(i - 8)) } }
        return (lo, hi)
    }

    /// The short table's hash of a level's words and length; its top bits pick the slot.
    @inline(__always)
    static func shortTableHash(_ lo: UInt64, _ hi: UInt64, _ n: Int) -> UInt64 {
        let h = ((lo ^ 0x9E37_79B9_7F4A_7C15) &* 0xFF51_AFD7_ED55_8CCD) ^ hi ^ UInt64(truncatingIfNeeded: n)
        return h &* 0xC4CE_B9FE_1A85_EC53
    }

    /// The entry of the short level `p[0..<n]` (its words `lo`, `hi`), added when new. Equal words and equal lengths
    /// mean equal bytes. Only while `hasShortIndex`, for 1 ≤ n ≤ 16, with `lo`, `hi` little-endian and zero past `n`.
    @inline(__always)
    mutating func internShort(
        _ p: UnsafePointer<UInt8>, _ n: Int, _ lo: UInt64, _ hi: UInt64
    ) -> (code: Int32, isNew: Bool) {
        var slot = Int(truncatingIfNeeded: Self.shortTableHash(lo, hi, n) >> shortShift)
        while true {
            let entry = shortSlots + slot
            let meta = entry.pointee.meta
            if meta == 0 { break }
            if entry.pointee.lo == lo && entry.pointee.hi == hi && UInt32(truncatingIfNeeded: meta) == UInt32(n) {
                return (Int32(truncatingIfNeeded: meta >> 32) &- 1, false)
            }
            slot = (slot + 1) & shortMask
        }
        let e = appendEntry(p, n, hash: 0)
        shortSlots[slot] = ShortSlot(lo: lo, hi: hi, meta: UInt64(n) | UInt64(e + 1) << 32)
        shortCount += 1
        if shortCount * 2 > shortMask { growShortTable() }
        return (e, true)
    }

    /// Doubles the short table, or past `shortTableLimit` levels moves every level to `slots` (the short table's
    /// 24-byte slots would take ≈ 50 MB for a column of a million identifiers).
    private mutating func growShortTable() {
        if shortCount >= Self.shortTableLimit {
            moveShortLevelsToLongTable()
            return
        }
        let old = shortSlots
        let oldSize = shortMask + 1
        allocateShortTable(size: oldSize * 2)
        for i in 0..<oldSize where old[i].meta != 0 { placeShort(old[i]) }
        old.deallocate()
    }

    /// Replaces the short table by an empty one of `size` (a power of two) slots.
    private mutating func allocateShortTable(size: Int) {
        shortMask = size - 1
        shortShift = UInt64(64 - size.trailingZeroBitCount)
        shortSlots = .allocate(capacity: size)
        shortSlots.initialize(repeating: ShortSlot(lo: 0, hi: 0, meta: 0), count: size)
    }

    /// Stops using the short table: every entry is hashed and indexed in `slots`.
    private mutating func moveShortLevelsToLongTable() {
        usesShortTable = false
        hasShortIndex = false
        shortSlots.deallocate()
        allocateShortTable(size: 1)
        shortCount = 0
        for e in 0..<count where lengths[e] <= Self.shortLength {
            hashes[e] = ByteInterner.hash(arena + offsets[e], lengths[e])
        }
        longCount = count
        rebuildLongTable()
    }

    private mutating func placeShort(_ entry: ShortSlot) {
        var slot = Int(truncatingIfNeeded: Self.shortTableHash(entry.lo, entry.hi, Int(UInt32(truncatingIfNeeded: entry.meta)))
                       >> shortShift)
        while shortSlots[slot].meta != 0 { slot = (slot + 1) & shortMask }
        shortSlots[slot] = entry
    }

    /// The entry of these bytes (hashed `h`), added when new. Fields shorter than 8 bytes need no byte comparison:
    /// their hash is a bijection of (their length xor their bytes) (`shortHash`), so equal hashes and equal
    /// lengths mean equal bytes.
    @inline(__always)
    private mutating func insert(_ p: UnsafePointer<UInt8>, _ n: Int, hash h: UInt64) -> (code: Int32, isNew: Bool) {
        var slot = Int(truncatingIfNeeded: h) & slotMask
        while true {
            let entry = slots[slot]
            if entry == 0 { break }
            let e = Int(entry - 1)
            if hashes[e] == h && lengths[e] == n && (n < 8 || memoryEqual(arena + offsets[e], p, n)) {
                return (Int32(e), false)
            }
            slot = (slot + 1) & slotMask
        }
        let e = appendEntry(p, n, hash: h)
        slots[slot] = e + 1
        longCount += 1
        if longCount * 2 > slotMask { rehash() }
        return (e, true)
    }

    @inline(__always)
    private mutating func appendEntry(_ p: UnsafePointer<UInt8>, _ n: Int, hash h: UInt64) -> Int32 {
        let e = count
        if e == entryCapacity { growEntries() }
        if arenaCount + n > arenaCapacity { growArena(minimum: arenaCount + n) }
        (arena + arenaCount).update(from: p, count: n)
        offsets[e] = arenaCount
        lengths[e] = n
        // In strictly-increasing mode hashes are computed only if an index is ever built.
        if !isStrictlyIncreasing { hashes[e] = h }
        arenaCount += n
        count += 1
        return Int32(e)
    }

    /// Leaves the strictly-increasing mode: indexes every entry so far, short levels in the short table, the others
    /// hashed in `slots`.
    private mutating func buildIndex() {
        isStrictlyIncreasing = false
        for e in 0..<count where lengths[e] > Self.shortLength {
            hashes[e] = ByteInterner.hash(arena + offsets[e], lengths[e])
            longCount += 1
        }
        let shortLevels = count - longCount
        if shortLevels > Self.shortTableLimit {
            moveShortLevelsToLongTable()
            return
        }
        var size = shortMask + 1
        while shortLevels * 2 > size - 1 { size *= 2 }
        shortSlots.deallocate()
        allocateShortTable(size: size)
        for e in 0..<count where lengths[e] <= Self.shortLength {
            let (lo, hi) = Self.words(arena + offsets[e], lengths[e])
            placeShort(ShortSlot(lo: lo, hi: hi, meta: UInt64(lengths[e]) | UInt64(e + 1) << 32))
        }
        shortCount = shortLevels
        hasShortIndex = true
        rebuildLongTable()
    }

    /// Whether entry `e` is indexed in `slots` (not in the short table).
    @inline(__always)
    private func isLong(_ e: Int) -> Bool { !usesShortTable || lengths[e] > Self.shortLength }

    /// Sizes `slots` for `longCount` entries and indexes them by their hashes.
    private mutating func rebuildLongTable() {
        var size = 256
        while longCount * 2 > size - 1 { size *= 2 }
        slots.deallocate()
        slotMask = size - 1
        slots = .allocate(capacity: size)
        slots.initialize(repeating: 0, count: size)
        for e in 0..<count where isLong(e) {
            var slot = Int(truncatingIfNeeded: hashes[e]) & slotMask
            while slots[slot] != 0 { slot = (slot + 1) & slotMask }
            slots[slot] = Int32(e + 1)
        }
    }

    func bytes(of code: Int) -> UnsafeBufferPointer<UInt8> {
        UnsafeBufferPointer(start: arena + offsets[code], count: lengths[code])
    }

    /// Byte-lexicographic order (a proper prefix sorts first).
    @inline(__always)
    static func precedes(_ a: UnsafePointer<UInt8>, _ aCount: Int, _ b: UnsafePointer<UInt8>, _ bCount: Int) -> Bool {
        let common = min(aCount, bCount)
        var i = 0
        while i < common {
            if a[i] != b[i] { return a[i] < b[i] }
            i += 1
        }
        return aCount < bCount
    }

    @inline(__always)
    private func memoryEqual(_ a: UnsafePointer<UInt8>, _ b: UnsafePointer<UInt8>, _ n: Int) -> Bool {
        var i = 0
        while i < n {
            if a[i] != b[i] { return false }
            i += 1
        }
        return true
    }

    /// Makes room for `entries` levels of about the current mean length, so that a column of
    /// (nearly) unique values, like client ids, does not grow its buffers by repeated doubling.
    mutating func reserve(entries: Int) {
        guard entries > entryCapacity else { return }
        growEntries(to: entries)
        let meanLength = count > 0 ? (arenaCount + count - 1) / count : 8
        let bytes = entries * meanLength + 64
        if bytes > arenaCapacity {
            arena = Self.grow(arena, arenaCount, bytes)
            arenaCapacity = bytes
        }
    }

    private mutating func growEntries(to minimum: Int = 0) {
        let newCapacity = max(entryCapacity * 2, minimum)
        offsets = Self.grow(offsets, count, newCapacity)
        lengths = Self.grow(lengths, count, newCapacity)
        hashes = Self.grow(hashes, isStrictlyIncreasing ? 0 : count, newCapacity)
        entryCapacity = newCapacity
    }

    private mutating func growArena(minimum: Int) {
        var newCapacity = arenaCapacity * 2
        while newCapacity < minimum { newCapacity *= 2 }
        arena = Self.grow(arena, arenaCount, newCapacity)
        arenaCapacity = newCapacity
    }

    private static func grow<T>(_ old: UnsafeMutablePointer<T>, _ used: Int, _ capacity: Int) -> UnsafeMutablePointer<T> {
        let fresh = UnsafeMutablePointer<T>.allocate(capacity: capacity)
        HugePages.advise(UnsafeMutableRawPointer(fresh), byteCount: capacity * MemoryLayout<T>.stride)
        fresh.moveInitialize(from: old, count: used)
        old.deallocate()
        return fresh
    }

    private mutating func rehash() {
        rebuildLongTable()
    }
}
