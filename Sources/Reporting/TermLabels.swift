import DataTable
import Models

/// What tables and plots show for a model's terms, given variable labels: `wai_sr_total` → "Alliance (WAI-SR)",
/// the factor term `site[north]` → "Site: north" (the column's label, then the level), interactions joined with
/// " × " (`site[north]:wai_sr_total` → "Site: north × Alliance (WAI-SR)"). A term with no labelled part is shown
/// as it is; a label given for the whole term (`--label "I(wai^2)=Alliance squared"`) is used as it is.
///
/// Every model family names its columns the same way (`ModelSchema`), so a family's report makes one
/// `TermLabels(labels, schema:)` and looks each term up; JSON keeps the term names.
public struct TermLabels: Sendable {
    /// One variable of the model as it appears in term names.
    public struct Variable: Sendable, Equatable {
        /// The variable as written in term names: `site`, `factor(g)`, `` `PHQ-9 total` ``, `log(x)`.
        public let name: String
        /// The data column whose label the variable takes: `g` for `factor(g)`; nil for a computed variable
        /// (`log(x)`, `within(x, g)`), which is labelled only under its written name.
        public let column: String?
        /// A categorical variable's levels (its term names are `name[level]`); nil for a numeric one.
        public let levels: [String]?

        public init(name: String, column: String?, levels: [String]?) {
            self.name = name
            self.column = column
            self.levels = levels
        }
    }

    public let labels: VariableLabels
    /// Longer names first, so `site_2` is tried before `site`.
    private let variables: [Variable]

    public init(_ labels: VariableLabels, variables: [Variable]) {
        self.labels = labels
        self.variables = variables.sorted { $0.name.count > $1.name.count }
    }

    /// The terms of a fit from its schema: the columns behind each variable come from the parsed formula.
    public init(_ labels: VariableLabels, schema: ModelSchema) {
        let parsed = try? schema.parsedFormula()
        var columns: [String: String] = [:]
        for v in parsed?.predictorVariables ?? [] {
            switch v.kind {
            case .column(let c), .factor(let c): columns[v.label] = c
            default: break
            }
        }
        self.init(labels, variables: schema.variables.map { v in
            let levels: [String]?
            if case .categorical(let l) = v.coding { levels = l } else { levels = nil }
            return Variable(name: v.label, column: columns[v.label] ?? (parsed == nil ? v.label : nil), levels: levels)
        })
    }

    /// The display label of `term`, or nil when nothing in it is labelled.
    public func label(_ term: String) -> String? {
        if let whole = labels[term] { return whole }
        guard !labels.isEmpty, let parts = parse(Substring(term)) else { return nil }
        var labelled = false
        let shown = parts.map { part -> String in
            if let own = labels[part.text] { labelled = true; return own }
            guard let name = labels[part.variable.name] ?? part.variable.column.flatMap({ labels[$0] }) else { return part.text }
            labelled = true
            if let level = part.level { return "\(name): \(level)" }
            return part.suffix.isEmpty ? name : "\(name) (\(part.suffix))"
        }
        return labelled ? shown.joined(separator: " × ") : nil
    }

    /// What a table or plot shows for `term`: its label, else the term itself.
    public func display(_ term: String) -> String { label(term) ?? term }

    private struct Part {
        let text: String
        let variable: Variable
        let level: String?
        /// What follows a numeric variable's name in a column name (`1` of `poly(x, 2)1`).
        let suffix: String
    }

    /// Splits a column name into its variables' parts, trying each variable at each position (a level or a
    /// name may itself contain `:` or `[`, so splitting on characters alone would be wrong).
    private func parse(_ rest: Substring) -> [Part]? {
        for v in variables where rest.hasPrefix(v.name) {
            let after = rest.dropFirst(v.name.count)
            if let levels = v.levels {
                guard after.hasPrefix("[") else { continue }
                let inside = after.dropFirst()
                for level in levels.sorted(by: { $0.count > $1.count }) where inside.hasPrefix(level + "]") {
                    let remainder = inside.dropFirst(level.count + 1)
                    let part = Part(text: String(rest.prefix(rest.count - remainder.count)), variable: v, level: level, suffix: "")
                    if let more = continuing(remainder) { return [part] + more }
                }
            } else {
                let suffix = after.prefix { $0.isNumber }
                let remainder = after.dropFirst(suffix.count)
                let part = Part(text: String(rest.prefix(rest.count - remainder.count)), variable: v, level: nil, suffix: String(suffix))
                if let more = continuing(remainder) { return [part] + more }
            }
        }
        return nil
    }

    /// The parts after one variable: none at the end, else `:` and the next variable's.
    private func continuing(_ remainder: Substring) -> [Part]? {
        if remainder.isEmpty { return [] }
        guard remainder.hasPrefix(":") else { return nil }
        return parse(remainder.dropFirst())
    }
}
