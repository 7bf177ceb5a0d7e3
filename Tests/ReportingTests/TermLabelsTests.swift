import Testing
import DataTable
import Models
@testable import Reporting

/// How model terms are shown under variable labels (`TermLabels`).
@Suite struct TermLabelsTests {
    private let labels = VariableLabels(["wai": "Alliance (WAI-SR)", "site": "Site", "g": "Group"])

    private var terms: TermLabels {
        TermLabels(labels, variables: [
            .init(name: "wai", column: "wai", levels: nil),
            .init(name: "site", column: "site", levels: ["east", "north", "a:b", "x]y"]),
            .init(name: "site_2", column: "site_2", levels: ["p"]),
            .init(name: "factor(g)", column: "g", levels: ["1", "2"]),
            .init(name: "log(phq)", column: nil, levels: nil),
            .init(name: "poly(wai, 2)", column: nil, levels: nil),
        ])
    }

    @Test func variablesFactorsAndInteractions() {
        #expect(terms.display("wai") == "Alliance (WAI-SR)")
        #expect(terms.display("site[north]") == "Site: north")
        #expect(terms.display("factor(g)[2]") == "Group: 2")
        #expect(terms.display("site[north]:wai") == "Site: north × Alliance (WAI-SR)")
        #expect(terms.display("wai:log(phq)") == "Alliance (WAI-SR) × log(phq)")
    }

    /// A level holding ':' or ']' is split by the levels the schema knows, not by characters.
    @Test func levelsWithSeparatorsInside() {
        #expect(terms.display("site[a:b]") == "Site: a:b")
        #expect(terms.display("site[x]y]:wai") == "Site: x]y × Alliance (WAI-SR)")
        // `site_2` is its own (unlabelled) variable, not `site` followed by text.
        #expect(terms.display("site_2[p]") == "site_2[p]")
    }

    @Test func unlabelledTermsAndWholeTermLabels() {
        #expect(terms.display("(Intercept)") == "(Intercept)")
        #expect(terms.display("log(phq)") == "log(phq)")
        #expect(terms.label("log(phq)") == nil)
        #expect(terms.display("unknown[x]") == "unknown[x]")
        let own = TermLabels(labels.overridden(by: VariableLabels(["log(phq)": "log PHQ-9", "site[east]": "Eastern site",
                                                                     "poly(wai, 2)": "Alliance polynomial"])),
                             variables: [.init(name: "log(phq)", column: nil, levels: nil),
                                         .init(name: "site", column: "site", levels: ["east", "north"]),
                                         .init(name: "poly(wai, 2)", column: nil, levels: nil)])
        #expect(own.display("log(phq)") == "log PHQ-9")
        #expect(own.display("site[east]:log(phq)") == "Eastern site × log PHQ-9")
        #expect(own.display("poly(wai, 2)2") == "Alliance polynomial (2)")
        #expect(TermLabels(VariableLabels(), variables: []).display("site[north]") == "site[north]")
    }

    /// From a schema: `factor(g)` takes the label of `g`, a backticked name the label of its column.
    @Test func schemaVariablesTakeTheirColumnsLabels() {
        let schema = ModelSchema(formula: "y ~ factor(g) * `PHQ-9 total` + site", variables: [
            .init(label: "factor(g)", coding: .categorical(levels: ["1", "2"])),
            .init(label: "`PHQ-9 total`", coding: .numeric),
            .init(label: "site", coding: .categorical(levels: ["east", "north"])),
        ], columnNames: ["(Intercept)", "factor(g)[2]", "`PHQ-9 total`", "site[north]", "factor(g)[2]:`PHQ-9 total`"])
        let terms = TermLabels(VariableLabels(["g": "Group", "PHQ-9 total": "PHQ-9"]), schema: schema)
        #expect(terms.display("factor(g)[2]:`PHQ-9 total`") == "Group: 2 × PHQ-9")
        #expect(terms.display("site[north]") == "site[north]")
    }
}
