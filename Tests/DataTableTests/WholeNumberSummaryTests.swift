@testable import DataTable
import Testing

/// The one pass over a column of whole numbers that the identifier guard and a model frame share: the same range,
/// value scan and missing codes as each computed value by value, nil as soon as a value is not whole, kept with the column.
struct WholeNumberSummaryTests {
    /// The guard's integer test as the rules first wrote it: whole and of magnitude below 2⁶².
    func isWhole(_ v: Double) -> Bool { abs(v) < 0x1p62 && Double(Int64(v)) == v }

    /// What the summary must say, value by value: nil unless every value is whole; the range; whether any magnitude is
    /// 9, 99, 999 or 9999; the codes lying more than the other values' range beyond it.
    func expected(_ values: [Double]) -> WholeNumberSummary? {
        guard values.allSatisfy(isWhole) else { return nil }
        let codes: [Double] = [-9999, -999, -99, -9, 99, 999, 9999]
        let others = values.filter { !codes.contains($0) }
        var flagged: [SuspectedMissingCode] = []
        if let low = others.min(), let high = others.max() {
            let span = max(high - low, 1)
            for code in codes {
                let count = values.filter { $0 == code }.count
                if count > 0 && (code > high + span || code < low - span) { flagged.append(SuspectedMissingCode(value: code, count: count)) }
            }
        }
        let hit = values.contains { [9, 99, 999, 9999].contains(abs($0)) }
        return WholeNumberSummary(minimum: values.min() ?? .infinity, maximum: values.max() ?? -.infinity,
                                  scan: NumericValueScan(allFinite: true, mayHoldMissingCode: hit), suspectedMissingCodes: flagged)
    }

    func column(_ values: [Double]) -> NumericColumn {
        NumericColumn(values: values, missing: [Bool](repeating: false, count: values.count))
    }

    /// Edge values at every kind of position: the two-lane body of the first and a later block, a block's last pair, the
    /// odd tail value; codes, 9s, magnitudes from 2⁵² (whole, tested again value by value) and non-whole values.
    @Test func agreesValueByValueAtEveryPosition() {
        let base = (0..<2_051).map { Double(1 + $0 % 7) }
        let edges: [Double] = [0, -0.0, 0.5, -2.5, 9, -9, 99, -99, 999, -999, 9999, -9999, 98.99, 2024, 0x1p52 - 1, 0x1p52 - 0.5,
                               0x1p52, 0x1p52 + 1, -(0x1p53 + 2), 0x1p62 - 1024, 0x1p62, -0x1p62, 1e300, .infinity, -.infinity, .nan]
        for v in edges {
            for position in [0, 1, 2, 1_022, 1_023, 1_024, 1_025, 2_048, 2_049, 2_050] {
                var values = base
                values[position] = v
                #expect(column(values).wholeNumberSummary() == expected(values), "\(v) at \(position)")
            }
        }
        // Codes among 9s in several blocks, and the tail.
        var coded = (0..<3_001).map { Double(1 + $0 % 9) }
        for position in [5, 1_500, 3_000] { coded[position] = -99 }
        coded[2_000] = 999
        #expect(column(coded).wholeNumberSummary() == expected(coded))
        #expect(column(coded).wholeNumberSummary()?.suspectedMissingCodes == [SuspectedMissingCode(value: -99, count: 3),
                                                                              SuspectedMissingCode(value: 999, count: 1)])
        #expect(column([]).wholeNumberSummary() == expected([]))
        #expect(column([7]).wholeNumberSummary() == expected([7]))
    }

    /// The summary, once made, answers the value scan and the code count; a missing value leaves both to their own passes.
    @Test func keptWithTheColumnAndUsedByTheScans() {
        var values = (0..<5_000).map { Double($0 % 40) }
        values[4_321] = -99
        let c = column(values)
        #expect(c.keptWholeNumberSummary == nil)
        let copy = c
        let summary = c.wholeNumberSummary()
        #expect(summary != nil)
        #expect(copy.keptWholeNumberSummary == summary)
        #expect(c.valueScan() == NumericValueScan(allFinite: true, mayHoldMissingCode: true))
        #expect(c.suspectedMissingCodes() == [SuspectedMissingCode(value: -99, count: 1)])
        #expect(c.suspectedMissingCodes(scan: c.valueScan()) == [SuspectedMissingCode(value: -99, count: 1)])
        // A column with a missing value: no summary, the scans as before (the code under the missing flag is not counted).
        var missing = [Bool](repeating: false, count: values.count)
        missing[4_321] = true
        let gappy = NumericColumn(values: values, missing: missing)
        #expect(gappy.wholeNumberSummary() == nil)
        #expect(gappy.suspectedMissingCodes() == [])
        // A column with a fraction: no summary kept, the value scan its own pass.
        var fraction = values
        fraction[4_999] = 0.25
        let fractional = column(fraction)
        #expect(fractional.wholeNumberSummary() == nil)
        #expect(fractional.keptWholeNumberSummary == nil)
        #expect(fractional.valueScan() == NumericValueScan(allFinite: true, mayHoldMissingCode: true))
        #expect(fractional.suspectedMissingCodes() == [SuspectedMissingCode(value: -99, count: 1)])
        // Equality is the values', not whether a summary was made.
        #expect(column(values) == c)
    }
}
