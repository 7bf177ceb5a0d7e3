// Timing harness for the CSV reader: reads a file and summarises every column, as `describe` does.
// Built by Benchmarks/csv.sh with `swiftc -O -wmo Sources/DataTable/*.swift Benchmarks/csv_bench/main.swift`.
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

func seconds() -> Double {
    var t = timespec()
    clock_gettime(CLOCK_MONOTONIC, &t)
    return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
}

let arguments = CommandLine.arguments
guard arguments.count == 2 else {
    print("usage: csvbench FILE.csv")
    exit(64)
}
do {
    let start = seconds()
    let table = try CSVReader.read(contentsOf: arguments[1])
    let read = seconds()
    var numeric = 0
    var levels = 0
    for column in table.columns {
        switch summarize(column) {
        case .numeric(let s): if s.mean != nil { numeric += 1 }
        case .categorical(let s): levels += s.levels.count
        }
    }
    let done = seconds()
    print("rows \(table.rowCount) columns \(table.columns.count) numeric \(numeric) levels \(levels)")
    print("read \(read - start) s, summarize \(done - read) s")
} catch {
    print(error.description)
    exit(65)
}
