/// Kernels for blocked Cholesky factorisations held in plain column-major buffers (the mixed-model factor `L`
/// of `Models/Mixed`, whose blocks are updated in place at every evaluation of the criterion).
///
/// They are plain loops in a fixed order, not BLAS calls: the mixed-model criterion is minimised to its rounding
/// floor, and OpenBLAS's kernels (Prescott, Sandybridge, Zen, …) round differently, which moved θ̂ in the 8th
/// digit and BOBYQA's evaluation count between machines. With these loops a fit gives the same bytes under every
/// BLAS kernel (docs/reproducibility.md); the blocks are small or sparse, so little speed is lost.
extension BlockKernels {
    /// Factors the order × order symmetric block at `a` in place as L·Lᵀ (lower triangle read and written).
    /// Returns false when it is not numerically positive definite.
    public static func choleskyLower(_ a: UnsafeMutablePointer<Double>, order n: Int, leadingDimension ld: Int) -> Bool {
        for j in 0..<n {
            var d = a[j * ld + j]
            for k in 0..<j { d -= a[k * ld + j] * a[k * ld + j] }
            guard d > 0, d.isFinite else { return false }
            let ljj = d.squareRoot()
            a[j * ld + j] = ljj
            let inverse = 1 / ljj
            for i in (j + 1)..<max(n, j + 1) {
                var s = a[j * ld + i]
                for k in 0..<j { s -= a[k * ld + i] * a[k * ld + j] }
                a[j * ld + i] = s * inverse
            }
        }
        return true
    }

    /// B := B·L⁻ᵀ for the rows × order block B and the lower-triangular L.
    public static func solveRightLowerTransposed(_ b: UnsafeMutablePointer<Double>, rows: Int, order n: Int,
                                                 leadingDimension ldb: Int, _ l: UnsafePointer<Double>, lowerLeading ldl: Int) {
        for c in 0..<n {
            let inverse = 1 / l[c * ldl + c]
            for e in 0..<c {
                let lce = l[e * ldl + c]
                if lce == 0 { continue }
                for r in 0..<rows { b[c * ldb + r] -= b[e * ldb + r] * lce }
            }
            for r in 0..<rows { b[c * ldb + r] *= inverse }
        }
    }

    /// x := L⁻¹x (`transposed` false) or L⁻ᵀx (`transposed` true) for the lower-triangular L.
    public static func solveLower(_ l: UnsafePointer<Double>, order n: Int, leadingDimension ld: Int, transposed: Bool,
                                  _ x: UnsafeMutablePointer<Double>) {
        if transposed {
            for i in stride(from: n - 1, through: 0, by: -1) {
                var s = x[i]
                for k in (i + 1)..<max(n, i + 1) { s -= l[i * ld + k] * x[k] }
                x[i] = s / l[i * ld + i]
            }
        } else {
            for i in 0..<n {
                var s = x[i]
                for k in 0..<i { s -= l[k * ld + i] * x[k] }
                x[i] = s / l[i * ld + i]
            }
        }
    }

    /// C −= A·Aᵀ on the lower triangle of the n × n block C, for the n × k block A.
    public static func subtractOuterLower(_ a: UnsafePointer<Double>, rows n: Int, columns k: Int, leadingDimension lda: Int,
                                          from c: UnsafeMutablePointer<Double>, leadingDimension ldc: Int) {
        for e in 0..<k {
            let column = a + e * lda
            for j in 0..<n {
                let ajv = column[j]
                if ajv == 0 { continue }
                for i in j..<n { c[j * ldc + i] -= column[i] * ajv }
            }
        }
    }

    /// C −= A·Bᵀ for the m × k block A and the n × k block B into the m × n block C.
    public static func subtractProductTransposed(_ a: UnsafePointer<Double>, rows m: Int, leadingDimension lda: Int,
                                                 _ b: UnsafePointer<Double>, rows n: Int, leadingDimension ldb: Int,
                                                 inner k: Int, from c: UnsafeMutablePointer<Double>, leadingDimension ldc: Int) {
        for e in 0..<k {
            for j in 0..<n {
                let bje = b[e * ldb + j]
                if bje == 0 { continue }
                for i in 0..<m { c[j * ldc + i] -= a[e * lda + i] * bje }
            }
        }
    }

    /// C += Aᵀ·A on the lower triangle of the k × k block C, for the n × k block A (streamed cross-products).
    /// Entries are formed four rows by two columns of C at a time: eight independent sums in flight instead of one chain
    /// of dependent additions (the loop was bound by the adder's latency), each entry still summed alone in row order
    /// from 0 and then added to C, so every entry is bit for bit the one-at-a-time loop's.
    public static func addGramLower(_ a: UnsafePointer<Double>, rows n: Int, columns k: Int, leadingDimension lda: Int,
                                    into c: UnsafeMutablePointer<Double>, leadingDimension ldc: Int) {
        addGramLower(rows: n, columns: k, { a + $0 * lda }, into: c, leadingDimension: ldc)
    }

    /// `addGramLower` of the n × k block A whose column j starts at `columns[j]`.
    public static func addGramLower(columns: UnsafePointer<UnsafePointer<Double>>, rows n: Int, count k: Int,
                                    into c: UnsafeMutablePointer<Double>, leadingDimension ldc: Int) {
        addGramLower(rows: n, columns: k, { columns[$0] }, into: c, leadingDimension: ldc)
    }

    @inline(__always)
    private static func addGramLower(rows n: Int, columns k: Int, _ column: (Int) -> UnsafePointer<Double>,
                                     into c: UnsafeMutablePointer<Double>, leadingDimension ldc: Int) {
        forEachGramTile(columns: k, column, into: c, leadingDimension: ldc) { d0, d1, c0, c1, c2, c3 in
            var s00 = 0.0, s10 = 0.0, s20 = 0.0, s30 = 0.0, s01 = 0.0, s11 = 0.0, s21 = 0.0, s31 = 0.0
            for r in 0..<n {
                let x0 = d0[r], x1 = d1[r]
                let y0 = c0[r], y1 = c1[r], y2 = c2[r], y3 = c3[r]
                s00 += y0 * x0; s10 += y1 * x0; s20 += y2 * x0; s30 += y3 * x0
                s01 += y0 * x1; s11 += y1 * x1; s21 += y2 * x1; s31 += y3 * x1
            }
            return SIMD8(s00, s10, s20, s30, s01, s11, s21, s31)
        }
    }

    /// C += Aᵀ·A on the lower triangle of the k × k block C, as `addGramLower` but four rows at a time: each entry is
    /// summed in four lanes (rows r ≡ 0, 1, 2, 3 mod 4, each in row order), the lanes added as (0 + 1) + (2 + 3), then the
    /// last n mod 4 rows in order, then added to C. The streamed mixed-model pass over a million rows is bound by this
    /// loop; four lanes (one AVX2 register) took half the samples two lanes did on LMM a (session 16; the sums' last bits
    /// moved, ≈ 1e-15 relative in the estimates). The order is fixed by the row count alone, so the bytes do not depend
    /// on the machine's cores.
    public static func addGramLowerInLanes(_ a: UnsafePointer<Double>, rows n: Int, columns k: Int, leadingDimension lda: Int,
                                          into c: UnsafeMutablePointer<Double>, leadingDimension ldc: Int) {
        addGramLowerInLanes(rows: n, columns: k, { a + $0 * lda }, into: c, leadingDimension: ldc)
    }

    /// `addGramLowerInLanes` of the n × k block A whose column j starts at `columns[j]`: the same sums in the same order,
    /// so the same bytes as the columns copied side by side first.
    public static func addGramLowerInLanes(columns: UnsafePointer<UnsafePointer<Double>>, rows n: Int, count k: Int,
                                          into c: UnsafeMutablePointer<Double>, leadingDimension ldc: Int) {
        addGramLowerInLanes(rows: n, columns: k, { columns[$0] }, into: c, leadingDimension: ldc)
    }

    @inline(__always)
    private static func addGramLowerInLanes(rows n: Int, columns k: Int, _ column: (Int) -> UnsafePointer<Double>,
                                           into c: UnsafeMutablePointer<Double>, leadingDimension ldc: Int) {
        forEachGramTile(columns: k, column, into: c, leadingDimension: ldc) { d0, d1, c0, c1, c2, c3 in
            laneTileSums(rows: n, d0, d1, c0, c1, c2, c3)
        }
    }

    /// C += AᵀB for the n × ka block A and the n × kb block B (column j of A at `a[j]`, of B at `b[j]`), C ka × kb with
    /// entry (i, j) at i · ldc + j: each entry summed as `addGramLowerInLanes` sums it (four lanes, the lanes added, the
    /// last rows, then added to C), so an entry is bit for bit the one that kernel forms for the same two
    /// columns. The mixed-model pass forms its indicator columns' products with the other columns this way.
    public static func addCrossInLanes(_ a: UnsafePointer<UnsafePointer<Double>>, count ka: Int,
                                      _ b: UnsafePointer<UnsafePointer<Double>>, count kb: Int, rows n: Int,
                                      into c: UnsafeMutablePointer<Double>, leadingDimension ldc: Int) {
        guard ka > 0, kb > 0 else { return }
        var j = 0
        while j < ka {
            let jb = min(2, ka - j)
            let d0 = a[j], d1 = a[min(j + 1, ka - 1)]
            var i = 0
            while i < kb {
                let ib = min(4, kb - i)
                let s = laneTileSums(rows: n, d0, d1, b[i], b[min(i + 1, kb - 1)], b[min(i + 2, kb - 1)], b[min(i + 3, kb - 1)])
                for u in 0..<jb { for t in 0..<ib { c[(j + u) * ldc + i + t] += s[t + 4 * u] } }
                i += 4
            }
            j += 2
        }
    }

    /// The eight sums Σ c_t · d_u of a tile (t + 4u), each in four lanes (rows r ≡ 0, 1, 2, 3 mod 4, each lane in row
    /// order), the lanes added as (0 + 1) + (2 + 3), then the last n mod 4 rows in order.
    @inline(__always)
    private static func laneTileSums(rows n: Int, _ d0: UnsafePointer<Double>, _ d1: UnsafePointer<Double>,
                                       _ c0: UnsafePointer<Double>, _ c1: UnsafePointer<Double>,
                                       _ c2: UnsafePointer<Double>, _ c3: UnsafePointer<Double>) -> SIMD8<Double> {
        typealias Quad = SIMD4<Double>
        @inline(__always) func quad(_ p: UnsafePointer<Double>, _ r: Int) -> Quad { UnsafeRawPointer(p + r).loadUnaligned(as: Quad.self) }
        let whole = n & ~3
        var s00 = Quad(), s10 = Quad(), s20 = Quad(), s30 = Quad()
        var s01 = Quad(), s11 = Quad(), s21 = Quad(), s31 = Quad()
        var r = 0
        while r < whole {
            let x0 = quad(d0, r), x1 = quad(d1, r)
            let y0 = quad(c0, r), y1 = quad(c1, r), y2 = quad(c2, r), y3 = quad(c3, r)
            s00 += y0 * x0; s10 += y1 * x0; s20 += y2 * x0; s30 += y3 * x0
            s01 += y0 * x1; s11 += y1 * x1; s21 += y2 * x1; s31 += y3 * x1
            r += 4
        }
        @inline(__always) func total(_ s: Quad, _ y: UnsafePointer<Double>, _ x: UnsafePointer<Double>) -> Double {
            var v = (s[0] + s[1]) + (s[2] + s[3])
            for t in whole..<n { v += y[t] * x[t] }
            return v
        }
        return SIMD8(total(s00, c0, d0), total(s10, c1, d0), total(s20, c2, d0), total(s30, c3, d0),
                     total(s01, c0, d1), total(s11, c1, d1), total(s21, c2, d1), total(s31, c3, d1))
    }

    /// C += Σ_r a_r a_rᵀ on the lower triangle of the k × k block C, for n vectors a_r of k values, a_r at a + r · stride
    /// (a row-major n × k block: the mixed-model factor's per-level rows of L_{X,0}). Entries are formed four rows by four
    /// columns of C at a time, a column's four rows in the lanes of one SIMD4 (k contiguous values per vector make these
    /// loads plain); each entry is still summed alone in row order from 0 and then added to C, so every entry is bit for
    /// bit the one-at-a-time loop's (`for r { for j { for i ≥ j { c[j, i] += a_r[i] · a_r[j] } } }`).
    public static func addRowGramLower(_ a: UnsafePointer<Double>, rows n: Int, columns k: Int, stride: Int,
                                       into c: UnsafeMutablePointer<Double>, leadingDimension ldc: Int) {
        typealias Lanes = SIMD4<Double>
        guard k >= 4 else {
            for j in 0..<k {
                for i in j..<k {
                    var s = 0.0
                    for r in 0..<n { s += a[r * stride + i] * a[r * stride + j] }
                    c[j * ldc + i] += s
                }
            }
            return
        }
        var j = 0
        while j < k {
            let j1 = min(j + 1, k - 1), j2 = min(j + 2, k - 1), j3 = min(j + 3, k - 1)
            var i = j
            while i < k {
                // The tile's rows start at most at k − 4 (the last tile of a column group may overlap the one before it:
                // rows already added there are formed again and dropped).
                let first = min(i, k - 4)
                var s0 = Lanes(), s1 = Lanes(), s2 = Lanes(), s3 = Lanes()
                var row = a
                for _ in 0..<n {
                    let y = UnsafeRawPointer(row + first).loadUnaligned(as: Lanes.self)
                    s0 += y * Lanes(repeating: row[j])
                    s1 += y * Lanes(repeating: row[j1])
                    s2 += y * Lanes(repeating: row[j2])
                    s3 += y * Lanes(repeating: row[j3])
                    row += stride
                }
                // Entries inside the lower triangle and not added by an earlier tile.
                func add(_ sums: Lanes, column u: Int) {
                    guard j + u < k else { return }
                    for t in 0..<4 where first + t >= i && first + t >= j + u { c[(j + u) * ldc + first + t] += sums[t] }
                }
                add(s0, column: 0); add(s1, column: 1); add(s2, column: 2); add(s3, column: 3)
                i = first + 4
            }
            j += 4
        }
    }

    /// The walk both Gram kernels share: the lower triangle of C in tiles of four rows (columns i…i+3 of A) by two
    /// columns (j, j+1), columns past the edge repeating the last one; `sums` gives a tile's eight entries, (i+t, j+u)
    /// at t + 4u, and those inside the block's lower triangle are added to C (the others are formed and dropped).
    /// `column(j)` is where column j of A starts (A's columns need not be evenly spaced: the mixed-model pass reads
    /// numeric columns where the data keeps them).
    @inline(__always)
    private static func forEachGramTile(
        columns k: Int, _ column: (Int) -> UnsafePointer<Double>,
        into c: UnsafeMutablePointer<Double>, leadingDimension ldc: Int,
        _ sums: (_ d0: UnsafePointer<Double>, _ d1: UnsafePointer<Double>, _ c0: UnsafePointer<Double>,
                 _ c1: UnsafePointer<Double>, _ c2: UnsafePointer<Double>, _ c3: UnsafePointer<Double>) -> SIMD8<Double>
    ) {
        var j = 0
        while j < k {
            let jb = min(2, k - j)
            let d0 = column(j), d1 = column(min(j + 1, k - 1))
            var i = j
            while i < k {
                let ib = min(4, k - i)
                let c0 = column(i), c1 = column(min(i + 1, k - 1))
                let c2 = column(min(i + 2, k - 1)), c3 = column(min(i + 3, k - 1))
                let s = sums(d0, d1, c0, c1, c2, c3)
                for u in 0..<jb {
                    for t in 0..<ib where i + t >= j + u { c[(j + u) * ldc + i + t] += s[t + 4 * u] }
                }
                i += 4
            }
            j += 2
        }
    }

    /// B := L⁻¹B for the lower-triangular order × order L and the order × columns B.
    public static func solveLowerMatrix(_ l: UnsafePointer<Double>, order: Int, _ b: UnsafeMutablePointer<Double>, columns: Int) {
        for j in 0..<columns { solveLower(l, order: order, leadingDimension: order, transposed: false, b + j * order) }
    }

    /// C = AᵀA for the rows × columns block A, full symmetric columns × columns C.
    public static func gramOfColumns(_ a: UnsafePointer<Double>, rows: Int, columns: Int, into c: UnsafeMutablePointer<Double>) {
        c.update(repeating: 0, count: columns * columns)
        addGramLower(a, rows: rows, columns: columns, leadingDimension: rows, into: c, leadingDimension: columns)
        for j in 0..<columns { for i in (j + 1)..<columns { c[i * columns + j] = c[j * columns + i] } }
    }
}
