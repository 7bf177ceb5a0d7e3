// libFuzzer target for the CSV reader: any bytes must give a Table or a located CSVError,
// never a trap, a hang or a memory error. Compiled together with Sources/DataTable (see build.sh).

/// The first byte picks the options so that explicit delimiters and custom missing tokens are
/// explored too; the rest of the input is the file.
private func options(for selector: UInt8) -> CSVOptions {
    var options = CSVOptions()
    switch selector % 16 {
    case 1: options.delimiter = UInt8(ascii: ";")
    case 2: options.delimiter = UInt8(ascii: "\t")
    case 3: options.delimiter = UInt8(ascii: " ")
    case 4: options.delimiter = UInt8(ascii: "|")
    case 5: options.missingTokens = []
    case 6: options.missingTokens = ["-99", "", "n/a"]
    // Issue 18: the European dialect, numeric and per-column codes, declared encodings.
    case 7: options.delimiter = UInt8(ascii: ";"); options.decimalMark = UInt8(ascii: ",")
    case 8: options.decimalMark = UInt8(ascii: ",")
    case 9: options.missingTokens += ["-99", "999", "-9.9e1"]
    case 10: options.columnMissingTokens = ["a": ["-99", "x"], "b": ["0"]]
    case 11: options.encoding = .latin1
    case 12: options.encoding = .windows1252
    case 13: options.encoding = .utf16
    case 14: options.delimiter = UInt8(ascii: ";"); options.decimalMark = UInt8(ascii: ","); options.missingTokens += ["-99,5"]
    default: break
    }
    return options
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size > 0 else { return 0 }
    let bytes = Array(UnsafeBufferPointer(start: data + 1, count: size - 1))
    let options = options(for: data[0])
    let onePass = Result { () throws(CSVError) in
        try CSVReader.read(data: bytes, sourceName: "fuzz.csv", options: options, parallelThreshold: .max)
    }
    switch onePass {
    case .success(let table):
        // What `describe` does with every table: summaries must not trap either.
        for column in table.columns { _ = summarize(column) }
    case .failure(let error):
        // A located error is the expected outcome for malformed input; its text must render.
        _ = error.description
    }
    // Differential check: the two-thread parse (forced with a 1-byte threshold, so the split lands
    // inside these small inputs) must give the same table bit for bit, or the same error.
    let twoThreads = Result { () throws(CSVError) in
        try CSVReader.read(data: bytes, sourceName: "fuzz.csv", options: options, parallelThreshold: 1)
    }
    if !sameOutcome(onePass, twoThreads) {
        // The oracle's finding: libFuzzer saves the input as a reproducer.
        fatalError("the two-thread parse differs from the one-pass parse")
    }
    return 0
}

private func sameOutcome(_ a: Result<Table, CSVError>, _ b: Result<Table, CSVError>) -> Bool {
    switch (a, b) {
    case (.failure(let x), .failure(let y)):
        return x == y
    case (.success(let x), .success(let y)):
        guard x == y else { return false }
        // `==` lets -0 and 0 pass; the parses must agree bit for bit.
        for (u, v) in zip(x.columns, y.columns) {
            if case .numeric(let p) = u.data, case .numeric(let q) = v.data,
               !zip(p.values, q.values).allSatisfy({ $0.bitPattern == $1.bitPattern }) {
                return false
            }
        }
        return true
    default:
        return false
    }
}
