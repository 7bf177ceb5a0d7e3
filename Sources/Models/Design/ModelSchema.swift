/// How each variable of a formula enters a model, fixed once from the data a model was fitted to (the schema
/// step of StatsModels.jl: `schema(f, data)` then `modelcols` on any rows). A schema re-applied to other rows —
/// new data for `predict`, a bootstrap resample, one site's rows — gives a design with the same columns in the
/// same order and the same names: levels are never re-derived from the new rows, and a level the fit never saw
/// is an error instead of a silently different coding.
public struct ModelSchema: Sendable, Equatable {
    /// How one predictor variable enters the design.
    public enum Coding: Sendable, Equatable {
        /// A number per row (a numeric column or a transformation).
        case numeric
        /// A categorical variable with these levels in coding order (the reference level first).
        case categorical(levels: [String])
    }

    public struct Variable: Sendable, Equatable {
        /// The variable's label in the formula: `site`, `factor(g)`, `log(x)`.
        public let label: String
        public let coding: Coding

        public init(label: String, coding: Coding) {
            self.label = label
            self.coding = coding
        }
    }

    /// The formula as written.
    public let formula: String
    /// Predictor variables in order of first appearance.
    public let variables: [Variable]
    /// The design's column names (coefficient names), in order.
    public let columnNames: [String]
    /// Offset expressions given apart from the formula (`--offset`), added to the linear predictor.
    public let addedOffsets: [String]
    /// The fitted table's column names, kept only when the formula uses `.` (which expands to them).
    public let dataColumns: [String]?

    public init(formula: String, variables: [Variable], columnNames: [String], addedOffsets: [String] = [],
                dataColumns: [String]? = nil) {
        self.formula = formula
        self.variables = variables
        self.columnNames = columnNames
        self.addedOffsets = addedOffsets
        self.dataColumns = dataColumns
    }

    /// The formula as fitted: `.` expanded over the fitted table's columns, `--offset` expressions added.
    public func parsedFormula() throws(ModelError) -> Formula {
        var parsed: Formula
        do { parsed = try Formula(formula, dataColumns: dataColumns) } catch { throw .formula(error) }
        for expression in addedOffsets {
            do { parsed = try parsed.addingOffset(expression) } catch { throw .formula(error) }
        }
        return parsed
    }

    /// The coding of the variable labelled `label`, if the formula has it.
    public func coding(of label: String) -> Coding? {
        variables.first { $0.label == label }?.coding
    }

    /// Levels in coding order per categorical variable label (what `ModelFrame` needs to freeze codes).
    var frozenLevels: [String: [String]] {
        var levels: [String: [String]] = [:]
        for v in variables { if case .categorical(let l) = v.coding { levels[v.label] = l } }
        return levels
    }
}

extension ModelFrame {
    /// The schema of this frame: each predictor's coding as fixed here, and the columns its design has.
    public var schema: ModelSchema {
        let variables = formula.predictorVariables.map { v -> ModelSchema.Variable in
            switch self.variables[v.label] {
            case .categorical(let levels, _)?: return ModelSchema.Variable(label: v.label, coding: .categorical(levels: levels))
            case .numeric?, .numericColumns?, nil: return ModelSchema.Variable(label: v.label, coding: .numeric)
            }
        }
        return ModelSchema(formula: formula.text, variables: variables, columnNames: DesignMatrix(frame: self).columnNames,
                           addedOffsets: formula.offsetSources.compactMap { $0 }, dataColumns: dataColumnsForDot)
    }
}
