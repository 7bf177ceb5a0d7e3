/// Display labels for variables: column name (or any name a table or plot shows, such as a model term) →
/// the words a reader should see (`wai_sr_total` → "Alliance (WAI-SR)"). Tables and plots look names up here;
/// a name without a label is shown as it is. Machine-readable output keeps the names.
///
/// Labels come from an SPSS/Stata/SAS file's variable labels (`init(table:)`), a labels file, `--label`
/// options and a notebook's front matter; `overridden(by:)` layers them, the later source winning.
public struct VariableLabels: Sendable, Equatable {
    public private(set) var entries: [String: String]

    public init(_ entries: [String: String] = [:]) {
        self.entries = entries
    }

    /// The variable labels a statistics-package file declared (`ColumnMetadata.label`), by column name.
    /// Empty labels are not labels.
    public init(table: Table) {
        var entries: [String: String] = [:]
        for column in table.columns {
            if let label = column.metadata.label, !label.isEmpty { entries[column.name] = label }
        }
        self.entries = entries
    }

    public var isEmpty: Bool { entries.isEmpty }

    /// The label of `name`, or nil when it has none.
    public subscript(name: String) -> String? { entries[name] }

    /// What a table or plot shows for `name`: its label, else the name itself.
    public func display(_ name: String) -> String { entries[name] ?? name }

    /// These labels with `other`'s added on top: where both label a name, `other`'s label is used.
    public func overridden(by other: VariableLabels) -> VariableLabels {
        VariableLabels(entries.merging(other.entries) { _, later in later })
    }
}
