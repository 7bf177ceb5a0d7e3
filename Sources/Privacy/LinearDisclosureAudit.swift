/// Checks whether published lines determine a hidden entry exactly. Each line gives the equation
/// (sum of its parts) − (its total) = 0, in which visible entries are known constants and hidden entries are
/// unknowns. A hidden entry is determined exactly when its unit vector lies in the row space of the unknowns'
/// coefficient matrix; with the matrix in reduced row echelon form, that is when some row has a single
/// non-zero coefficient. Exact integer arithmetic (rows kept primitive by their gcd), no tolerance.
enum LinearDisclosureAudit {
    static func exactlyDetermined(hidden: [Bool], lines: [[Int]]) -> [Int] {
        let unknowns = hidden.indices.filter { hidden[$0] }
        guard !unknowns.isEmpty else { return [] }
        var column = [Int: Int]()
        for (k, entry) in unknowns.enumerated() { column[entry] = k }
        var rows: [[Int]] = []
        for line in lines {
            var row = [Int](repeating: 0, count: unknowns.count)
            var any = false
            for (position, entry) in line.enumerated() {
                guard let k = column[entry] else { continue }
                row[k] += position == line.count - 1 ? -1 : 1
                any = true
            }
            if any { rows.append(row) }
        }
        reduceToEchelonForm(&rows, columns: unknowns.count)
        var determined: [Int] = []
        for row in rows {
            let nonZero = row.indices.filter { row[$0] != 0 }
            if nonZero.count == 1 { determined.append(unknowns[nonZero[0]]) }
        }
        return determined.sorted()
    }

    /// Gauss–Jordan elimination over the integers: row ← row·p − pivotRow·a, then divided by the row's gcd.
    static func reduceToEchelonForm(_ rows: inout [[Int]], columns: Int) {
        var pivotRow = 0
        for c in 0..<columns where pivotRow < rows.count {
            guard let found = (pivotRow..<rows.count).first(where: { rows[$0][c] != 0 }) else { continue }
            rows.swapAt(pivotRow, found)
            let pivot = rows[pivotRow]
            for r in rows.indices where r != pivotRow && rows[r][c] != 0 {
                let a = rows[r][c]
                let p = pivot[c]
                var divisor = 0
                for k in 0..<columns {
                    rows[r][k] = rows[r][k] * p - pivot[k] * a
                    divisor = gcd(divisor, abs(rows[r][k]))
                }
                if divisor > 1 { for k in 0..<columns { rows[r][k] /= divisor } }
            }
            pivotRow += 1
        }
        rows.removeLast(rows.count - pivotRow)
    }

    private static func gcd(_ a: Int, _ b: Int) -> Int {
        var (x, y) = (a, b)
        while y != 0 { (x, y) = (y, x % y) }
        return x
    }
}
