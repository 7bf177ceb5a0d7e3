import Foundation
import DataTable

extension MetaDesign {
    /// The moderator design of `--mods "x + z"` through the project's one formula → design pipeline (factors get
    /// treatment contrasts with the first sorted level as reference, `I()`, `log()` and interactions work as in
    /// `fit`). `rows` are the table rows that hold complete effect sizes; the result keeps those of them that are
    /// also complete on the moderators (`kept`, positions in `rows`) and says how many were dropped.
    public static func moderators(_ mods: String, table: Table, rows: [Int],
                                  references: [String: String] = [:]) throws(ModelError) -> (design: MetaDesign, kept: [Int]) {
        let text = mods.trimmingCharacters(in: .whitespaces)
        let formula: Formula
        do {
            formula = try Formula("yi ~ " + (text.hasPrefix("~") ? String(text.dropFirst()) : text))
        } catch {
            // Offsets in the message point into the text the user wrote, not the prefixed formula.
            throw .formula(FormulaError(formula: mods, offset: max(0, error.offset - 5), length: error.length, message: error.message))
        }
        if let refusal = formula.fixedEffectsRefusal() { throw .formula(refusal) }
        let frame = try ModelFrame(formula: formula, table: table.subset(rows: rows), references: references, withOutcome: false)
        let design = DesignMatrix(frame: frame)
        guard design.hasIntercept else {
            throw .formula(FormulaError(formula: mods, offset: 0, length: mods.count,
                                        message: "a meta-regression keeps its intercept (the pooled effect at the moderators' zero); remove '- 1' or '+ 0'"))
        }
        let values = design.values()
        let n = design.rows, p = design.columns
        let matrixRows = (0..<n).map { i in (0..<p).map { values[$0 * n + i] } }
        return (MetaDesign(names: design.columnNames, rows: matrixRows), frame.usedRows)
    }
}
