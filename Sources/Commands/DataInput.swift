import ArgumentParser
import DataTable
import Foundation
import Output
import Privacy
import Reporting
import StatFiles

/// The data file every data command takes as its first argument, with the options that govern reading it.
/// Loading runs the CSV reader and then the identifier guard: data that still carries identifiers is refused.
public struct DataInput: ParsableArguments {
    @Argument(help: "The data file: CSV ('-' reads standard input), or SPSS .sav/.zsav/.por, Stata .dta, SAS .sas7bdat/.xpt by extension.")
    public var file: String

    // `.unconditional`: the value may start with '-' (`--na -99,999`).
    @Option(name: .customLong("na"), parsing: .unconditionalSingleValue,
            help: "Comma-separated tokens that also mean missing, added to the defaults (empty, NA, NaN, .); numbers match by value (-99 matches -99.0). 'COLUMN:code,…' applies to one column (repeatable).")
    public var missingTokens: [String] = []

    @Option(name: .customLong("na-only"), parsing: .unconditional,
            help: "Comma-separated tokens that mean missing, replacing the defaults (--na adds to these).")
    public var missingTokensOnly: String?

    @Option(name: .long, help: "Field delimiter: ',', ';', 'tab' (default: detected).")
    public var delimiter: String?

    @Option(name: .long, help: "Decimal mark: '.' or ',' (default: '.', or ',' when the first lines are the European dialect, noted).")
    public var decimal: String?

    @Option(name: .long, help: "Text encoding: utf-8, latin-1, windows-1252 or utf-16 (default: UTF-8; UTF-16 with a byte-order mark is detected).")
    public var encoding: String?

    @Option(name: .customLong("levels"), help: "Order a categorical column's levels, e.g. --levels site=south,north,east (the first is the reference unless --ref says otherwise; repeatable).")
    public var levelOrders: [String] = []

    @Option(name: .customLong("allow-column"), help: "Let this column through the identifier guard (repeatable); the choice is recorded.")
    public var allowColumns: [String] = []

    @Flag(name: .long, help: "SPSS/Stata files: keep value-labelled columns as their numeric codes instead of labelled levels.")
    public var codes = false

    public init() {}

    public init(file: String, missingTokens: [String] = [], missingTokensOnly: String? = nil, delimiter: String? = nil,
                decimal: String? = nil, encoding: String? = nil, levelOrders: [String] = [], allowColumns: [String] = [],
                codes: Bool = false) {
        self.file = file
        self.missingTokens = missingTokens
        self.missingTokensOnly = missingTokensOnly
        self.delimiter = delimiter
        self.decimal = decimal
        self.encoding = encoding
        self.levelOrders = levelOrders
        self.allowColumns = allowColumns
        self.codes = codes
    }

    /// The missing tokens from `--na-only` (or the defaults) plus every `--na`, and the per-column ones. Within one
    /// `--na` value, a token `COLUMN:code` makes it and the tokens after it apply to that column only
    /// (`--na wai_1:-99,999`). Tokens are trimmed of spaces (`--na "-99, 999"`).
    static func missingTokenOptions(na: [String], naOnly: String?) -> (tokens: [String], perColumn: [String: [String]]) {
        func split(_ text: String) -> [String] {
            text.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
        }
        var tokens = naOnly.map(split) ?? CSVOptions.defaultMissingTokens
        var perColumn: [String: [String]] = [:]
        for value in na {
            var column: String?
            for var token in split(value) {
                if let colon = token.firstIndex(of: ":"), colon != token.startIndex {
                    column = String(token[..<colon])
                    token = String(token[token.index(after: colon)...]).trimmingCharacters(in: .whitespaces)
                }
                if let column {
                    perColumn[column, default: []].append(token)
                } else if !tokens.contains(token) {
                    tokens.append(token)
                }
            }
        }
        return (tokens, perColumn)
    }

    func csvOptions() throws -> CSVOptions {
        var options = CSVOptions()
        (options.missingTokens, options.columnMissingTokens) = Self.missingTokenOptions(na: missingTokens,
                                                                                        naOnly: missingTokensOnly)
        if let decimal {
            guard let mark = Self.decimalMark(named: decimal) else {
                throw CLIError.usage("unknown --decimal '\(decimal)'; use '.' or ','")
            }
            options.decimalMark = mark
        }
        if let encoding {
            guard let known = TextEncoding(name: encoding) else {
                throw CLIError.usage("unknown --encoding '\(encoding)'; use utf-8, latin-1, windows-1252 or utf-16")
            }
            options.encoding = known
        }
        if let d = delimiter {
            switch d {
            case ",", "comma": options.delimiter = UInt8(ascii: ",")
            case ";", "semicolon": options.delimiter = UInt8(ascii: ";")
            case "\t", "tab", "\\t": options.delimiter = UInt8(ascii: "\t")
            case "|", "pipe": options.delimiter = UInt8(ascii: "|")
            default: throw CLIError.usage("unknown --delimiter '\(d)'; use ',', ';', 'tab' or '|'")
            }
        }
        if options.decimalMark == UInt8(ascii: ","), options.delimiter == UInt8(ascii: ",") {
            throw CLIError.usage("--decimal , needs a delimiter other than ',' (e.g. --delimiter ';')")
        }
        return options
    }

    /// The decimal mark `--decimal` names ('.', 'point', 'dot', ',', 'comma'); nil for anything else.
    static func decimalMark(named name: String) -> UInt8? {
        switch name {
        case ".", "point", "dot": return UInt8(ascii: ".")
        case ",", "comma": return UInt8(ascii: ",")
        default: return nil
        }
    }

    /// The table with `--levels` applied: each named categorical column's levels in the order given.
    func applyingLevelOrders(_ table: Table, path: String) throws -> Table {
        guard !levelOrders.isEmpty else { return table }
        var columns = table.columns
        for spec in levelOrders {
            guard let equals = spec.firstIndex(of: "="), equals != spec.startIndex else {
                throw CLIError.usage("--levels takes column=level1,level2,…, e.g. --levels site=south,north,east (got '\(spec)')")
            }
            let name = String(spec[..<equals])
            let order = spec[spec.index(after: equals)...].split(separator: ",").map {
                $0.trimmingCharacters(in: .whitespaces)
            }
            guard let j = columns.firstIndex(where: { $0.name == name }) else {
                throw CLIError.usage("--levels '\(name)' names no column in \(path)" + table.suggestionHint(for: name))
            }
            guard let categorical = columns[j].categorical else {
                throw CLIError.usage("--levels: column '\(name)' is numeric; level orders apply to categorical columns")
            }
            do {
                columns[j] = Column(name: name, data: .categorical(try categorical.reordered(levels: order)))
            } catch {
                // The order is applied before the identifier guard scans the table: a column it flags (names, record
                // numbers) has its levels withheld here as in every message (docs/privacy.md).
                let quoting = IdentifierGuard.findings(in: columns[j]).isEmpty ? LevelQuoting.everyColumn : LevelQuoting(withholding: [name])
                switch error {
                case .unknownLevel(let level, let present):
                    let listed = quoting.levels(present, of: name).map { "its levels: \($0)" }
                        ?? LevelQuoting.withheldLevels(present.count, of: name)
                    throw CLIError.usage("--levels: '\(level)' is not a level of column '\(name)' (\(listed))")
                case .unlistedLevel(let level):
                    throw CLIError.usage("--levels: column '\(name)' also has the level \(quoting.level(level, of: name)); list every level")
                case .repeatedLevel(let level):
                    throw CLIError.usage("--levels: '\(level)' is listed twice for column '\(name)'")
                }
            }
        }
        return try Table(columns: columns, source: table.source)
    }

    /// Reads, parses and guards the file. Errors: 66 when the file cannot be read, 65 for malformed data or
    /// identifiers found (each column named with its reason; no value is ever printed).
    public func load(in context: RunContext) throws -> LoadedData {
        try load(in: context) { _ in [] }.data
    }

    /// `load` for a data step that removes columns before it writes (`transform --drop/--keep`): identifier findings in
    /// the columns `removed(table)` names do not refuse the data, since none of their values reaches the output. Those
    /// findings are returned (column and reason, never a value) so the step can refuse to read such a column and say
    /// what it removed. Every other column is guarded as `load` guards it.
    public func load(in context: RunContext, removing removed: (Table) -> Set<String>)
        throws -> (data: LoadedData, removedIdentifiers: [IdentifierFinding]) {
        let (table, path, digest) = try read(in: context)
        let guardian = try identifierGuard(for: table, path: path)
        let report = guardian.scan(table)
        let removedColumns = removed(table)
        let kept = report.findings.filter { !removedColumns.contains($0.column) }
        let data = try guarded(table, path: path, digest: digest, report: IdentifierReport(findings: kept, allowed: report.allowed),
                               in: context)
        return (data, report.findings.filter { removedColumns.contains($0.column) })
    }

    /// `load` with `work` run on every column alongside the identifier guard's scan, in one pass over the
    /// columns (on both cores for a large table). The results are returned only if the data is clean.
    func load<T>(in context: RunContext, alongside work: @Sendable (Column) -> T) throws -> (LoadedData, [T]) {
        let (table, path, digest) = try read(in: context)
        let guardian = try identifierGuard(for: table, path: path)
        let perColumn = table.mapColumns { column in (IdentifierGuard.findings(in: column), work(column)) }
        let report = guardian.report(table, findings: perColumn.map(\.0))
        return (try guarded(table, path: path, digest: digest, report: report, in: context), perColumn.map(\.1))
    }

    /// The guard with the --allow-column choices, after checking that each names a column (`check` too: a misspelt
    /// or wrongly cased name was ignored there without a word).
    func identifierGuard(for table: Table, path: String) throws -> IdentifierGuard {
        let unknownAllowed = allowColumns.filter { table.column(named: $0) == nil }
        if let name = unknownAllowed.first {
            throw CLIError.usage("--allow-column '\(name)' names no column in \(path)" + table.suggestionHint(for: name))
        }
        return IdentifierGuard(allowedColumns: Set(allowColumns))
    }

    /// Refuses data with identifiers (naming each column and reason, never a value); records allowed columns.
    private func guarded(_ table: Table, path: String, digest: FileDigest, report: IdentifierReport,
                         in context: RunContext) throws -> LoadedData {
        if !report.isClean {
            let lines = report.findings.map { "  column '\($0.column)': \($0.reason)" }
            throw CLIError.data("""
                \(path) appears to contain identifiers, so alliance will not analyse it:
                \(lines.joined(separator: "\n"))
                Remove or de-identify these columns (`alliance transform \(Self.shellWord(file)) --drop \(Self.shellWord(report.flaggedColumns.joined(separator: ","))) --out FILE.csv` \
                writes the file without them). If a column is a false alarm, pass --allow-column NAME (the choice is recorded).
                """)
        }
        context.recordAllowedColumns(report.allowed.map(\.column))
        for finding in report.allowed {
            context.warn("\(file): column '\(finding.column)' looks like \(finding.reason) but was let through with --allow-column (recorded)")
        }
        return LoadedData(table: table, path: file, digest: digest,
                          allowedColumns: report.allowed.map(\.column), readWith: valueReadingChoices)
    }

    /// `text` as one word for a POSIX shell: as it is when it holds only letters, digits and `_ . , / : + = -`, else
    /// in single quotes (a quote inside as `'\''`), so that a suggested command can be pasted as it is.
    static func shellWord(_ text: String) -> String {
        let plain = !text.isEmpty && text.unicodeScalars.allSatisfy { s in
            (s.properties.isAlphabetic || ("0"..."9").contains(s)) || "_.,/:+=-@%".unicodeScalars.contains(s)
        }
        return plain ? text : "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }

    /// Reads and parses the file and records it as an input, without the identifier guard (which `load` adds and
    /// `check` reports on by itself). Errors: 66 when the file cannot be read, 65 for malformed data.
    func read(in context: RunContext) throws -> (table: Table, path: String, digest: FileDigest) {
        let path = context.resolveInput(file)
        if let format = StatFileFormat(path: path) {
            return try readStatFile(path: path, format: format, in: context)
        }
        let options = try csvOptions()
        let table: Table
        let digest: FileDigest
        if path == "-" || !Self.isRegularFile(path) {
            // Standard input, pipes and devices can be read only once: read them into memory, then hash and parse.
            let bytes = try Self.readBytes(path, written: file, inputDirectory: context.inputDirectory)
            digest = FileDigest(bytes: bytes)
            let name = path == "-" ? "<stdin>" : path
            table = try Self.parse { () throws(CSVError) in try CSVReader.read(data: bytes, sourceName: name, options: options) }
        } else {
            try Self.requireReadableFile(path, written: file, inputDirectory: context.inputDirectory)
            // Hashed at idle priority while the reader parses the memory-mapped file and the command goes on; awaited
            // where provenance is written.
            digest = try FileDigest(path: path, inBackground: !context.hashesInputsOnDemand)
            table = try Self.parse { () throws(CSVError) in try CSVReader.read(contentsOf: path, options: options) }
        }
        context.recordInput(path: path, digest: digest)
        for note in table.source?.notes ?? [] { context.note("\(file): \(note)") }
        return (try applyingLevelOrders(table, path: path), path, digest)
    }

    /// Runs the reader, turning its errors into CLI errors: unreadable files are 66, malformed data 65.
    static func parse(_ read: () throws(CSVError) -> Table) throws -> Table {
        do {
            return try read()
        } catch {
            switch error.kind {
            case .fileNotFound, .unreadable: throw CLIError(.noInput, error.description)
            case .unknownMissingCodeColumn, .invalidOptions: throw CLIError.usage(error.description)
            default: throw CLIError.data(error.description)
            }
        }
    }

    static func isRegularFile(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFREG
    }

    /// A clear 66 for a missing path or a directory, before any work starts. `inputDirectory` is the folder relative
    /// paths were resolved against (a notebook's): the hint names it rather than the current directory, which a
    /// notebook's paths do not start from and which put the user's absolute path into published reports (session 21).
    /// `written` is the path as the command line gave it, shown instead of the resolved one when there is a folder
    /// (so `run --check`, which runs the notebook from elsewhere, records the same message).
    static func requireReadableFile(_ path: String, written: String? = nil, inputDirectory: String? = nil) throws {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            let start = inputDirectory == nil ? FileManager.default.currentDirectoryPath : "the notebook's folder"
            let shown = inputDirectory == nil ? path : (written ?? path)
            throw CLIError(.noInput, "cannot read '\(shown)': no such file; check the path (relative paths start from \(start))")
        }
        guard !isDirectory.boolValue else {
            throw CLIError(.noInput, "cannot read '\(path)': it is a directory; give a CSV file")
        }
        guard FileManager.default.isReadableFile(atPath: path) else {
            throw CLIError(.noInput, "cannot read '\(path)': permission denied")
        }
    }

    static func readBytes(_ path: String, written: String? = nil, inputDirectory: String? = nil) throws -> [UInt8] {
        if path == "-" {
            return Array(FileHandle.standardInput.readDataToEndOfFile())
        }
        try requireReadableFile(path, written: written, inputDirectory: inputDirectory)
        if !isRegularFile(path) {
            // Pipes and devices (/dev/stdin, FIFOs) report no size: read them to the end.
            guard let handle = FileHandle(forReadingAtPath: path) else {
                throw CLIError(.noInput, "cannot read '\(path)': permission denied or unreadable")
            }
            defer { try? handle.close() }
            return Array(handle.readDataToEndOfFile())
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw CLIError(.noInput, "cannot read '\(path)': permission denied or unreadable")
        }
        return Array(data)
    }
}

/// A loaded, guarded table and its provenance.
public struct LoadedData {
    public let table: Table
    public let path: String
    let digest: FileDigest
    public let allowedColumns: [String]
    /// The reading choices that change values (`DataInput.valueReadingChoices`).
    public var readWith: [String] = []

    public var byteCount: Int { digest.byteCount }

    /// Messages never quote levels of the columns let through the identifier guard (docs/privacy.md).
    public var levelQuoting: LevelQuoting { LevelQuoting(withholding: allowedColumns) }

    /// The file's SHA-256 (waits for the background hash if it has not finished).
    public var sha256: String {
        get throws { try digest.sha256() }
    }

    /// What reports record about the data (Reporting's `DataProvenance`).
    public var provenance: DataProvenance {
        get throws { provenance(sha256: try sha256) }
    }

    /// `provenance` for a report that shows the digest only in its JSON `data` object (the fit commands): when the run
    /// renders no JSON (`RunContext.rendersReportJSON`), the digest is not waited for and `sha256` is left empty, never
    /// shown. The hash goes on in the background for the run's manifest records (`RunContext.inputs`), on a core the
    /// computation leaves free; a command that ends first simply drops it.
    public func provenance(in context: RunContext) throws -> DataProvenance {
        provenance(sha256: context.rendersReportJSON ? try sha256 : "")
    }

    private func provenance(sha256: String) -> DataProvenance {
        DataProvenance(file: path, sha256: sha256, rows: table.rowCount, allowedColumns: allowedColumns, readWith: readWith)
    }

    /// The `data` object of DESIGN.md §7: file, sha256, rows read, used and dropped.
    public func json(used: Int? = nil) throws -> JSONValue {
        try provenance.json(used: used)
    }
}
