import DataTable
import Models
import Testing

/// Every model error that holds levels of a data column quotes them unless the column is withheld (let through the
/// identifier guard; docs/privacy.md, "Values in messages and stray levels"): both sides of the rule, per case.
@Suite("Levels in model messages")
struct LevelQuotingMessageTests {
    static let names = ["Zara Okafor", "John Smith", "Mary Jones"]
    static let withheld = LevelQuoting(withholding: ["name"])

    /// No name in the message rendered with the column withheld; every name with it not withheld.
    static func check(_ message: (LevelQuoting) -> String, shows: [String] = names, sourceLocation: SourceLocation = #_sourceLocation) {
        let hidden = message(withheld)
        for name in names {
            #expect(!hidden.contains(name), "\(hidden)", sourceLocation: sourceLocation)
        }
        let open = message(.everyColumn)
        for name in shows {
            #expect(open.contains(name), "\(open)", sourceLocation: sourceLocation)
        }
    }

    @Test("ModelError cases holding levels")
    func modelErrors() {
        Self.check({ ModelError.singleLevelFactor(variable: "name", column: "name", level: "Zara Okafor").message(quoting: $0) },
                   shows: ["Zara Okafor"])
        Self.check({ ModelError.unknownReferenceLevel(column: "name", level: "Nobody", levels: Self.names).message(quoting: $0) })
        Self.check({ ModelError.unseenLevel(variable: "name", column: "name", level: "Ann Lee", levels: Self.names).message(quoting: $0) })
        Self.check({ ModelError.unknownEventLevel(outcome: "name", column: "name", level: "x", levels: Self.names).message(quoting: $0) })
        Self.check({ ModelError.categoricalOutcomeNotBinary(outcome: "name", column: "name", levels: Self.names).message(quoting: $0) })
        Self.check({ ModelError.groupNotNested(groups: ["name", "site"], group: "name", level: "Zara Okafor", cluster: "site",
                                               crossed: true).message(quoting: $0) }, shows: ["Zara Okafor"])
        Self.check({ ModelError.groupNotNested(groups: ["site:name"], group: "site:name", level: "north:Zara Okafor",
                                               cluster: "region", crossed: false).message(quoting: $0) }, shows: ["Zara Okafor"])
        Self.check({ ModelError.categoricalInNumericRole(role: "moderator (W)", column: "name", levels: Self.names,
                                                         interaction: "y ~ x * name").message(quoting: $0) })
        // The same error keeps its text when nothing is withheld, and says how many levels it does not list.
        let reference = ModelError.unknownReferenceLevel(column: "name", level: "Nobody", levels: Self.names)
        #expect(reference.description == "reference level 'Nobody' is not a level of 'name' (levels: Zara Okafor, John Smith, Mary Jones)")
        #expect(reference.message(quoting: Self.withheld)
                == "reference level 'Nobody' is not a level of 'name' (3 levels, not listed: the identifier guard flags 'name')")
        // A withheld level that is a code (a missing code, an NA spelling) is still quoted, as EchoedValue quotes a cell.
        #expect(ModelError.unseenLevel(variable: "name", column: "name", level: "999", levels: Self.names)
            .message(quoting: Self.withheld).contains("the level '999'"))
        // A column that is not withheld keeps its levels when another one is.
        #expect(ModelError.unknownReferenceLevel(column: "site", level: "west", levels: ["east", "north"])
            .message(quoting: Self.withheld).contains("(levels: east, north)"))
    }

    @Test("SurvivalError cases holding levels")
    func survivalErrors() {
        Self.check({ SurvivalError.ambiguousEventLevels(column: "name", levels: ["John Smith", "Zara Okafor"]).message(quoting: $0) },
                   shows: ["John Smith", "Zara Okafor"])
        Self.check({ SurvivalError.textEventLevels(column: "name", levels: Self.names).message(quoting: $0) })
        Self.check({ SurvivalError.repeatedSession(clientColumn: "name", client: "Mary Jones", session: 3, rows: [4, 9]).message(quoting: $0) },
                   shows: ["Mary Jones"])
        Self.check({ SurvivalError.model(.singleLevelFactor(variable: "name", column: "name", level: "John Smith")).message(quoting: $0) },
                   shows: ["John Smith"])
        #expect(SurvivalError.repeatedSession(clientColumn: "name", client: "Mary Jones", session: 3, rows: [4, 9])
            .message(quoting: Self.withheld) == "the client of data rows 5 and 10 has session 3 twice; keep one row per client and session")
    }

    @Test("MonitoringError cases naming a client (track, ruptures)")
    func monitoringErrors() {
        Self.check({ MonitoringError.duplicateSession(client: "Mary Jones", session: 2).message(quoting: $0, clientColumn: "name") },
                   shows: ["Mary Jones"])
        Self.check({ MonitoringError.invalidSession(client: "Mary Jones", session: 0).message(quoting: $0, clientColumn: "name") },
                   shows: ["Mary Jones"])
        #expect(MonitoringError.duplicateSession(client: "c07", session: 2).message(quoting: Self.withheld, clientColumn: "client")
                == "client c07 has two rows for session 2; keep one row per client and session")
        #expect(MonitoringError.duplicateSession(client: "Mary Jones", session: 2).message(quoting: Self.withheld, clientColumn: "name")
                == "a client of 'name' (a text value of 10 characters) has two rows for session 2; keep one row per client and session")
    }
}
