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
            var j = 0
            while j < k {
                let j1 = min(j + 1, k - 1), j2 = min(j + 2, k - 1), j3 = min(j + 3, k - 1)
                var i = 0
                while i <= min(j + 3, k - 1) {
                    // A tile's rows start at most at k − 4 (the last tile may overlap the one before it: entries
                    // already added there are formed again and dropped).
                    let first = min(i, k - 4)
                    var s0 = Lanes(), s1 = Lanes(), s2 = Lanes(), s3 = Lanes()
                    var xr = xb + first, yr = UnsafePointer(y)
                    for _ in 0..<n {
                        let v = UnsafeRawPointer(xr).loadUnaligned(as: Lanes.self)
                        s0 += v * Lanes(repeating: yr[j])
                        s1 += v * Lanes(repeating: yr[j1])
                        s2 += v * Lanes(repeating: yr[j2])
                        s3 += v * Lanes(repeating: yr[j3])
                        xr += k
                        yr += k
                    }
                    // Entries on or above the diagonal, not added by an earlier tile, in columns inside C.
                    func add(_ sums: Lanes, column u: Int) {
                        guard j + u < k else { return }
                        for t in 0..<4 where first + t >= i && first + t <= j + u { c[(j + u) * k + first + t] += sums[t] }
                    }
                    add(s0, column: 0); add(s1, column: 1); add(s2, column: 2); add(s3, column: 3)
                    i = first + 4
                }
                j += 4
            }
            lower += n
        }
    }
}
