@testable import DataTable
import Testing

struct ColumnSubsetTests {
    /// A subset on every row in order shares the column's arrays; any other row list (fewer rows, another order,
    /// a repeat) is gathered as before.
    @Test func subsetOnEveryRowIsTheSameColumn() {
        let column = Column(name: "x", numeric: [1, nil, 3, 4])
        let every = column.subset(rows: [0, 1, 2, 3])
        #expect(every == column)
        #expect(every.numeric?.values.withUnsafeBufferPointer { $0.baseAddress }
                == column.numeric?.values.withUnsafeBufferPointer { $0.baseAddress })
        #expect(column.subset(rows: [1, 0, 2, 3]).numeric?.values == [0, 1, 3, 4])
        #expect(column.subset(rows: [0, 1, 2]).count == 3)
        #expect(column.subset(rows: [0, 1, 2, 2]).numeric?.missing == [false, true, false, false])
        #expect([0, 1, 2, 3].isEveryRow(of: 4))
        #expect(![0, 1, 3, 2].isEveryRow(of: 4))
        #expect(![0, 1, 2].isEveryRow(of: 4))
        #expect([Int]().isEveryRow(of: 0))
    }
}
