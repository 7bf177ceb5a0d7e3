import Models
import Output

/// JSON pieces mediation and moderation share: coefficients as `fit` writes them, bootstrap estimates, equations.
enum MediationJSON {
    static func number(_ x: Double?) -> JSONValue { x.map { $0.isFinite ? .number($0) : .null } ?? .null }

    static func coefficient(_ c: Coefficient) -> JSONValue {
        .object([("term", .string(c.term)), ("estimate", number(c.estimate)), ("std_error", number(c.stdError)),
                 ("statistic", number(c.statistic)), ("p_value", number(c.pValue)), ("conf_low", number(c.confLow)),
                 ("conf_high", number(c.confHigh))])
    }

    /// A seed as a JSON integer (seeds above Int.max as a string, so no digit is lost).
    static func seed(_ s: UInt64) -> JSONValue { s <= UInt64(Int.max) ? .integer(Int(s)) : .string(String(s)) }

    static func bootstrapped(_ e: BootstrapEstimate, _ boot: BootstrapSummary) -> JSONValue {
        .object([("estimate", number(e.estimate)), ("boot_std_error", number(e.bootStdError)), ("conf_low", number(e.confLow)),
                 ("conf_high", number(e.confHigh)), ("ci_method", .string(boot.method.rawValue)), ("resamples", .integer(boot.resamples)),
                 ("seed", seed(boot.seed))])
    }

    static func fitStatistics(_ e: PathEquation) -> JSONValue {
        .object([("r_squared", number(e.rSquared)), ("sigma", number(e.sigma)), ("f_statistic", number(e.fStatistic)),
                 ("f_p_value", number(e.fPValue)), ("df_model", .integer(e.dfModel)), ("df_residual", .integer(e.dfResidual))])
    }

    static func equation(_ e: PathEquation) -> JSONValue {
        .object([("outcome", .string(e.outcome)), ("coefficients", .array(e.coefficients.map(coefficient))), ("fit", fitStatistics(e))])
    }

    /// An equation as an APA table: b, SE, t, p and the t-based interval, with R² and the overall F in the title.
    static func equationTable(_ e: PathEquation, level: Double, title: String) -> ResultTable {
        let rows: [[Cell]] = e.coefficients.map { c in
            [.text(c.term), .number(c.estimate), .number(c.stdError), .number(c.statistic), .number(c.pValue), .interval(c.confLow, c.confHigh)]
        }
        return ResultTable(
            title: "\(title) \(e.outcome): R² = \(NumberFormat.bounded(e.rSquared, places: 3)), F(\(e.dfModel), \(e.dfResidual)) = "
                + "\(NumberFormat.fixed(e.fStatistic, places: 2)), p \(pText(e.fPValue))",
            columns: [TableColumn("Term"), TableColumn("b", kind: .estimate(3), key: "estimate"), TableColumn("SE", kind: .estimate(3), key: "std_error"),
                      TableColumn("t", kind: .decimal(2), key: "statistic"), TableColumn("p", kind: .pValue, key: "p_value"),
                      TableColumn("\(PlotNumber.percent(level)) CI", kind: .interval(3), key: "ci")],
            rows: rows)
    }

    /// "= .045" or "< .001", as APA writes p in running text.
    static func pText(_ p: Double) -> String {
        let text = NumberFormat.pValue(p)
        return text.hasPrefix("<") || text.hasPrefix(">") ? text : "= " + text
    }
}
