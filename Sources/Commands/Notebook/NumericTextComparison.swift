import Foundation

/// Compares two JSON or two CSV texts the way `alliance run --check` judges result files: numbers may differ by
/// at most `tolerance` relative (|a − b| ≤ tolerance · max(|a|, |b|)); everything else — keys, strings, structure,
/// `null`/`true`/`false`, text cells, the number of rows and cells — must be equal. This tells a re-run whose
/// numbers moved in their last bits (another BLAS kernel) from one whose results changed.
enum NumericTextComparison {
    struct Difference: Equatable, CustomStringConvertible {
        /// A JSON path (`coefficients[1].estimate`) or a CSV cell (`line 3, column phq_post`).
        let location: String
        let expected: String
        let actual: String

        var description: String { "\(location) \(expected) vs \(actual)" }
    }

    struct Outcome: Equatable {
        /// The first value (in document order) that differs beyond the tolerance; nil when every number is within it.
        let firstDifference: Difference?
        /// The largest relative difference among the numbers compared.
        let largestRelativeDifference: Double
    }

    /// Whether two numbers agree to `tolerance` relative, and their relative difference.
    static func close(_ a: Double, _ b: Double, tolerance: Double) -> (Bool, Double) {
        if a == b { return (true, 0) }
        guard a.isFinite, b.isFinite else { return (false, .infinity) }
        let relative = abs(a - b) / max(abs(a), abs(b))
        return (relative <= tolerance, relative)
    }

    // MARK: JSON

    /// Nil when either text is not JSON.
    static func json(_ expected: String, _ actual: String, tolerance: Double) -> Outcome? {
        guard let a = JSONTokens(expected)?.tokens, let b = JSONTokens(actual)?.tokens else { return nil }
        var largest = 0.0
        for k in 0..<max(a.count, b.count) {
            guard k < a.count, k < b.count else {
                let location = k < a.count ? a[k].path : b[k].path
                return Outcome(firstDifference: Difference(location: location.isEmpty ? "(top level)" : location,
                                                           expected: k < a.count ? a[k].shown : "(end)",
                                                           actual: k < b.count ? b[k].shown : "(end)"),
                               largestRelativeDifference: largest)
            }
            let x = a[k], y = b[k]
            if x.kind == .number, y.kind == .number, x.text != y.text,
               let u = Double(x.text), let v = Double(y.text) {
                let (ok, relative) = close(u, v, tolerance: tolerance)
                if ok {
                    largest = max(largest, relative)
                    continue
                }
            } else if x.kind == y.kind && x.text == y.text {
                continue
            }
            return Outcome(firstDifference: Difference(location: x.path.isEmpty ? "(top level)" : x.path,
                                                       expected: x.shown, actual: y.shown),
                           largestRelativeDifference: largest)
        }
        return Outcome(firstDifference: nil, largestRelativeDifference: largest)
    }

    /// A JSON text as a flat list of tokens, each with the path of the value it belongs to.
    struct JSONTokens {
        enum Kind: Equatable { case open, close, key, string, number, literal }

        struct Token {
            let kind: Kind
            /// The token's text as written (strings with their quotes and escapes).
            let text: String
            let path: String

            var shown: String {
                switch kind {
                case .open: return text == "{" ? "an object" : "an array"
                case .close: return text == "}" ? "the end of an object" : "the end of an array"
                case .key: return "key \(text)"
                case .string, .number, .literal: return text
                }
            }
        }

        private enum Frame {
            case object(key: String?)
            case array(index: Int)
        }

        private(set) var tokens: [Token] = []

        init?(_ text: String) {
            let bytes = Array(text.utf8)
            var frames: [Frame] = []
            var expectingKey = false
            var i = 0
            func path(_ frames: [Frame]) -> String {
                var out = ""
                for frame in frames {
                    switch frame {
                    case .object(let key?): out += out.isEmpty ? key : ".\(key)"
                    case .object(nil): break
                    case .array(let index): out += "[\(index)]"
                    }
                }
                return out
            }
            while i < bytes.count {
                let c = bytes[i]
                switch c {
                case UInt8(ascii: " "), UInt8(ascii: "\n"), UInt8(ascii: "\r"), UInt8(ascii: "\t"):
                    i += 1
                case UInt8(ascii: "{"), UInt8(ascii: "["):
                    tokens.append(Token(kind: .open, text: String(UnicodeScalar(c)), path: path(frames)))
                    if c == UInt8(ascii: "{") {
                        frames.append(.object(key: nil))
                        expectingKey = true
                    } else {
                        frames.append(.array(index: 0))
                    }
                    i += 1
                case UInt8(ascii: "}"), UInt8(ascii: "]"):
                    guard !frames.isEmpty else { return nil }
                    frames.removeLast()
                    tokens.append(Token(kind: .close, text: String(UnicodeScalar(c)), path: path(frames)))
                    expectingKey = false
                    i += 1
                case UInt8(ascii: ","):
                    switch frames.last {
                    case .array(let index): frames[frames.count - 1] = .array(index: index + 1)
                    case .object: expectingKey = true
                    case nil: return nil
                    }
                    i += 1
                case UInt8(ascii: ":"):
                    i += 1
                case UInt8(ascii: "\""):
                    var j = i + 1
                    while j < bytes.count && bytes[j] != UInt8(ascii: "\"") {
                        j += bytes[j] == UInt8(ascii: "\\") ? 2 : 1
                    }
                    guard j < bytes.count else { return nil }
                    let literal = String(decoding: bytes[i...j], as: UTF8.self)
                    if expectingKey, case .object = frames.last {
                        let key = String(decoding: bytes[(i + 1)..<j], as: UTF8.self)
                        var parent = frames
                        parent[parent.count - 1] = .object(key: nil)
                        tokens.append(Token(kind: .key, text: literal, path: path(parent)))
                        frames[frames.count - 1] = .object(key: key)
                        expectingKey = false
                    } else {
                        tokens.append(Token(kind: .string, text: literal, path: path(frames)))
                    }
                    i = j + 1
                default:
                    var j = i
                    while j < bytes.count, !JSONTokens.delimiters.contains(bytes[j]) { j += 1 }
                    guard j > i else { return nil }
                    let word = String(decoding: bytes[i..<j], as: UTF8.self)
                    if word == "true" || word == "false" || word == "null" {
                        tokens.append(Token(kind: .literal, text: word, path: path(frames)))
                    } else if Double(word) != nil {
                        tokens.append(Token(kind: .number, text: word, path: path(frames)))
                    } else {
                        return nil
                    }
                    i = j
                }
            }
            guard frames.isEmpty else { return nil }
        }

        private static let delimiters: Set<UInt8> = Set(" \n\r\t{}[],:\"".utf8)
    }

    // MARK: CSV

    /// CSV (or, with `separator` a tab, TSV) as alliance writes it: RFC 4180 quoting, CRLF or LF line ends.
    /// A cell is a number when both sides parse as finite numbers; the first line names the columns.
    static func csv(_ expected: String, _ actual: String, tolerance: Double, separator: UInt8 = UInt8(ascii: ",")) -> Outcome {
        let a = records(expected, separator: separator), b = records(actual, separator: separator)
        let header = a.first ?? []
        var largest = 0.0
        for r in 0..<max(a.count, b.count) {
            guard r < a.count, r < b.count else {
                return Outcome(firstDifference: Difference(location: "line \(r + 1)",
                                                           expected: r < a.count ? "a row" : "(end)",
                                                           actual: r < b.count ? "a row" : "(end)"),
                               largestRelativeDifference: largest)
            }
            let x = a[r], y = b[r]
            guard x.count == y.count else {
                return Outcome(firstDifference: Difference(location: "line \(r + 1)", expected: "\(x.count) cells",
                                                           actual: "\(y.count) cells"),
                               largestRelativeDifference: largest)
            }
            for c in x.indices where x[c] != y[c] {
                if let u = Double(x[c]), let v = Double(y[c]), u.isFinite, v.isFinite {
                    let (ok, relative) = close(u, v, tolerance: tolerance)
                    if ok {
                        largest = max(largest, relative)
                        continue
                    }
                }
                let column = c < header.count && r > 0 ? header[c] : "\(c + 1)"
                return Outcome(firstDifference: Difference(location: "line \(r + 1), column \(column)",
                                                           expected: x[c], actual: y[c]),
                               largestRelativeDifference: largest)
            }
        }
        return Outcome(firstDifference: nil, largestRelativeDifference: largest)
    }

    /// Records and their cells, quotes removed and doubled quotes undone.
    static func records(_ text: String, separator: UInt8) -> [[String]] {
        let bytes = Array(text.utf8)
        var rows: [[String]] = []
        var row: [String] = []
        var cell: [UInt8] = []
        var quoted = false
        var i = 0
        func endCell() {
            row.append(String(decoding: cell, as: UTF8.self))
            cell.removeAll(keepingCapacity: true)
        }
        while i < bytes.count {
            let c = bytes[i]
            if quoted {
                if c == UInt8(ascii: "\"") {
                    if i + 1 < bytes.count && bytes[i + 1] == UInt8(ascii: "\"") {
                        cell.append(c)
                        i += 1
                    } else {
                        quoted = false
                    }
                } else {
                    cell.append(c)
                }
            } else if c == UInt8(ascii: "\"") {
                quoted = true
            } else if c == separator {
                endCell()
            } else if c == UInt8(ascii: "\n") || c == UInt8(ascii: "\r") {
                if c == UInt8(ascii: "\r") && i + 1 < bytes.count && bytes[i + 1] == UInt8(ascii: "\n") { i += 1 }
                endCell()
                rows.append(row)
                row = []
            } else {
                cell.append(c)
            }
            i += 1
        }
        if !cell.isEmpty || !row.isEmpty {
            endCell()
            rows.append(row)
        }
        return rows
    }
}
