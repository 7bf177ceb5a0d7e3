import Foundation
import Ink

/// A self-contained HTML page from the report's Markdown: a small stylesheet, and every SVG figure inlined
/// (ids prefixed per figure so clip paths of different plots cannot collide).
struct HTMLReport {
    let title: String
    let markdown: String
    let outputDirectory: String

    func render() -> String {
        let body = inlineFigures(MarkdownParser().html(from: markdown))
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
        th, td { padding: 0.25rem 0.6rem; border-bottom: 1px solid #ddd; text-align: left; }
        th[align="right"], td[align="right"] { text-align: right; }
        th[align="center"], td[align="center"] { text-align: center; }
        thead th { border-bottom: 2px solid #444; }
        pre { background: #f5f5f5; padding: 0.75rem; overflow-x: auto; }
        code { font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace; font-size: 0.9em; }
        blockquote { border-left: 4px solid #E69F00; margin: 1rem 0; padding: 0.25rem 1rem; background: #fff8e6; }
        figure, svg { max-width: 100%; height: auto; }
        </style>
        </head>
        <body>
        \(body)
        </body>
        </html>

        """
    }

    /// Replaces `<img src="x.svg" …>` with the SVG file's markup.
    private func inlineFigures(_ html: String) -> String {
        var out = ""
        var rest = Substring(html)
        var figure = 0
        while let start = rest.range(of: "<img src=\"") {
            out += rest[..<start.lowerBound]
            let afterSrc = rest[start.upperBound...]
            guard let quote = afterSrc.firstIndex(of: "\""), let close = afterSrc.range(of: "/>") ?? afterSrc.range(of: ">") else {
                out += rest[start.lowerBound...]
                rest = ""
                break
            }
            let src = String(afterSrc[..<quote])
            let path = (outputDirectory as NSString).appendingPathComponent(src)
            if src.hasSuffix(".svg"), !src.contains(".."), let data = FileManager.default.contents(atPath: path),
               var svg = String(data: data, encoding: .utf8) {
                figure += 1
                if let decl = svg.range(of: "?>"), svg.hasPrefix("<?xml") { svg = String(svg[decl.upperBound...]) }
                let prefix = "fig\(figure)-"
                svg = svg.replacingOccurrences(of: "id=\"", with: "id=\"\(prefix)")
                    .replacingOccurrences(of: "url(#", with: "url(#\(prefix)")
                    .replacingOccurrences(of: "href=\"#", with: "href=\"#\(prefix)")
                svg = prefixAriaReferences(svg, prefix: prefix)
                out += "<figure>\(svg.trimmingCharacters(in: .whitespacesAndNewlines))</figure>"
            } else {
                out += rest[start.lowerBound..<close.upperBound]
            }
            rest = afterSrc[close.upperBound...]
        }
        out += rest
        return out
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
        s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;")
    }
}
