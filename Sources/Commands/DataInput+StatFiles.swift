import DataTable
import StatFiles

extension DataInput {
    /// Reads an SPSS, Stata or SAS file (chosen by extension) through ReadStat and records it as an input, as
    /// `read` does for a CSV. Errors: 66 when the file cannot be opened, 65 when its bytes are not a valid file
    /// of the format its extension names (a truncated or corrupt file, or a CSV named `.sav`).
    func readStatFile(path: String, format: StatFileFormat,
                      in context: RunContext) throws -> (table: Table, path: String, digest: FileDigest) {
        try Self.requireReadableFile(path, written: file, inputDirectory: context.inputDirectory)
        guard Self.isRegularFile(path) else {
            throw CLIError(.noInput, "cannot read '\(path)': \(format.displayName) files are read from a regular file, not a pipe or device")
        }
        if !missingTokens.isEmpty || missingTokensOnly != nil || delimiter != nil {
            context.warn("\(file): --na and --delimiter apply to CSV files; a \(format.displayName) file declares its own missing values")
        }
        let digest = try FileDigest(path: path)
        let parsed = Result { () throws(StatFileError) in
            try StatFileReader.read(contentsOf: path, format: format, options: StatFileOptions(keepCodes: codes))
        }
        let table: Table
        do {
            let read = try parsed.get()
            table = try Table(columns: read.columns, source: DataSource(path: path, byteCount: digest.byteCount))
        } catch let error as StatFileError {
            if case .unreadable = error.kind { throw CLIError(.noInput, error.description) }
            throw CLIError.data(error.description)
        }
        context.recordInput(path: path, digest: digest)
        for column in table.columns where column.metadata.isCaseWeight {
            context.warn("\(file): the file names '\(column.name)' its case weight (SPSS WEIGHT BY \(column.name)), but alliance "
                + "analyses every row once, unweighted (as R reads the file with haven), so counts and estimates differ from "
                + "SPSS's weighted ones; with whole-number weights, repeat each row '\(column.name)' times to reproduce them")
        }
        return (table, path, digest)
    }
}
