/// A labels file the reader refuses: which file, which line, and what to do.
public struct LabelsFileError: Error, Equatable, Sendable, CustomStringConvertible {
    public let file: String
    /// 1-based physical line (nil: the whole file).
    public let line: Int?
    public let reason: String

    public init(file: String, line: Int?, reason: String) {
        self.file = file
        self.line = line
        self.reason = reason
    }

    public var description: String {
        "\(file)\(line.map { " line \($0)" } ?? ""): \(reason)"
    }
}

extension VariableLabels {
    /// The header a labels file starts with.
    public static let fileHeader = ["variable", "label"]

    /// Reads a labels file: CSV with the header `variable,label` and one row per name (`wai_sr_total,Alliance
    /// (WAI-SR)`). The delimiter is the one the header uses (`,`, `;` as Excel writes in European locales, or a
    /// tab); fields may be quoted (`"Alliance, total"`, `""` for a quote), spaces around unquoted fields are
    /// ignored, blank lines are skipped, a UTF-8 byte-order mark is dropped. Every other shape is refused with
    /// the line: a row without exactly two fields, an empty name or label, a name given twice.
    public static func read(_ bytes: [UInt8], file: String) throws(LabelsFileError) -> VariableLabels {
        func fail(_ line: Int?, _ reason: String) -> LabelsFileError { LabelsFileError(file: file, line: line, reason: reason) }
        var body = bytes
        if body.starts(with: [0xEF, 0xBB, 0xBF]) { body.removeFirst(3) }
        guard let text = String(validating: body, as: UTF8.self) else {
            throw fail(nil, "not UTF-8 text; save the labels file as UTF-8 (Excel: \"CSV UTF-8\")")
        }
        let scalars = Array(text.unicodeScalars)
        let firstLineEnd = scalars.firstIndex { $0 == "\n" || $0 == "\r" } ?? scalars.endIndex
        let headerText = String(String.UnicodeScalarView(scalars[..<firstLineEnd]))
        guard let delimiter = (["," as Unicode.Scalar, ";", "\t"]).first(where: { d in
            headerText.unicodeScalars.split(separator: d, omittingEmptySubsequences: false).map {
                String(String.UnicodeScalarView($0)).trimmingQuotesAndSpaces().lowercased()
            } == fileHeader
        }) else {
            throw fail(1, "the first line must be the header variable,label (got '\(headerText)'); then one row per name, e.g. wai_sr_total,Alliance (WAI-SR)")
        }
        var labels: [String: String] = [:]
        var firstLine: [String: Int] = [:]
        for record in try records(scalars, delimiter: delimiter, file: file).dropFirst() {
            if record.fields.count == 1 && record.fields[0].isEmpty { continue }
            guard record.fields.count == 2 else {
                throw fail(record.line, "expected 2 fields (variable, label), found \(record.fields.count); quote a label that contains the delimiter, e.g. \"Alliance, total\"")
            }
            let (name, label) = (record.fields[0], record.fields[1])
            guard !name.isEmpty else { throw fail(record.line, "the variable name is empty; give the column or term name in the first field") }
            guard !label.isEmpty else { throw fail(record.line, "the label of '\(name)' is empty; give a label or remove the row") }
            if let earlier = firstLine[name] {
                throw fail(record.line, "'\(name)' is labelled again (first on line \(earlier)); keep one row per name")
            }
            firstLine[name] = record.line
            labels[name] = label
        }
        return VariableLabels(labels)
    }

    /// Records of a small CSV text with the line each starts on: quoted fields may hold delimiters, line breaks
    /// and doubled quotes; lines end at LF, CRLF or CR.
    private static func records(_ s: [Unicode.Scalar], delimiter: Unicode.Scalar,
                                file: String) throws(LabelsFileError) -> [(line: Int, fields: [String])] {
        var result: [(line: Int, fields: [String])] = []
        var fields: [String] = []
        var field = String.UnicodeScalarView()
        var quoted = false, wasQuoted = false, afterQuote = false
        var line = 1, recordLine = 1, quoteLine = 1
        var i = 0
        func endField() {
            let text = String(field)
            fields.append(wasQuoted ? text : text.trimmingSpaces())
            field = String.UnicodeScalarView()
            wasQuoted = false
            afterQuote = false
        }
        while i < s.count {
            let c = s[i]
            if quoted {
                if c == "\"" {
                    if i + 1 < s.count && s[i + 1] == "\"" { field.append("\""); i += 2; continue }
                    quoted = false
                    afterQuote = true
                } else {
                    if c == "\n" || (c == "\r" && !(i + 1 < s.count && s[i + 1] == "\n")) { line += 1 }
                    field.append(c)
                }
                i += 1
                continue
            }
            if c == delimiter {
                endField()
            } else if c == "\n" || c == "\r" {
                endField()
                result.append((recordLine, fields))
                fields = []
                if c == "\r" && i + 1 < s.count && s[i + 1] == "\n" { i += 1 }
                line += 1
                recordLine = line
            } else if c == "\"" && String(field).trimmingSpaces().isEmpty && !afterQuote {
                field = String.UnicodeScalarView()
                quoted = true
                wasQuoted = true
                quoteLine = line
            } else if afterQuote {
                if c != " " && c != "\t" {
                    throw LabelsFileError(file: file, line: line, reason: "text after a closing quote; put the whole field in quotes and double any quote inside it (\"\")")
                }
            } else if c == "\"" {
                throw LabelsFileError(file: file, line: line, reason: "a quote inside an unquoted field; put the whole field in quotes and double the quote (\"\")")
            } else {
                field.append(c)
            }
            i += 1
        }
        if quoted {
            throw LabelsFileError(file: file, line: quoteLine, reason: "a quoted field is never closed; add the closing quote")
        }
        if !field.isEmpty || !fields.isEmpty || wasQuoted {
            endField()
            result.append((recordLine, fields))
        }
        return result
    }
}

private extension String {
    /// Without leading and trailing spaces and tabs (DataTable does without Foundation).
    func trimmingSpaces() -> String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" }
        guard let first = firstIndex(where: { !isSpace($0) }), let last = lastIndex(where: { !isSpace($0) }) else { return "" }
        return String(self[first...last])
    }

    func trimmingQuotesAndSpaces() -> String {
        var t = trimmingSpaces()
        if t.count >= 2 && t.hasPrefix("\"") && t.hasSuffix("\"") { t = String(t.dropFirst().dropLast()) }
        return t
    }
}
