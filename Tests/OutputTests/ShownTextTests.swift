import Output
import Testing

/// `ShownText.cleaned`: the one function that rendered tables and messages on standard error share (docs/hostile-input.md,
/// session 14).
@Suite("Shown text")
struct ShownTextTests {
    /// A column name as a spreadsheet or a hostile file can give it: bidirectional overrides and isolates, C0 controls,
    /// an ANSI escape sequence (clear screen, red), a bell, DEL and a C1 CSI.
    static let hostileName = "phq\u{202E}9\u{202C}_\u{2066}a\u{2067}b\u{2068}c\u{2069}\u{1B}[2J\u{1B}[31mx\u{07}\u{7F}\u{9B}1m\u{00}y"

    @Test("messages: controls and bidirectional controls dropped, newline and tab kept, a carriage return dropped")
    func messagesKeepTheirLines() {
        let message = "column '\(Self.hostileName)' holds -99\n  formula: y ~ x\tz\r\n"
        let shown = ShownText.cleaned(message, lineBreaks: .keep)
        #expect(shown == "column 'phq9_abc[2J[31mx1my' holds -99\n  formula: y ~ x\tz\n", "\(shown.debugDescription)")
        #expect(!shown.unicodeScalars.contains { $0.value == 0x1B || $0.value == 0x9B || (0x2066...0x2069).contains($0.value) })
    }

    @Test("tables: each run of breaks becomes one space, the same characters dropped")
    func tablesGetOneLine() {
        let shown = ShownText.cleaned("a\n\u{1B}\r\nb\u{202E}c\u{9B}", lineBreaks: .space)
        #expect(shown == "a bc", "\(shown.debugDescription)")
        #expect(ShownText.cleaned(Self.hostileName, lineBreaks: .space) == ShownText.cleaned(Self.hostileName, lineBreaks: .keep))
    }

    @Test("text without controls comes back unchanged, non-ASCII letters included")
    func plainTextIsKept() {
        for text in ["", "Zoë Ørsted – ß", "アリアンス", "x\ny"] {
            #expect(ShownText.cleaned(text, lineBreaks: .keep) == text)
        }
    }
}
