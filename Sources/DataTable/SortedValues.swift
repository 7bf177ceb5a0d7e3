/// Sorting the non-missing values of a column, in O(n) for large columns: an LSD radix sort over
/// order-preserving 64-bit keys, skipping digit positions that all keys share (for small-integer
/// data most of them), so median and distinct count cost a few linear passes.
enum SortedValues {
    /// The `n` non-missing values, ascending, as order-preserving keys (see `key`), with −0
    /// normalised to +0 (so the two count as one distinct value).
    static func ascendingKeys(values: UnsafeBufferPointer<Double>, missing: UnsafeBufferPointer<Bool>, n: Int) -> [UInt64] {
        var keys = [UInt64](unsafeUninitializedCapacity: n) { buffer, initialized in
            if let base = buffer.baseAddress { HugePages.advise(base, byteCount: n * 8) }
            var k = 0
            for i in 0..<values.count where !missing[i] {
                buffer[k] = key(values[i] == 0 ? 0 : values[i])
                k += 1
            }
            initialized = k
        }
        if n < 1024 { keys.sort() } else { radixSort(&keys) }
        return keys
    }

    /// Maps a (non-NaN) Double to a UInt64 whose unsigned order is the numeric order.
    @inline(__always)
    static func key(_ x: Double) -> UInt64 {
        let bits = x.bitPattern
        return bits >> 63 == 0 ? bits | (1 << 63) : ~bits
    }

    @inline(__always)
    static func value(_ k: UInt64) -> Double {
        Double(bitPattern: k >> 63 == 1 ? k & ~(1 << 63) : ~k)
    }

    static func radixSort(_ keys: inout [UInt64]) {
        let n = keys.count
        let digitBits = 11
        let buckets = 1 << digitBits
        let passes = (64 + digitBits - 1) / digitBits
        let spare0 = [UInt64](unsafeUninitializedCapacity: n) { buffer, initialized in
            if let base = buffer.baseAddress {
                HugePages.advise(base, byteCount: n * 8)
                base.initialize(repeating: 0, count: n)
            }
            initialized = n
        }
        var spare = spare0
        var histogram = [Int](repeating: 0, count: buckets * passes)
        keys.withUnsafeBufferPointer { k in
            histogram.withUnsafeMutableBufferPointer { h in
                for i in 0..<n {
                    var x = k[i]
                    for pass in 0..<passes {
                        h[pass * buckets + Int(x & UInt64(buckets - 1))] += 1
                        x >>= UInt64(digitBits)
                    }
                }
            }
        }
        for pass in 0..<passes {
            let offset = pass * buckets
            let shift = UInt64(pass * digitBits)
            // Every key has the same digit here: this pass would not move anything.
            if histogram[offset + Int((keys[0] >> shift) & UInt64(buckets - 1))] == n { continue }
            var position = 0
            for b in 0..<buckets {
                let c = histogram[offset + b]
                histogram[offset + b] = position
                position += c
            }
            keys.withUnsafeBufferPointer { source in
                spare.withUnsafeMutableBufferPointer { target in
                    histogram.withUnsafeMutableBufferPointer { h in
                        for i in 0..<n {
                            let x = source[i]
                            let slot = offset + Int((x >> shift) & UInt64(buckets - 1))
                            target[h[slot]] = x
                            h[slot] += 1
                        }
                    }
                }
            }
            swap(&keys, &spare)
        }
    }
}
