@testable import DataTable
import Testing

/// The suspected-missing-code scan's first pass (any ±9/99/999/9999 at all, four values at a time) finds a code
/// wherever it sits, and the counting pass that follows ignores one in a missing slot.
struct MissingCodeScanTests {
    @Test func aCodeIsFoundAtEveryPosition() {
        let base: [Double?] = (0..<1_031).map { Double(1 + $0 % 7) }
        #expect(NumericColumn(base).suspectedMissingCodes() == [])
        for code in [-9999.0, -999, -99, -9, 99, 999, 9999] {
            for position in [0, 1, 2, 3, 4, 515, 1_027, 1_028, 1_029, 1_030] {
                var values = base
                values[position] = code
                #expect(NumericColumn(values).suspectedMissingCodes() == [SuspectedMissingCode(value: code, count: 1)],
                        "\(code) at \(position)")
            }
        }
    }

    @Test func shortColumnsAndMissingSlots() {
        #expect(NumericColumn([]).suspectedMissingCodes() == [])
        #expect(NumericColumn([1, 2, -99]).suspectedMissingCodes() == [SuspectedMissingCode(value: -99, count: 1)])
        // A missing slot holding 999 (any value may sit under a missing flag) is not a code left in the data.
        let hidden = NumericColumn(values: [1, 2, 3, 4, 999, 5], missing: [false, false, false, false, true, false])
        #expect(hidden.suspectedMissingCodes() == [])
        // 9.5 and 98.99 are not codes.
        #expect(NumericColumn([1, 2, 9.5, 98.99, 3]).suspectedMissingCodes() == [])
    }

    /// The one-pass scan a model frame runs: a non-finite value anywhere (in the four-lane body or the tail) clears
    /// `allFinite`, and its code test agrees with the counting pass.
    @Test func valueScanFindsNonFiniteValuesAtEveryPosition() {
        let base = (0..<1_031).map { Double(1 + $0 % 7) }
        let clean = NumericColumn(values: base, missing: [Bool](repeating: false, count: base.count)).valueScan()
        #expect(clean == NumericValueScan(allFinite: true, mayHoldMissingCode: false))
        for special in [Double.infinity, -.infinity, .nan] {
            for position in [0, 3, 4, 515, 1_027, 1_028, 1_030] {
                var values = base
                values[position] = special
                let scan = NumericColumn(values: values, missing: [Bool](repeating: false, count: values.count)).valueScan()
                #expect(scan == NumericValueScan(allFinite: false, mayHoldMissingCode: false), "\(special) at \(position)")
            }
        }
        var coded = base
        coded[1_030] = -999
        #expect(NumericColumn(values: coded, missing: [Bool](repeating: false, count: coded.count)).valueScan().mayHoldMissingCode)
        #expect(NumericColumn(values: [], missing: []).valueScan() == NumericValueScan(allFinite: true, mayHoldMissingCode: false))
    }
}
