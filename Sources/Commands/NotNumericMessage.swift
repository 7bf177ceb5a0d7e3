import DataTable
import Foundation

extension Column {
    /// A refusal of this text column where numbers were needed, pointed at the cell that made it text (which the
    /// researcher otherwise had to search the file for): "SUBJECT is not numeric (data row 7 has '4,6'); REQUIREMENT:
    /// fix that value or declare it missing with --na". `subject` names the column as the command does
    /// ("column 'wai'", "item column 'phq_3'").
    /// A column of which no value is a number (answer labels such as "Not at all", or yes/no codes) gets the data step
    /// that turns them into numbers instead: no single value is stray there.
    func notNumeric(_ subject: String, _ requirement: String) -> String {
        if case .categorical(let c) = data, valueLabelHint() == nil, c.levels.count >= 2, !c.levels.contains(where: Self.looksNumeric) {
            return "\(subject) is not numeric\(nonNumericClause()); \(requirement): its \(c.levels.count) distinct values are "
                + "all text (answer labels or codes), so recode them to numbers with `alliance transform --recode` "
                + "(docs/data-steps.md)"
        }
        return "\(subject) is not numeric\(nonNumericClause()); \(requirement): fix that value or declare it missing with --na"
    }

    /// A number, also with a decimal comma (`4,6`): such a column wants --decimal or a fix, not a recode.
    private static func looksNumeric(_ level: String) -> Bool {
        Double(level.trimmingCharacters(in: .whitespaces).replacingOccurrences(of: ",", with: ".")) != nil
    }
}
