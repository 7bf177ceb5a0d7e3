/// How rows with missing values are dropped when correlating several variables.
public enum MissingDataHandling: String, Sendable, CaseIterable, Codable {
    /// Each pair uses every row where both variables (and any controls) are present.
    case pairwise
    /// Every pair uses only the rows where all variables (and controls) are present.
    case listwise
}

/// The correlation of one pair of variables within a matrix.
public struct CorrelationMatrixEntry: Sendable {
    /// Column indices, first < second.
    public let first: Int
    public let second: Int
    /// The result, or why this pair could not be computed (too few rows, a constant variable, …).
    public let outcome: Result<CorrelationResult, CorrelationError>
    /// The p-value adjusted over all computable pairs; nil when the pair failed.
    public let adjustedPValue: Double?
}

/// All pairwise correlations among several variables.
public struct CorrelationMatrix: Sendable {
    public let variableCount: Int
    public let method: CorrelationMethod
    public let missing: MissingDataHandling
    public let adjustment: PValueAdjustment
    /// Pairs in the order (0,1), (0,2), …, (0,n−1), (1,2), …
    public let entries: [CorrelationMatrixEntry]

    /// The entry for columns i and j (in either order), nil for i == j or out of range.
    public func entry(_ i: Int, _ j: Int) -> CorrelationMatrixEntry? {
        let (first, second) = (min(i, j), max(i, j))
        guard first != second, first >= 0, second < variableCount else { return nil }
        // Entries before row `first`: Σ_{r<first} (n−1−r).
        let offset = first * (2 * variableCount - first - 1) / 2 + (second - first - 1)
        return entries[offset]
    }
}

extension Correlation {
    /// Correlations of every pair of columns (nil or non-finite = missing), optionally partialling out
    /// control columns, with p-values adjusted over the pairs that could be computed.
    public static func matrix(
        _ columns: [[Double?]], method: CorrelationMethod, missing: MissingDataHandling = .pairwise,
        adjustment: PValueAdjustment = .none, controls: [[Double?]] = [], confidenceLevel: Double = 0.95
    ) throws(CorrelationError) -> CorrelationMatrix {
        if columns.count < 2 { throw .tooFewVariables(columns.count) }
        if !(confidenceLevel > 0 && confidenceLevel < 1) { throw .invalidConfidenceLevel(confidenceLevel) }
        if !controls.isEmpty, method == .kendall { throw .unsupportedPartialMethod(method) }
        let rowCount = columns[0].count
        for column in columns + controls where column.count != rowCount {
            throw .lengthMismatch(first: rowCount, second: column.count)
        }
        func isPresent(_ value: Double?) -> Bool { value.map(\.isFinite) ?? false }
        let controlsPresent = (0..<rowCount).map { row in controls.allSatisfy { isPresent($0[row]) } }
        let allPresent = (0..<rowCount).map { row in
            controlsPresent[row] && columns.allSatisfy { isPresent($0[row]) }
        }
        var outcomes: [(Int, Int, Result<CorrelationResult, CorrelationError>)] = []
        for first in 0..<columns.count {
            for second in (first + 1)..<columns.count {
                let rows = (0..<rowCount).filter { row in
                    missing == .listwise
                        ? allPresent[row]
                        : controlsPresent[row] && isPresent(columns[first][row]) && isPresent(columns[second][row])
                }
                let x = rows.map { columns[first][$0] ?? .nan }
                let y = rows.map { columns[second][$0] ?? .nan }
                let z = controls.map { control in rows.map { control[$0] ?? .nan } }
                let outcome = Result { () throws(CorrelationError) -> CorrelationResult in
                    z.isEmpty
                        ? try correlate(x, y, method: method, confidenceLevel: confidenceLevel)
                        : try partial(x, y, controls: z, method: method, confidenceLevel: confidenceLevel)
                }
                outcomes.append((first, second, outcome))
            }
        }
        let pValues = outcomes.map { (try? $0.2.get())?.pValue ?? .nan }
        let adjusted = adjustment.adjust(pValues)
        let entries = outcomes.indices.map { index in
            CorrelationMatrixEntry(
                first: outcomes[index].0, second: outcomes[index].1, outcome: outcomes[index].2,
                adjustedPValue: adjusted[index].isNaN ? nil : adjusted[index])
        }
        return CorrelationMatrix(
            variableCount: columns.count, method: method, missing: missing, adjustment: adjustment,
            entries: entries)
    }
}
