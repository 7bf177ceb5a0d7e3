import DataTable
import Testing
@testable import Models

/// Design matrices built by hand from the treatment-contrast rules (R's model.matrix conventions).
@Suite("Model frame and design matrix")
struct DesignMatrixTests {
    static func table() throws -> Table {
        try Table(columns: [
            Column(name: "y", numeric: [1, 2, 3, 4, 5, nil, 7]),
            Column(name: "x", numeric: [0.5, 1, 1.5, 2, 2.5, 3, 3.5]),
            Column(name: "site", categorical: ["north", "east", "south", "north", "east", "south", nil]),
            Column(name: "cohort", numeric: [2, 1, 2, 3, 1, 3, 2]),
        ])
    }

    func design(_ formula: String, references: [String: String] = [:]) throws -> DesignMatrix {
        DesignMatrix(frame: try ModelFrame(formula: Formula(formula), table: DesignMatrixTests.table(), references: references))
    }

    @Test func listwiseDeletionCounts() throws {
        let frame = try ModelFrame(formula: Formula("y ~ x + site"), table: DesignMatrixTests.table())
        #expect(frame.counts == DataCounts(rowsRead: 7, rowsUsed: 5))
        #expect(frame.counts.rowsDropped == 2)
        #expect(frame.usedRows == [0, 1, 2, 3, 4])
        // A cluster column takes part in deletion too.
        let withCluster = try ModelFrame(formula: Formula("x ~ cohort"), table: DesignMatrixTests.table(), extraColumns: ["site"])
        #expect(withCluster.counts.rowsUsed == 6)
    }

    @Test func treatmentContrastsWithSortedReference() throws {
        let d = try design("y ~ x + site")
        #expect(d.columnNames == ["(Intercept)", "x", "site[north]", "site[south]"])
        #expect(d.column(2) == [1, 0, 0, 1, 0])
        #expect(d.column(3) == [0, 0, 1, 0, 0])
        #expect(d.columnTerms == ["(Intercept)", "x", "site", "site"])
    }

    @Test func referenceOverride() throws {
        let d = try design("y ~ site", references: ["site": "south"])
        #expect(d.columnNames == ["(Intercept)", "site[east]", "site[north]"])
        #expect(d.column(1) == [0, 1, 0, 0, 1])
    }

    @Test func fullIndicatorsWithoutIntercept() throws {
        let d = try design("y ~ site - 1")
        #expect(d.columnNames == ["site[east]", "site[north]", "site[south]"])
        #expect(d.column(0) == [0, 1, 0, 0, 1])
    }

    @Test func interactionColumnsAndNames() throws {
        let d = try design("y ~ site * x")
        #expect(d.columnNames == ["(Intercept)", "site[north]", "site[south]", "x", "site[north]:x", "site[south]:x"])
        #expect(d.column(4) == [0.5, 0, 0, 2, 0])
        // R's margin rule: site is contrasted in x:site when x (the term without site) is in the model,
        // and fully indicator-coded when it is not (checked against R's model.matrix).
        let partial = try design("y ~ x + x:site")
        #expect(partial.columnNames == ["(Intercept)", "x", "x:site[north]", "x:site[south]"])
        let alone = try design("y ~ x:site")
        #expect(alone.columnNames == ["(Intercept)", "x:site[east]", "x:site[north]", "x:site[south]"])
    }

    @Test func factorOfNumericColumn() throws {
        let d = try design("y ~ factor(cohort)")
        #expect(d.columnNames == ["(Intercept)", "factor(cohort)[2]", "factor(cohort)[3]"])
        // Rows 0–4 and 6 are complete for this model (y is missing in row 5; site is not used).
        #expect(d.column(1) == [1, 0, 1, 0, 0, 1])
        let reference = try design("y ~ factor(cohort)", references: ["cohort": "3"])
        #expect(reference.columnNames == ["(Intercept)", "factor(cohort)[1]", "factor(cohort)[2]"])
    }

    @Test func transformedColumns() throws {
        let d = try design("y ~ I(x^2) + log(x)")
        #expect(d.columnNames == ["(Intercept)", "I(x^2)", "log(x)"])
        #expect(d.column(1) == [0.25, 1, 2.25, 4, 6.25, 12.25])
        #expect(d.column(2) == [0.5, 1, 1.5, 2, 2.5, 3.5].map { Foundation.log($0) })
    }
}

import Foundation
