import DataTable
import Foundation
import StatFiles

/// Writes a table as an SPSS or Stata file for commands whose `--out` names one, stamped with
/// `SOURCE_DATE_EPOCH` (1970-01-01 without it) so re-runs give identical bytes. A table the format cannot hold
/// (a column name SPSS or Stata refuses, a non-integer Stata label) is refused with exit status 73.
enum StatFileOutput {
    static func bytes(_ table: Table, format: StatFileFormat, file: String, in context: RunContext) throws -> [UInt8] {
        for caveat in StatFileWriter.caveats(table, format: format) { context.warn("\(file): \(caveat)") }
        let epoch = ProcessInfo.processInfo.environment["SOURCE_DATE_EPOCH"].flatMap { Int($0) } ?? 0
        do {
            return try StatFileWriter.data(table, format: format, file: file, timestamp: epoch)
        } catch {
            throw CLIError(.cannotCreate, error.description)
        }
    }
}
