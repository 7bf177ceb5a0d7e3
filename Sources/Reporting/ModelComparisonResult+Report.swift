import Models
import Output

/// `compare`: the anova() table of nested fits. JSON: `models[]` (`file`, `model`, `formula`, `method`, `npar`, `aic`,
/// `bic`, `log_likelihood`, `deviance`, and from the second fit on its test against the one before: `statistic`,
/// `df`, `p_value`, with `p_value_mixture` where a single random effect is added), the last test again at the top
/// (`statistic`, `df`, `p_value`; with two fits, the test), `refit_ml`, `reml`, `notes`.
extension ModelComparisonResult {
    public func report() -> Report {
        Report(json: json(), tables: [table()], warnings: [])
    }

    private var method: String { reml ? "REML" : "ML" }

    private func json() -> JSONValue {
        func number(_ x: Double?) -> JSONValue { x.map { $0.isFinite ? .number($0) : .null } ?? .null }
        let models: [JSONValue] = rows.map { r in
            var fields: [(String, JSONValue)] = [
                ("file", .string(r.model.name)), ("model", .string(r.model.family.rawValue)), ("formula", .string(r.model.formula)),
                ("method", .string(r.model.family == .lmm ? method : "ML")), ("npar", .integer(r.model.parameterCount)),
                ("aic", number(r.aic)), ("bic", number(r.bic)), ("log_likelihood", number(r.model.logLikelihood)),
                ("deviance", number(r.deviance)), ("statistic", number(r.statistic)), ("df", .integer(r.df)),
                ("p_value", number(r.pValue)),
            ]
            if r.pValueMixture != nil { fields.append(("p_value_mixture", number(r.pValueMixture))) }
            return .object(fields)
        }
        let last = rows.last
        let first = rows.first?.model
        var top: [(String, JSONValue)] = [
            ("method", .string("likelihood-ratio")),
            ("data", .object([("file", .string(first?.dataFile)), ("sha256", .string(first?.dataDigest)),
                              ("used", .integer(first?.rowsUsed))])),
            ("refit_ml", .bool(refitML)), ("reml", .bool(reml)), ("models", .array(models)),
            ("statistic", number(last?.statistic)), ("df", .integer(last?.df)), ("p_value", number(last?.pValue)),
        ]
        if let mixture = last?.pValueMixture { top.append(("p_value_mixture", number(mixture))) }
        top += [("notes", .array(notes.map { .string($0) })), ("warnings", .array([]))]
        return .object(top)
    }

    private func table() -> ResultTable {
        let columns = [TableColumn("Model"), TableColumn("Formula"), TableColumn("npar", kind: .integer),
                       TableColumn("AIC", kind: .decimal(2)), TableColumn("BIC", kind: .decimal(2)),
                       TableColumn("logLik", kind: .decimal(2)), TableColumn("Deviance", kind: .decimal(2)),
                       TableColumn("χ²", kind: .decimal(2)), TableColumn("df", kind: .integer), TableColumn("p", kind: .pValue)]
        let cells: [[Cell]] = rows.map { r in
            [.text(r.model.name), .text(r.model.formula), .integer(r.model.parameterCount), .number(r.aic), .number(r.bic),
             .number(r.model.logLikelihood), .number(r.deviance), .number(r.statistic), .integer(r.df), .number(r.pValue)]
        }
        var notes: [String] = []
        if let first = rows.first?.model {
            notes.append("\(first.dataFile): \(first.rowsUsed) rows used by every fit. Each fit is tested against the one above it "
                         + "by a likelihood-ratio χ² test, as R's anova(); deviance is −2 log-likelihood.")
        }
        if refitML { notes.append("REML fits were refitted by maximum likelihood (as anova() does with refit = TRUE).") }
        if reml { notes.append("Compared on their REML criteria (fits that differ only in random effects; anova(refit = FALSE)).") }
        notes += self.notes
        for r in rows {
            if let mixture = r.pValueMixture {
                notes.append("\(r.model.name): the boundary-corrected p (χ² mixture) is \(NumberFormat.pValue(mixture)).")
            }
        }
        return ResultTable(title: "Model comparison (likelihood-ratio tests)", columns: columns, rows: cells, notes: notes)
    }
}
