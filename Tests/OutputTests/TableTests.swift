import Testing
import Output

/// A small coefficient table with every cell kind, a missing value and characters each format must escape.
func sampleTable() -> ResultTable {
    ResultTable(
        title: "OLS: phq_post ~ wai_total + site",
        columns: [
            TableColumn("Term", key: "term"),
            TableColumn("B", kind: .decimal(2), key: "estimate"),
            TableColumn("95% CI", kind: .interval(2), key: "conf"),
            TableColumn("β", kind: .bounded(2), key: "std_estimate"),
            TableColumn("p", kind: .pValue, key: "p_value"),
            TableColumn("n", kind: .integer, key: "n"),
        ],
        rows: [
            ["(Intercept)", .number(14.1723), .interval(12.2071, 16.1345), .number(nil), .number(1.4e-39), .integer(597)],
            ["wai_total", .number(-0.2049), .interval(-0.2531, -0.1567), .number(-0.2812), .number(0.0312), .integer(597)],
            ["site[a|b] & 50%_{x}", .number(0.5), .interval(-0.004, 1.0), .number(0.0504), .number(0.99996), .integer(nil)],
            ["=HYPERLINK(\"x\")", .number(-1e-9), .interval(nil, 2), .number(1), .number(0.001), .integer(3)],
        ],
        notes: ["Note. CI = confidence interval.", "Robust (HC3) standard errors."])
}

@Suite struct APAFormattingTests {
    @Test func boundedValuesDropTheLeadingZero() {
        #expect(NumberFormat.bounded(0.2812, places: 2) == ".28")
        #expect(NumberFormat.bounded(-0.0504, places: 2) == "-.05")
        #expect(NumberFormat.bounded(1, places: 2) == "1.00")
        #expect(NumberFormat.bounded(-0.999, places: 2) == "-1.00")
        #expect(NumberFormat.bounded(-0.001, places: 2) == ".00")
    }

    @Test func pValuesFollowAPA7() {
        #expect(NumberFormat.pValue(1.4e-39) == "< .001")
        #expect(NumberFormat.pValue(0.00099) == "< .001")
        #expect(NumberFormat.pValue(0.001) == ".001")
        #expect(NumberFormat.pValue(0.0312) == ".031")
        #expect(NumberFormat.pValue(0.05) == ".050")
        #expect(NumberFormat.pValue(0.9994) == ".999")
        #expect(NumberFormat.pValue(0.99996) == "> .999")
        #expect(NumberFormat.pValue(1) == "> .999")
    }

    @Test func fixedDecimalsUseASCIIMinusAndNoNegativeZero() {
        #expect(NumberFormat.fixed(-0.2049, places: 2) == "-0.20")
        #expect(NumberFormat.fixed(-1e-9, places: 2) == "0.00")
        #expect(NumberFormat.fixed(14.1723, places: 0) == "14")
        #expect(NumberFormat.integer(596.6) == "597")
    }

    @Test func estimatesNeverShowANonZeroValueAsZero() {
        // A coefficient per dollar: three decimals would print 0.000 beside a t of 14.
        #expect(NumberFormat.estimate(2.0086e-5, places: 3) == "2.01e-05")
        #expect(NumberFormat.estimate(-4.5e-4, places: 3) == "-4.50e-04")
        #expect(NumberFormat.estimate(5e-4, places: 3) == "0.001")
        #expect(NumberFormat.estimate(0, places: 3) == "0.000")
        #expect(NumberFormat.estimate(-0.0, places: 3) == "0.000")
        #expect(NumberFormat.estimate(0.006346, places: 3) == "0.006")
        #expect(NumberFormat.estimate(.nan, places: 3) == "NaN")
        // Plain decimals keep rounding small values to zero (t statistics, df).
        #expect(NumberFormat.decimal(0.004, places: 2) == "0.00")
    }

    @Test func digitsBeyondWhatADoubleHoldsSwitchToScientificNotation() {
        #expect(NumberFormat.decimal(1.4449999999999999e308, places: 2) == "1.44e+308")
        #expect(NumberFormat.decimal(-2.0086333619320378e14, places: 3) == "-2.01e+14")
        // 15 significant digits still print as they are.
        #expect(NumberFormat.decimal(999_999_999_999.5, places: 2) == "999999999999.50")
        #expect(NumberFormat.decimal(1e13, places: 2) == "1.00e+13")
        #expect(NumberFormat.decimal(123_456_789.125, places: 3) == "123456789.125")
        #expect(NumberFormat.decimal(-.infinity, places: 2) == "-Inf")
        #expect(NumberFormat.estimate(2.0086333619320378e14, places: 3) == "2.01e+14")
    }

    @Test func anIntervalSwitchesOnlyWhenBothEndsWouldShowAsZero() {
        #expect(NumberFormat.intervalEnds(1.724e-5, 2.293e-5, places: 3) == ("1.72e-05", "2.29e-05"))
        #expect(NumberFormat.intervalEnds(-3e-6, 4e-4, places: 3) == ("-3.00e-06", "4.00e-04"))
        // The other end gives the scale.
        #expect(NumberFormat.intervalEnds(-0.004, 1, places: 2) == ("-0.00", "1.00"))
        #expect(NumberFormat.intervalEnds(0, 0, places: 2) == ("0.00", "0.00"))
        #expect(NumberFormat.intervalEnds(1.7e14, 2.3e14, places: 3) == ("1.70e+14", "2.30e+14"))
        #expect(NumberFormat.intervalEnds(5, 2.3e14, places: 3) == ("5.00e+00", "2.30e+14"))
        #expect(NumberFormat.intervalEnds(-.infinity, 0.5, places: 2) == ("-Inf", "0.50"))
        // A negative end that rounds to zero keeps its sign: the interval does not touch 0 (session 21).
        #expect(NumberFormat.intervalEnds(-0.0061, -0.0001, places: 3) == ("-0.006", "-0.000"))
        #expect(NumberFormat.intervalEnds(-0.0061, 0.0001, places: 3) == ("-0.006", "0.000"))
    }
}

@Suite struct TableFormatTests {
    @Test func textIsAlignedWithTitleAndNotes() {
        let expected = """
        OLS: phq_post ~ wai_total + site
        Term                     B          95% CI     β       p    n
        -------------------  -----  --------------  ----  ------  ---
        (Intercept)          14.17  [12.21, 16.13]     —  < .001  597
        wai_total            -0.20  [-0.25, -0.16]  -.28    .031  597
        site[a|b] & 50%_{x}   0.50   [-0.00, 1.00]   .05  > .999    —
        =HYPERLINK("x")       0.00       [—, 2.00]  1.00    .001    3
        Note. CI = confidence interval.
        Robust (HC3) standard errors.

        """
        #expect(sampleTable().rendered(as: .text) == expected)
    }

    @Test func markdownIsAGFMPipeTableWithEscapedPipes() {
        let expected = """
        **OLS: phq_post ~ wai_total + site**

        | Term                 |     B |         95% CI |    β |      p |   n |
        | -------------------- | ----: | -------------: | ---: | -----: | --: |
        | (Intercept)          | 14.17 | [12.21, 16.13] |    — | < .001 | 597 |
        | wai_total            | -0.20 | [-0.25, -0.16] | -.28 |   .031 | 597 |
        | site[a\\|b] & 50%_{x} |  0.50 |  [-0.00, 1.00] |  .05 | > .999 |   — |
        | =HYPERLINK("x")      |  0.00 |      [—, 2.00] | 1.00 |   .001 |   3 |

        Note. CI = confidence interval.

        Robust (HC3) standard errors.

        """
        #expect(sampleTable().rendered(as: .markdown) == expected)
    }

    @Test func csvHasFullPrecisionSplitIntervalsAndNeutralisedFormulas() {
        let expected = "term,estimate,conf_low,conf_high,std_estimate,p_value,n\r\n"
            + "(Intercept),14.1723,12.2071,16.1345,,1.4e-39,597\r\n"
            + "wai_total,-0.2049,-0.2531,-0.1567,-0.2812,0.0312,597\r\n"
            + "site[a|b] & 50%_{x},0.5,-0.004,1.0,0.0504,0.99996,\r\n"
            + "\"'=HYPERLINK(\"\"x\"\")\",-1e-09,,2.0,1.0,0.001,3\r\n"
        #expect(sampleTable().rendered(as: .csv) == expected)
    }

    @Test func csvNeutralisesEveryFormulaTriggerButNeverNumbers() {
        let table = ResultTable(columns: [TableColumn("text"), TableColumn("value", kind: .decimal(2))],
                                rows: [["=1+1", .number(-5)], ["+cmd", .number(-0.5)], ["-2", .integer(-2)],
                                       ["@SUM(A1)", .number(1)], ["\tx", .number(2)], ["\rx", .number(3)],
                                       ["safe-text", .number(4)]])
        let lines = table.rendered(as: .csv).components(separatedBy: "\r\n")
        #expect(lines[1] == "'=1+1,-5.0")
        #expect(lines[2] == "'+cmd,-0.5")
        // A plain signed number is a number to a spreadsheet, not a formula: left as it is (a text column's `-2`).
        #expect(lines[3] == "-2,-2")
        #expect(lines[4] == "'@SUM(A1),1.0")
        #expect(lines[5] == "'\tx,2.0")
        #expect(lines[6] == "\"'\rx\",3.0")
        #expect(lines[7] == "safe-text,4.0")
    }

    @Test func markdownLinksInLabelsAreNotLive() {
        let table = ResultTable(columns: [TableColumn("Term")], rows: [[.text("[click](javascript:alert(1)) ![i](http://evil/x.png)")],
                                                                      [.text("site[b]")]])
        let markdown = table.rendered(as: .markdown)
        #expect(markdown.contains(#"\[click\](javascript:alert(1)) !\[i\](http://evil/x.png)"#), "\(markdown)")
        #expect(markdown.contains("| site[b]"), "\(markdown)")
    }

    @Test func onlyPlainSignedNumbersEscapeTheFormulaGuard() {
        func csvCell(_ text: String) -> String {
            ResultTable(columns: [TableColumn("text")], rows: [[.text(text)]]).rendered(as: .csv).components(separatedBy: "\r\n")[1]
        }
        for number in ["-5", "+2.5", "-.5", "-2.", "-1e-3", "+4E+10", "-007"] {
            #expect(csvCell(number) == number, "\(number)")
        }
        for formula in ["-", "+", "-1+cmd|' /C calc'!A0", "+1-1", "-1e", "-1e+", "-1.2.3", "--5", "-5 ", "-.", "-inf"] {
            #expect(csvCell(formula) == "'" + formula, "\(formula)")
        }
        #expect(csvCell("-1,5") == "\"'-1,5\"")
    }

    @Test func latexIsABooktabsFragmentWithEscapes() {
        let expected = #"""
        % OLS: phq_post ~ wai_total + site
        \begin{tabular}{@{}lrrrrr@{}}
        \toprule
        Term & B & 95\% CI & \ensuremath{\beta} & p & n \\
        \midrule
        (Intercept) & 14.17 & {[}12.21, 16.13] & ---\phantom{.28} & \textless{} .001 & 597 \\
        wai\_total & $-$0.20 & {[}$-$0.25, $-$0.16] & $-$.28 & .031 & 597 \\
        site[a|b] \& 50\%\_\{x\} & 0.50 & {[}$-$0.00, 1.00] & .05 & \textgreater{} .999 & --- \\
        =HYPERLINK(``x'') & 0.00 & {[}---, 2.00] & 1.00 & .001 & 3 \\
        \bottomrule
        \end{tabular}
        \par\smallskip
        {\footnotesize Note. CI = confidence interval.\par Robust (HC3) standard errors.\par}

        """#
        #expect(sampleTable().rendered(as: .latex) == expected)
    }

    @Test func latexAlignsDecimalPointsWithPhantomTails() {
        let table = ResultTable(columns: [TableColumn("Term"), TableColumn("Model", kind: .decimal(2))],
                                rows: [["a", "-1.19***"], ["", "(0.18)"], ["N", "894"], ["b", "0.5"], ["c", ""]])
        let lines = table.rendered(as: .latex).split(separator: "\n").map(String.init)
        #expect(lines.contains(#"a & $-$1.19*** \\"#))
        #expect(lines.contains(#" & (0.18)\phantom{**} \\"#))
        #expect(lines.contains(#"N & 894\phantom{.19***} \\"#))
        #expect(lines.contains(#"b & 0.5\phantom{9***} \\"#))
        #expect(lines.contains(#"c &  \\"#))
    }

    @Test func latexMinusOnlyBeforeNumbersInNumericColumns() {
        let table = ResultTable(columns: [TableColumn("Term"), TableColumn("B", kind: .decimal(2))],
                                rows: [["self-report", .number(-0.5)], ["x", "-Inf"]])
        let latex = table.rendered(as: .latex)
        #expect(latex.contains(#"self-report & $-$0.50 \\"#))
        #expect(latex.contains(#"x & -Inf\phantom{.50} \\"#))
    }

    @Test func latexProtectsACellStartingWithABracketFromTheRowBreak() {
        let table = ResultTable(columns: [TableColumn("CI", kind: .interval(1))], rows: [[.interval(1, 2)]])
        #expect(table.rendered(as: .latex).contains("\\midrule\n{[}1.0, 2.0] \\\\\n"))
    }

    @Test func latexEscapesEverySpecialCharacter() {
        let table = ResultTable(columns: [TableColumn(#"a&b%c$d#e_f{g}h~i^j\k"#)], rows: [])
        #expect(table.rendered(as: .latex).contains(
            ##"a\&b\%c\$d\#e\_f\{g\}h\textasciitilde{}i\textasciicircum{}j\textbackslash{}k \\"##))
    }

    /// A control character in a label (pasted from a spreadsheet) stopped pdfLaTeX ("invalid character"); HTML and
    /// Word already dropped it. A form feed or vertical tab is a break, shown as a space like a newline.
    @Test func humanFormatsDropControlCharacters() {
        let table = ResultTable(title: "T\u{01}itle", columns: [TableColumn("a\u{01}b\u{0C}c\u{0B}d\u{7F}e")], rows: [["x\u{1B}y"]])
        for format in [TableFormat.latex, .markdown, .text] {
            let out = table.rendered(as: format)
            #expect(out.unicodeScalars.allSatisfy { $0.value >= 0x20 && $0.value != 0x7F || $0 == "\n" }, "\(format): \(out.debugDescription)")
            #expect(out.contains("ab c de") && out.contains("xy") && out.contains("Title"), "\(format): \(out)")
        }
    }

    /// LaTeX typesets `` ` `` and `"` as curly quotes of one direction: ‘phq 9‘ and ”yes”. Quotes become LaTeX's
    /// opening and closing ones; an apostrophe stays.
    @Test func latexConvertsBackticksAndStraightQuotes() {
        let table = ResultTable(columns: [TableColumn("Term")], rows: [["`phq 9`"], ["\"yes\" (\"no\")"], ["'north' isn't"], ["Why? `x`!"]])
        let out = table.rendered(as: .latex)
        #expect(out.contains("`phq 9' \\\\"), "\(out)")
        #expect(out.contains("``yes'' (``no'') \\\\"), "\(out)")
        #expect(out.contains("`north' isn't \\\\"), "\(out)")
        #expect(out.contains("Why? `x'! \\\\"), "\(out)")
    }

    /// U+202E (right-to-left override) and its kin reorder the text after them: `1.0` shows as `0.1`. Every format
    /// drops them, as it drops control characters.
    @Test func everyFormatDropsBidiControls() {
        let table = ResultTable(title: "a\u{202E}b", columns: [TableColumn("c\u{2066}d\u{2069}")],
                                rows: [["x\u{202E}1.0\u{202C}\u{200F}y"]], notes: ["n\u{202D}o"])
        for format in [TableFormat.latex, .markdown, .text, .html] {
            let out = table.rendered(as: format)
            #expect(!out.unicodeScalars.contains { [0x202E, 0x2066, 0x2069, 0x202C, 0x200F, 0x202D].contains($0.value) },
                    "\(format): \(out.debugDescription)")
            #expect(out.contains("x1.0y") && out.contains("cd"), "\(format): \(out)")
        }
    }

    /// GFM passes raw HTML through: a column or label named `<b>` or `<sup>` became markup in a rendered report.
    @Test func markdownEscapesWhatWouldOpenAnHTMLTag() {
        let table = ResultTable(columns: [TableColumn("<b>x"), TableColumn("p", kind: .pValue)], rows: [["</i>", .number(0.0001)]])
        let md = table.rendered(as: .markdown)
        #expect(md.contains("\\<b>x") && md.contains("\\</i>"), "\(md)")
        #expect(md.contains("< .001") && !md.contains("\\< .001"), "\(md)")
    }

    @Test func htmlHasCaptionHeadBodyAndNotesInFoot() {
        let html = sampleTable().rendered(as: .html)
        #expect(html.hasPrefix("<table class=\"alliance-table\""))
        #expect(html.contains(">OLS: phq_post ~ wai_total + site</caption>"))
        #expect(html.contains("<th scope=\"col\" style=\"border-top:2px solid #333;border-bottom:1px solid #333;padding:4px 8px;text-align:right\">95% CI</th>"))
        #expect(html.contains(">site[a|b] &amp; 50%_{x}</td>"))
        #expect(html.contains(">=HYPERLINK(&quot;x&quot;)</td>"))
        #expect(html.contains(">&lt; .001</td>"))
        #expect(html.contains("<tfoot>\n<tr><td colspan=\"6\" style=\"padding:4px 8px 0;font-size:0.9em\">Note. CI = confidence interval.</td></tr>"))
        #expect(html.hasSuffix("</tfoot>\n</table>\n"))
    }

    @Test func jsonKeepsFullPrecisionAndSplitsIntervals() {
        let json = sampleTable().rendered(as: .json)
        #expect(json.contains("\"conf_low\": 12.2071,\n"))
        #expect(json.contains("\"std_estimate\": null,\n"))
        #expect(json.contains("\"p_value\": 1.4e-39,\n"))
        #expect(json.contains("\"columns\": [\n    \"term\",\n    \"estimate\",\n    \"conf_low\",\n    \"conf_high\","))
    }

    @Test func formatFollowsFileExtension() {
        #expect(TableFormat(fileExtensionOf: "out/results.CSV") == .csv)
        #expect(TableFormat(fileExtensionOf: "table.tex") == .latex)
        #expect(TableFormat(fileExtensionOf: "a.b/noextension") == nil)
        #expect(TableFormat(fileExtensionOf: "report.md") == .markdown)
        #expect(TableFormat(name: "MD") == .markdown)
        #expect(TableFormat(name: "svg") == nil)
    }
}
