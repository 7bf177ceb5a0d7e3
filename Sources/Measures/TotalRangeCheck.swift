/// Totals that an instrument cannot give (a PHQ-9 total of -99 or 30), found before `change` classifies them: a -99
/// left in a post score would otherwise count as recovered, a 999 as deteriorated.
public struct OutOfRangeTotals: Sendable, Equatable {
    /// The instrument as the message names it (`phq-9`, `PHQ-9`).
    public let instrument: String
    public let min: Double
    public let max: Double
    /// Which of the score inputs holds them (the order the caller passed them in, e.g. 0 = pre, 1 = post).
    public let input: Int
    /// 0-based data rows of the input's out-of-range values, ascending.
    public let rows: [Int]
    public let values: [Double]

    /// What is wrong and what to do, naming the input's column: `columns` names the inputs in the order they were
    /// passed to `find` (pre, post, …).
    public func description(columns: [String]) -> String {
        let column = input < columns.count ? columns[input] : "input \(input + 1)"
        let first = format(values[0])
        let more = rows.count > 1 ? " (and \(rows.count - 1) more value\(rows.count == 2 ? "" : "s") outside it)" : ""
        var text = "column '\(column)' holds \(first) at data row \(rows[0] + 1)\(more), outside \(instrument)'s possible "
            + "totals \(format(min))–\(format(max))"
        let codes = Set(values.filter { Self.missingCodes.contains($0) }).sorted()
        if !codes.isEmpty {
            let list = codes.map { format($0) }.joined(separator: ",")
            text += "; \(list) \(codes.count == 1 ? "looks like a missing-value code" : "look like missing-value codes"): "
                + "read the data with --na \(list) (or --na \(column):\(list))"
        }
        return text + "; otherwise check that '\(column)' holds \(instrument) totals"
    }

    static let missingCodes: Set<Double> = [-9999, -999, -99, -9, 99, 999, 9999]

    /// The first input (in order) holding a value outside `min`…`max`, with every such value of that input; nil when
    /// all present values lie inside. `input` counts from `firstInput`.
    public static func find(_ inputs: [[Double?]], min: Double, max: Double, instrument: String,
                            firstInput: Int = 0) -> OutOfRangeTotals? {
        for (k, values) in inputs.enumerated() {
            var rows: [Int] = [], found: [Double] = []
            for (row, value) in values.enumerated() {
                guard let x = value, !(x >= min && x <= max) else { continue }
                rows.append(row)
                found.append(x)
            }
            if !rows.isEmpty {
                return OutOfRangeTotals(instrument: instrument, min: min, max: max, input: firstInput + k, rows: rows,
                                        values: found)
            }
        }
        return nil
    }
}
