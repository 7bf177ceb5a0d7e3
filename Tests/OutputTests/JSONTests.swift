import Foundation
import Testing
import Output

@Suite struct JSONSerializerTests {
    @Test func escapesQuotesBackslashesAndEveryControlCharacter() {
        let value = JSONValue.string("a\"b\\c\n\r\t\u{08}\u{0C}\u{01}\u{1F}\u{7F}é🙂/")
        #expect(value.compact() == "\"a\\\"b\\\\c\\n\\r\\t\\b\\f\\u0001\\u001F\u{7F}é🙂/\"")
    }

    @Test func numbersUseShortestRoundTripForm() {
        #expect(JSONValue.number(0.1).compact() == "0.1")
        #expect(JSONValue.number(14.0).compact() == "14.0")
        #expect(JSONValue.number(1.4e-39).compact() == "1.4e-39")
        #expect(JSONValue.number(-2.5).compact() == "-2.5")
        #expect(JSONValue.integer(597).compact() == "597")
        #expect(JSONValue.integer(-3).compact() == "-3")
    }

    @Test func everyNumberTextParsesBackToTheSameBits() {
        let values: [Double] = [0.1, 1.0 / 3.0, 2.0 / 3.0, Double.leastNonzeroMagnitude, 2.2250738585072014e-308, 1.7976931348623157e308,
                                -0.0, 123456789.123456789, 1e16, 1e-7, 0.30000000000000004, 14.17, 9007199254740994, -Double.greatestFiniteMagnitude]
        for value in values {
            let text = JSONValue.numberText(value)
            #expect(Double(text)?.bitPattern == value.bitPattern, "\(value) printed as \(text)")
        }
    }

    @Test func nonFiniteNumbersAndNilBecomeNull() {
        #expect(JSONValue.number(Double.nan).compact() == "null")
        #expect(JSONValue.number(Double.infinity).compact() == "null")
        #expect(JSONValue.number(-Double.infinity).compact() == "null")
        let missing: Double? = nil
        #expect(JSONValue.number(missing).compact() == "null")
        let count: Int? = nil
        #expect(JSONValue.integer(count).compact() == "null")
    }

    @Test func objectsKeepInsertionOrderAndPrettyPrintWithTwoSpaces() {
        let document = JSONValue.object([
            ("model", "ols"),
            ("data", .object([("rows", 600), ("used", 597)])),
            ("coefficients", .array([.object([("term", "(Intercept)"), ("estimate", 14.17), ("p_value", .number(Double.nan))])])),
            ("warnings", .array([])),
            ("extra", .object([])),
            ("clean", false),
            ("none", nil),
        ])
        let expected = """
        {
          "model": "ols",
          "data": {
            "rows": 600,
            "used": 597
          },
          "coefficients": [
            {
              "term": "(Intercept)",
              "estimate": 14.17,
              "p_value": null
            }
          ],
          "warnings": [],
          "extra": {},
          "clean": false,
          "none": null
        }
        """
        #expect(document.prettyPrinted() == expected)
        #expect(document.compact()
            == #"{"model":"ols","data":{"rows":600,"used":597},"coefficients":[{"term":"(Intercept)","estimate":14.17,"p_value":null}],"warnings":[],"extra":{},"clean":false,"none":null}"#)
    }

    @Test func outputIsValidJSONForAFoundationParser() throws {
        let document = JSONValue.array([.number(1e-300), .number(-0.0), .number(1e300), .string("\u{00}\u{2028}"), true])
        for text in [document.compact(), document.prettyPrinted()] {
            let parsed = try JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed])
            #expect((parsed as? [Any])?.count == 5)
        }
    }
}

/// The JSON reader `predict` (and later `compare`, `table`, `pool`) uses to read results back.
@Suite("JSON reader")
struct JSONReaderTests {
    @Test func roundTripsWhatTheSerializerWrites() throws {
        let value: JSONValue = .object([
            ("model", "ols"), ("n", .integer(-597)), ("tiny", .number(5e-324)), ("third", .number(1.0 / 3)),
            ("big", .number(1.7976931348623157e308)), ("list", .array([.null, .bool(true), .bool(false), .number(-0.1)])),
            ("text", .string("tab\tquote\" backslash\\ é ∑ 😀 \u{01}")), ("empty", .object([])),
        ])
        let text = value.prettyPrinted()
        #expect(try JSONValue(parsing: text) == value)
    }

    @Test func readsEscapesAndExponents() throws {
        let v = try JSONValue(parsing: #"{"a": "\u00e9\ud83d\ude00\n", "b": 1E+2, "c": -0.5e-3, "d": 12}"#)
        #expect(v["a"]?.stringValue == "é😀\n")
        #expect(v["b"] == .number(100))
        #expect(v["c"] == .number(-0.0005))
        #expect(v["d"] == .integer(12))
        #expect(v["missing"] == nil)
    }

    @Test func errorsNameLineAndColumn() {
        let cases: [(String, Int, Int)] = [("{\n  \"a\": tru\n}", 2, 8), ("[1, 2", 1, 6), ("{\"a\" 1}", 1, 6), ("01x", 1, 2),
                                           ("\"\\ud800\"", 1, 8), ("[1,]", 1, 4), ("", 1, 1)]
        for (text, line, column) in cases {
            do {
                _ = try JSONValue(parsing: text)
                Issue.record("accepted \(text)")
            } catch {
                #expect(error.line == line && error.column == column, "\(text): \(error)")
            }
        }
    }

    @Test func refusesDeepNestingWithoutCrashing() {
        let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        #expect(throws: JSONParseError.self) { try JSONValue(parsing: deep) }
    }
}
