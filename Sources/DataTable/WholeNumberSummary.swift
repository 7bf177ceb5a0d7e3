import Foundation

/// What one pass over a numeric column of whole numbers tells both the identifier guard (its integer rules need the
/// range) and a model frame (its finite check and missing-code warnings), kept with the column
/// (`NumericColumn.wholeNumberSummary()`): the guard's range pass and the frame's value and code scans each read every
/// such column, a million rows each (≈ 3% of a million-row mixed-model fit's CPU together).
public struct WholeNumberSummary: Sendable, Equatable {
    /// The least and greatest value (every value is a whole number of magnitude below 2⁶², so finite); ±∞ for no rows.
    public let minimum: Double
    public let maximum: Double
    /// `NumericColumn.valueScan()` of the column.
    public let scan: NumericValueScan
    /// `NumericColumn.suspectedMissingCodes()` of the column.
    public let suspectedMissingCodes: [SuspectedMissingCode]
}

extension NumericColumn {
    /// For a column with no missing value and only whole numbers of magnitude below 2⁶² (the privacy guard's integer
    /// test), its summary, made by the first call and kept with the column (copies of the column share it); nil when a
    /// value is missing or not whole, which the pass finds at the first block of 1,024 values holding one, where it stops.
    public func wholeNumberSummary() -> WholeNumberSummary? {
        if let kept = summaryCache.summary { return kept }
        let complete = missing.withUnsafeBytes { flags in
            var any: UInt8 = 0
            for flag in flags { any |= flag }
            return any == 0
        }
        guard complete, let summary = values.withUnsafeBufferPointer(summarizeWholeNumbers) else { return nil }
        summaryCache.summary = summary
        return summary
    }

    /// The summary if a pass has made it.
    var keptWholeNumberSummary: WholeNumberSummary? { summaryCache.summary }
}

/// Where a column keeps its `WholeNumberSummary` (a class, so that the column stays a value and its copies share
/// what one pass found; the values never change). A lock, since columns are scanned on both cores.
final class WholeNumberSummaryCache: @unchecked Sendable {
    private let lock = NSLock()
    private var kept: WholeNumberSummary?

    var summary: WholeNumberSummary? {
        get { lock.lock(); defer { lock.unlock() }; return kept }
        set { lock.lock(); defer { lock.unlock() }; kept = newValue }
    }
}

/// The guard's range pass (`NumericContentRules.integerRange`), the value scan (`scanValues`) and the missing-code
/// count (`suspectedMissingCodes`) in one pass, block by block of 1,024 values, two lanes at a time (one SSE register:
/// masks of four lanes cost shuffles on this build's baseline x86-64): per lane the wholeness test (below 2⁵², adding
/// and subtracting 2⁵² gives the magnitude back exactly when it is whole; a block holding a magnitude of 2⁵² or more
/// or ±∞ is tested again value by value with the guard's full test; NaN fails the lanes' test), running minima and maxima, and the compares
/// with the codes, these only for a block whose range reaches a code or ±9 (a second loop over the block while it is in
/// cache: six of LMM a's eight whole-number columns are item scores of 1–7, and the pass then reads 29% fewer
/// instructions, callgrind). A block holding a code (−9, ±99, ±999, ±9999; 9 is a value) is then counted row by row while it is in
/// cache, as `suspectedMissingCodes` counts it. Minima and maxima do not depend on the order they are taken in (a signed
/// zero may differ, which no use of them can tell), so every result is the separate passes'. Nil at the first block
/// with a value that is not whole.
private func summarizeWholeNumbers(_ v: UnsafeBufferPointer<Double>) -> WholeNumberSummary? {
    typealias Lanes = SIMD2<Double>
    typealias Mask = SIMDMask<SIMD2<Int64>>
    var lo = Lanes(repeating: .infinity)
    var hi = Lanes(repeating: -.infinity)
    // The range of the values that are not codes, and each code's count (only blocks holding a code are counted).
    var low = Double.infinity
    var high = -Double.infinity
    var counts = [Int](repeating: 0, count: commonMissingCodes.count)
    var nines = Mask(repeating: false)
    var hit = false
    if let base = v.baseAddress {
        let signless = SIMD2<UInt64>(repeating: 0x7FFF_FFFF_FFFF_FFFF)
        let exact = Lanes(repeating: 0x1p52)
        var start = 0
        while start < v.count {
            let end = Swift.min(start &+ 1024, v.count)
            var blockLo = Lanes(repeating: .infinity)
            var blockHi = Lanes(repeating: -.infinity)
            var fractional = Mask(repeating: false)
            var large = Mask(repeating: false)
            var i = start
            while i &+ 2 <= end {
                let bits = UnsafeRawPointer(base + i).loadUnaligned(as: SIMD2<UInt64>.self)
                let x = unsafeBitCast(bits, to: Lanes.self)
                let a = unsafeBitCast(bits & signless, to: Lanes.self)
                fractional = fractional .| ((a + exact) - exact .!= a)
                large = large .| (a .>= exact)
                blockLo = blockLo.replacing(with: x, where: x .< blockLo)
                blockHi = blockHi.replacing(with: x, where: x .> blockHi)
                i &+= 2
            }
            let pairsEnd = i
            var anyFraction = any(fractional)
            var code = false
            var tailLo = Double.infinity
            var tailHi = -Double.infinity
            while i < end {
                let x = v[i]
                let a = Swift.abs(x)
                anyFraction = anyFraction || !WholeNumberSummary.isWhole(x)
                tailLo = x < tailLo ? x : tailLo
                tailHi = x > tailHi ? x : tailHi
                hit = hit || a == 9
                code = code || a == 99 || a == 999 || a == 9999 || x == -9
                i &+= 1
            }
            if any(large) {
                // Magnitudes of 2⁵² and above and ±∞: the lanes' test passes ±∞ and may fail whole numbers from 2⁵².
                anyFraction = !v[start..<end].allSatisfy(WholeNumberSummary.isWhole)
            }
            if anyFraction { return nil }
            // Every value of the block is whole and finite now: a code or a 9 can be among them only if the block's range
            // reaches one (item scores of 1–5 or 1–7 never do); then the compares, while the block is in cache.
            if reachesCodeOrNine(Swift.min(blockLo.min(), tailLo), Swift.max(blockHi.max(), tailHi)) {
                var codes = Mask(repeating: false)
                var j = start
                while j &+ 2 <= pairsEnd {
                    let bits = UnsafeRawPointer(base + j).loadUnaligned(as: SIMD2<UInt64>.self)
                    let x = unsafeBitCast(bits, to: Lanes.self)
                    let a = unsafeBitCast(bits & signless, to: Lanes.self)
                    nines = nines .| (a .== 9)
                    codes = codes .| (a .== 99) .| (a .== 999) .| (a .== 9999) .| (x .== -9)
                    j &+= 2
                }
                code = code || any(codes)
            }
            lo = lo.replacing(with: blockLo, where: blockLo .< lo)
            hi = hi.replacing(with: blockHi, where: blockHi .> hi)
            lo[0] = Swift.min(lo[0], tailLo)
            hi[0] = Swift.max(hi[0], tailHi)
            if code {
                hit = true
                for k in start..<end { tallyMissingCode(v[k], counts: &counts, low: &low, high: &high) }
            } else {
                low = Swift.min(low, Swift.min(blockLo.min(), tailLo))
                high = Swift.max(high, Swift.max(blockHi.max(), tailHi))
            }
            start = end
        }
    }
    let scan = NumericValueScan(allFinite: true, mayHoldMissingCode: hit || any(nines))
    return WholeNumberSummary(minimum: lo.min(), maximum: hi.max(), scan: scan,
                              suspectedMissingCodes: flaggedMissingCodes(counts: counts, low: low, high: high))
}

/// Whether `lo...hi` holds one of ±9, ±99, ±999, ±9999 (a code, or the 9 that `NumericValueScan` also reports).
@inline(__always)
private func reachesCodeOrNine(_ lo: Double, _ hi: Double) -> Bool {
    for m in [9.0, 99, 999, 9999] where (lo <= m && m <= hi) || (lo <= -m && -m <= hi) { return true }
    return false
}

extension WholeNumberSummary {
    /// A whole number of magnitude below 2⁶² (NaN and ±∞ are not), without a branch or libm's trunc: below 2⁵², adding
    /// and subtracting 2⁵² rounds to the nearest integer (round-to-nearest), which equals the value exactly when it is
    /// whole; from 2⁵² on every double is whole. The one integer test of this pass and of the privacy guard's own range
    /// scan (`NumericContentRules`), so the two agree on every value.
    @inlinable @inline(__always)
    public static func isWhole(_ x: Double) -> Bool {
        let a = Swift.abs(x)
        let small = a < 0x1p52
        return (small && (a + 0x1p52) - 0x1p52 == a) || (!small && a < 0x1p62)
    }
}
