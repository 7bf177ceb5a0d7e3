import Models
import Output

/// `compare`: the anova() table of nested fits. JSON: `models[]` (`file`, `model`, `formula`, `method`, `npar`, `aic`,
/// `bic`, `log_likelihood`, `deviance`, and from the second fit on its test against the one before: `statistic`,
/// `df`, `p_value`, with `p_value_mixture` where a single random effect is added), the last test again at the top
/// (`statistic`, `df`, `p_value`; with two fits, the test), `refit_ml`, `reml`, `notes`. Comparisons of OLS fits add
/// anova.lm's F test: per model `rss`, `df_residual`, `f_statistic`, `f_p_value`, and `f_test` at the top.
extension ModelComparisonResult {
    public func report() -> Report {
        Report(json: json(), tables: [table()], warnings: [])
    }

    private var method: String { reml ? "REML" : "ML" }

    /// Every fit is OLS: anova.lm's F test is reported beside the likelihood-ratio test.
    private var hasFTest: Bool { rows.dropFirst().contains { $0.fStatistic != nil } }

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
            if hasFTest {
                fields += [("rss", number(r.model.residualSumOfSquares)), ("df_residual", .integer(r.model.residualDF)),
                           ("f_statistic", number(r.fStatistic)), ("f_p_value", number(r.fPValue))]
            }
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
        if hasFTest, let last {
            top.append(("f_test", .object([("statistic", number(last.fStatistic)), ("df", .integer(last.df)),
                                           ("df_residual", .integer(rows.last?.model.residualDF)),
                                           ("p_value", number(last.fPValue))])))
        }
        top += [("notes", .array(notes.map { .string($0) })), ("warnings", .array([]))]
        return .object(top)
    }

    private func table() -> ResultTable {
        let columns = [TableColumn("Model"), TableColumn("Formula"), TableColumn("npar", kind: .integer),
                       TableColumn("AIC", kind: .decimal(2)), TableColumn("BIC", kind: .decimal(2)),
                       TableColumn("logLik", kind: .decimal(2)), TableColumn("Deviance", kind: .decimal(2)),
                       TableColumn("χ²", kind: .decimal(2)), TableColumn("df", kind: .integer), TableColumn("p", kind: .pValue)]
        let fColumns = hasFTest ? [TableColumn("F", kind: .decimal(2)), TableColumn("p (F)", kind: .pValue)] : []
        let cells: [[Cell]] = rows.map { r in
            [.text(r.model.name), .text(r.model.formula), .integer(r.model.parameterCount), .number(r.aic), .number(r.bic),
             .number(r.model.logLikelihood), .number(r.deviance), .number(r.statistic), .integer(r.df), .number(r.pValue)]
                + (hasFTest ? [.number(r.fStatistic), .number(r.fPValue)] : [])
        }
        var notes: [String] = []
        if let first = rows.first?.model {
            if hasFTest {
                // R's anova() on lm fits gives the F test; the χ² is lmtest::lrtest's (session 21: labelled as anova's).
                notes.append("\(first.dataFile): \(first.rowsUsed) rows used by every fit. Each fit is tested against the one above it "
                             + "by an F test on the residual sums of squares, as R's anova() for lm fits (the residual mean square of "
                             + "the largest fit as the scale), and by a likelihood-ratio χ² test (lmtest::lrtest); deviance is "
                             + "−2 log-likelihood.")
            } else {
                notes.append("\(first.dataFile): \(first.rowsUsed) rows used by every fit. Each fit is tested against the one above it "
                             + "by a likelihood-ratio χ² test, as R's anova(); deviance is −2 log-likelihood.")
            }
        }
        if refitML { notes.append("REML fits were refitted by maximum likelihood (as anova() does with refit = TRUE).") }
        if reml { notes.append("Compared on their REML criteria (fits that differ only in random effects; anova(refit = FALSE)).") }
        notes += self.notes
        for r in rows {
            if let mixture = r.pValueMixture {
                notes.append("\(r.model.name): the boundary-corrected p (χ² mixture) is \(NumberFormat.pValue(mixture)).")
            }
        }
        return ResultTable(title: hasFTest ? "Model comparison (F and likelihood-ratio tests)" : "Model comparison (likelihood-ratio tests)",
                           columns: columns + fColumns, rows: cells, notes: notes)
    }
}
