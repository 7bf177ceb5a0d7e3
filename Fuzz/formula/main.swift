// libFuzzer target for the formula parser and the model frame: any text must parse to a Formula
// or throw a FormulaError (with a caret display), and a parsed formula must give a ModelFrame and
// design matrix and an OLS fit, or a ModelError, against a small table; never a trap, hang or memory error.
// The same text is also run as a data-step --compute and --filter (alliance transform).
// Compiled together with the whole Models module (see build.sh).
import DataTable

/// Columns with the awkward cases the model frame must handle: zeros and negatives (log/sqrt
/// domain), missing values, a categorical column, a constant column, a name that needs backticks.
/// Built per input: a lazily initialised global is reported as a leak by LeakSanitizer at exit.
private func makeTable() -> Table {
    let columns = [
        Column(name: "y", data: .numeric(NumericColumn([1, 2.5, nil, 4, 0, -3]))),
        Column(name: "x", data: .numeric(NumericColumn([0, -1, 2, 1e300, 5, 6]))),
        Column(name: "z", data: .numeric(NumericColumn([1, 1, 1, 1, 1, 1]))),
        Column(name: "g", data: .categorical(CategoricalColumn(["a", "b", nil, "a", "c", "b"]))),
        Column(name: "PHQ-9 total", data: .numeric(NumericColumn([3, nil, 9, 12, 27, 0]))),
    ]
    do { return try Table(columns: columns) } catch { fatalError("fuzz table: \(error)") }
}

/// The same text as data steps (`alliance transform`): a `--compute` (as written and behind `v = `) and a
/// `--filter`, run on the table; a result or a thrown error, never a trap.
private func fuzzDataSteps(_ text: String) {
    let table = makeTable()
    for compute in [text, "v = " + text] {
        if let step = try? ComputeStep(parsing: compute) { _ = try? DataTransform(computes: [step]).apply(to: table) }
    }
    if let condition = try? RowCondition(parsing: text) {
        _ = try? DataTransform(filter: (condition, text)).apply(to: table)
    }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    fuzzDataSteps(text)
    let formula: Formula
    do {
        formula = try Formula(text)
    } catch {
        _ = error.description
        return 0
    }
    _ = formula.description
    let table = makeTable()
    do {
        let frame = try ModelFrame(formula: formula, table: table, references: ["g": "b"])
        // As the fits do: count the columns first and build only designs that can be fitted; the
        // count must agree with what is built.
        let columns = DesignMatrix.columnCount(frame: frame)
        guard columns <= Double(frame.counts.rowsUsed) else { return 0 }
        let design = DesignMatrix(frame: frame)
        precondition(Double(design.columns) == columns, "columnCount \(columns) != built \(design.columns)")
        // The fit itself (QR through LAPACK, inference) on whatever the formula produced.
        _ = try Regression.fit(.ols, formula: formula, data: table)
    } catch {
        _ = error.description
    }
    return 0
}
