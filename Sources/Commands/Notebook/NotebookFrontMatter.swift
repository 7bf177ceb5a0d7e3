/// The front matter a notebook may start with: lines between a first line `---` and the next `---` (or `...`),
/// as R Markdown and Quarto documents begin. alliance reads one key from it, `labels`, which sets the labels
/// every command of the run uses (a command's own `--label`/`--labels` still win):
///
///     ---
///     labels:
///       wai_sr_total: Alliance (WAI-SR)
///       "site[north]": Northern site
///     ---
///
/// or `labels: labels.csv`, a labels file (header `variable,label`) next to the notebook. The syntax is the
/// part of YAML these need: `name: label` pairs indented under `labels:`, names and labels optionally in double
/// or single quotes (needed when they contain `: ` or ` #`), `#` comments. Any other key is refused, so that a
/// misspelt `lables:` cannot be ignored silently.
struct NotebookFrontMatter {
    enum Labels: Equatable {
        /// Labels written in the front matter, by name.
        case entries([String: String])
        /// A labels file, as written (resolved against the notebook's folder).
        case file(String)
    }

    struct Failure: Error, Equatable {
        /// 1-based line in the notebook.
        let line: Int
        let message: String
    }

    let labels: Labels?

    /// `lines` are the front matter's lines with their line numbers in the notebook (the fences excluded).
    init(lines: [(number: Int, text: Substring)]) throws(Failure) {
        var labels: Labels?
        var entries: [String: String] = [:]
        var entryLines: [String: Int] = [:]
        var inLabels = false
        for (number, raw) in lines {
            let trimmed = raw.drop { $0 == " " || $0 == "\t" }
            if trimmed.isEmpty || trimmed.hasPrefix("#") { continue }
            let indented = trimmed.count < raw.count
            if indented {
                guard inLabels else {
                    throw Failure(line: number, message: "an indented line outside 'labels:'; write each label as '  name: label' under a line 'labels:'")
                }
                let (name, label) = try Self.pair(String(trimmed), line: number)
                if let first = entryLines[name] {
                    throw Failure(line: number, message: "'\(name)' is labelled again (first on line \(first)); keep one label per name")
                }
                entryLines[name] = number
                entries[name] = label
                continue
            }
            inLabels = false
            let (key, value) = try Self.pair(String(trimmed), line: number, valueRequired: false)
            guard key == "labels" else {
                throw Failure(line: number, message: "alliance reads only 'labels:' from a notebook's front matter (got '\(key)'); "
                    + "if the --- lines are meant as horizontal rules, start the notebook with a heading")
            }
            guard labels == nil else { throw Failure(line: number, message: "'labels:' is given twice; give it once") }
            if value.isEmpty {
                inLabels = true
                labels = .entries([:])
            } else {
                labels = .file(value)
            }
        }
        if case .entries = labels {
            guard !entries.isEmpty else {
                let line = lines.first { $0.text.hasPrefix("labels") }?.number ?? 1
                throw Failure(line: line, message: "'labels:' lists no labels; indent one 'name: label' per line under it, or give a labels file (labels: labels.csv)")
            }
            labels = .entries(entries)
        }
        self.labels = labels
    }

    /// `name: value` with either side optionally quoted; an unquoted value ends at ` #` (a comment, as YAML).
    private static func pair(_ text: String, line: Int, valueRequired: Bool = true) throws(Failure) -> (String, String) {
        let (name, afterName) = try scalar(Substring(text), line: line, stoppingAtColon: true)
        guard afterName.hasPrefix(":"), afterName.count == 1 || afterName.dropFirst().first == " " || afterName.dropFirst().first == "\t" else {
            throw Failure(line: line, message: "expected 'name: label' (a colon and a space after the name); quote a name that contains ': ' (\"site[north]\": Northern site)")
        }
        guard !name.isEmpty else { throw Failure(line: line, message: "the name before ':' is empty") }
        let rest = afterName.dropFirst().drop { $0 == " " || $0 == "\t" }
        let (value, trailing) = try scalar(rest, line: line, stoppingAtColon: false)
        let after = trailing.drop { $0 == " " || $0 == "\t" }
        guard after.isEmpty || after.hasPrefix("#") else {
            throw Failure(line: line, message: "text after the closing quote of '\(name)'; put the whole label in quotes")
        }
        if valueRequired && value.isEmpty {
            throw Failure(line: line, message: "the label of '\(name)' is empty; give a label or remove the line")
        }
        return (name, value)
    }

    /// A quoted or plain scalar at the start of `text` and what follows it. Plain: up to `: ` (names) or ` #`.
    private static func scalar(_ text: Substring, line: Int, stoppingAtColon: Bool) throws(Failure) -> (String, Substring) {
        if let quote = text.first, quote == "\"" || quote == "'" {
            var value = ""
            var i = text.index(after: text.startIndex)
            while i < text.endIndex {
                let c = text[i]
                let next = text.index(after: i)
                if c == quote {
                    // YAML: '' is a quote inside single quotes.
                    if quote == "'" && next < text.endIndex && text[next] == "'" {
                        value.append("'")
                        i = text.index(after: next)
                        continue
                    }
                    return (value, text[next...])
                }
                if quote == "\"" && c == "\\" && next < text.endIndex {
                    value.append(text[next])
                    i = text.index(after: next)
                    continue
                }
                value.append(c)
                i = next
            }
            throw Failure(line: line, message: "a quoted text is not closed; add the closing \(quote)")
        }
        var end = text.startIndex
        while end < text.endIndex {
            let next = text.index(after: end)
            if stoppingAtColon && text[end] == ":" && (next == text.endIndex || text[next] == " " || text[next] == "\t") { break }
            if !stoppingAtColon && text[end] == "#" && end > text.startIndex {
                let previous = text[text.index(before: end)]
                if previous == " " || previous == "\t" { break }
            }
            end = next
        }
        var value = text[..<end]
        while let last = value.last, last == " " || last == "\t" { value = value.dropLast() }
        return (String(value), text[end...])
    }
}
