import Testing
@testable import DataTable

@Suite("EchoedValue: which cell text a message may quote")
struct EchoedValueTests {
    @Test("decimal commas, NA spellings, units and short codes are quoted")
    func codesAreQuoted() {
        for value in ["12,5", "1,234", "1.234,5", "1 234,5", "n/a", "N/A", "NA", "n.r.", "missing", "refused", "-", "?",
                      ".", "12 kg", "12kg", "3.5 mg/dl", "-99 missing", "<5", ">90", "2-3", "1e400", "45%", "yes", "high",
                      "Inf", "-inf", "fifteen", "Twelve"] {
            #expect(EchoedValue.isQuotable(value), "\(value)")
            #expect(EchoedValue.phrase(value) == "'\(value)'")
        }
    }

    @Test("names, dates, telephone, NHS and record numbers, addresses and postcodes are not quoted")
    func identifiersAreNotQuoted() {
        for value in ["john smith", "John", "ann", "JS", "12 Smith", "12 smith", "12 High St", "12/03/2024", "2024-03-12",
                      "12.03.24", "12-Jan-2023", "020 7946 0958", "943 476 5919", "943-476-5919", "123-45-6789",
                      "1234567x", "SW1A 1AA", "c0042", "a@b.org", "see notes from GP", "555-1234", "12 03 24", ""] {
            #expect(!EchoedValue.isQuotable(value), "\(value)")
        }
        #expect(EchoedValue.phrase("john smith") == "a text value of 10 characters")
        #expect(EchoedValue.phrase("J") == "a text value of 1 character")
    }

    @Test("a column's first non-numeric value is quoted only when it is code-like")
    func nonNumericClause() throws {
        let name = Column(name: "score", data: .categorical(CategoricalColumn(levels: ["3", "john smith"], codes: [0, 0, 1])))
        #expect(name.nonNumericClause() == " (data row 3 has a text value of 10 characters)")
        let comma = Column(name: "score", data: .categorical(CategoricalColumn(levels: ["3", "12,5"], codes: [0, 1])))
        #expect(comma.nonNumericClause() == " (data row 2 has '12,5')")
    }
}
