/// Splits a command line into arguments the way a POSIX shell would for the cases notebooks need:
/// whitespace separates, single quotes are literal, double quotes allow `\"` and `\\`, a backslash
/// outside quotes escapes the next character. No variables, globs or pipes.
enum CommandLineSplitter {
    struct SplitError: Error, CustomStringConvertible {
        let description: String
    }

    static func split(_ line: String) throws -> [String] {
        var args: [String] = []
        var current = ""
        var inArgument = false
        var iterator = Array(line).makeIterator()
        while let c = iterator.next() {
            switch c {
            case " ", "\t":
                if inArgument { args.append(current); current = ""; inArgument = false }
            case "'":
                inArgument = true
                var closed = false
                while let d = iterator.next() {
                    if d == "'" { closed = true; break }
                    current.append(d)
                }
                if !closed { throw SplitError(description: "unterminated single quote") }
            case "\"":
                inArgument = true
                var closed = false
                while let d = iterator.next() {
                    if d == "\"" { closed = true; break }
                    if d == "\\" {
                        guard let e = iterator.next() else { break }
                        if e == "\"" || e == "\\" || e == "`" || e == "$" { current.append(e) } else { current.append(d); current.append(e) }
                        continue
                    }
                    current.append(d)
                }
                if !closed { throw SplitError(description: "unterminated double quote") }
            case "\\":
                inArgument = true
                if let d = iterator.next() { current.append(d) }
            default:
                inArgument = true
                current.append(c)
            }
        }
        if inArgument { args.append(current) }
        return args
    }
}
