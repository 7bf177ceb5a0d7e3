/// Interns byte strings: the same bytes always get the same code, in first-seen order. Open
/// addressing over a byte arena, so that interning a field allocates nothing unless it is new.
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
    }

    func deallocate() {
        arena.deallocate()
        offsets.deallocate()
        lengths.deallocate()
        hashes.deallocate()
        slots.deallocate()
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
        return insert(p, n, hash: ByteInterner.hash(p, n))
    }

    /// `intern(p, n)` for a field with at least 8 readable bytes at `p` (the input goes on past the field): a field
    /// shorter than 8 bytes is hashed from one 8-byte load instead of a loop over its bytes, to the same hash.
    @inline(__always)
    mutating func intern(_ p: UnsafePointer<UInt8>, _ n: Int, readable: Int) -> (code: Int32, isNew: Bool) {
        guard n < 8 && readable >= 8 && !isStrictlyIncreasing else { return intern(p, n) }
        let word = UnsafeRawPointer(p).loadUnaligned(as: UInt64.self).littleEndian
        let tail = word & ((1 << (UInt64(truncatingIfNeeded: n) &* 8)) &- 1)
        return insert(p, n, hash: ByteInterner.shortHash(tail, n))
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
        if count * 2 > slotMask { rehash() }
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

    /// Leaves the strictly-increasing mode: hashes every entry so far and indexes it.
    private mutating func buildIndex() {
        isStrictlyIncreasing = false
        for e in 0..<count { hashes[e] = ByteInterner.hash(arena + offsets[e], lengths[e]) }
        var size = slotMask + 1
        while count * 2 > size - 1 { size *= 2 }
        slots.deallocate()
        slotMask = size - 1
        slots = .allocate(capacity: size)
        slots.initialize(repeating: 0, count: size)
        for e in 0..<count {
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
        slots.deallocate()
        slotMask = (slotMask + 1) * 2 - 1
        slots = .allocate(capacity: slotMask + 1)
        slots.initialize(repeating: 0, count: slotMask + 1)
        for e in 0..<count {
            var slot = Int(truncatingIfNeeded: hashes[e]) & slotMask
            while slots[slot] != 0 { slot = (slot + 1) & slotMask }
            slots[slot] = Int32(e + 1)
        }
    }
}
