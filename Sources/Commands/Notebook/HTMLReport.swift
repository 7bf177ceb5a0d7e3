import Foundation
import Ink
import Output

/// A self-contained HTML page for a notebook report: a small stylesheet around a body the runner assembles —
/// the author's prose through Ink, each command's tables through alliance's own HTML table renderer (so names like
/// `wai_sr_total` are never read as Markdown emphasis), and every SVG figure inlined with ids prefixed per figure
/// so clip paths and ARIA references of different plots cannot collide.
struct HTMLReport {
    let title: String
    private(set) var body: [String] = []
    private var figureCount = 0

    init(title: String) {
        self.title = title
    }

    /// Author-written Markdown (prose and the command blocks as code).
    mutating func appendMarkdown(_ markdown: String) {
        body.append(MarkdownParser().html(from: markdown))
    }

    mutating func appendHTML(_ html: String) {
        body.append(html)
    }

    /// A note (warning or error) as an escaped block quote. Indented lines (a formula and the caret under the
    /// offending token) are preformatted inside it, so the caret stays under its token and in the quote.
    mutating func appendNote(_ text: String, label: String) {
        var parts: [String] = []
        var lines: [String] = []
        var preformatted: [String] = []
        func flushPreformatted() {
            guard !preformatted.isEmpty else { return }
            parts.append("<pre>" + preformatted.map(escape).joined(separator: "\n") + "</pre>")
            preformatted = []
        }
        func flushLines() {
            guard !lines.isEmpty else { return }
            parts.append(lines.map(escape).joined(separator: "<br>"))
            lines = []
        }
        for line in text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) {
            if line.hasPrefix("  ") { flushLines(); preformatted.append(line) } else { flushPreformatted(); lines.append(line) }
        }
        flushLines()
        flushPreformatted()
        body.append("<blockquote><strong>\(escape(label))</strong> \(parts.joined())</blockquote>")
    }

    /// The SVG file at `path`, inlined in a `<figure>`; a link when it cannot be read.
    mutating func appendFigure(path: String, relativePath: String) {
        // PDF and PNG figures are linked, not inlined: only SVG is markup the page can hold.
        guard path.lowercased().hasSuffix(".svg"), let data = FileManager.default.contents(atPath: path),
              var svg = String(data: data, encoding: .utf8) else {
            body.append("<p><a href=\"\(escape(relativePath))\">\(escape(relativePath))</a></p>")
            return
        }
        figureCount += 1
        if let decl = svg.range(of: "?>"), svg.hasPrefix("<?xml") { svg = String(svg[decl.upperBound...]) }
        let prefix = "fig\(figureCount)-"
        svg = svg.replacingOccurrences(of: "id=\"", with: "id=\"\(prefix)")
            .replacingOccurrences(of: "url(#", with: "url(#\(prefix)")
            .replacingOccurrences(of: "href=\"#", with: "href=\"#\(prefix)")
        svg = prefixAriaReferences(svg, prefix: prefix)
        body.append("<figure>\(svg.trimmingCharacters(in: .whitespacesAndNewlines))<figcaption>\(escape(relativePath))</figcaption></figure>")
    }

    func render() -> String {
        return """
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>\(escape(title))</title>
        <style>
        body { font-family: system-ui, -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; max-width: 60rem;
               margin: 2rem auto; padding: 0 1rem; line-height: 1.5; color: #1a1a1a; }
        h1, h2, h3 { line-height: 1.2; }
        table { border-collapse: collapse; margin: 1rem 0; font-variant-numeric: tabular-nums; }
        caption { font-weight: 600; }
        pre { background: #f5f5f5; padding: 0.75rem; white-space: pre-wrap; overflow-wrap: anywhere; }
        code { font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace; font-size: 0.9em; }
        blockquote { border-left: 4px solid #E69F00; margin: 1rem 0; padding: 0.25rem 1rem; background: #fff8e6; }
        figure { margin: 1rem 0; }
        figure svg { max-width: 100%; height: auto; }
        figcaption { font-size: 0.8em; color: #555; }
        </style>
        </head>
        <body>
        \(body.joined(separator: "\n"))
        </body>
        </html>

        """
    }

    /// `aria-labelledby` / `aria-describedby` hold space-separated ids: prefix each like the ids themselves.
    private func prefixAriaReferences(_ svg: String, prefix: String) -> String {
        var out = svg
        for attribute in ["aria-labelledby=\"", "aria-describedby=\""] {
            var result = ""
            var rest = Substring(out)
            while let start = rest.range(of: attribute) {
                result += rest[..<start.upperBound]
                let value = rest[start.upperBound...]
                guard let end = value.firstIndex(of: "\"") else { break }
                result += value[..<end].split(separator: " ").map { prefix + $0 }.joined(separator: " ")
                rest = value[end...]
            }
            result += rest
            out = result
        }
        return out
    }

    private func escape(_ s: String) -> String {
        BidiControls.stripped(s).replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;")
    }
}
