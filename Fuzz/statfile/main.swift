// libFuzzer target for the ReadStat path: any bytes under any statistics-package extension must give a Table
// or a StatFileError naming the file, never a trap, a hang or a memory error. Compiled together with
// Sources/StatFiles over DataTable (see build.sh); ReadStat itself is the system library, not instrumented, so
// coverage guides the Swift side (callbacks, label ordering, dates) and ASan watches what ReadStat hands it.
import DataTable
import Foundation

private let formats: [StatFileFormat] = [.sav, .por, .dta, .sas7bdat, .xpt]
private let directory = NSTemporaryDirectory() + "alliance-fuzz-statfile-\(getpid())"

/// The first byte picks the format and `--codes`; the rest of the input is the file.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size > 0 else { return 0 }
    let format = formats[Int(data[0] % 5)]
    let options = StatFileOptions(keepCodes: data[0] & 0x80 != 0)
    try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    let path = directory + "/input." + format.rawValue
    guard FileManager.default.createFile(atPath: path, contents: Data(bytes: data + 1, count: size - 1)) else { return 0 }
    do {
        let table = try StatFileReader.read(contentsOf: path, format: format, options: options)
        // What `describe` and `score --out` do with a table: summaries and the writer must not trap either.
        for column in table.columns { _ = summarize(column) }
        _ = try? StatFileWriter.data(table, format: .sav, file: "fuzz.sav")
    } catch {
        _ = error.description
    }
    return 0
}
