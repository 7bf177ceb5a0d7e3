import Testing
import DataTable

/// Labels files (header variable,label) and labels from a statistics-package file's metadata.
@Suite struct VariableLabelsTests {
    private func read(_ text: String) throws(LabelsFileError) -> VariableLabels {
        try VariableLabels.read(Array(text.utf8), file: "labels.csv")
    }

    private func failure(_ text: String) -> LabelsFileError? {
        do { _ = try read(text); return nil } catch { return error }
    }

    @Test func readsQuotedCommasDoubledQuotesCRLFAndBlankLines() throws {
        let labels = try read("variable,label\r\nwai_sr_total,Alliance (WAI-SR)\r\n\r\n phq_pre , \"PHQ-9, intake\"\r\nsite,\"The \"\"site\"\"\"\r\n\"site[north]:x\",Northern × x")
        #expect(labels.entries == ["wai_sr_total": "Alliance (WAI-SR)", "phq_pre": "PHQ-9, intake", "site": "The \"site\"",
                                   "site[north]:x": "Northern × x"])
    }

    @Test func readsSemicolonAndTabFilesAByteOrderMarkAndAQuotedHeader() throws {
        #expect(try read("variable;label\nx;Größe\n").entries == ["x": "Größe"])
        #expect(try read("\"variable\"\t\"label\"\nx\tA, b\n").entries == ["x": "A, b"])
        #expect(try VariableLabels.read([0xEF, 0xBB, 0xBF] + Array("variable,label\nx,X\n".utf8), file: "l.csv").entries == ["x": "X"])
    }

    @Test func malformedRowsNameTheFileAndLine() {
        let header = failure("name,text\nx,X\n")
        #expect(header?.line == 1 && header?.description.hasPrefix("labels.csv line 1: the first line must be the header variable,label") == true)
        let ragged = failure("variable,label\nx,X\ny,Why, then\n")
        #expect(ragged?.line == 3 && ragged?.reason.contains("expected 2 fields") == true)
        let single = failure("variable,label\nx\n")
        #expect(single?.line == 2)
        let emptyLabel = failure("variable,label\nx,\n")
        #expect(emptyLabel?.line == 2 && emptyLabel?.reason.contains("label of 'x' is empty") == true)
        let emptyName = failure("variable,label\n,X\n")
        #expect(emptyName?.line == 2 && emptyName?.reason.contains("variable name is empty") == true)
        let twice = failure("variable,label\nx,X\n\ny,Y\nx,Again\n")
        #expect(twice?.line == 5 && twice?.reason.contains("first on line 2") == true)
        let open = failure("variable,label\nx,\"never closed\ny,Y\n")
        #expect(open?.line == 2 && open?.reason.contains("never closed") == true)
        let stray = failure("variable,label\nx,a \"quoted\" word\n")
        #expect(stray?.line == 2)
        let after = failure("variable,label\nx,\"A\" b\n")
        #expect(after?.line == 2 && after?.reason.contains("after a closing quote") == true)
        #expect(failure("")?.line == 1)
        let binary = (try? VariableLabels.read([0x76, 0xFF, 0xFE, 0x00], file: "l.csv")) == nil
        #expect(binary)
        do {
            _ = try VariableLabels.read([0x76, 0xFF, 0xFE, 0x00], file: "l.csv")
        } catch {
            #expect(error.line == nil && error.reason.contains("not UTF-8"))
        }
    }

    /// A quoted label may span lines; the next row's line number counts them.
    @Test func lineNumbersCountLineBreaksInsideQuotes() {
        let error = failure("variable,label\nx,\"two\nlines\"\ny\n")
        #expect(error?.line == 4)
    }

    @Test func statFileLabelsAndLayering() throws {
        let table = try Table(columns: [
            Column(name: "wai", data: .numeric(NumericColumn([1, 2])), metadata: ColumnMetadata(label: "Alliance")),
            Column(name: "site", data: .numeric(NumericColumn([1, 2])), metadata: ColumnMetadata(label: "")),
            Column(name: "phq", data: .numeric(NumericColumn([1, 2]))),
        ])
        let fromFile = VariableLabels(table: table)
        #expect(fromFile.entries == ["wai": "Alliance"])
        let layered = fromFile.overridden(by: VariableLabels(["wai": "WAI-SR total", "phq": "PHQ-9"]))
        #expect(layered.entries == ["wai": "WAI-SR total", "phq": "PHQ-9"])
        #expect(layered.display("site") == "site" && layered.display("phq") == "PHQ-9")
    }
}

/// Hostile labels files: every truncation and single-byte corruption of a valid file either reads or is refused
/// with a `LabelsFileError`; nothing traps.
@Suite struct VariableLabelsHostileTests {
    private static let valid = Array("variable,label\r\nwai_sr_total,\"Alliance, \"\"WAI-SR\"\"\"\nphq_pre;x,PHQ-9 é\n\n".utf8)

    @Test func truncationsAndFlippedBytesNeverTrap() {
        var outcomes = (read: 0, refused: 0)
        func attempt(_ bytes: [UInt8]) {
            do {
                _ = try VariableLabels.read(bytes, file: "l.csv")
                outcomes.read += 1
            } catch {
                #expect(!error.reason.isEmpty)
                outcomes.refused += 1
            }
        }
        for end in 0...Self.valid.count { attempt(Array(Self.valid[..<end])) }
        for position in Self.valid.indices {
            for replacement: UInt8 in [0x00, 0x22, 0x2C, 0x0A, 0x0D, 0xFF, 0x3B] {
                var bytes = Self.valid
                bytes[position] = replacement
                attempt(bytes)
            }
        }
        #expect(outcomes.read > 0 && outcomes.refused > 0)
    }
}
