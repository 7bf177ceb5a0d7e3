import AllianceTestSupport
@testable import Models
import Testing

/// Correlations on the synthetic alliance data (Fixtures/correlation_alliance.csv) against R 4.2.2
/// (Fixtures/make_correlation.R: cor.test, lm residuals, p.adjust). Tolerance: 1e-10 relative.
struct CorrelationTests {
    let tolerance = 1e-10

    func method(_ name: String) throws -> CorrelationMethod {
        try #require(CorrelationMethod(rawValue: name))
    }

    func expectMatches(_ result: CorrelationResult, _ reference: CorrelationFixtures.Reference) {
        let label = "\(reference.kind) \(reference.method) \(reference.x)~\(reference.y) | \(reference.controls)"
        #expect(Double(result.n) == reference.n, "\(label) n")
        #expect(relativeError(result.estimate, reference.estimate) <= tolerance, "\(label) estimate \(result.estimate)")
        #expect(relativeError(result.statistic, reference.statistic) <= tolerance, "\(label) statistic \(result.statistic)")
        #expect(relativeError(result.pValue, reference.p) <= tolerance, "\(label) p \(result.pValue)")
        if reference.kind == "pair" || reference.kind == "partial" {
            #expect(relativeError(result.confLow, reference.low) <= tolerance, "\(label) low \(result.confLow)")
            #expect(relativeError(result.confHigh, reference.high) <= tolerance, "\(label) high \(result.confHigh)")
        }
    }

    @Test func zeroOrderCorrelationsMatchCorTest() throws {
        let data = try CorrelationFixtures.data()
        let references = try CorrelationFixtures.references().filter { $0.kind == "pair" }
        #expect(references.count == 17)
        for reference in references {
            let columns = CorrelationFixtures.completeCases(data, [reference.x, reference.y])
            let result = try Correlation.correlate(
                columns[0], columns[1], method: method(reference.method), confidenceLevel: reference.confidenceLevel)
            expectMatches(result, reference)
        }
    }

    @Test func partialCorrelationsMatchResidualCorrelations() throws {
        let data = try CorrelationFixtures.data()
        let references = try CorrelationFixtures.references().filter { $0.kind == "partial" }
        #expect(references.count == 6)
        for reference in references {
            let columns = CorrelationFixtures.completeCases(data, [reference.x, reference.y] + reference.controls)
            let result = try Correlation.partial(
                columns[0], columns[1], controls: Array(columns.dropFirst(2)), method: method(reference.method),
                confidenceLevel: reference.confidenceLevel)
            #expect(result.controls == reference.controls.count)
            expectMatches(result, reference)
        }
    }

    @Test(arguments: MissingDataHandling.allCases)
    func matricesMatchPairwiseCorTestWithHolm(missing: MissingDataHandling) throws {
        let data = try CorrelationFixtures.data()
        let names = ["wai_total", "srs_total", "phq9_pre", "phq9_post", "age", "sessions"]
        let columns = names.map { data[$0] ?? [] }
        for correlationMethod in CorrelationMethod.allCases {
            let references = try CorrelationFixtures.references().filter {
                $0.kind == "matrix" && $0.missing == missing.rawValue && $0.method == correlationMethod.rawValue
            }
            #expect(references.count == 15)
            let matrix = try Correlation.matrix(columns, method: correlationMethod, missing: missing, adjustment: .holm)
            for reference in references {
                let i = try #require(names.firstIndex(of: reference.x))
                let j = try #require(names.firstIndex(of: reference.y))
                let entry = try #require(matrix.entry(j, i))
                #expect(entry.first == i && entry.second == j)
                expectMatches(try entry.outcome.get(), reference)
                let adjusted = try #require(entry.adjustedPValue)
                #expect(relativeError(adjusted, reference.adjusted) <= tolerance, "adjusted \(reference.x)~\(reference.y)")
            }
        }
    }

    @Test(arguments: MissingDataHandling.allCases)
    func partialMatricesMatchResidualCorrelationsWithBH(missing: MissingDataHandling) throws {
        let data = try CorrelationFixtures.data()
        let names = ["wai_total", "srs_total", "phq9_post", "sessions"]
        let controls = ["phq9_pre", "age"].map { data[$0] ?? [] }
        for correlationMethod in [CorrelationMethod.pearson, .spearman] {
            let references = try CorrelationFixtures.references().filter {
                $0.kind == "pmatrix" && $0.missing == missing.rawValue && $0.method == correlationMethod.rawValue
            }
            #expect(references.count == 6)
            let matrix = try Correlation.matrix(
                names.map { data[$0] ?? [] }, method: correlationMethod, missing: missing, adjustment: .bh,
                controls: controls)
            for reference in references {
                let i = try #require(names.firstIndex(of: reference.x))
                let j = try #require(names.firstIndex(of: reference.y))
                let entry = try #require(matrix.entry(i, j))
                let result = try entry.outcome.get()
                #expect(result.controls == 2)
                expectMatches(result, reference)
                let adjusted = try #require(entry.adjustedPValue)
                #expect(relativeError(adjusted, reference.adjusted) <= tolerance, "adjusted \(reference.x)~\(reference.y)")
            }
        }
    }

    @Test(arguments: PValueAdjustment.allCases)
    func pValueAdjustmentMatchesPAdjust(adjustment: PValueAdjustment) throws {
        let references = try CorrelationFixtures.references().filter {
            $0.kind == "padjust" && $0.method == adjustment.rawValue
        }
        #expect(references.count == 10)
        let adjusted = adjustment.adjust(references.map(\.p))
        for (value, reference) in zip(adjusted, references) {
            #expect(relativeError(value, reference.adjusted) <= tolerance, "\(adjustment) p = \(reference.p)")
        }
    }
}

/// Knight's algorithm and the rank helper against direct definitions on data with many ties.
struct CorrelationAlgorithmTests {
    @Test func knightCountsEqualBruteForce() {
        var state: UInt64 = 12345
        func nextSmallInteger() -> Double {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Double((state >> 33) % 6)
        }
        for n in [2, 3, 10, 57, 200] {
            let x = (0..<n).map { _ in nextSmallInteger() }
            let y = (0..<n).map { _ in nextSmallInteger() }
            var bruteForce = 0.0
            for i in 0..<n {
                for j in (i + 1)..<n {
                    let product = (x[i] - x[j]) * (y[i] - y[j])
                    bruteForce += product > 0 ? 1 : (product < 0 ? -1 : 0)
                }
            }
            #expect(KendallCounts(x, y).concordantMinusDiscordant == bruteForce, "n = \(n)")
        }
    }

    @Test func averageRanksMatchR() {
        // R: rank(c(3, 1, 4, 1, 5, 9, 2, 6, 5)) = 4 1.5 5 1.5 6.5 9 3 8 6.5
        #expect(averageRanks([3, 1, 4, 1, 5, 9, 2, 6, 5]) == [4, 1.5, 5, 1.5, 6.5, 9, 3, 8, 6.5])
    }

    @Test func invalidInputsThrowTypedErrors() {
        #expect(throws: CorrelationError.lengthMismatch(first: 3, second: 2)) {
            try Correlation.pearson([1, 2, 3], [1, 2])
        }
        #expect(throws: CorrelationError.zeroVariance) { try Correlation.spearman([1, 2, 3, 4], [5, 5, 5, 5]) }
        #expect(throws: CorrelationError.zeroVariance) { try Correlation.kendall([1, 1, 1], [1, 2, 3]) }
        #expect(throws: CorrelationError.tooFewObservations(needed: 3, available: 2)) {
            try Correlation.pearson([1, 2], [2, 1])
        }
        #expect(throws: CorrelationError.nonFiniteValue) { try Correlation.pearson([1, .nan, 3], [1, 2, 3]) }
        #expect(throws: CorrelationError.invalidConfidenceLevel(1)) {
            try Correlation.pearson([1, 2, 3, 4], [2, 1, 4, 3], confidenceLevel: 1)
        }
        #expect(throws: CorrelationError.unsupportedPartialMethod(.kendall)) {
            try Correlation.partial([1, 2, 3, 4, 5], [2, 1, 4, 3, 5], controls: [[1, 2, 1, 2, 1]], method: .kendall)
        }
        #expect(throws: CorrelationError.singularControls) {
            try Correlation.partial(
                [1, 2, 3, 4, 5, 6], [2, 1, 4, 3, 6, 5], controls: [[1, 2, 3, 4, 5, 6], [2, 4, 6, 8, 10, 12]])
        }
    }

    @Test func matrixRecordsFailedPairsWithoutAdjustingThem() throws {
        let matrix = try Correlation.matrix(
            [[1, 2, 3, 4, 5], [2, 1, 4, 3, 5], [7, 7, 7, 7, 7]], method: .pearson, adjustment: .bonferroni)
        #expect(matrix.entries.count == 3)
        let failed = try #require(matrix.entry(0, 2))
        #expect(throws: CorrelationError.zeroVariance) { try failed.outcome.get() }
        #expect(failed.adjustedPValue == nil)
        // One computable pair: Bonferroni over m = 1 leaves its p-value unchanged.
        let good = try #require(matrix.entry(1, 0))
        #expect(good.adjustedPValue == (try good.outcome.get()).pValue)
    }

    /// Pearson's r does not depend on a shift: a column 1e15 + 10·z gives the r of z (session 21: the one-pass mean
    /// of 500 such values was off by ~30 and r lost its third digit, 0.4785 for 0.4792).
    @Test func pearsonIsExactForValuesFarFromZero() throws {
        let z: [Double] = (0..<500).map { i -> Double in Double((i * 7_919) % 1_000) / 100 - 5 }
        let a: [Double] = (0..<500).map { i -> Double in
            let noise = Double((i * 104_729) % 997) / 100
            return 0.5 * z[i] + noise - 5
        }
        let shifted: [Double] = z.map { v -> Double in 1e15 + 10 * v }
        // The shifted doubles are exact (steps of 0.125 near 1e15; 10·z is a multiple of 0.1 only approximately, so
        // take the deviations from the doubles themselves).
        let exact: Double = try Correlation.pearson(a, shifted.map { v -> Double in v - 1e15 }).estimate
        let r: Double = try Correlation.pearson(a, shifted).estimate
        #expect(Swift.abs(r - exact) < 1e-13, "\(r) vs \(exact)")
    }
}
