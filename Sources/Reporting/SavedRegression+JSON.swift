import LinearAlgebra
import Models
import Output

/// A fit's JSON carries its schema and covariance matrix so that `alliance predict` can apply the saved model
/// to new rows: this is that part of the contract, written by `fit` and read back here.
///
/// `"schema": { "variables": [ { "variable": "site", "coding": "categorical", "levels": ["east", …] },
/// { "variable": "wai", "coding": "numeric" } ], "columns": ["(Intercept)", "wai", "site[north]", …],
/// "offsets": [--offset expressions], "data_columns": [the fitted table's columns, when the formula uses "."] }`;
/// `"covariance_matrix": { "terms": [estimable terms], "values": [[row], …] }` at full precision.
extension ModelSchema {
    public var json: JSONValue {
        let variables: [JSONValue] = self.variables.map { v in
            switch v.coding {
            case .numeric:
                return .object([("variable", .string(v.label)), ("coding", "numeric")])
            case .categorical(let levels):
                return .object([("variable", .string(v.label)), ("coding", "categorical"),
                                ("levels", .array(levels.map { .string($0) }))])
            }
        }
        var fields: [(String, JSONValue)] = [("variables", .array(variables)), ("columns", .array(columnNames.map { .string($0) }))]
        if !addedOffsets.isEmpty { fields.append(("offsets", .array(addedOffsets.map { .string($0) }))) }
        if let columns = dataColumns { fields.append(("data_columns", .array(columns.map { .string($0) }))) }
        return .object(fields)
    }
}

/// Why a JSON document is not a saved fit `predict` can use.
public struct SavedFitError: Error, Sendable, Equatable, CustomStringConvertible {
    public let problem: String
    public var description: String {
        "not a saved fit that predict can use: \(problem). Write it with `alliance fit … --format json --out FILE.json`; "
            + "results saved before fits carried their schema must be refit."
    }
}

extension SavedRegression {
    public static func covarianceJSON(terms: [String], _ v: Matrix) -> JSONValue {
        .object([("terms", .array(terms.map { .string($0) })),
                 ("values", .array((0..<v.rows).map { i in .array((0..<v.columns).map { j in .number(v[i, j]) }) }))])
    }

    /// Reads a saved regression back from a `fit` result.
    public init(json: JSONValue) throws(SavedFitError) {
        func missing(_ what: String) -> SavedFitError { SavedFitError(problem: what) }
        guard let kindName = json["model"]?.stringValue else { throw missing("no \"model\"") }
        guard let kind = ModelKind(rawValue: kindName) else {
            throw missing("the model \"\(kindName)\" is not one of \(ModelKind.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        guard let formula = json["formula"]?.stringValue else { throw missing("no \"formula\"") }
        guard let schemaJSON = json["schema"], let variablesJSON = schemaJSON["variables"]?.arrayValue,
              let columnsJSON = schemaJSON["columns"]?.arrayValue else { throw missing("no \"schema\"") }
        var variables: [ModelSchema.Variable] = []
        for v in variablesJSON {
            guard let label = v["variable"]?.stringValue, let coding = v["coding"]?.stringValue else {
                throw missing("a schema variable without \"variable\" and \"coding\"")
            }
            switch coding {
            case "numeric": variables.append(ModelSchema.Variable(label: label, coding: .numeric))
            case "categorical":
                guard let levels = v["levels"]?.arrayValue?.compactMap(\.stringValue), !levels.isEmpty else {
                    throw missing("the categorical variable \(label) has no \"levels\"")
                }
                variables.append(ModelSchema.Variable(label: label, coding: .categorical(levels: levels)))
            default: throw missing("the coding \"\(coding)\" of \(label) is unknown")
            }
        }
        let columns = columnsJSON.compactMap(\.stringValue)
        guard let covarianceJSON = json["covariance_matrix"], let terms = covarianceJSON["terms"]?.arrayValue?.compactMap(\.stringValue),
              let rows = covarianceJSON["values"]?.arrayValue else { throw missing("no \"covariance_matrix\"") }
        let p = terms.count
        var vcov = Matrix(rows: p, columns: p)
        guard rows.count == p else { throw missing("the covariance matrix is not \(p) × \(p)") }
        for (i, row) in rows.enumerated() {
            guard let values = row.arrayValue, values.count == p else { throw missing("the covariance matrix is not \(p) × \(p)") }
            for (j, x) in values.enumerated() {
                guard let value = x.doubleValue else { throw missing("the covariance matrix has a missing entry") }
                vcov[i, j] = value
            }
        }
        var estimates: [String: Double] = [:]
        for c in json["coefficients"]?.arrayValue ?? [] {
            if let term = c["term"]?.stringValue, let e = c["estimate"]?.doubleValue { estimates[term] = e }
        }
        var ordered: [Double] = []
        for term in terms {
            guard let e = estimates[term] else { throw missing("no estimate for \(term)") }
            ordered.append(e)
        }
        guard let dfResidual = json["fit"]?["df_residual"]?.intValue else { throw missing("no \"fit\".\"df_residual\"") }
        let sigma = json["fit"]?["sigma"]?.doubleValue
        if kind == .ols && sigma == nil { throw missing("no \"fit\".\"sigma\"") }
        let offsets = schemaJSON["offsets"]?.arrayValue?.compactMap(\.stringValue) ?? []
        let dataColumns = schemaJSON["data_columns"]?.arrayValue?.compactMap(\.stringValue)
        let schema = ModelSchema(formula: formula, variables: variables, columnNames: columns, addedOffsets: offsets,
                                 dataColumns: dataColumns)
        self.init(model: kind, formula: formula, schema: schema,
                               terms: terms, estimates: ordered, vcov: vcov, sigma: sigma, dfResidual: dfResidual,
                               vcovLabel: json["vcov"]?.stringValue ?? "classical")
    }
}
