extension BlockKernels {
    /// Rows per block of `addWeightedRowGram`: a block's rows and weighted rows (2 × 64 × 12 values for the Cox
    /// benchmarks) stay in the L1 cache while every tile of the triangle passes over them.
    public static let weightedRowBlock = 64

    /// C += Σᵣ wᵣ xᵣ xᵣᵀ on the upper triangle of the column-major k × k C, and s += Σᵣ wᵣ xᵣ, for `rows` vectors xᵣ of
    /// k values stored one after another (a row-major rows × k block, as the Cox model's time-ordered covariates) and
    /// weights wᵣ. No copy for BLAS: per block of `weightedRowBlock` rows the weighted rows yᵣ = wᵣ xᵣ are formed once
    /// (in a buffer that stays in the cache), and C's entries four rows by four columns at a time, the four rows in the
    /// lanes of one SIMD4 (xᵣ's k contiguous values make these loads plain) times yᵣ's column entry. Each entry (and
    /// each entry of s) is summed over the block in row order from 0, then added to C: the order depends on the row
    /// count alone, so the bytes do not depend on the machine's cores.
    public static func addWeightedRowGram(_ x: UnsafePointer<Double>, weights w: UnsafePointer<Double>, rows: Int,
                                          columns k: Int, into c: UnsafeMutablePointer<Double>,
                                          sum s: UnsafeMutablePointer<Double>) {
        guard rows > 0, k > 0 else { return }
        typealias Lanes = SIMD4<Double>
        let block = weightedRowBlock
        let y = UnsafeMutablePointer<Double>.allocate(capacity: block * k)
        defer { y.deallocate() }
        var lower = 0
        while lower < rows {
            let n = min(block, rows - lower)
            let xb = x + lower * k
            if k >= 4 {
                // Four columns at a time over the block's rows (the last group may overlap the one before it: its
                // values are formed again, the same, and only the new columns' sums added).
                var q = 0
                while q < k {
                    let first = min(q, k - 4)
                    var sum = Lanes()
                    for r in 0..<n {
                        let v = UnsafeRawPointer(xb + r * k + first).loadUnaligned(as: Lanes.self) * Lanes(repeating: w[lower + r])
                        UnsafeMutableRawPointer(y + r * k + first).storeBytes(of: v, as: Lanes.self)
                        sum += v
                    }
                    for t in 0..<4 where first + t >= q { s[first + t] += sum[t] }
                    q = first + 4
                }
            } else {
                for q in 0..<k {
                    var sum = 0.0
                    for r in 0..<n {
                        let v = w[lower + r] * xb[r * k + q]
                        y[r * k + q] = v
                        sum += v
                    }
                    s[q] += sum
                }
            }
            guard k >= 4 else {
                for j in 0..<k {
                    for i in 0...j {
                        var t = 0.0
                        for r in 0..<n { t += xb[r * k + i] * y[r * k + j] }
                        c[j * k + i] += t
                    }
                }
                lower += n
                continue
            }
            // The tiles two at a time (eight sums in flight instead of four: a lone tile's four sums each waited on the
            // previous row's addition), each sum still over the block's rows in order from 0, so the same bits.
            var cursor = WeightedGramTile.Cursor(k: k)
            var single: WeightedGramTile?
            while let a = cursor.next() {
                guard let b = cursor.next() else { single = a; break }
                var sa = WeightedGramTile.Sums(), sb = WeightedGramTile.Sums()
                var xa = xb + a.first, xr = xb + b.first, yr = UnsafePointer(y)
                for _ in 0..<n {
                    sa.add(UnsafeRawPointer(xa).loadUnaligned(as: Lanes.self), times: yr, columns: a.columns)
                    sb.add(UnsafeRawPointer(xr).loadUnaligned(as: Lanes.self), times: yr, columns: b.columns)
                    xa += k
                    xr += k
                    yr += k
                }
                a.add(sa, into: c, k: k)
                b.add(sb, into: c, k: k)
            }
            if let a = single {
                var sa = WeightedGramTile.Sums()
                var xa = xb + a.first, yr = UnsafePointer(y)
                for _ in 0..<n {
                    sa.add(UnsafeRawPointer(xa).loadUnaligned(as: Lanes.self), times: yr, columns: a.columns)
                    xa += k
                    yr += k
                }
                a.add(sa, into: c, k: k)
            }
            lower += n
        }
    }
}

/// One 4 × 4 tile of `addWeightedRowGram`'s upper triangle: rows `first ..< first + 4` of C (at most k − 4, so the last
/// tile may overlap the one before it) by columns `columns` (j ..< j + 4, the ones past k − 1 repeating k − 1), adding
/// only its entries on or above the diagonal, from row `i` (those below were added by the tile before) and in columns
/// inside C.
struct WeightedGramTile {
    let i: Int
    let first: Int
    let j: Int
    let columns: (Int, Int, Int, Int)

    /// The tiles covering the upper triangle of a k × k C (k ≥ 4) in turn, column groups of four from the left, each
    /// group's row tiles from the top (no array: the kernel runs once per batch of a few rows).
    struct Cursor {
        let k: Int
        var i = 0
        var j = 0

        init(k: Int) { self.k = k }

        @inline(__always)
        mutating func next() -> WeightedGramTile? {
            if i > min(j + 3, k - 1) { j += 4; i = 0 }
            guard j < k else { return nil }
            let first = min(i, k - 4)
            let tile = WeightedGramTile(i: i, first: first, j: j,
                                        columns: (j, min(j + 1, k - 1), min(j + 2, k - 1), min(j + 3, k - 1)))
            i = first + 4
            return tile
        }
    }

    /// The tile's four column sums over a block's rows (each a row's four values times its weighted entry in that
    /// column, added in row order).
    struct Sums {
        var s0 = SIMD4<Double>(), s1 = SIMD4<Double>(), s2 = SIMD4<Double>(), s3 = SIMD4<Double>()

        @inline(__always)
        mutating func add(_ v: SIMD4<Double>, times y: UnsafePointer<Double>, columns: (Int, Int, Int, Int)) {
            s0 += v * SIMD4(repeating: y[columns.0])
            s1 += v * SIMD4(repeating: y[columns.1])
            s2 += v * SIMD4(repeating: y[columns.2])
            s3 += v * SIMD4(repeating: y[columns.3])
        }
    }

    /// The tile's entries on or above the diagonal, not added by an earlier tile, in columns inside C.
    @inline(__always)
    func add(_ sums: Sums, into c: UnsafeMutablePointer<Double>, k: Int) {
        @inline(__always) func column(_ s: SIMD4<Double>, _ u: Int) {
            guard j + u < k else { return }
            for t in 0..<4 where first + t >= i && first + t <= j + u { c[(j + u) * k + first + t] += s[t] }
        }
        column(sums.s0, 0); column(sums.s1, 1); column(sums.s2, 2); column(sums.s3, 3)
    }
}
