import Testing
@testable import Models

@Suite("Formula parser")
struct FormulaParserTests {
    @Test func mainEffectsAndIntercept() throws {
        let f = try Formula("y ~ a + b")
        #expect(f.outcome.label == "y")
        #expect(f.terms.map(\.label) == ["a", "b"])
        #expect(f.hasIntercept)
    }
}
