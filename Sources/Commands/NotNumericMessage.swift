import DataTable

extension Column {
    /// A refusal of this text column where numbers were needed, pointed at the cell that made it text (which the
    /// researcher otherwise had to search the file for): "SUBJECT is not numeric (data row 7 has '4,6'); REQUIREMENT:
    /// fix that value or declare it missing with --na". `subject` names the column as the command does
    /// ("column 'wai'", "item column 'phq_3'").
    func notNumeric(_ subject: String, _ requirement: String) -> String {
        "\(subject) is not numeric\(nonNumericClause()); \(requirement): fix that value or declare it missing with --na"
    }
}
