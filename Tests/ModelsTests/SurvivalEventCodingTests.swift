import Testing
@testable import Models

/// `SurvivalOutcome.numericEvents`, the numeric event column's reading (one pass without branches since session 18):
/// 0/1 with 1 the event, 1/2 with 2 the event (as Surv() reads them), and the refusals of a 0/1/2 mix and of any other
/// value, NaN included, wherever it lies.
@Suite("Survival event coding")
struct SurvivalEventCodingTests {
    static func read(_ values: [Double]) -> Result<([Bool], Double), SurvivalError> {
        Result { () throws(SurvivalError) in
            try SurvivalOutcome.numericEvents("dropout", values: values, rows: UsedRows(all: values.count))
        }
    }

    @Test("0/1 and 1/2 codings: the flags and the event value; −0 is 0")
    func codings() throws {
        let zeroOne = [0, 1, 1, -0.0, 0, 1] + [Double](repeating: 1, count: 37)
        let (flags, level) = try Self.read(zeroOne).get()
        #expect(level == 1 && flags == zeroOne.map { $0 == 1 })
        let oneTwo: [Double] = [1, 2, 2, 1, 2]
        let (twoFlags, twoLevel) = try Self.read(oneTwo).get()
        #expect(twoLevel == 2 && twoFlags == [false, true, true, false, true])
        // One value only: all 1 (every row an event), all 0 (none), all 2 (every row an event, 1/2 coding).
        #expect(try Self.read([1, 1, 1]).get().0 == [true, true, true])
        #expect(try Self.read([0, 0]).get() == ([false, false], 1))
        #expect(try Self.read([2, 2]).get() == ([true, true], 2))
        #expect(try Self.read([]).get().0.isEmpty)
    }

    @Test("a 0/1/2 mix, another value or NaN anywhere is refused", arguments: [
        ([0, 1, 2], "mixes 0/1 and 1/2"),
        ([0, 1, 1, 1, 3], "holds 3 besides 0/1"),
        ([1, 2, 0.5], "holds 0.5 besides 0/1"),
        ([.nan, 0, 1], "besides 0/1"),
        ([0, 1, 1, 1, 1, 1, 1, 1, 1, -1], "holds -1 besides 0/1"),
    ] as [([Double], String)])
    func refusals(values: [Double], message: String) {
        guard case .failure(.invalidEvent(let column, let detail)) = Self.read(values) else {
            Issue.record("\(values) was read as an event column")
            return
        }
        #expect(column == "dropout")
        #expect(detail.contains(message), "\(detail)")
    }
}
