import Foundation

/// A Markdown notebook split into prose and the fenced blocks whose info string is `alliance`.
/// Each line of such a block is one command (blank lines and lines starting with `#` are skipped).
struct NotebookDocument {
    struct Command {
        /// 1-based line in the notebook.
        let line: Int
        let text: String
    }

    enum Segment {
        /// The front matter, fences included: copied to the Markdown report, not shown in the HTML one.
        case frontMatter(source: String)
        /// Markdown copied to the report as it is (including the fences of non-alliance blocks).
        case prose(String)
        /// An alliance block: its original text (fences included) and its commands.
        case block(source: String, firstLine: Int, commands: [Command])
    }

    let segments: [Segment]
    /// The front matter's lines (between the fences) with their 1-based line numbers, when the notebook has one.
    let frontMatter: [(number: Int, text: Substring)]?

    init(text: String) {
        var segments: [Segment] = []
        var prose: [Substring] = []
        // A notebook saved on Windows: "\r\n" is one Character to Swift, so splitting at "\n" found a single line and the
        // notebook ran nothing, exit 0 (session 21). Lines are read with either ending.
        let text = text.contains("\r") ? text.replacingOccurrences(of: "\r\n", with: "\n") : text
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        var i = 0
        var frontMatter: [(number: Int, text: Substring)]?
        // Front matter: a first line `---` and a closing `---` or `...` (as Pandoc reads a YAML block).
        if let first = lines.first, first.trimmingCharacters(in: .whitespaces) == "---" || first == "\u{FEFF}---",
           let close = lines.dropFirst().firstIndex(where: { ["---", "..."].contains($0.trimmingCharacters(in: .whitespaces)) }) {
            frontMatter = (1..<close).map { (number: $0 + 1, text: lines[$0]) }
            segments.append(.frontMatter(source: lines[0...close].joined(separator: "\n")))
            i = close + 1
        }
        func flushProse() {
            if !prose.isEmpty { segments.append(.prose(prose.joined(separator: "\n"))) }
            prose = []
        }
        while i < lines.count {
            let line = lines[i]
            if let end = NotebookDocument.htmlCommentEnd(lines, from: i) {
                // An HTML comment (CommonMark's HTML block from `<!--` to the line with `-->`) is prose: a block an author
                // turned off by commenting it out ran anyway, hidden from the rendered report (session 21).
                prose.append(contentsOf: lines[i...end])
                i = end + 1
            } else if let fence = NotebookDocument.openingFence(line) {
                var j = i + 1
                while j < lines.count && !NotebookDocument.closes(lines[j], fence: fence.marker) { j += 1 }
                let end = min(j, lines.count - 1)
                let blockLines = lines[i...end]
                if fence.info == "alliance" {
                    flushProse()
                    var commands: [Command] = []
                    // A line ending in `\` continues on the next, as in a shell: the pieces join with one space
                    // and the command keeps the line number it starts on.
                    var pending: (line: Int, text: String)?
                    if i + 1 <= j - 1 {
                        for k in (i + 1)...(j - 1) where k < lines.count {
                            let t = lines[k].trimmingCharacters(in: .whitespacesAndNewlines)
                            if pending == nil && (t.isEmpty || t.hasPrefix("#")) { continue }
                            let continues = NotebookDocument.endsInContinuation(t)
                            let piece = continues ? String(t.dropLast()).trimmingCharacters(in: .whitespaces) : t
                            if let started = pending {
                                pending = (started.line, [started.text, piece].filter { !$0.isEmpty }.joined(separator: " "))
                            } else {
                                pending = (k + 1, piece)
                            }
                            if !continues, let done = pending {
                                commands.append(Command(line: done.line, text: done.text))
                                pending = nil
                            }
                        }
                    }
                    // A continuation on the block's last line ends the command there.
                    if let done = pending, !done.text.isEmpty { commands.append(Command(line: done.line, text: done.text)) }
                    segments.append(.block(source: blockLines.joined(separator: "\n"), firstLine: i + 1, commands: commands))
                } else {
                    prose.append(contentsOf: blockLines)
                }
                i = end + 1
            } else {
                prose.append(line)
                i += 1
            }
        }
        flushProse()
        self.segments = segments
        self.frontMatter = frontMatter
    }

    /// Whether a command line ends in an unescaped backslash (`\\` at the end is a literal backslash).
    static func endsInContinuation(_ line: String) -> Bool {
        let trailing = line.reversed().prefix { $0 == "\\" }.count
        return trailing % 2 == 1
    }

    /// When `lines[start]` opens an HTML comment (`<!--` after at most three spaces), the index of the line that
    /// closes it (the first with `-->` after the opening), or the last line when none does; nil otherwise.
    static func htmlCommentEnd(_ lines: [Substring], from start: Int) -> Int? {
        let line = lines[start]
        let trimmed = line.drop { $0 == " " }
        guard line.count - trimmed.count <= 3, trimmed.hasPrefix("<!--") else { return nil }
        if trimmed.dropFirst(4).contains("-->") { return start }
        var j = start + 1
        while j < lines.count && !lines[j].contains("-->") { j += 1 }
        return min(j, lines.count - 1)
    }

    private static func openingFence(_ line: Substring) -> (marker: String, info: String)? {
        let trimmed = line.drop { $0 == " " }
        guard line.count - trimmed.count <= 3 else { return nil }
        for ch in ["`", "~"] {
            let run = trimmed.prefix { String($0) == ch }
            if run.count >= 3 {
                let info = trimmed.dropFirst(run.count).trimmingCharacters(in: .whitespacesAndNewlines)
                let word = info.split(separator: " ").first.map(String.init) ?? ""
                return (String(run), word.lowercased())
            }
        }
        return nil
    }

    private static func closes(_ line: Substring, fence: String) -> Bool {
        let trimmed = line.trimmingCharacters(in: .whitespacesAndNewlines)
        guard let mark = fence.first else { return false }
        return trimmed.hasPrefix(fence) && trimmed.allSatisfy { $0 == mark }
    }
}
